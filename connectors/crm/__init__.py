"""The stub CRM: accounts, contacts, cases and notes."""

from connectors.crm.add_note import add_note
from connectors.crm.close_case import close_case
from connectors.crm.escalate_case import escalate_case
from connectors.crm.find_accounts import find_accounts
from connectors.crm.find_cases import find_cases
from connectors.crm.find_contacts import find_contacts
from connectors.crm.get_account import get_account
from connectors.crm.get_case import get_case
from connectors.crm.models import TABLES
from connectors.crm.open_case import open_case
from connectors.crm.set_account_status import set_account_status
from connectors.crm.update_contact import update_contact

OPERATIONS = (
    find_accounts,
    get_account,
    add_note,
    find_contacts,
    update_contact,
    find_cases,
    get_case,
    open_case,
    escalate_case,
    close_case,
    set_account_status,
)

__all__ = ["OPERATIONS", "TABLES"]

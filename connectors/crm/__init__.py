"""The stub CRM: accounts, contacts, cases and notes."""

from connectors.crm.add_note import add_note
from connectors.crm.find_accounts import find_accounts
from connectors.crm.models import TABLES

OPERATIONS = (find_accounts, add_note)

__all__ = ["OPERATIONS", "TABLES"]

"""The deliberate data-quality problems listed in the package docstring, at fixed ids."""

from __future__ import annotations

from connectors.crm.models import Contact
from connectors.demo._dataset import Dataset
from connectors.demo._planted import (
    ACME_INDUSTRIAL,
    ACME_INDUSTRIES,
    BLUE_HARBOR_MARINE,
    NORTHWIND_TRADING,
    ODD_NAME_ACCOUNT,
)
from connectors.erp.models import InvoiceStatus, OrderStatus

STALE_OPEN_ORDER = "SO-1133"
STALE_OPEN_INVOICE = "INV-2119"
"""Acme Industrial: unpaid, due 20 days before ``today``, still marked ``open``."""
STALE_OPEN_DAYS_PAST_DUE = 20
NO_PHONE_CONTACT = "CON-1024"
"""Northwind Trading Co.: phone is an empty string."""
MALFORMED_EMAIL_CONTACT = "CON-1031"
"""Acme Industries: email without an ``@``."""
DUPLICATE_CONTACTS = ("CON-1045", "CON-1139")
"""Blue Harbor Marine: the same person entered twice, phone formatted differently."""
ERP_NAMES = {ODD_NAME_ACCOUNT: "Pinecrest Janitorial Supply"}
"""Customers the ERP names properly while the CRM does not (``ODD_NAME_ACCOUNT``)."""


def plant_contacts(data: Dataset) -> None:
    data.contacts += [
        Contact(
            id=NO_PHONE_CONTACT,
            account_id=NORTHWIND_TRADING,
            name="Sofia Brandt",
            title="Accounts Payable Specialist",
            email="sofia.brandt@northwindtradingco.com",
            phone="",
        ),
        Contact(
            id=MALFORMED_EMAIL_CONTACT,
            account_id=ACME_INDUSTRIES,
            name="Dana Whitfield",
            title="Procurement Lead",
            email="dana.whitfield.acmeindustries.com",
            phone="+1-404-555-0163",
        ),
    ]
    for contact_id, phone in zip(
        DUPLICATE_CONTACTS, ("+1-206-555-0117", "(206) 555-0117"), strict=True
    ):
        data.contacts.append(
            Contact(
                id=contact_id,
                account_id=BLUE_HARBOR_MARINE,
                name="Luis Ortega",
                title="Purchasing Manager",
                email="luis.ortega@blueharbormarine.com",
                phone=phone,
            )
        )


def plant_stale_invoice(data: Dataset) -> None:
    c = data.clock
    shipped = STALE_OPEN_DAYS_PAST_DUE + 30
    order = data.add_order(
        STALE_OPEN_ORDER,
        ACME_INDUSTRIAL,
        OrderStatus.DELIVERED,
        [("SKU-SF-006", 3), ("SKU-SF-002", 5)],
        c.at(shipped + 3, 10, 15),
        shipped_at=c.at(shipped, 15, 0),
        delivered_at=c.at(shipped - 2, 11, 30),
    )
    invoice = data.add_invoice(STALE_OPEN_INVOICE, order, c.day(shipped))
    invoice.status = InvoiceStatus.OPEN  # the problem: nobody moved it to overdue

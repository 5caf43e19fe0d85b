"""The stub ERP: customers and credit, products, orders, invoices, payments, refunds."""

from connectors.erp.cancel_order import cancel_order
from connectors.erp.create_refund import create_refund
from connectors.erp.models import TABLES

OPERATIONS = (cancel_order, create_refund)

__all__ = ["OPERATIONS", "TABLES"]

"""The stub ERP: customers and credit, products, orders, invoices, payments, refunds."""

from connectors.erp.cancel_order import cancel_order
from connectors.erp.change_shipping_address import change_shipping_address
from connectors.erp.create_refund import create_refund
from connectors.erp.find_invoices import find_invoices
from connectors.erp.find_orders import find_orders
from connectors.erp.find_products import find_products
from connectors.erp.get_customer import get_customer
from connectors.erp.get_invoice import get_invoice
from connectors.erp.get_order import get_order
from connectors.erp.list_outbox import list_outbox
from connectors.erp.models import TABLES
from connectors.erp.send_payment_reminder import send_payment_reminder
from connectors.erp.set_credit_limit import set_credit_limit

OPERATIONS = (
    get_customer,
    set_credit_limit,
    find_orders,
    get_order,
    change_shipping_address,
    cancel_order,
    find_invoices,
    get_invoice,
    create_refund,
    send_payment_reminder,
    find_products,
    list_outbox,
)

__all__ = ["OPERATIONS", "TABLES"]

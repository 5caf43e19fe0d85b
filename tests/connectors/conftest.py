from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from aios.db import make_engine
from aios.loopback import serve
from connectors.client import Connectors
from connectors.crm.models import Account, Case, Tier
from connectors.erp.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    SalesOrder,
)
from connectors.registry import default_registry
from connectors.server import create_app
from connectors.system import System
from connectors.systems import build_system
from connectors.transport.http import HttpTransport
from connectors.transport.inprocess import InProcessTransport

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


@pytest.fixture
def systems(tmp_path) -> dict[str, System]:
    built = {
        name: build_system(name, make_engine(f"sqlite:///{tmp_path / name}.db"), _clock)
        for name in ("crm", "erp")
    }
    with built["crm"].session() as s:
        s.add(
            Account(
                id="ACC-1001",
                name="Blue Harbor Logistics",
                tier=Tier.GOLD,
                industry="Logistics",
                region="North",
                credit_rating="B",
                owner="alice",
                created_at=NOW - timedelta(days=400),
            )
        )
        s.flush()
        s.add(
            Case(
                id="CS-1001",
                account_id="ACC-1001",
                subject="SO-1042 arrived damaged",
                owner="alice",
                created_at=NOW,
                sla_due_at=NOW + timedelta(hours=48),
            )
        )
        s.commit()
    with built["erp"].session() as s:
        s.add(
            Customer(
                account_id="ACC-1001",
                name="Blue Harbor Logistics",
                credit_limit_cents=2_500_000,
                billing_address="1 Quay Street, Portland, ME 04101",
                billing_email="ap@blueharbor.example",
            )
        )
        s.flush()
        s.add(
            SalesOrder(
                id="SO-1042",
                account_id="ACC-1001",
                status=OrderStatus.DELIVERED,
                ordered_at=NOW - timedelta(days=10),
                delivered_at=NOW - timedelta(days=6),
                shipping_address="1 Quay Street, Portland, ME 04101",
                total_cents=48_000,
            )
        )
        s.flush()  # no ORM relationships, so parents must be written before children
        s.add(
            Invoice(
                id="INV-2001",
                account_id="ACC-1001",
                order_id="SO-1042",
                status=InvoiceStatus.PAID,
                amount_cents=48_000,
                paid_cents=48_000,
                issued_on=date(2026, 11, 10),
                due_on=date(2026, 12, 10),
            )
        )
        s.commit()
    return built


@pytest.fixture(params=["inprocess", "http"])
def connectors(request, systems) -> Iterator[Connectors]:
    """The same contract, reached in-process and over real HTTP on loopback."""
    if request.param == "inprocess":
        yield Connectors(default_registry(), InProcessTransport(systems))
        return
    with serve(create_app(systems["crm"])) as crm_url, serve(create_app(systems["erp"])) as erp_url:
        transport = HttpTransport({"crm": crm_url, "erp": erp_url}, retries=0)
        yield Connectors(default_registry(), transport)
        transport.close()

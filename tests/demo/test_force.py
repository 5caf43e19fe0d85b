"""Seeding twice does nothing unless forced; forced, it starts both systems over."""

from __future__ import annotations

from sqlmodel import select

from connectors.crm.models import Note
from connectors.demo import seed
from connectors.erp.models import Customer
from connectors.idempotency import IdempotencyRecord
from connectors.system import System

from .conftest import TODAY, dump, rows

Systems = dict[str, System]


def test_a_first_seed_writes_and_reports_the_counts(systems: Systems) -> None:
    report = seed(systems, seed=42, today=TODAY)

    assert not report.already_seeded
    assert (report.seed, report.today) == (42, TODAY)
    assert report.counts["crm"]["accounts"] == len(dump(systems)["accounts"]) == 60
    assert set(report.counts) == {"crm", "erp"}
    assert set(report.counts["erp"]) >= {"customers", "sales_orders", "invoices", "outbox"}


def test_seeding_again_without_force_changes_nothing(fresh: Systems) -> None:
    with fresh["crm"].session() as session:
        session.delete(session.exec(select(Note)).first())
        session.commit()
    before = dump(fresh)

    report = seed(fresh, seed=7, today=TODAY)

    assert report.already_seeded
    assert report.counts["crm"]["notes"] == len(before["notes"])
    assert dump(fresh) == before


def test_an_erp_with_customers_counts_as_seeded(systems: Systems) -> None:
    with systems["erp"].session() as session:
        session.add(
            Customer(
                account_id="ACC-9999",
                name="Someone Else",
                credit_limit_cents=0,
                billing_address="1 Main St",
                billing_email="ap@someone.example",
            )
        )
        session.commit()

    assert seed(systems, today=TODAY).already_seeded
    assert [c.account_id for c in rows(systems, Customer)] == ["ACC-9999"]


def test_force_starts_both_systems_over(fresh: Systems, systems: Systems) -> None:
    pristine = dump(fresh)
    fresh["erp"].execute(
        "cancel_order", {"order_id": "SO-1090", "reason": "testing"}, idempotency_key="k-1"
    )
    fresh["crm"].execute(
        "add_note", {"account_id": "ACC-1001", "author": "bob", "body": "hi"}, "k-2"
    )
    assert dump(fresh) != pristine

    report = seed(fresh, seed=42, today=TODAY, force=True)

    assert not report.already_seeded
    assert dump(fresh) == pristine
    for system in fresh.values():
        with system.session() as session:
            assert session.exec(select(IdempotencyRecord)).first() is None


def test_force_with_another_seed_leaves_nothing_of_the_first(fresh: Systems) -> None:
    seed(fresh, seed=7, today=TODAY, force=True)
    names_7 = sorted(a["name"] for a in dump(fresh)["accounts"])

    seed(fresh, seed=42, today=TODAY, force=True)
    seed(fresh, seed=7, today=TODAY, force=True)

    assert sorted(a["name"] for a in dump(fresh)["accounts"]) == names_7

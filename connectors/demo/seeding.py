"""Seeding the stub CRM and ERP with the demo dataset, once or over again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from random import Random

from faker import Faker
from pydantic import BaseModel, Field
from sqlalchemy import Table, func, text
from sqlmodel import Session, SQLModel, delete, select

from connectors.crm import models as crm_models
from connectors.demo import _planted, _quality
from connectors.demo._accounts import add_accounts, add_contacts
from connectors.demo._billing import add_invoices, add_refunds, add_reminders
from connectors.demo._cases import add_account_notes, add_cases
from connectors.demo._dataset import Dataset, DemoClock
from connectors.demo._orders import add_orders, add_products
from connectors.erp import models as erp_models
from connectors.system import System

DEMO_TABLES: dict[str, tuple[type[SQLModel], ...]] = {
    "crm": crm_models.TABLES,
    "erp": erp_models.TABLES,
}


class SeedReport(BaseModel):
    """What ``seed`` found or wrote."""

    seed: int = Field(description="Seed of the random generators.")
    today: date = Field(description="The day every date in the dataset is relative to.")
    already_seeded: bool = Field(
        False, description="The systems already held data, so nothing was written."
    )
    counts: dict[str, dict[str, int]] = Field(
        description="Rows per table, by system, after the call."
    )


def build_dataset(seed: int, today: date) -> Dataset:
    """All rows of the demo dataset, in memory; the same arguments give the same rows."""
    rng = Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    data = Dataset(DemoClock(today))
    add_products(data, rng)
    add_accounts(data, rng, fake)
    _planted.plant_contacts(data)
    _quality.plant_contacts(data)
    add_contacts(data, rng, fake)
    _planted.plant_orders(data)
    _quality.plant_stale_invoice(data)
    add_orders(data, rng)
    add_invoices(data, rng)
    add_refunds(data, rng)
    add_reminders(data, rng)
    _planted.plant_cases(data)
    add_cases(data, rng)
    add_account_notes(data, rng)
    return data


def seed(
    systems: Mapping[str, System], *, seed: int = 42, today: date, force: bool = False
) -> SeedReport:
    """Fill the ``crm`` and ``erp`` systems with the demo dataset for ``seed`` and ``today``.

    Systems that already hold accounts or customers are left alone unless ``force`` is set;
    then every row of both systems is deleted and the dataset written anew, in one transaction
    per system.
    """
    crm, erp = systems["crm"], systems["erp"]
    if not force and _has_data(crm, erp):
        return SeedReport(seed=seed, today=today, already_seeded=True, counts=count_rows(systems))
    data = build_dataset(seed, today)
    for system, batches in ((crm, data.crm_batches()), (erp, data.erp_batches())):
        with system.session() as session:
            _delete_all(session, system)
            for rows in batches:  # the unit of work does not order inserts by foreign key
                session.add_all(rows)
                session.flush()
            _advance_sequences(session, system)
            session.commit()
    return SeedReport(seed=seed, today=today, counts=count_rows(systems))


def count_rows(systems: Mapping[str, System]) -> dict[str, dict[str, int]]:
    """Rows in each demo table, by system."""
    counts: dict[str, dict[str, int]] = {}
    for name, tables in DEMO_TABLES.items():
        with systems[name].session() as session:
            counts[name] = {str(table.__tablename__): _count(session, table) for table in tables}
    return counts


def _count(session: Session, table: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _has_data(crm: System, erp: System) -> bool:
    with crm.session() as session:
        if _count(session, crm_models.Account):
            return True
    with erp.session() as session:
        return bool(_count(session, erp_models.Customer))


def _tables(system: System) -> list[Table]:
    """The system's tables, parents before the children that refer to them."""
    names = {
        str(table.__tablename__)
        for table in system.tables
        if isinstance(table, type) and issubclass(table, SQLModel)
    }
    return [table for table in SQLModel.metadata.sorted_tables if table.name in names]


def _delete_all(session: Session, system: System) -> None:
    for table in reversed(_tables(system)):
        session.exec(delete(table))


def _advance_sequences(session: Session, system: System) -> None:
    """Move PostgreSQL's id sequences past the ids the dataset set itself.

    Notes, order lines and outbox messages get explicit ids so that they are the same on every
    backend; PostgreSQL would otherwise hand the next note id 1 again. SQLite needs nothing.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in _tables(system):
        column = table.autoincrement_column
        if column is None:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name, "column": column.name},
        )

"""The stub systems we ship, built on whatever engines the caller hands in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from connectors import crm, erp
from connectors.clock import utc_now
from connectors.system import System

SYSTEMS = {"crm": crm, "erp": erp}


def build_system(
    name: str,
    engine: Engine,
    clock: Callable[[], datetime] = utc_now,
    *,
    create_tables: bool = True,
) -> System:
    """System ``name`` on ``engine``. ``create_tables`` makes its tables as the models declare
    them, for a throwaway database; aios opens lasting ones migrated instead (aios/migrations)."""
    module = SYSTEMS[name]
    system = System(name, engine, module.OPERATIONS, module.TABLES, clock)
    if create_tables:
        system.create_tables()
    return system

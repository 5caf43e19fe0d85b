"""The demo company in one call: the stub systems' rows and the demo operators."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from aios.identity import demo_users
from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory
from aios.wiring import open_systems
from connectors.demo import SeedReport
from connectors.demo import seed as seed_systems


def seed_demo(settings: Settings, *, seed: int | None = None, force: bool = False) -> SeedReport:
    """Seed the CRM and ERP (dated relative to today, UTC) and add the missing demo operators;
    those without a password of their own get the demo password (``AIOS_DEMO_PASSWORD``).

    Systems that already hold data are left alone unless ``force`` is set (see
    ``connectors.demo.seed``); operators that exist, deactivated ones too, stay as they are.
    """
    directory = open_directory(settings, load_policy(settings.policy_file).policy.roles)
    try:
        directory.seed(demo_users().values(), settings.demo_password.get_secret_value())
    finally:
        directory.engine.dispose()
    systems = open_systems(settings)
    try:
        return seed_systems(
            systems,
            seed=settings.demo_seed if seed is None else seed,
            today=datetime.now(UTC).date(),
            force=force,
        )
    finally:
        for system in systems.values():
            system.engine.dispose()


@contextmanager
def scratch_demo(settings: Settings) -> Iterator[Settings]:
    """``settings`` on a throw-away data directory holding the seeded demo company, whatever
    databases ``settings`` points at: a benchmark or a drill never touches real data."""
    with tempfile.TemporaryDirectory(prefix="aios-scratch-") as tmp:
        own = {
            "data_dir": Path(tmp),
            "state_url": None,
            "crm_url": None,
            "erp_url": None,
            "checkpoint_url": None,
        }
        demo = settings.model_copy(update=own)
        seed_demo(demo)
        yield demo

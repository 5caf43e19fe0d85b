"""The systems' own clock hands out times their tables accept.

sqlmodel 0.0.50 stores a plain ``datetime`` column as aware UTC and refuses a naive value, so a
naive ``utc_now()`` makes every write fail; the fixtures' fixed clock would not notice.
"""

from __future__ import annotations

from pathlib import Path

from aios.db import make_engine
from connectors.clock import utc_now
from connectors.crm.models import Account, Tier
from connectors.systems import build_system


def test_a_write_with_the_default_clock_succeeds(tmp_path: Path) -> None:
    crm = build_system("crm", make_engine(f"sqlite:///{tmp_path}/crm.db"))
    with crm.session() as session:
        session.add(
            Account(
                id="ACC-1001", name="Harbor Foods", tier=Tier.GOLD, industry="Food",
                region="EMEA", credit_rating="A", owner="maria", created_at=utc_now(),
            )
        )  # fmt: skip
        session.commit()

    note = crm.execute(
        "add_note", {"account_id": "ACC-1001", "author": "maria", "body": "Hi"}, "note-1"
    )

    assert note.body == "Hi"
    crm.engine.dispose()

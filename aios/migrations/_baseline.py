"""What the baseline migrations share: a database made before migrations existed."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def absent(table: str) -> bool:
    """Whether the baseline must create ``table``: a database made by ``create_all`` before
    aios had migrations already holds some of its tables (each store created its own), and
    keeps them with their rows."""
    return not sa.inspect(op.get_bind()).has_table(table)


def drop_enums(*names: str) -> None:
    """Drop PostgreSQL's enum types of dropped tables (dropping a table leaves them)."""
    bind = op.get_bind()
    for name in names:
        sa.Enum(name=name).drop(bind, checkfirst=True)

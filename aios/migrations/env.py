"""The Alembic environment of every aios database; ``aios.migrations.config`` says which one.

Migrations always run on a connection the caller opened (``aios.migrations.upgrade``, or the
test that compares a database with the models); there is no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context

from aios.migrations import version_table
from aios.migrations.catalog import metadata, only_ours

config = context.config
database: str = config.attributes["database"]
connection = config.attributes["connection"]
if connection is None:
    raise RuntimeError("aios migrations run on a connection: use aios.migrations.upgrade")

context.configure(
    connection=connection,
    target_metadata=metadata(database),
    version_table=version_table(database),
    include_name=only_ours(database),
    # SQLite alters a table by copying it; batch mode lets one migration serve both backends.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()

"""What an attacker with database access does, as direct SQL, each with a way to undo it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from aios.audit.table import AUDIT_TABLE

Undo = Callable[[], None]
T = AUDIT_TABLE
COLUMNS = tuple(c.name for c in T.c)


def rows(engine: Engine, seqs: Iterable[int]) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        result = conn.execute(select(T).where(T.c.seq.in_(list(seqs))).order_by(T.c.seq))
        return [dict(r._mapping) for r in result]


def last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(T.c.seq))).scalar_one() or 0)


def _restoring(engine: Engine, originals: list[dict[str, Any]], extra: Iterable[int] = ()) -> Undo:
    seqs = [r["seq"] for r in originals] + list(extra)

    def undo() -> None:
        with engine.begin() as conn:
            conn.execute(delete(T).where(T.c.seq.in_(seqs)))
            conn.execute(insert(T), originals)

    return undo


def changed(column: str, value: Any) -> Any:
    """A different value of the kind the column holds."""
    if column == "seq":
        return value + 1_000_000  # moved past the end
    if value is None:
        return "x"
    if column in ("hash", "prev_hash"):
        return value[:-1] + ("1" if value[-1] != "1" else "2")
    if column in ("recorded_at", "occurred_at"):
        return value[:-1] + ("1" if value[-1] != "1" else "2")
    if column == "arguments":
        return value.replace('"amount_cents":', '"amount_cents":9')
    return value + "x"


def edit(engine: Engine, seq: int, column: str) -> Undo:
    (original,) = rows(engine, [seq])
    new = changed(column, original[column])
    with engine.begin() as conn:
        conn.execute(update(T).where(T.c.seq == seq).values({column: new}))
    return _restoring(engine, [original], [new] if column == "seq" else [])


def remove(engine: Engine, *seqs: int) -> Undo:
    originals = rows(engine, seqs)
    with engine.begin() as conn:
        conn.execute(delete(T).where(T.c.seq.in_(seqs)))
    return _restoring(engine, originals)


def swap(engine: Engine, i: int, j: int) -> Undo:
    """Exchange two rows' places: everything but seq moves."""
    first, second = rows(engine, [i, j])
    with engine.begin() as conn:
        for target, source in ((first, second), (second, first)):
            content = {k: v for k, v in source.items() if k != "seq"}
            conn.execute(update(T).where(T.c.seq == target["seq"]).values(content))
    return _restoring(engine, [first, second])


def truncate(engine: Engine, count: int) -> Undo:
    last = last_seq(engine)
    return remove(engine, *range(last - count + 1, last + 1))

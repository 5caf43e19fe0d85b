"""What an attacker with database access does to the audit table, as direct SQL, each with a
way to undo it; and the drill that does it at random and counts what verify caught."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, delete, func, insert, select, update

from aios.audit.models import AuditEvent
from aios.audit.table import AUDIT_TABLE
from aios.audit.trail import AuditTrail

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


class TamperDrill(BaseModel):
    rows: int
    tamperings: int
    detected: int
    at_the_right_seq: int
    detection_rate: float
    seconds: float


def _event(i: int) -> AuditEvent:
    return AuditEvent(
        kind="tool.succeeded",
        actor="drill",
        session_id=f"drill-{i % 50}",
        step="act:0",
        tool="erp.create_refund",
        arguments={"invoice_id": f"INV-{i}", "amount_cents": 100 + i},
        result={"id": f"CN-{i}"},
    )


def tamper_drill(
    trail: AuditTrail, rows: int = 10_000, tamperings: int = 1_000, seed: int = 20261201
) -> TamperDrill:
    """Fill ``trail`` (empty, with a head store) with ``rows`` rows, then ``tamperings`` times
    edit, delete, swap or truncate at random, verify, and undo."""
    for start in range(0, rows, 1000):
        trail.append_many([_event(i) for i in range(start, min(start + 1000, rows))])
    rng, engine = random.Random(seed), trail.engine
    detected = right = 0
    started = time.perf_counter()
    for _ in range(tamperings):
        mode = rng.choice(("edit", "remove", "swap", "truncate"))
        if mode == "edit":
            seq = rng.randint(1, rows)
            undo, expected = edit(engine, seq, rng.choice(COLUMNS)), seq
        elif mode == "remove":
            seq = rng.randint(1, rows - 1)
            undo, expected = remove(engine, seq), seq
        elif mode == "swap":
            i, j = sorted(rng.sample(range(1, rows + 1), 2))
            undo, expected = swap(engine, i, j), i
        else:
            count = rng.randint(1, 50)
            undo, expected = truncate(engine, count), rows - count + 1
        report = trail.verify()
        detected += not report.ok
        right += report.first_broken_seq == expected
        undo()
    return TamperDrill(
        rows=rows,
        tamperings=tamperings,
        detected=detected,
        at_the_right_seq=right,
        detection_rate=round(detected / tamperings, 4),
        seconds=round(time.perf_counter() - started, 2),
    )

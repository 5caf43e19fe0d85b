"""Re-checking the whole chain from seq 1: every row's hash, every link, and the saved head.

The scan stops at the first break and names it; only then, off the fast path, does it look
around (two lookups) to tell a moved row from an edited one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from aios.audit._canonical import GENESIS, HASHED_FIELDS, row_hash
from aios.audit._pages import pages
from aios.audit.head import HeadForged, HeadStore
from aios.audit.models import Break, ChainHead, VerifyReport
from aios.audit.table import AUDIT_TABLE, HASHED_COLUMNS

_SEQ = HASHED_FIELDS.index("seq")
_PREV = HASHED_FIELDS.index("prev_hash")


def verify_chain(engine: Engine, head_store: HeadStore | None, page_size: int) -> VerifyReport:
    """Verify every row in seq order, then compare the newest rows with the saved head."""
    saved: ChainHead | None = None
    head_error, forged = None, None
    if head_store is not None:
        try:
            saved = head_store.read()
        except HeadForged as exc:
            forged = str(exc)
        except (OSError, ValueError) as exc:
            head_error = str(exc)
    # The head is read before the scan: appends commit before they save the head, so every row
    # the head names is already visible to the scan that follows.
    expected, prev, head_row_hash = 1, GENESIS, None
    strays: list[Any] = []
    head_seq = -1 if saved is None else saved.seq
    for page in pages(engine, (*HASHED_COLUMNS, AUDIT_TABLE.c.hash), page_size):
        for row in page:
            values, stored = row[:-1], row[-1]
            seq: Any = values[_SEQ]
            if seq != expected:
                if type(seq) is int and seq > expected:
                    reason = f"seq {expected} is missing: the next row is seq {seq}"
                    return _broken(expected - 1, expected, Break.ROW_MISSING, reason, strays)
                strays.append(seq)  # a seq moved below the chain, or stored as text on SQLite
                continue
            try:  # inline, not _hash_or_none: this loop is verify's whole cost
                digest: str | None = row_hash(values)
            except (TypeError, ValueError):
                digest = None
            if digest != stored or values[_PREV] != prev:
                problem, reason = _diagnose(engine, values, stored, prev, saved)
                return _broken(expected - 1, expected, problem, reason, strays)
            if seq == head_seq:
                head_row_hash = stored
            prev = stored
            expected += 1
    last = expected - 1
    if strays:
        reason = f"a row outside the chain carries seq {strays[0]!r}"
        return _broken(last, _int_or_none(strays[0]), Break.CONTENT_EDITED, reason, [])
    if head_store is None:
        return VerifyReport(ok=True, rows_checked=last, last_seq=last)
    if forged is not None:
        return _broken(last, None, Break.HEAD_MISMATCH, forged, [])
    if head_error is not None:
        return _broken(last, None, Break.HEAD_MISSING, head_error, [])
    report = _check_head(last, saved, head_row_hash)
    return report.model_copy(update={"head_signed": head_store.signed and saved is not None})


def _check_head(last: int, saved: ChainHead | None, head_row_hash: str | None) -> VerifyReport:
    if saved is None:
        if last == 0:
            # A trail is given a head of seq 0 when it is set up (AuditTrail.create_tables), so
            # an empty table without one is not a new trail: every row and the head may have
            # been deleted, and nothing here can tell otherwise.
            reason = (
                "cannot verify: the chain head is missing and the table is empty; every row "
                "and the head may have been deleted"
            )
            return _broken(0, None, Break.HEAD_MISSING, reason, [])
        reason = "no chain head was saved, so deleted newest rows could go unnoticed"
        return _broken(last, None, Break.HEAD_MISSING, reason, [])
    if saved.seq == 0:
        # The head of a new trail; the first append replaces it. Rows without a head of their
        # own yet are appends racing verify.
        return VerifyReport(
            ok=True, rows_checked=last, last_seq=last, head=saved, rows_after_head=last
        )
    if saved.seq > last:
        reason = (
            f"rows {last + 1}..{saved.seq} were deleted from the end: the table ends at seq "
            f"{last}, the saved head is seq {saved.seq}"
        )
        return _broken(last, last + 1, Break.TRUNCATED, reason, [], saved)
    if head_row_hash != saved.hash:
        reason = f"seq {saved.seq} is not the row the saved head sealed: the chain was rewritten"
        return _broken(last, saved.seq, Break.HEAD_MISMATCH, reason, [], saved)
    return VerifyReport(
        ok=True, rows_checked=last, last_seq=last, head=saved, rows_after_head=last - saved.seq
    )


def _diagnose(
    engine: Engine, values: Sequence[Any], stored: Any, prev: str, saved: ChainHead | None
) -> tuple[Break, str]:
    seq = values[_SEQ]
    origin = _written_as(engine, values, stored, saved)
    if origin is not None:
        return Break.ROWS_REORDERED, f"seq {seq} holds the row written as seq {origin}"
    if values[_PREV] != prev:
        previous = "the genesis hash" if seq == 1 else f"the hash of seq {seq - 1}"
        return Break.PREV_LINK_BROKEN, f"prev_hash of seq {seq} is not {previous}"
    return Break.CONTENT_EDITED, f"seq {seq} no longer matches its hash: a column was edited"


def _written_as(
    engine: Engine, values: Sequence[Any], stored: Any, saved: ChainHead | None
) -> int | None:
    """The seq this row was sealed under, when it is intact but sits at another seq."""
    table = AUDIT_TABLE
    with engine.connect() as conn:
        # An intact row's neighbours still point at it: the row after names its hash, the row
        # before holds its prev_hash, and the saved head may name it when it was the newest.
        after = conn.execute(select(table.c.seq).where(table.c.prev_hash == stored)).scalars()
        before = conn.execute(select(table.c.seq).where(table.c.hash == values[_PREV])).scalars()
        candidates = {s - 1 for s in after if type(s) is int}
        candidates |= {s + 1 for s in before if type(s) is int}
    if saved is not None and saved.hash == stored:
        candidates.add(saved.seq)
    candidates.discard(values[_SEQ])
    for candidate in sorted(candidates):
        moved = [*values[:_SEQ], candidate, *values[_SEQ + 1 :]]
        if _hash_or_none(moved) == stored:
            return candidate
    return None


def _hash_or_none(values: Sequence[Any]) -> str | None:
    try:
        return row_hash(values)
    except (TypeError, ValueError):  # a tampered cell of a type no genuine row holds
        return None


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def _broken(
    checked: int,
    first: int | None,
    problem: Break,
    reason: str,
    strays: list[Any],
    saved: ChainHead | None = None,
) -> VerifyReport:
    if strays:
        reason += f" (and a row outside the chain carries seq {strays[0]!r})"
    return VerifyReport(
        ok=False,
        rows_checked=checked,
        first_broken_seq=first,
        problem=problem,
        reason=reason,
        last_seq=checked,
        head=saved,
    )

"""Every kind of tampering is detected, at the right seq, for the right reason."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from aios.audit import AuditTrail, Break
from aios.audit._canonical import HASHED_FIELDS, row_hash
from aios.safety import tamper as _tamper
from aios.safety.tamper import COLUMNS, T, tamper_drill
from tests.audit.conftest import Backend, event

N = 30


@pytest.fixture
def chain(backend: Backend) -> AuditTrail:
    trail = backend.trail()
    trail.append_many([event(i) for i in range(N)])
    return trail


def _assert_broken(trail: AuditTrail, seq: int | None, problem: Break) -> None:
    report = trail.verify()
    assert not report.ok
    assert (report.first_broken_seq, report.problem) == (seq, problem), report.reason
    assert report.reason


EXPECTED_PROBLEM = {"seq": Break.ROW_MISSING, "prev_hash": Break.PREV_LINK_BROKEN}


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("seq", [1, 17, N])
def test_editing_any_column_of_any_row_is_detected(
    chain: AuditTrail, backend: Backend, column: str, seq: int
) -> None:
    _tamper.edit(backend.engine, seq, column)

    _assert_broken(chain, seq, EXPECTED_PROBLEM.get(column, Break.CONTENT_EDITED))


def test_a_changed_refund_amount_is_detected(chain: AuditTrail, backend: Backend) -> None:
    _tamper.edit(backend.engine, 12, "arguments")

    report = chain.verify()

    assert report.first_broken_seq == 12
    assert report.reason == "seq 12 no longer matches its hash: a column was edited"
    assert report.rows_checked == 11


def test_deleting_a_row_in_the_middle_is_detected(chain: AuditTrail, backend: Backend) -> None:
    _tamper.remove(backend.engine, 9)

    _assert_broken(chain, 9, Break.ROW_MISSING)


@pytest.mark.parametrize(("i", "j"), [(3, 20), (10, 11), (5, N), (N - 1, N), (1, 2)])
def test_swapping_two_rows_is_detected_as_reordering(
    chain: AuditTrail, backend: Backend, i: int, j: int
) -> None:
    _tamper.swap(backend.engine, i, j)

    _assert_broken(chain, i, Break.ROWS_REORDERED)
    assert chain.verify().reason == f"seq {i} holds the row written as seq {j}"


@pytest.mark.parametrize("count", [1, 5, N])
def test_deleting_the_newest_rows_is_caught_by_the_head(
    chain: AuditTrail, backend: Backend, count: int
) -> None:
    _tamper.truncate(backend.engine, count)

    _assert_broken(chain, N - count + 1, Break.TRUNCATED)


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link(
    chain: AuditTrail, backend: Backend
) -> None:
    _forge(backend, 14)

    _assert_broken(chain, 15, Break.PREV_LINK_BROKEN)


def test_rewriting_the_newest_row_is_caught_by_the_head(
    chain: AuditTrail, backend: Backend
) -> None:
    _forge(backend, N)

    _assert_broken(chain, N, Break.HEAD_MISMATCH)


def test_a_missing_head_is_reported(chain: AuditTrail, backend: Backend) -> None:
    backend.head_path.unlink()

    _assert_broken(chain, None, Break.HEAD_MISSING)


def test_a_damaged_head_is_reported(chain: AuditTrail, backend: Backend) -> None:
    backend.head_path.write_text("{not json")

    _assert_broken(chain, None, Break.HEAD_MISSING)


def test_a_row_moved_below_the_chain_is_detected(chain: AuditTrail, backend: Backend) -> None:
    with backend.engine.begin() as conn:
        conn.execute(update(T).where(T.c.seq == 8).values(seq=0))

    report = chain.verify()

    assert (report.first_broken_seq, report.problem) == (8, Break.ROW_MISSING)
    assert report.reason is not None and "seq 0" in report.reason


def _forge(backend: Backend, seq: int) -> None:
    """Edit a row and recompute its own hash, as someone who knows the scheme would."""
    (row,) = _tamper.rows(backend.engine, [seq])
    row["actor"] = "mallory"
    new_hash = row_hash(row[name] for name in HASHED_FIELDS)
    with backend.engine.begin() as conn:
        conn.execute(update(T).where(T.c.seq == seq).values(actor="mallory", hash=new_hash))


def test_random_tampering_is_always_detected(backend: Backend) -> None:
    trail = backend.trail()
    drill = tamper_drill(trail, rows=2_000, tamperings=200, seed=20261120)

    assert (drill.detected, drill.at_the_right_seq) == (200, 200)
    assert trail.verify().ok  # every tampering was undone

"""Searching the trail in SQL, on every backend: each filter, newest first, the records nobody
answered yet, and counts per hour. Searching reads; the chain still verifies."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from aios.audit import AuditTrail
from aios.audit.trail import AuditFilter
from tests.audit.conftest import T0, Backend, event


def _seqs(trail: AuditTrail, limit: int = 100, **where: Any) -> list[int]:
    return [r.seq for r in trail.newest(AuditFilter(**where), limit)]


def test_each_filter_narrows_the_search_newest_first(trail: AuditTrail) -> None:
    trail.append_many(
        [
            event(kind="policy.decided", policy_decision="confirm"),  # 1
            event(actor="bob", on_behalf_of=None, tool="crm.add_note"),  # 2
            event(actor="carol", on_behalf_of="bob", policy_decision="DENY"),  # 3
            event(kind="tool.failed", arguments={"account_id": "ACC-1004"}),  # 4
            event(result={"invoice": {"account_id": "ACC-1004"}}),  # 5
            event(arguments={"args": {"account_id": "ACC-10045"}}),  # 6: another account
            event(arguments={"note": "ACC-1004 called"}),  # 7: named, not as account_id
        ]
    )

    assert _seqs(trail) == [7, 6, 5, 4, 3, 2, 1]
    assert _seqs(trail, limit=2) == [7, 6]
    assert _seqs(trail, user="bob") == [3, 2]
    assert _seqs(trail, tool="crm.add_note") == [2]
    assert _seqs(trail, decision="deny") == [3]
    assert _seqs(trail, decision="Confirm") == [7, 6, 5, 4, 2, 1]
    assert _seqs(trail, kind="tool.failed") == [4]
    assert _seqs(trail, account="ACC-1004") == [5, 4]
    assert _seqs(trail, account="acc-1004") == [5, 4]
    assert _seqs(trail, account="ACC-1004", kind="tool.failed") == [4]
    assert _seqs(trail, account="ACC_1004") == []  # _ is no wildcard
    assert _seqs(trail, account="%") == []
    assert trail.verify().ok


def test_since_compares_moments_whatever_their_zone(backend: Backend) -> None:
    trail = backend.trail()
    trail.append_many(
        [event(occurred_at=T0 + timedelta(minutes=m)) for m in (0, 10, 20)]  # naive UTC
    )

    assert _seqs(trail, since=T0 + timedelta(minutes=10)) == [3, 2]
    an_hour_east = timezone(timedelta(hours=1))
    assert _seqs(trail, since=(T0 + timedelta(minutes=71)).replace(tzinfo=an_hour_east)) == [3]


def test_unanswered_records_are_those_no_later_answer_of_their_session_and_tool_follows(
    trail: AuditTrail,
) -> None:
    ask = {"kind": "policy.decided", "policy_decision": "confirm"}
    trail.append_many(
        [
            event(session_id="a", **ask),  # 1: answered by 2
            event(session_id="a", kind="confirmation.given"),  # 2
            event(session_id="a", **ask),  # 3: asked again, waits
            event(session_id="b", **ask),  # 4: only another session answers (5)
            event(session_id="c", kind="confirmation.given"),  # 5
            event(session_id="d", tool="crm.add_note", **ask),  # 6: another tool answers (7)
            event(session_id="d", kind="confirmation.given"),  # 7
        ]
    )

    waiting = AuditFilter(kind="policy.decided", unanswered_by=("confirmation.given",))
    assert [(r.seq, r.session_id) for r in trail.newest(waiting, 10)] == [
        (6, "d"),
        (4, "b"),
        (3, "a"),
    ]


def test_counts_per_hour_of_records_and_of_appends(backend: Backend) -> None:
    hour = timedelta(hours=1)
    moments = iter([T0, T0 + hour, T0 + hour, T0 + hour + timedelta(minutes=5)])
    trail = backend.trail(clock=lambda: next(moments))
    trail.append_many([event(step="understand"), event(step="understand")])  # one append
    trail.append(event(step="act", kind="tool.succeeded"))
    trail.append(event(step="understand", session_id="s-2"))
    trail.append(event(step="understand", session_id="s-3"))

    assert trail.by_hour(AuditFilter()) == {"2026-11-20T12": 2, "2026-11-20T13": 3}
    turns = AuditFilter(steps=("understand",))
    assert trail.by_hour(turns, appends=True) == {"2026-11-20T12": 1, "2026-11-20T13": 2}
    assert trail.by_hour(AuditFilter(kind="tool.succeeded")) == {"2026-11-20T13": 1}

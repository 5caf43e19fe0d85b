"""Audit rows are held and appended together, but nothing a lookup returned is shown before
the lookup is on the trail, and the rows keep the order things happened in."""

from __future__ import annotations

from aios.audit import open_trail

OVERVIEW = "give me an overview of Blue Harbor Logistics"


def test_each_lookup_is_on_the_trail_before_its_result_is_shown(runtime, users, demo_settings):
    trail = open_trail(demo_settings)

    def on_trail() -> list[tuple[str, str | None]]:
        return [(r.kind, r.tool) for r in trail.records(session_id="held-1")]

    seen = []
    for event in runtime.assistant.handle("held-1", users["alice"], OVERVIEW):
        if event.type == "plan":
            assert ("tool.read", "crm.find_accounts") in on_trail()
        if event.type == "step_finished":
            # The next lookup may already be on the trail too: the run goes on while this
            # event is read. This one's decision and read must be there, one after the other.
            rows = on_trail()
            read = rows.index(("tool.read", event.tool))
            assert rows[read - 1] == ("policy.decided", event.tool)
            seen.append(event.tool)
    assert seen == ["crm.get_account", "erp.get_customer", "erp.find_invoices"]
    assert trail.verify().ok


def test_a_paused_write_leaves_its_decision_on_the_trail(runtime, users, demo_settings):
    events = list(runtime.assistant.handle("held-2", users["alice"], "refund $3 on SO-1042"))
    assert [e.type for e in events] == ["plan", "confirmation_required", "done"]
    rows = list(open_trail(demo_settings).records(session_id="held-2"))
    assert [(r.kind, r.step) for r in rows][-1] == ("policy.decided", "guard")

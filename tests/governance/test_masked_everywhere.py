"""Personal data reaches people and the audit trail only as the masking policy allows."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aios.assistant.factory import build_runtime
from aios.audit import open_trail
from aios.cli.main import app
from aios.knowledge.service import KnowledgeBase
from connectors.demo import _planted as planted

NEW_EMAIL = "maya.new@blueharbor.example"


def test_the_trail_stores_a_changed_email_masked(runtime, users, demo_settings):
    alice = users["alice"]
    list(
        runtime.assistant.handle(
            "pii1",
            alice,
            f"change the email of contact {planted.BLUE_HARBOR_CONTACT} to {NEW_EMAIL}",
        )
    )
    done = list(runtime.assistant.handle("pii1", alice, "yes"))
    assert done[-1].status == "completed", done
    stored = json.dumps([r.model_dump(mode="json") for r in open_trail(demo_settings).records()])
    assert NEW_EMAIL not in stored
    assert "m***@blueharbor.example" in stored


def test_an_export_masks_addresses_for_an_auditor_not_for_a_manager(runtime, users):
    carol = users["carol"]
    order = planted.BLUE_HARBOR_PENDING_ORDER
    ask = f"change the shipping address of {order} to 12 Pier Lane, Bath, ME 04530"
    list(runtime.assistant.handle("pii2", carol, ask))
    assert list(runtime.assistant.handle("pii2", carol, "yes"))[-1].status == "completed"
    runner = CliRunner()
    as_auditor = runner.invoke(app, ["audit", "export", "--session", "pii2"]).output
    as_manager = runner.invoke(app, ["audit", "export", "--session", "pii2", "--role", "manager"])
    assert "12 Pier Lane" not in as_auditor and "***, Bath, ME 04530" in as_auditor
    assert "12 Pier Lane, Bath, ME 04530" in as_manager.output


def test_quoted_documents_are_masked_for_the_reader(demo_settings, users, embedder, tmp_path):
    documents = tmp_path / "knowledge"
    documents.mkdir()
    (documents / "escalations.md").write_text(
        "---\ntitle: Escalation contacts\n---\n\n# Who to call about a late delivery\n\n"
        "For a late delivery call the logistics desk on (207) 555-0142 or write to "
        "desk@meridian.example; they answer within one hour.\n"
    )
    base = KnowledgeBase.open(tmp_path / "kb", embedder)
    base.index.ingest([], documents)
    runtime = build_runtime(demo_settings, embedder=embedder, knowledge=base.answerer)
    question = "according to our documents, how do we reach the logistics desk?"
    for user, sees in (("alice", False), ("carol", True)):
        events = list(runtime.assistant.handle(f"doc-{user}", users[user], question))
        assert any(e.type == "message" and e.citations for e in events), events
        reply = json.dumps([e.model_dump(mode="json") for e in events])
        assert ("desk@meridian.example" in reply) is sees, user
        assert ("555-0142" in reply) is sees or "***-***-0142" in reply
    base.close()


def test_the_trail_masks_contact_details_inside_free_text(runtime, users, demo_settings):
    question = "according to our documents, what if ap@kestrel.example calls from (207) 555-0142?"
    list(runtime.assistant.handle("pii3", users["alice"], question))
    stored = json.dumps([r.model_dump(mode="json") for r in open_trail(demo_settings).records()])
    assert "a***@kestrel.example" in stored or "***-***-0142" in stored  # the turn used them
    assert "555-0142" not in stored and "ap@kestrel.example" not in stored


def test_a_note_carrying_contact_details_is_refused(runtime, users, rows):
    alice = users["alice"]
    note = "add a note to CS-1007: please call (207) 555-0142 or mail ap@kestrel.example"
    events = list(runtime.assistant.handle("pii4", alice, note))
    assert [e.code for e in events if e.type == "error"] == ["policy_denied"]
    assert "refer to the contact by ID" in next(e for e in events if e.type == "error").message

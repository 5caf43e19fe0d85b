"""Emails and phone numbers inside free text (a note's body) reach only the roles cleared for
them, on every path out of the API: a turn's JSON, its Server-Sent Events, and the transcript."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.events import ConfirmationRequired, StepFinished
from aios.wiring import open_systems
from connectors.crm.models import Note
from connectors.demo import _planted as planted

EMAIL, PHONE = "jane.doe@blueharbor.example", "415-555-0134"
BODY = f"Wants invoices sent to {EMAIL}; call {PHONE} before noon."
MASKED = "Wants invoices sent to j***@blueharbor.example; call ***-***-0134 before noon."
ASK = f"tell me about {planted.BLUE_HARBOR}"


@pytest.fixture
def api(runtime, demo_settings):
    crm = open_systems(demo_settings)["crm"]
    with crm.session() as session:
        # Written in the CRM itself, by someone who did not go through aios' note policy.
        session.add(
            Note(
                account_id=planted.BLUE_HARBOR,
                author="sam",
                body=BODY,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


def _bearer(api, name):
    return {"Authorization": f"Bearer {api.app.state.runtime.users.add_key(name, 't')[1]}"}


def _note_bodies(events):
    """The note's body in each account lookup among ``events``."""
    return [
        n["body"]
        for e in events
        if e["type"] == "step_finished" and e["tool"] == "crm.get_account"
        for n in e["result"]["recent_notes"]
        if n["author"] == "sam"
    ]


def _everything(events) -> str:
    return json.dumps(events)


@pytest.mark.parametrize(("user", "sees"), [("alice", MASKED), ("carol", BODY)])
def test_a_note_body_is_masked_for_roles_without_clearance(api, user, sees):
    headers = _bearer(api, user)  # alice is an agent (no clearance), carol a senior agent
    session = api.post("/v1/sessions", headers=headers).json()["id"]
    url = f"/v1/sessions/{session}/messages"
    turn = api.post(url, json={"text": ASK}, headers=headers).json()
    assert _note_bodies(turn["events"]) == [sees]

    with api.stream(
        "POST", url, json={"text": ASK}, headers={**headers, "Accept": "text/event-stream"}
    ) as streamed:
        data = [json.loads(line[5:]) for line in streamed.iter_lines() if line.startswith("data:")]
    assert _note_bodies(data) == [sees]

    said = api.get(f"/v1/sessions/{session}/transcript", headers=headers).json()
    kept = [e["event"] for e in said]
    assert _note_bodies(kept) == [sees, sees]
    if sees == MASKED:
        for path in (turn["events"], data, kept):
            assert EMAIL not in _everything(path) and PHONE not in _everything(path)
    else:
        assert EMAIL in _everything(kept)


def test_the_transcript_is_masked_for_its_reader_whoever_it_was_kept_for(api, demo_settings):
    headers = _bearer(api, "alice")
    session = api.post("/v1/sessions", headers=headers).json()["id"]
    # Kept as a senior agent saw it (who decided in alice's conversation), or before events
    # were masked at all: the note in full, and a confirmation of what alice asked for.
    shown_in_full = StepFinished(index=0, tool="crm.get_note", ok=True, result={"body": BODY})
    asked = ConfirmationRequired(
        index=1,
        tool="crm.update_contact",
        args={"contact_id": "CON-1010", "email": EMAIL},
        text=f"Set the email of CON-1010 to {EMAIL}",
        decision="confirm",
        requester="alice",
        reason="A change to a record.",
    )
    kept = [e.model_dump(mode="json") for e in (shown_in_full, asked)]
    open_api_store(demo_settings).record(session, "carol", None, kept)
    said = api.get(f"/v1/sessions/{session}/transcript", headers=headers).json()
    assert said[0]["event"]["result"] == {"body": MASKED}
    # What alice was asked to confirm stays exactly as she was asked.
    assert said[1]["event"]["args"]["email"] == EMAIL

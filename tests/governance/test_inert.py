"""Text shown to people cannot run, fetch or notify, whoever built the event."""

from __future__ import annotations

import pytest

from aios.assistant.events import Citation, ErrorEvent, MessageEvent
from aios.assistant.inert import inert


@pytest.mark.parametrize(
    ("planted", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)">'),
        ("![pixel](https://evil.example/p.png)", "[image removed: pixel]"),
        ("[click](javascript:alert(1))", "click"),
        ("cut short ![status](https://ev", "cut short !\u200b[status](https://ev"),
        ("[docs](https://intranet.example/refunds)", "[docs](https://intranet.example/refunds)"),
        ("write to [us](mailto:ops@example.com)", "write to [us](mailto:ops@example.com)"),
        ("open javascript:void(0) now", "open javascript\u200b:void(0) now"),
        ("urgent @channel and @Here", "urgent @\u2060channel and @\u2060Here"),
        ("<!everyone> look", "&lt;!everyone> look"),
        ("refunds < $500 need no approval", "refunds < $500 need no approval"),
        ("mail bob@example.com", "mail bob@example.com"),
    ],
)
def test_active_content_is_neutralised_and_plain_text_kept(planted, shown):
    assert inert(planted) == shown
    assert inert(shown) == shown  # a second pass changes nothing


def test_events_are_inert_wherever_they_are_built():
    message = MessageEvent(
        text="Note: ![x](https://evil.example/x.png) @here",
        citations=[Citation(source="a.md", title="<b>T</b>", snippet="<script>x</script>")],
    )
    assert message.text == "Note: [image removed: x] @\u2060here"
    assert message.citations[0].snippet.startswith("&lt;script>")
    assert ErrorEvent(code="x", message="<iframe>").message == "&lt;iframe>"

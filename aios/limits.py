"""Limits every front end and the core share, so that what one accepts another does not refuse."""

from __future__ import annotations

MAX_MESSAGE_CHARS = 8000
"""The longest message a person may send the assistant, on every channel (a pasted e-mail
fits): the API refuses longer ones with ``invalid_input``, and the planner answers with the
same number. Import it; never repeat the number."""

MAX_REASON_CHARS = 2000
"""The longest reason an approver may give for rejecting a request (the API and the terminal
refuse longer ones): a few sentences for the requester, not a document."""

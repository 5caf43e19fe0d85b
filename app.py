# mypy: disable-error-code="no-untyped-call"
# (Chainlit's API is mostly unannotated.)
"""aios in the browser: the Chainlit entry point, ``chainlit run app.py``.

A thin adapter: it signs a demo operator in, hands each message or button click to the one
``Assistant``, and shows the events that come back (``aios.web.render`` says how). Who may do
what, and what needs a confirmation or a second person, is decided by the assistant alone.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal

import chainlit as cl
import chainlit.config
import chainlit.server
import jwt
import numpy as np
from chainlit.auth.cookie import get_token_from_cookies
from chainlit.auth.jwt import decode_jwt
from chainlit.utils import utc_now
from starlette.requests import Request
from starlette.responses import Response

from aios.approvals import Approval
from aios.approvals.related import Related
from aios.assistant.decisions import Shown
from aios.assistant.events import (
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    Event,
    MessageEvent,
    PlanEvent,
    StepFinished,
    StepStarted,
)
from aios.assistant.service import Assistant
from aios.assistant.threads import iterate_in_thread
from aios.audit import AuditUnavailable
from aios.direct import DirectCalls
from aios.identity import User
from aios.mcp.pending import PendingCalls, open_pending
from aios.voice.audio import AudioError, Speech
from aios.voice.dialogue import Dialogue, Say, readout
from aios.voice.engines import text_to_speech
from aios.voice.listen import hear
from aios.web import commands, held, login, render, wording
from aios.web.offline import strip_external
from aios.web.process import process_runtime

# Chainlit signs its login cookie with this secret. A fresh one per process is enough for a
# demo (everyone signs in again after a restart); set it in the environment to keep sessions.
os.environ.setdefault("CHAINLIT_AUTH_SECRET", secrets.token_urlsafe(32))

# Chainlit has no setting for the CDN stylesheet its page links; drop it, and anything else
# from another host, so that the chat loads where the browser reaches nothing but aios.
_chainlit_page = chainlit.server.get_html_template
chainlit.server.get_html_template = lambda root_path: strip_external(_chainlit_page(root_path))
chainlit.server.app.add_middleware(login.ClientAddress)  # sign-in throttles per client too

_chainlit_words = chainlit.config.ChainlitConfig.load_translation


def _words(config: chainlit.config.ChainlitConfig, language: str) -> Any:
    """Chainlit's words for ``language`` with aios' own laid over them (``aios.web.wording``)."""
    settings = runtime().settings
    hint = wording.demo_hint(runtime().users, settings.demo_password.get_secret_value())
    return wording.laid_over(_chainlit_words(config, language), wording.words(hint))


chainlit.config.ChainlitConfig.load_translation = _words  # type: ignore[method-assign,assignment]

STARTERS = {
    "Refund and note": (
        "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their "
        "open case"
    ),
    "Customer overview": "Give me an overview of Acme",
    "Ask the handbook": "What is our refund policy for damaged goods?",
    "What can you do?": "What can you do?",
}
STREAM_PAUSE_S = 0.01
"""Between two streamed words: a reply appears as it would be typed, but never slowly."""
NOTICE_EVERY_S = 2.0
"""How often a chat looks for decisions on its approval requests."""
SWEEP_EVERY_S = 60.0
"""How often overdue approval requests are escalated or expired."""

log = logging.getLogger("aios.web")
runtime = process_runtime


def assistant() -> Assistant:
    return runtime().assistant


@functools.cache
def direct() -> DirectCalls:
    made = runtime()
    return DirectCalls(made.toolbox, made.policy, made.ledger, made.masker)


@functools.cache
def related() -> Related:
    """What an approver sees beside a request, read as the approver (``aios.approvals.related``)."""
    return Related(direct(), runtime().masker)


@functools.cache
def pending_calls() -> PendingCalls:
    """The calls MCP clients made that wait for their user's confirmation (``aios.web.held``)."""
    return open_pending(runtime().settings, direct())


@cl.on_app_startup
async def warm_up() -> None:
    await asyncio.to_thread(runtime)
    login.refuse_exposed_demo(
        chainlit.config.config.run.host,
        runtime().users,
        allowed=runtime().settings.allow_demo_login,
    )
    asyncio.get_running_loop().create_task(_sweep_forever())


async def _sweep_forever() -> None:
    """Escalate and expire overdue approvals while the chat runs (``aios approvals sweep``)."""
    while True:
        try:
            await asyncio.to_thread(assistant().sweep)
        except Exception:
            log.exception("approval sweep failed; trying again later")
        await asyncio.sleep(SWEEP_EVERY_S)


@cl.on_chat_start
async def start_listening() -> None:
    """Tell the requester in their chat, as soon as it happens, what an approver decided; and
    show the calls AI assistants made for them that wait for their confirmation."""
    cl.user_session.set("notices", asyncio.create_task(_notices_forever(_session(), _me())))
    await _show_held(_me(), quiet=True)


@cl.on_chat_end
async def stop_listening() -> None:
    task: asyncio.Task[None] | None = cl.user_session.get("notices")
    if task is not None:
        task.cancel()


async def _notices_forever(session: str, me: User) -> None:
    while True:
        await asyncio.sleep(NOTICE_EVERY_S)
        notices = await asyncio.to_thread(assistant().take_notices, session, me)
        for notice in notices:
            await _send(render.reply_card(notice))


@cl.password_auth_callback
async def sign_in(username: str, password: str) -> cl.User | None:
    made = runtime()
    user = await asyncio.to_thread(login.check, made.users, made.toolbox.trail, username, password)
    if user is None:
        return None
    name = user.display_name or user.name
    return cl.User(identifier=user.name, display_name=f"{name} ({user.role})")


@cl.on_logout
async def sign_out(request: Request, _response: Response) -> dict[str, bool]:
    """Chainlit has cleared the sign-in cookie; the trail learns whose it was."""
    token = get_token_from_cookies(dict(request.cookies))
    try:
        name = decode_jwt(token).identifier if token else None
    except jwt.InvalidTokenError:
        name = None  # expired or forged: nobody known was signed in with it
    if name is not None:
        try:
            await asyncio.to_thread(login.signed_out, runtime().toolbox.trail, name)
        except AuditUnavailable:
            log.exception("sign-out of %s is not on the audit trail", name)
    return {"success": True}  # what Chainlit answers without this callback


@cl.set_starters
async def starters(user: cl.User | None = None) -> list[cl.Starter]:
    return [cl.Starter(label=label, message=text) for label, text in STARTERS.items()]


@cl.on_message
async def on_message(message: cl.Message) -> None:
    me, session = _me(), _session()
    command = commands.parse(message.content)
    if isinstance(command, commands.Pending):
        await _show_pending(command.session or session, me)
    elif isinstance(command, commands.Approvals):
        await _show_approvals(me)
    elif isinstance(command, commands.HeldCalls):
        await _show_held(me)
    elif isinstance(command, commands.Unknown):
        await cl.Message(f"There is no `/{command.name}` command. {commands.HELP}").send()
    else:
        await _clear_buttons()
        await _play(session, me, lambda: assistant().handle(session, me, message.content))


@cl.action_callback(render.DECIDE)
async def on_decide(action: cl.Action) -> None:
    me = _me()
    session, answer = str(action.payload["session"]), action.payload["answer"]
    # The card as it was shown; the core refuses it if it was replaced or decided meanwhile.
    shown = Shown(str(action.payload.get("confirmation_id")), str(action.payload.get("args_hash")))
    await _clear_buttons()
    await _said(me, action.label)
    decision: Literal["approve", "reject"] = "approve" if answer == "approve" else "reject"
    why = await _why_rejected(session) if action.payload.get("ask_why") else None
    await _play(session, me, lambda: assistant().resume(session, me, decision, why, shown=shown))
    summary: cl.Message | None = cl.user_session.get("approvals_summary")
    if summary is not None:
        # What waits for this approver changed with their decision: the count says so.
        summary.content = await _approvals_summary(me)
        await summary.update()


@cl.action_callback(held.ANSWER)
async def on_answer_held(action: cl.Action) -> None:
    me = _me()
    await _clear_buttons()
    await _said(me, action.label)
    answered = await asyncio.to_thread(held.answer, pending_calls(), me, action.payload, _session())
    await _send(answered)


async def _show_held(me: User, *, quiet: bool = False) -> None:
    """A card for each call held for ``me``; ``quiet``: nothing said when there is none."""
    waiting = await asyncio.to_thread(pending_calls().confirmations.of, me.name)
    if not waiting and quiet:
        return
    await _clear_buttons()
    for call in waiting:
        await _send(held.card(call))
    if not waiting:
        await cl.Message(held.NONE_WAITING).send()


async def _why_rejected(session: str) -> str | None:
    """The approver's reason for rejecting, if they give one (``render.WHY_REJECTED``)."""
    pending = await asyncio.to_thread(assistant().pending, session)
    requester = pending.requester if pending and pending.requester else "the requester"
    asked = cl.AskUserMessage(render.WHY_REJECTED.format(requester=requester), timeout=300)
    reply = await asked.send()
    return render.rejection_reason(str(reply.get("output", "")) if reply else None)


@cl.action_callback(render.CHOOSE)
async def on_choose(action: cl.Action) -> None:
    me, session, text = _me(), _session(), str(action.payload["text"])
    await _clear_buttons()
    await _said(me, text)
    await _play(session, me, lambda: assistant().handle(session, me, text))


def _me() -> User:
    signed_in = cl.user_session.get("user")
    user = runtime().users.get(signed_in.identifier) if signed_in else None
    if user is None:
        raise PermissionError("not signed in as a known operator")
    return user


def _session() -> str:
    return commands.session_for_thread(cl.context.session.thread_id)


async def _show_pending(session: str, me: User) -> None:
    pending = await asyncio.to_thread(lambda: assistant().pending(session))
    mine = pending is not None and pending.requester == me.name
    if pending is None or not (mine or _may_approve(pending, me)):
        # Someone else's conversation is none of the viewer's business unless they decide it.
        await cl.Message(f"Nothing is waiting for a decision in session `{session}`.").send()
        return
    await _clear_buttons()
    approval = runtime().ledger.get(pending.approval_id) if pending.approval_id else None
    if approval is not None and _may_approve(pending, me):
        await _send(await asyncio.to_thread(_approver_card, approval, me))
        return
    await _send(render.confirmation_card(pending, session, me))


async def _show_approvals(me: User) -> None:
    mine = await asyncio.to_thread(lambda: runtime().ledger.decidable_by(me))
    await _clear_buttons()
    for approval in mine:
        await _send(await asyncio.to_thread(_approver_card, approval, me))
    summary = cl.Message(await _approvals_summary(me))
    await summary.send()
    cl.user_session.set("approvals_summary", summary)


def _approver_card(approval: Approval, me: User) -> render.Card:
    """The whole picture of ``approval`` for ``me``, who may decide it (in a worker thread:
    it reads the conversation's checkpoint and the invoice)."""
    pending = assistant().pending(approval.session_id)
    if pending is not None and pending.approval_id != approval.id:
        pending = None  # the conversation waits on something else: this is decided elsewhere
    refunds = related().refunds(approval, me)
    return render.approver_card(approval, pending, refunds, datetime.now(UTC))


async def _approvals_summary(me: User) -> str:
    ledger = runtime().ledger
    waiting = await asyncio.to_thread(lambda: len(ledger.decidable_by(me)))
    asked = await asyncio.to_thread(lambda: ledger.find(requester=me.name))
    return render.approvals_summary(waiting, asked[-10:], datetime.now(UTC))


def _may_approve(pending: ConfirmationRequired, me: User) -> bool:
    """Whether the ledger would take ``me``'s decision on ``pending`` (four-eyes only)."""
    if pending.approval_id is None:
        return False
    approval = runtime().ledger.get(pending.approval_id)
    return approval is not None and runtime().ledger.refusal(approval, me) is None


async def _play(session: str, me: User, produce: Callable[[], Iterator[Event]]) -> None:
    """Run one turn in a worker thread and show its events as they come."""
    turn = _Turn(session, me)
    await cl.context.emitter.task_start()
    try:
        async for event in iterate_in_thread(produce):
            await turn.show(event)
    except Exception:
        log.exception("web turn failed in session %s", session)
        await cl.ErrorMessage(
            f"Something went wrong on our side; nothing more was done (session `{session}`)."
        ).send()
    finally:
        await cl.context.emitter.task_end()


class _Turn:
    """One turn's events in the chat: the plan as a step, each tool call as a step inside it."""

    def __init__(self, session: str, me: User) -> None:
        self.session, self.me = session, me
        self.plan: cl.Step | None = None
        self.planned: dict[int, str] = {}
        """Each step of the plan in words, by index: a step's title until it has a result."""
        self.calls: dict[int, cl.Step] = {}

    async def show(self, event: Event) -> None:
        if isinstance(event, PlanEvent):
            # The plan goes in the step's input: Chainlit draws a step's input above the steps
            # inside it and its output below them, and the plan reads first.
            self.plan = cl.Step(
                name="Plan",
                type="run",
                parent_id=_current_step_id(),
                default_open=True,
                show_input=True,
            )
            self.plan.start = self.plan.end = utc_now()
            self.plan.input = render.plan_text(event)
            self.planned = {step.index: step.description for step in event.steps}
            await self.plan.send()
        elif isinstance(event, StepStarted):
            await self._started(event)
        elif isinstance(event, StepFinished):
            await self._finished(event)
        elif isinstance(event, ConfirmationRequired):
            card = render.confirmation_card(
                event, self.session, self.me, may_approve=_may_approve(event, self.me)
            )
            await _send(card)
        elif isinstance(event, MessageEvent):
            await _send(render.reply_card(event), stream=True)
        elif isinstance(event, ClarificationEvent):
            await _send(render.clarification_card(event))
        elif isinstance(event, ErrorEvent):
            await cl.ErrorMessage(render.error_text(event)).send()

    async def _started(self, event: StepStarted) -> cl.Step:
        call = cl.Step(
            name=self.planned.get(event.index, event.tool),
            type="tool",
            parent_id=self.plan.id if self.plan else _current_step_id(),
            language="json",
            show_input="json",
        )
        call.start = utc_now()
        call.input = render.as_json(event.args)
        await call.send()
        self.calls[event.index] = call
        return call

    async def _finished(self, event: StepFinished) -> None:
        call = self.calls.pop(event.index, None)
        if call is None:
            call = await self._started(StepStarted(index=event.index, tool=event.tool, args={}))
        call.end = utc_now()
        call.name = render.step_title(event, self.planned.get(event.index, event.tool))
        call.is_error = not event.ok
        call.output = render.step_output(event)
        if not event.ok:
            call.language = None
        await call.update()


def _current_step_id() -> str | None:
    """The step Chainlit runs this callback in (a message's), so what we add stays in order."""
    current = cl.context.current_step
    return current.id if current else None


async def _send(card: render.Card, *, stream: bool = False) -> None:
    buttons = [
        cl.Action(name=b.action, label=b.label, payload=dict(b.payload), icon=b.icon)
        for b in card.buttons
    ]
    sources: list[cl.Element] = [
        cl.Text(name=s.name, content=s.text, display="inline") for s in card.sources
    ]
    message = cl.Message("" if stream else card.text, actions=buttons, elements=sources)
    if stream:
        for token in render.tokens(card.text):
            await message.stream_token(token)
            await asyncio.sleep(STREAM_PAUSE_S)
    await message.send()
    if buttons:
        live: list[cl.Action] = cl.user_session.get("buttons") or []
        cl.user_session.set("buttons", [*live, *buttons])


async def _clear_buttons() -> None:
    """Only the latest question keeps its buttons: an old one is no longer what is asked."""
    for button in cl.user_session.get("buttons") or []:
        await button.remove()
    cl.user_session.set("buttons", [])


async def _said(me: User, text: str) -> None:
    """Show a click in the transcript as what the person answered."""
    await cl.Message(text, author=me.name, type="user_message").send()


# ---------------------------------------------------------------- voice: Chainlit's microphone
# Chainlit streams the microphone as 16-bit PCM at ``[features.audio] sample_rate`` and plays
# PCM it is sent at that rate. What is heard goes to the assistant like a typed message.

AUDIO_CHUNK_S = 0.25
"""Speech is sent to the browser in pieces this long, so it starts playing at once."""


def _audio_rate() -> int:
    audio = chainlit.config.config.features.audio
    return audio.sample_rate if audio else 24_000


@cl.on_audio_start
async def on_audio_start() -> bool:
    # Barge-in: the operator starting to speak stops whatever aios is still saying.
    await cl.context.emitter.send_audio_interrupt()
    cl.user_session.set("recording", bytearray())
    return True


@cl.on_audio_chunk
async def on_audio_chunk(chunk: cl.InputAudioChunk) -> None:
    recording: bytearray | None = cl.user_session.get("recording")
    if recording is not None:
        recording.extend(chunk.data)


@cl.on_audio_end
async def on_audio_end() -> None:
    recorded = bytes(cl.user_session.get("recording") or b"")
    cl.user_session.set("recording", None)
    if not recorded:
        return
    me, session = _me(), _session()
    speech = Speech(samples=np.frombuffer(recorded, dtype=np.int16), rate=_audio_rate())
    try:
        heard = await asyncio.to_thread(hear, runtime().settings, speech.wav())
    except AudioError as unusable:
        await cl.ErrorMessage(unusable.message).send()
        return
    await _said(me, heard.text)
    dialogue: Dialogue = cl.user_session.get("dialogue") or Dialogue()
    cl.user_session.set("dialogue", dialogue)
    # The same rules as every voice channel: a lone "yes" never confirms, and what the engine
    # was unsure of is repeated back before the assistant hears of it.
    what = await asyncio.to_thread(
        dialogue.answer, heard, lambda: assistant().pending(session) is not None
    )
    if isinstance(what, Say):
        await cl.Message(what.text).send()
        await _speak(what.text)
        return
    events: list[Event] = []

    def turn() -> Iterator[Event]:
        for event in assistant().handle(session, me, what.text):
            events.append(event)
            yield event

    await _clear_buttons()
    await _play(session, me, turn)
    await _speak(readout(events))


async def _speak(text: str) -> None:
    if not text:
        return
    engine = await asyncio.to_thread(text_to_speech, runtime().settings)
    speech = await asyncio.to_thread(lambda: engine.synthesize(text).resampled(_audio_rate()))
    track, step = uuid.uuid4().hex, int(speech.rate * AUDIO_CHUNK_S)
    for start in range(0, len(speech.samples), step):
        piece = speech.samples[start : start + step].tobytes()
        await cl.context.emitter.send_audio_chunk(
            cl.OutputAudioChunk(track=track, mimeType="pcm16", data=piece)
        )

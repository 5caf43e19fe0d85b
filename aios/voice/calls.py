"""Calls: the voice session over a WebSocket carrying 16 kHz PCM, so a telephone gateway can put
a caller through to the same assistant. The protocol is docs/telephony.md.

A call is the voice page without a page: the server finds where the caller's utterances end,
hears them with the configured engine, applies the voice rules (``dialogue.Dialogue``: a lone
"yes" never confirms, an unsure transcript is repeated back), takes the turn through the same
sessions as the message route and speaks the reply back as PCM, stopping when the caller talks
over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import Message

from aios.api.auth import admit, bearer, spend
from aios.api.errors import ApiError
from aios.api.models import SessionOut, TurnOut
from aios.assistant.events import Event
from aios.assistant.factory import Runtime
from aios.identity import User
from aios.users.directory import ApiKey
from aios.voice.audio import RATE, AudioError, Speech, floats
from aios.voice.call_messages import (
    ENCODING,
    FROM_GATEWAY,
    MAX_FRAME_BYTES,
    CallError,
    Clear,
    EndOfSpeech,
    FromGateway,
    Hangup,
    Played,
    Ready,
    SpeechStart,
    Start,
    Stop,
    TranscriptOut,
    TurnDone,
)
from aios.voice.dialogue import Dialogue, Tell, readout
from aios.voice.endpoint import FRAME, Endpointer, Onset, Samples
from aios.voice.engines import text_to_speech
from aios.voice.listen import transcribed
from aios.voice.protocol import TextToSpeech

START_WAIT_S = 10
"""How long a connection may stay without its start message."""
MAX_TEXT = 4096
WAITING = 4
"""Utterances heard and not yet answered; a caller never gets near it, a flood of audio does."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sessions:
    """What a call shares with the message route: the sessions, who owns them, and a turn taken
    under the session's lock and kept in its transcript and metrics."""

    open: Callable[[User], SessionOut]
    owned: Callable[[str, User], None]
    turn: Callable[[str, User, str | None, Callable[[], Iterator[Event]]], Awaitable[TurnOut]]


def calls_router(runtime: Runtime, sessions: Sessions) -> APIRouter:
    router = APIRouter()

    @router.websocket("/v1/voice/calls")
    async def call(websocket: WebSocket) -> None:
        # Accepted before the key is checked, so that a refusal can say why as it closes.
        await websocket.accept()
        try:
            token = bearer(websocket.headers.get("authorization"))
            key, user = await run_in_threadpool(
                admit,
                websocket,
                token or websocket.query_params.get("token"),
                websocket.headers.get("origin"),
            )
            start = await _start(websocket)
            session_id = await run_in_threadpool(_session, sessions, user, start.session_id)
            await Call(websocket, runtime, sessions, key, user, start, session_id).run()
            await _close(websocket, 1000, "hangup")
        except ApiError as refused:
            await _refuse(websocket, refused)
        except WebSocketDisconnect:
            pass
        except Exception:
            log.exception("unexpected error in a call")
            await _refuse(websocket, ApiError(500, "internal", "Something went wrong on our side."))

    return router


class Playback:
    """What the caller may be hearing: speech ``current`` (0: none) while it is being sent, then
    until the gateway says it was played or its length has passed."""

    def __init__(self) -> None:
        self.last = 0
        self.current = 0
        self.sending = False
        self.until = 0.0

    def begin(self) -> int:
        self.last += 1
        self.current, self.sending, self.until = self.last, True, time.monotonic()
        return self.last

    def sent(self, seconds: float) -> None:
        self.until = max(self.until, time.monotonic()) + seconds

    def ahead(self) -> float:
        """Seconds of what was sent that the caller has not heard yet."""
        return max(0.0, self.until - time.monotonic())

    def stopped(self, speech: int) -> bool:
        return self.current != speech

    def finish(self) -> None:
        self.sending = False

    def played(self, speech: int) -> None:
        if speech == self.current and not self.sending:
            self.current = 0

    def interrupt(self) -> int | None:
        """The speech to stop, if the caller may still be hearing one."""
        speech, self.current = self.current, 0
        if speech and (self.sending or self.ahead() > 0):
            return speech
        return None


class Call:
    def __init__(
        self,
        websocket: WebSocket,
        runtime: Runtime,
        sessions: Sessions,
        key: ApiKey,
        user: User,
        start: Start,
        session_id: str,
    ) -> None:
        self.websocket = websocket
        self.runtime = runtime
        self.sessions = sessions
        self.key = key
        self.user = user
        self.session_id = session_id
        self.lead = start.buffer_ms / 1000
        self.endpointer = Endpointer(runtime.settings.voice_max_seconds)
        self.dialogue = Dialogue()
        self.playback = Playback()
        self.utterances: asyncio.Queue[Samples] = asyncio.Queue(WAITING)
        # One message at a time on the socket, so that no frame of a speech follows its clear.
        self.sending = asyncio.Lock()

    async def run(self) -> None:
        """Until the gateway hangs up; ApiError for what ends the call otherwise."""
        await self.send(Ready(session_id=self.session_id))
        tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._answer())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            task.result()

    async def send(self, message: BaseModel) -> None:
        async with self.sending:
            await self.websocket.send_text(message.model_dump_json())

    async def _listen(self) -> None:
        while True:
            message = _received(await self.websocket.receive())
            if isinstance(message, bytes):
                await self._audio(message)
                continue
            control = _message(message)
            if isinstance(control, Hangup):
                return
            if isinstance(control, Start):
                raise ApiError(400, "already_started", "The call has started already.")
            if isinstance(control, Stop):
                await self._interrupt()
            elif isinstance(control, Played):
                self.playback.played(control.id)

    async def _audio(self, data: bytes) -> None:
        if len(data) > MAX_FRAME_BYTES:
            raise ApiError(
                413, "frame_too_large", f"A frame holds at most {MAX_FRAME_BYTES} bytes."
            )
        if len(data) % 2:
            raise ApiError(400, "invalid_audio", "A frame holds whole 16-bit samples.")
        for found in self.endpointer.feed(np.frombuffer(data, dtype="<i2").astype(np.int16)):
            if isinstance(found, Onset):
                await self._interrupt()
                continue
            # Each utterance is one request of the key, as a transcription over HTTP is.
            spend(self.websocket, self.key)
            try:
                self.utterances.put_nowait(found.samples)
            except asyncio.QueueFull:
                raise ApiError(
                    429, "too_many_utterances", "Audio comes faster than it can be answered."
                ) from None

    async def _interrupt(self) -> None:
        async with self.sending:
            stopped = self.playback.interrupt()
            if stopped is not None:
                await self.websocket.send_text(Clear(id=stopped).model_dump_json())

    async def _answer(self) -> None:
        settings = self.runtime.settings
        while True:
            samples = await self.utterances.get()
            try:
                heard = await run_in_threadpool(transcribed, settings, floats(samples))
            except AudioError:
                continue  # a cough or the line's noise: nothing to answer
            await self.send(TranscriptOut(**heard.model_dump()))
            reply = await run_in_threadpool(self.dialogue.answer, heard, self._waiting)
            if isinstance(reply, Tell):
                turn = await self._turn(reply.text)
                await self.send(TurnDone(**turn.model_dump()))
                await self._say(readout(turn.events))
            else:
                await self._say(reply.text)

    def _waiting(self) -> bool:
        return self.runtime.assistant.pending(self.session_id) is not None

    async def _turn(self, text: str) -> TurnOut:
        session_id, user, assistant = self.session_id, self.user, self.runtime.assistant
        return await self.sessions.turn(
            session_id, user, text, lambda: assistant.handle(session_id, user, text)
        )

    async def _say(self, text: str) -> None:
        """``text`` spoken sentence by sentence, so that the first is heard while the rest are
        made; sent as fast as it plays, so that a barge-in stops it even at a gateway that does
        not honour ``clear``, whose buffer it does not flood."""
        if not text:
            return
        engine = await run_in_threadpool(text_to_speech, self.runtime.settings)
        speech = self.playback.begin()
        await self.send(SpeechStart(id=speech, text=text))
        seconds = 0.0
        for sentence in _SENTENCE.split(text):
            spoken = await run_in_threadpool(_spoken, engine, sentence)
            for at in range(0, len(spoken.samples), FRAME):
                frame = spoken.samples[at : at + FRAME]
                if (ahead := self.playback.ahead()) > self.lead:
                    await asyncio.sleep(ahead - self.lead)
                async with self.sending:
                    if self.playback.stopped(speech):
                        return
                    await self.websocket.send_bytes(frame.astype("<i2").tobytes())
                self.playback.sent(len(frame) / RATE)
            seconds += spoken.seconds
        async with self.sending:
            if self.playback.stopped(speech):
                return
            self.playback.finish()
            done = EndOfSpeech(id=speech, seconds=round(seconds, 3))
            await self.websocket.send_text(done.model_dump_json())


def _spoken(engine: TextToSpeech, text: str) -> Speech:
    return engine.synthesize(text).resampled(RATE)


def _session(sessions: Sessions, user: User, session_id: str | None) -> str:
    if session_id is None:
        return sessions.open(user).id
    sessions.owned(session_id, user)
    return session_id


async def _start(websocket: WebSocket) -> Start:
    try:
        message = _received(await asyncio.wait_for(websocket.receive(), START_WAIT_S))
    except TimeoutError:
        raise ApiError(408, "no_start", f"Send a start message within {START_WAIT_S} s.") from None
    start = None if isinstance(message, bytes) else _message(message)
    if not isinstance(start, Start):
        raise ApiError(400, "not_started", "Send a start message before anything else.")
    wrong = [
        f"{name} must be {wanted!r}, not {given!r}"
        for name, wanted, given in (
            ("sample_rate", RATE, start.sample_rate),
            ("encoding", ENCODING, start.encoding),
            ("channels", 1, start.channels),
        )
        if given != wanted
    ]
    if wrong:
        raise ApiError(415, "unsupported_audio", "; ".join(wrong) + " (convert in the gateway).")
    return start


def _received(message: Message) -> bytes | str:
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    data: bytes | None = message.get("bytes")
    return data if data is not None else str(message.get("text") or "")


def _message(text: str) -> FromGateway:
    if len(text) > MAX_TEXT:
        raise ApiError(413, "frame_too_large", f"A message holds at most {MAX_TEXT} characters.")
    try:
        return FROM_GATEWAY.validate_json(text)
    except ValidationError as bad:
        first = bad.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        said = f"{where}: {first['msg']}" if where else first["msg"]
        raise ApiError(400, "invalid_message", said) from None


async def _refuse(websocket: WebSocket, error: ApiError) -> None:
    """Say why the call ends, then end it: 4000 + the HTTP status of the same problem (1011 for
    ours), the problem's code as the reason."""
    said = CallError(code=error.code, message=str(error.detail))
    code = 1011 if error.status_code >= 500 else 4000 + error.status_code
    await _close(websocket, code, error.code, said)


async def _close(
    websocket: WebSocket, code: int, reason: str, said: CallError | None = None
) -> None:
    # The gateway may be gone already; then there is no one to tell.
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        if said is not None:
            await websocket.send_text(said.model_dump_json())
        await websocket.close(code, reason=reason)

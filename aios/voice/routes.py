"""The voice routes: audio in, a transcript out; text in, speech out; the voice page, and its
sign-in with a user name and password (``aios.users.page_sign_in``).

They only turn speech into text and back. What was said goes to the assistant through the
same message route as typed text, so confirmations, policies, approvals and audit are the same
on every channel; a spoken "yes, confirm" is a message the core resumes on like a typed one.
"""

from __future__ import annotations

import math
import time
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from aios.api.auth import Caller, admit, bearer
from aios.api.errors import ApiError
from aios.assistant.factory import Runtime
from aios.settings import Settings
from aios.users.page_sign_in import NotASignInKey, PageSignIn, SignInRefused
from aios.voice.audio import AudioError
from aios.voice.engines import text_to_speech
from aios.voice.listen import Heard, hear
from aios.web.wording import WRONG_PASSWORD, demo_hint

STATIC = Path(__file__).parent / "static"
MAX_BYTES = 8 * 1024 * 1024
"""Far above 30 s of any codec a browser records, far below what would hurt the server."""
MAX_SPOKEN = 1000
HINT_KEPT_S = 60.0
"""How long the sign-in form's demo hint is kept before it is looked up again."""
_AUDIO_TYPES = ("audio/wav", "audio/webm", "audio/ogg", "audio/mpeg", "application/octet-stream")
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class SpeakIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_SPOKEN, description="What to say.")

    @field_validator("text")
    @classmethod
    def _speakable(cls, text: str) -> str:
        # The speech engines are C programs: a NUL or an unpaired surrogate is no word, and
        # would fail them with a server error instead of a clear refusal.
        if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text):
            raise ValueError("the text holds control characters or broken Unicode; say words")
        return text


class SignInIn(BaseModel):
    user_name: str = Field(min_length=1, max_length=200, description="e.g. alice")
    password: str = Field(min_length=1, max_length=1000)


class SignInOut(BaseModel):
    key: str = Field(description="The API key (Bearer aios_…) the page speaks with; shown once.")
    user: str
    role: str
    display_name: str
    expires_at: datetime = Field(description="When the key stops working, unless signed out.")


class SignInHint(BaseModel):
    demo: str = Field(
        description="Who may sign in with the demo password, and the password; empty when "
        "nobody may."
    )


def voice_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["voice"])

    @router.post(
        "/v1/voice/transcribe",
        responses={413: {"description": "The audio is too big."}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {kind: _BINARY for kind in _AUDIO_TYPES},
            }
        },
    )
    async def transcribe(request: Request, _: Caller) -> Heard:
        """Speech (WAV, WebM/Opus, Ogg or MP3, at most ``voice_max_seconds``) as text. Nothing
        is said to the assistant: post the text as a message."""
        data = await _body(request)
        try:
            return await run_in_threadpool(hear, settings, data)
        except AudioError as bad:
            status = 413 if bad.code == "audio_too_long" else 422
            raise ApiError(status, bad.code, bad.message) from None

    @router.post(
        "/v1/voice/speech",
        response_class=Response,
        responses={200: {"content": {"audio/wav": _BINARY}}},
    )
    async def speak(body: SpeakIn, _: Caller) -> Response:
        """``text`` spoken, as a WAV file."""
        engine = await run_in_threadpool(text_to_speech, settings)
        speech = await run_in_threadpool(engine.synthesize, body.text)
        return Response(speech.wav(), media_type="audio/wav")

    hinted: list[tuple[float, str]] = []

    @router.get("/v1/voice/sign-in")
    async def sign_in_hint(request: Request) -> SignInHint:
        """What the sign-in form says besides asking: in a demo, whom to sign in as."""
        # Finding out hashes a password; anyone may ask, so the answer is kept a while.
        if not hinted or time.monotonic() - hinted[0][0] > HINT_KEPT_S:
            password = settings.demo_password.get_secret_value()
            hint = await run_in_threadpool(demo_hint, _runtime(request).users, password)
            hinted[:] = [(time.monotonic(), hint)]
        return SignInHint(demo=hinted[0][1])

    @router.post(
        "/v1/voice/sign-in",
        responses={
            401: {"description": WRONG_PASSWORD},
            429: {"description": "Too many failed sign-ins; see Retry-After."},
        },
    )
    async def sign_in(request: Request, body: SignInIn) -> SignInOut:
        """Sign in with a user name and password, as in the web chat (failures are throttled):
        a new API key for the voice page, working for ``voice_sign_in_hours`` or until
        ``/v1/voice/sign-out``."""
        client = request.client.host if request.client else None
        try:
            done = await run_in_threadpool(
                _sign_ins(request, settings).sign_in, body.user_name, body.password, client
            )
        except SignInRefused as refused:
            if refused.locked_for is None:
                raise ApiError(401, "unauthorized", WRONG_PASSWORD) from None
            wait = max(1, math.ceil(refused.locked_for.total_seconds()))
            raise ApiError(
                429,
                "rate_limited",
                f"Too many failed sign-ins: try again in {wait} s.",
                {"Retry-After": str(wait)},
            ) from None
        assert done.key.expires_at is not None  # every sign-in key has a lifetime
        user = done.user
        return SignInOut(
            key=done.token,
            user=user.name,
            role=user.role,
            display_name=user.display_name,
            expires_at=done.key.expires_at,
        )

    @router.post(
        "/v1/voice/sign-out",
        status_code=204,
        response_class=Response,
        responses={403: {"description": "The key was not made by a sign-in."}},
    )
    async def sign_out(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        origin: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> Response:
        """Revoke the key a sign-in made: it stops working at once. An admin's key is not
        revoked here (``aios users revoke-key``)."""
        key, user = admit(request, bearer(authorization), origin)
        client = request.client.host if request.client else None
        try:
            await run_in_threadpool(_sign_ins(request, settings).sign_out, key, user, client)
        except NotASignInKey:
            raise ApiError(
                403,
                "not_allowed",
                "This key was not made by signing in; the page only forgets it.",
            ) from None
        return Response(status_code=204)

    @router.get(
        "/voice", response_class=FileResponse, responses={200: {"content": {"text/html": {}}}}
    )
    def page() -> FileResponse:
        """The push-to-talk page; it holds no data and asks the person to sign in."""
        return FileResponse(STATIC / "voice.html", media_type="text/html")

    @router.get(
        "/voice/voice.js",
        response_class=FileResponse,
        responses={200: {"content": {"application/javascript": {}}}},
    )
    def script() -> FileResponse:
        return FileResponse(STATIC / "voice.js", media_type="application/javascript")

    return router


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _sign_ins(request: Request, settings: Settings) -> PageSignIn:
    runtime = _runtime(request)
    lifetime = timedelta(hours=settings.voice_sign_in_hours)
    return PageSignIn(runtime.users, runtime.toolbox.trail, lifetime, "voice")


async def _body(request: Request) -> bytes:
    """The request's body, refused as soon as it passes ``MAX_BYTES`` (a declared length is
    refused before anything is read)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in _AUDIO_TYPES:
        raise ApiError(
            415, "unsupported_media_type", f"Send audio as one of {', '.join(_AUDIO_TYPES)}."
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise _too_big()
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            raise _too_big()
    return bytes(data)


def _too_big() -> ApiError:
    return ApiError(413, "too_large", f"The audio is over {MAX_BYTES // (1024 * 1024)} MB.")

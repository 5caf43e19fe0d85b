"""The voice routes: audio in, a transcript out; text in, speech out; and the voice page.

They only turn speech into text and back. What was said goes to the assistant through the
same message route as typed text, so confirmations, policies, approvals and audit are the same
on every channel; a spoken "yes, confirm" is a message the core resumes on like a typed one.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from aios.api.auth import Caller
from aios.api.errors import ApiError
from aios.settings import Settings
from aios.voice.audio import AudioError
from aios.voice.engines import text_to_speech
from aios.voice.listen import Heard, hear

STATIC = Path(__file__).parent / "static"
MAX_BYTES = 8 * 1024 * 1024
"""Far above 30 s of any codec a browser records, far below what would hurt the server."""
MAX_SPOKEN = 1000
_AUDIO_TYPES = ("audio/wav", "audio/webm", "audio/ogg", "audio/mpeg", "application/octet-stream")
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class SpeakIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_SPOKEN, description="What to say.")


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

    @router.get(
        "/voice", response_class=FileResponse, responses={200: {"content": {"text/html": {}}}}
    )
    def page() -> FileResponse:
        """The push-to-talk page; it holds no data and asks for an API key."""
        return FileResponse(STATIC / "voice.html", media_type="text/html")

    @router.get(
        "/voice/voice.js",
        response_class=FileResponse,
        responses={200: {"content": {"application/javascript": {}}}},
    )
    def script() -> FileResponse:
        return FileResponse(STATIC / "voice.js", media_type="application/javascript")

    return router


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

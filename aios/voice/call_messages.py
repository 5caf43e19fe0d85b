"""The JSON messages of a call over ``/v1/voice/calls`` (docs/telephony.md), both ways.

Audio travels beside them as binary frames of raw PCM; these say what the audio is and what
happens around it. The server's messages reuse what the HTTP routes answer (a transcript, a
turn), with a ``type`` to tell them apart.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from aios.api.models import TurnOut
from aios.voice.audio import RATE
from aios.voice.endpoint import FRAME_MS
from aios.voice.listen import Heard

ENCODING = "pcm_s16le"
MAX_FRAME_BYTES = 32_000
"""One second of audio: far above any gateway's packet, small enough to refuse a flood."""


# ---------------------------------------------------------------- from the gateway


class Start(BaseModel):
    type: Literal["start"]
    session_id: str | None = Field(
        None, max_length=200, description="Continue this session of the key's user; none: new."
    )
    sample_rate: int = Field(description=f"Must be {RATE}.")
    encoding: str = Field(description=f"Must be {ENCODING}.")
    channels: int = Field(1, description="Must be 1.")
    buffer_ms: int = Field(
        1000,
        ge=FRAME_MS,
        le=120_000,
        description="How much of the server's speech the gateway holds before playing it: the "
        "server sends at most that far ahead of real time.",
    )


class Stop(BaseModel):
    """Stop what the server is saying (the gateway heard the caller, or a key was pressed)."""

    type: Literal["stop"]


class Played(BaseModel):
    """The gateway finished playing speech ``id``; without it the server estimates when."""

    type: Literal["played"]
    id: int


class Hangup(BaseModel):
    type: Literal["hangup"]


FromGateway = Annotated[Start | Stop | Played | Hangup, Field(discriminator="type")]
FROM_GATEWAY: TypeAdapter[FromGateway] = TypeAdapter(FromGateway)


# ---------------------------------------------------------------- from the server


class Ready(BaseModel):
    type: Literal["ready"] = "ready"
    session_id: str
    sample_rate: int = RATE
    encoding: str = ENCODING
    channels: int = 1
    frame_ms: int = Field(FRAME_MS, description="How long each frame the server sends is.")


class TranscriptOut(Heard):
    """What the caller said, as heard; sent before anything is done with it."""

    type: Literal["transcript"] = "transcript"


class TurnDone(TurnOut):
    """The assistant's turn on what the caller said, the same as the message route's."""

    type: Literal["turn"] = "turn"


class SpeechStart(BaseModel):
    """The binary frames that follow, until ``end_of_speech`` or ``clear``, speak ``text``."""

    type: Literal["speech"] = "speech"
    id: int
    text: str


class EndOfSpeech(BaseModel):
    """Every frame of speech ``id`` has been sent; it ends when the gateway has played them."""

    type: Literal["end_of_speech"] = "end_of_speech"
    id: int
    seconds: float


class Clear(BaseModel):
    """Stop playing speech ``id`` now and drop what of it is buffered (the caller spoke)."""

    type: Literal["clear"] = "clear"
    id: int


class CallError(BaseModel):
    """Why the call ends; the close frame that follows carries ``code`` as its reason."""

    type: Literal["error"] = "error"
    code: str
    message: str

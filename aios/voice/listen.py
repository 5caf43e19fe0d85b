"""Recorded audio to what the assistant is told, for every voice channel alike."""

from __future__ import annotations

from pydantic import BaseModel, Field

from aios.settings import Settings
from aios.voice.audio import AudioError, Pcm, decode
from aios.voice.engines import speech_to_text
from aios.voice.spoken import normalise


class Heard(BaseModel):
    text: str = Field(description="What was said; amounts and ids as the planner reads them.")
    raw: str = Field(description="What the engine wrote, before that.")
    confidence: float = Field(ge=0, le=1, description="How sure the engine is, 0 to 1.")
    engine: str
    seconds: float = Field(description="How long the audio lasts.")


def hear(settings: Settings, audio: bytes) -> Heard:
    """The words in ``audio`` (any format FFmpeg reads); AudioError when there are none."""
    return transcribed(settings, decode(audio, settings.voice_max_seconds))


def transcribed(settings: Settings, pcm: Pcm) -> Heard:
    """The words in 16 kHz mono ``pcm``; AudioError when there are none."""
    heard = speech_to_text(settings).transcribe(pcm)
    if not heard.text:
        raise AudioError("no_speech", "No speech was heard in the audio.")
    return Heard(
        text=normalise(heard.text),
        raw=heard.text,
        confidence=heard.confidence,
        engine=heard.engine,
        seconds=round(heard.seconds, 2),
    )

"""The one interface every speech engine implements, whichever model is behind it."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from aios.voice.audio import Pcm, Speech


class Transcript(BaseModel):
    text: str = Field(description="What was heard, as the engine wrote it.")
    confidence: float = Field(ge=0, le=1, description="How sure the engine is, 0 to 1.")
    engine: str = Field(description="Which engine heard it.")
    seconds: float = Field(ge=0, description="How long the audio lasts.")


class SpeechToText(Protocol):
    name: str

    def transcribe(self, pcm: Pcm) -> Transcript:
        """Words in 16 kHz mono ``pcm``; empty text when there is no speech."""
        ...


class TextToSpeech(Protocol):
    name: str

    def synthesize(self, text: str) -> Speech: ...

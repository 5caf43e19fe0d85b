"""Real speech for the voice tests: sentences spoken by piper with the joe voice, as WAV."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from aios.settings import Settings
from aios.voice.engines import speech_to_text, text_to_speech
from aios.voice.protocol import SpeechToText

REQUEST = "Refund forty five dollars on order S O ten forty two."
"""What the operator asks for, the way it is said aloud."""


@pytest.fixture(scope="session")
def spoken() -> Callable[[str], bytes]:
    """``text`` spoken by piper (the default voice), as WAV bytes; each sentence once."""
    piper = text_to_speech(Settings(tts_engine="piper"))
    return cache(lambda text: piper.synthesize(text).wav())


@pytest.fixture(scope="session")
def whisper() -> SpeechToText:
    return speech_to_text(Settings(stt_engine="whisper"))


@pytest.fixture(scope="session")
def sphinx() -> SpeechToText:
    return speech_to_text(Settings(stt_engine="pocketsphinx"))

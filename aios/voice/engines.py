"""Which speech engines run, from the settings, loaded on first use and once per process.

A model is read-only and takes seconds to load, so every caller in the process shares the one
loaded from a given path: building the API app, or a page that never speaks, costs nothing.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from aios.settings import Settings
from aios.voice.protocol import SpeechToText, TextToSpeech

_LOADING = threading.Lock()


@cache
def _stt(engine: str, model: Path | None) -> SpeechToText:
    if engine == "pocketsphinx":
        from aios.voice import stt_sphinx

        return stt_sphinx.SphinxEngine(model or stt_sphinx.default_model())
    from aios.voice import stt_whisper

    return stt_whisper.WhisperEngine(model or stt_whisper.default_model())


@cache
def _tts(engine: str, voice: str | None) -> TextToSpeech:
    if engine == "espeak":
        from aios.voice.tts_espeak import EspeakEngine

        return EspeakEngine(voice or "en-us")
    from aios.voice import tts_piper

    return tts_piper.PiperEngine(Path(voice) if voice else tts_piper.default_voice())


def speech_to_text(settings: Settings) -> SpeechToText:
    with _LOADING:  # two first requests at once load the model once
        return _stt(settings.stt_engine, settings.stt_model)


def text_to_speech(settings: Settings) -> TextToSpeech:
    with _LOADING:
        return _tts(settings.tts_engine, settings.tts_voice)

"""The engines on real audio: piper (or espeak-ng) speaks, whisper and pocketsphinx listen."""

from __future__ import annotations

import shutil

import pytest

from aios.planner.entities import extract
from aios.settings import Settings
from aios.voice.audio import decode
from aios.voice.engines import speech_to_text, text_to_speech
from aios.voice.spoken import normalise
from aios.voice.stt_sphinx import SphinxEngine, default_model
from aios.voice.tts_piper import default_voice
from tests.voice.conftest import REQUEST


def _hear(engine, wav: bytes) -> str:
    return engine.transcribe(decode(wav, 30)).text


def test_whisper_hears_the_request_piper_speaks(spoken, whisper):
    heard = whisper.transcribe(decode(spoken(REQUEST), 30))
    assert heard.engine == "whisper" and 0 < heard.confidence <= 1
    assert "refund" in heard.text.lower()
    entities = extract(normalise(heard.text))
    assert entities.first("order") == "SO-1042"
    assert [str(a) for a in entities.amounts] == ["45.00"]


def test_whisper_hears_a_spoken_confirmation(spoken, whisper):
    assert normalise(_hear(whisper, spoken("Yes, confirm."))).lower().strip(" .") == "yes, confirm"


def test_pocketsphinx_hears_the_amount_and_the_confirmation(spoken, sphinx):
    # The light fallback misses ids and names, but plain number words and short answers carry.
    heard = sphinx.transcribe(decode(spoken(REQUEST), 30))
    assert heard.engine == "pocketsphinx"
    assert "forty five dollars" in heard.text
    assert normalise(heard.text).count("$45") == 1
    assert "confirm" in _hear(sphinx, spoken("Yes, confirm."))


def test_espeak_speaks_what_whisper_understands(whisper):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    espeak = text_to_speech(Settings(tts_engine="espeak"))
    speech = espeak.synthesize("Refund forty five dollars.")
    assert espeak.name == "espeak" and speech.seconds > 0.5
    assert "refund" in _hear(whisper, speech.wav()).lower()


def test_an_operator_points_the_engines_at_other_local_models(tmp_path, spoken):
    copied = tmp_path / "sphinx-model"
    shutil.copytree(default_model(), copied)
    sphinx = speech_to_text(Settings(stt_engine="pocketsphinx", stt_model=copied))
    assert "confirm" in _hear(sphinx, spoken("Yes, confirm."))
    voice = tmp_path / "voice.onnx"
    voice.symlink_to(default_voice())
    (tmp_path / "voice.onnx.json").symlink_to(default_voice().with_suffix(".onnx.json"))
    piper = text_to_speech(Settings(tts_engine="piper", tts_voice=str(voice)))
    assert piper.synthesize("Hello.").seconds > 0.2


def test_a_directory_that_is_no_model_is_refused_with_what_it_lacks(tmp_path):
    with pytest.raises(ValueError, match="is not a pocketsphinx model"):
        SphinxEngine(tmp_path)

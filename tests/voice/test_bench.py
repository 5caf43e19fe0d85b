"""``aios bench voice``: word error rates and real-time factors, on real synthesised speech."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aios.cli.main import app
from aios.voice.bench import word_errors, words


def test_word_errors_count_substitutions_insertions_and_deletions():
    assert (
        word_errors(words("refund $45 on order SO-1042"), words("Refund $45.00 on order SO-1042."))
        == 0
    )
    assert word_errors(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    assert word_errors(["a", "b"], []) == 2


def test_bench_voice_reports_every_engine():
    ran = CliRunner().invoke(app, ["bench", "voice", "--limit", "3"])
    assert ran.exit_code == 0, ran.output
    report = json.loads(ran.output)
    assert report["requests"] == 3
    stt = {s["engine"]: s for s in report["speech_to_text"]}
    assert set(stt) == {"whisper", "pocketsphinx"}
    # The requests open with a refund, "yes, confirm" and "no, make it $40": whisper hears
    # them as the planner must read them; the light fallback does worse.
    assert stt["whisper"]["exact"] == 3 and stt["whisper"]["word_error_rate"] == 0
    assert stt["pocketsphinx"]["word_error_rate"] > 0
    tts = {t["engine"] for t in report["text_to_speech"]}
    assert "piper" in tts
    for engine in [*report["speech_to_text"], *report["text_to_speech"]]:
        assert engine["audio_s"] > 0 and engine["real_time_factor"] > 0

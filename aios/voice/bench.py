"""``aios bench voice``: word error rate of the offline speech-to-text on synthesised operator
requests, and the real-time factor (seconds of work per second of audio) of every engine."""

from __future__ import annotations

import re
import shutil
import time

from pydantic import BaseModel, Field

from aios.settings import Settings
from aios.voice.audio import RATE, Speech, decode
from aios.voice.engines import speech_to_text, text_to_speech
from aios.voice.spoken import normalise

REQUESTS: tuple[tuple[str, str], ...] = (
    # (what the operator says, what the planner should read)
    ("Refund forty five dollars on order S O ten forty two.", "refund $45 on order SO-1042"),
    ("Yes, confirm.", "yes confirm"),
    ("No, make it forty dollars.", "no make it $40"),
    ("What is the status of order S O ten sixty three?", "what is the status of order SO-1063"),
    ("Show me the open cases for Blue Harbor.", "show me the open cases for blue harbor"),
    ("Give me an overview of Acme.", "give me an overview of acme"),
    ("Cancel order S O ten ninety.", "cancel order SO-1090"),
    (
        "Send a payment reminder for invoice I N V twenty sixteen.",
        "send a payment reminder for invoice INV-2016",
    ),
    (
        "Note on case C S ten oh seven that the customer called.",
        "note on case CS-1007 that the customer called",
    ),
    ("Which invoices are overdue?", "which invoices are overdue"),
    ("How long do customers have to return goods?", "how long do customers have to return goods"),
    ("Who approves a refund above five hundred dollars?", "who approves a refund above $500"),
    (
        "Refund twelve dollars on invoice I N V twenty thirty eight.",
        "refund $12 on invoice INV-2038",
    ),
    ("Close case C S ten nineteen.", "close case CS-1019"),
    ("What can you do?", "what can you do"),
    ("No.", "no"),
    ("Cancel.", "cancel"),
    (
        "Look up the contact for Blue Harbor Logistics.",
        "look up the contact for blue harbor logistics",
    ),
    (
        "Raise the credit limit of Acme Industrial to ten thousand dollars.",
        "raise the credit limit of acme industrial to $10000",
    ),
    ("What is our refund policy for damaged goods?", "what is our refund policy for damaged goods"),
    (
        "Show the payments on invoice I N V twenty fifty five.",
        "show the payments on invoice INV-2055",
    ),
    ("Refund twenty dollars on order S O ten sixty three.", "refund $20 on order SO-1063"),
    ("Which orders are on hold?", "which orders are on hold"),
    ("Escalate case C S ten oh seven to high priority.", "escalate case CS-1007 to high priority"),
    ("What did the customer order last month?", "what did the customer order last month"),
    ("Yes, confirm the refund.", "yes confirm the refund"),
    ("Approve it.", "approve it"),
    ("Reject it.", "reject it"),
    ("Show my pending approvals.", "show my pending approvals"),
    ("Refund three hundred dollars on order S O ten eighteen.", "refund $300 on order SO-1018"),
    ("When is invoice I N V twenty ninety four due?", "when is invoice INV-2094 due"),
    (
        "Add a note to the open case that the driver was late.",
        "add a note to the open case that the driver was late",
    ),
)


class EngineTime(BaseModel):
    engine: str
    audio_s: float = Field(description="Seconds of audio processed.")
    work_s: float = Field(description="Seconds it took.")
    real_time_factor: float = Field(description="work / audio: below 1 is faster than speech.")


class SttScore(EngineTime):
    word_error_rate: float = Field(description="Word errors per reference word, after normalising.")
    exact: int = Field(description="Requests heard exactly as the planner should read them.")


class VoiceBench(BaseModel):
    requests: int
    speech_to_text: list[SttScore]
    text_to_speech: list[EngineTime]


def words(text: str) -> list[str]:
    """``text`` as comparable words: lower case, no punctuation but what ids and amounts hold."""
    text = re.sub(r"(\$\d+)\.00\b", r"\1", text.lower().replace(",", ""))
    return re.findall(r"[\w$]+(?:[-.]\w+)*", text)


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Substitutions, insertions and deletions turning ``heard`` into ``reference``."""
    row = list(range(len(heard) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, word in enumerate(heard, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != word))
    return row[-1]


def run_voice_bench(settings: Settings, limit: int | None = None) -> VoiceBench:
    chosen = REQUESTS[:limit] if limit else REQUESTS
    tts_engines = ["piper", *(["espeak"] if shutil.which("espeak-ng") else [])]
    spoken: list[Speech] = []
    tts: list[EngineTime] = []
    for name in tts_engines:
        speaker = text_to_speech(
            settings.model_copy(update={"tts_engine": name, "tts_voice": None})
        )
        started = time.perf_counter()
        made = [speaker.synthesize(said) for said, _ in chosen]
        tts.append(_timed(name, sum(s.seconds for s in made), time.perf_counter() - started))
        if name == "piper":
            spoken = made  # the speech-to-text engines hear piper's voice
    clips = [decode(s.wav(), settings.voice_max_seconds) for s in spoken]
    stt: list[SttScore] = []
    for name in ("whisper", "pocketsphinx"):
        listener = speech_to_text(
            settings.model_copy(update={"stt_engine": name, "stt_model": None})
        )
        started = time.perf_counter()
        heard = [words(normalise(listener.transcribe(clip).text)) for clip in clips]
        timed = _timed(name, sum(c.size for c in clips) / RATE, time.perf_counter() - started)
        references = [words(written) for _, written in chosen]
        errors = sum(word_errors(r, h) for r, h in zip(references, heard, strict=True))
        stt.append(
            SttScore(
                **timed.model_dump(),
                word_error_rate=round(errors / sum(len(r) for r in references), 3),
                exact=sum(r == h for r, h in zip(references, heard, strict=True)),
            )
        )
    return VoiceBench(requests=len(chosen), speech_to_text=stt, text_to_speech=tts)


def _timed(engine: str, audio_s: float, work_s: float) -> EngineTime:
    return EngineTime(
        engine=engine,
        audio_s=round(audio_s, 2),
        work_s=round(work_s, 2),
        real_time_factor=round(work_s / audio_s, 3),
    )

"""Audio at the voice front end's boundary: whatever a browser or a file sends, decoded to the
one format engines take (mono float32 PCM at 16 kHz), and speech encoded back as WAV."""

from __future__ import annotations

import io
import wave

import av
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

RATE = 16_000
"""What speech-to-text engines hear: 16 kHz mono."""
Pcm = npt.NDArray[np.float32]


class AudioError(ValueError):
    """Audio we cannot use; ``code`` is the API's problem code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Speech(BaseModel):
    """Synthesised speech: mono 16-bit samples at ``rate``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    samples: npt.NDArray[np.int16]
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def resampled(self, rate: int) -> Speech:
        """At another sample rate (linear interpolation: enough for a voice)."""
        if rate == self.rate:
            return self
        count = round(len(self.samples) * rate / self.rate)
        at = np.linspace(0, len(self.samples) - 1, count)
        samples = np.interp(at, np.arange(len(self.samples)), self.samples.astype(np.float32))
        return Speech(samples=samples.astype(np.int16), rate=rate)

    def wav(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(self.rate)
            writer.writeframes(self.samples.tobytes())
        return out.getvalue()


def decode(data: bytes, max_seconds: float) -> Pcm:
    """``data`` (WAV, WebM/Opus, Ogg, MP3, … anything FFmpeg reads) as 16 kHz mono PCM."""
    if not data:
        raise AudioError("invalid_audio", "The audio is empty.")
    # Imported here: faster-whisper takes most of a second to import, which an API that never
    # hears anything should not pay at start.
    from faster_whisper.audio import decode_audio

    try:
        pcm: Pcm = decode_audio(io.BytesIO(data), sampling_rate=RATE)
    except (av.FFmpegError, ValueError, IndexError) as exc:
        # PyAV raises its own errors for undecodable input, IndexError when no audio stream.
        raise AudioError("invalid_audio", f"The audio cannot be decoded ({exc}).") from None
    if pcm.size == 0:
        raise AudioError("invalid_audio", "The audio holds no samples.")
    seconds = pcm.size / RATE
    if seconds > max_seconds:
        raise AudioError(
            "audio_too_long", f"The audio lasts {seconds:.0f} s; at most {max_seconds:.0f} s."
        )
    return pcm


def int16(pcm: Pcm) -> npt.NDArray[np.int16]:
    return (np.clip(pcm, -1.0, 1.0) * 32767).astype(np.int16)


def floats(samples: npt.NDArray[np.int16]) -> Pcm:
    """16-bit samples as what engines hear."""
    return (samples.astype(np.float32) / 32768).astype(np.float32)

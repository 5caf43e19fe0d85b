"""Text-to-speech with the espeak-ng program: the light fallback (robotic, but tiny and
instant). Debian's ``espeak-ng`` package provides it."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

import numpy as np

from aios.voice.audio import Speech


class EspeakEngine:
    name = "espeak"

    def __init__(self, voice: str) -> None:
        program = shutil.which("espeak-ng")
        if program is None:
            raise FileNotFoundError(
                "espeak-ng is not installed (Debian: apt-get install espeak-ng)"
            )
        self.program = program
        self.voice = voice

    def synthesize(self, text: str) -> Speech:
        # The text goes on stdin, never on the command line, so nothing in it is an option.
        done = subprocess.run(
            [self.program, "-v", self.voice, "--stdout"],
            input=text.encode(),
            capture_output=True,
            check=True,
            timeout=60,
        )
        with wave.open(io.BytesIO(done.stdout)) as reader:
            frames = reader.readframes(reader.getnframes())
            rate = reader.getframerate()
        return Speech(samples=np.frombuffer(frames, dtype=np.int16).copy(), rate=rate)

"""A real sound server for tests: an isolated PulseAudio null sink, its recorder, and
onset detection of beeps in what was recorded.

Each test gets its own server (``tools/sound-server.sh start DIR``), so a test that
kills it disturbs no other. Clients find it through ``PULSE_RUNTIME_PATH``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE
from voiceguide.render.beeps import bundled_beeps
from voiceguide.timeline.events import Timeline

ROOT = Path(__file__).resolve().parents[1]
SERVER_SCRIPT = ROOT / "tools" / "sound-server.sh"


class SoundServer:
    """A PulseAudio server with the null sink ``vsink``, private to one test."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.env = {**os.environ, "PULSE_RUNTIME_PATH": str(directory)}
        self.env.pop("PULSE_SERVER", None)

    def start(self) -> None:
        """Start it; raises (failing the test) when PulseAudio cannot run here."""
        subprocess.run(["bash", str(SERVER_SCRIPT), "start", str(self.dir)], env=self.env,
                       check=True, capture_output=True, timeout=30)

    def stop(self) -> None:
        subprocess.run(["bash", str(SERVER_SCRIPT), "stop", str(self.dir)], env=self.env,
                       check=False, capture_output=True, timeout=30)

    def kill(self) -> None:
        """Kill the server the hard way, as a crash would."""
        os.kill(int((self.dir / "pid").read_text().split()[0]), signal.SIGKILL)


class Recorder:
    """Records the null sink's monitor to a WAV file at ``SAMPLE_RATE`` Hz mono.

    ``--latency-msec=10``: without it parec buffers about 2 s and loses the tail on exit.
    """

    def __init__(self, server: SoundServer, path: Path) -> None:
        self.server = server
        self.path = path
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Recorder:
        self._process = subprocess.Popen(
            ["parec", "-d", "vsink.monitor", "--latency-msec=10", "--file-format=wav",
             f"--rate={SAMPLE_RATE}", "--channels=1", "--format=s16le", str(self.path)],
            env=self.server.env,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGINT)
        self._process.wait(timeout=10)

    def samples(self) -> np.ndarray:
        """What was recorded, as float32 in [-1, 1)."""
        with wave.open(str(self.path), "rb") as wav:
            raw = wav.readframes(wav.getnframes())
        return np.frombuffer(raw, np.int16).astype(np.float32) / FULL_SCALE


@dataclass(frozen=True)
class Onset:
    """A beep found in a recording: where the timeline puts it and where it was heard
    (both ms on the timeline's clock, after aligning the first cue), and how well the
    recording matched the sound there (normalized cross-correlation, 0-1)."""

    sound: str
    expected_ms: float
    found_ms: float
    match: float

    @property
    def error_ms(self) -> float:
        return self.found_ms - self.expected_ms


def match_curve(signal_: np.ndarray, template: np.ndarray) -> np.ndarray:
    """Normalized cross-correlation of ``template`` at every lag in ``signal_`` (FFT)."""
    n = len(signal_) + len(template) - 1
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(signal_, size) * np.conj(np.fft.rfft(template, size)), size)
    corr = corr[: len(signal_) - len(template) + 1]
    energy = np.concatenate([[0.0], np.cumsum(signal_.astype(np.float64) ** 2)])
    window = energy[len(template):] - energy[: -len(template)]
    norm = np.sqrt(np.maximum(window, 1e-12)) * np.linalg.norm(template)
    return corr / norm


def find_sound(recording: np.ndarray, template: np.ndarray, around: int,
               reach: int) -> tuple[int, float]:
    """Best match (sample, score) of ``template`` within ``reach`` samples of ``around``."""
    lo = max(0, around - reach)
    hi = min(len(recording), around + reach + len(template))
    if hi - lo <= len(template):
        return around, 0.0
    curve = match_curve(recording[lo:hi], template)
    best = int(np.argmax(curve))
    return lo + best, float(curve[best])


def cue_onsets(recording: np.ndarray, timeline: Timeline, *, reach_ms: int = 150,
               first_within_ms: int = 10_000, shift_ms=lambda at_ms: 0.0) -> list[Onset]:
    """Every beep of ``timeline`` located in ``recording``.

    The first beep that no speech overlaps (a clean match; a tone under a spoken count
    can match a few periods off) is searched in the first ``first_within_ms`` of the
    recording, whose start relative to the play command is unknown; every beep is then
    searched within ``reach_ms`` of where that one and the timeline put it, plus
    ``shift_ms(at_ms)`` (a pause).
    """
    cues = bundled_beeps()
    beeps = [e for e in timeline.events if e.kind == "beep"]
    speech = [e for e in timeline.events if e.kind == "speech"]
    rate = SAMPLE_RATE / 1000
    first = next(b for b in beeps
                 if not any(s.at_ms < b.end_ms and b.at_ms < s.end_ms for s in speech))
    found, _ = find_sound(recording, cues[str(first.sound)], 0,
                          int((first.at_ms + shift_ms(first.at_ms) + first_within_ms) * rate))
    origin = found / rate - first.at_ms - shift_ms(first.at_ms)
    onsets = []
    for event in beeps:
        expected = event.at_ms + shift_ms(event.at_ms)
        at, score = find_sound(recording, cues[str(event.sound)],
                               int((origin + expected) * rate), int(reach_ms * rate))
        onsets.append(Onset(str(event.sound), expected, at / rate - origin, score))
    return onsets

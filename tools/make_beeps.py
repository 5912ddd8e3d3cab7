"""Generate the bundled beeps (``beep_sounds/*.wav``): run after changing a sound.

    .venv/bin/python tools/make_beeps.py [OUT_DIR]

Each sound is a few struck, bell-like notes: near-harmonic partials (pleasant) plus a
short inharmonic strike (a sharp onset, so the sound is found to the sample in the mix).
The five sounds use different pitches and contours so they are told apart by ear and
by a matched filter: ``go`` rises, ``countdown`` is a single pip, ``tick`` a soft
wood-block click, ``end`` falls, ``finish`` is a rising four-note arpeggio.

Lengths are exactly ``voiceguide.timeline.events.BEEP_MS`` (the compiler's beep durations);
levels are final: peak -1 dBFS, the tempo tick -6 dBFS because it comes often.
"""

from __future__ import annotations

import sys
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voiceguide.pcm import SAMPLE_RATE
from voiceguide.timeline.events import BEEP_MS, BEEP_SOUNDS

CUES_DIR = Path(__file__).resolve().parent.parent / "beep_sounds"
FADE_OUT_S = 0.008
"""Every sound ends in a raised-cosine fade to exact silence: no click when it stops."""

PEAK_DBFS = {"go": -1.0, "tick": -6.0, "countdown": -1.0, "end": -1.0, "finish": -1.0}

Note = tuple[float, float, float]
"""(frequency Hz, start s, decay time constant s)."""

NOTES: dict[str, Sequence[Note]] = {
    "go": ((880.0, 0.0, 0.10), (1318.5, 0.075, 0.12)),  # A5 -> E6, rising fifth
    "tick": ((1975.5, 0.0, 0.010),),  # B6, dry
    "countdown": ((987.8, 0.0, 0.06),),  # B5 pip
    "end": ((1174.7, 0.0, 0.10), (784.0, 0.14, 0.16)),  # D6 -> G5, falling fourth
    "finish": ((523.3, 0.0, 0.30), (659.3, 0.11, 0.30), (784.0, 0.22, 0.30),
               (1046.5, 0.33, 0.35)),  # C5 E5 G5 C6
}

PARTIALS = ((1.0, 1.0), (2.0, 0.30), (3.0, 0.10))
"""(multiple of the note's frequency, amplitude): the bell-like body of a note."""
STRIKE = ((4.07, 0.35), (6.53, 0.25), (9.31, 0.15))
"""Inharmonic partials that die within a few ms: the mallet's strike."""
STRIKE_DECAY_S = 0.004
GLIDE = 0.05
GLIDE_S = 0.015
"""A struck bar starts 5 % sharp and settles within ~15 ms: natural, and it keeps the
sound from matching itself one period late."""
ATTACK_S = 0.0015
NYQUIST_MARGIN_HZ = 10_000.0


def struck_note(freq: float, start_s: float, decay_s: float, n: int) -> np.ndarray:
    """One struck note in an ``n``-sample buffer, silent before ``start_s``."""
    t = np.arange(n) / SAMPLE_RATE - start_s
    live = t >= 0
    t = np.where(live, t, 0.0)
    attack = np.clip(t / ATTACK_S, 0.0, 1.0)
    bent = t + GLIDE * GLIDE_S * (1.0 - np.exp(-t / GLIDE_S))
    body = sum(a * np.sin(2 * np.pi * freq * k * bent) for k, a in PARTIALS)
    body = body * np.exp(-t / decay_s)
    strike = sum(a * np.sin(2 * np.pi * freq * k * t) for k, a in STRIKE
                 if freq * k < NYQUIST_MARGIN_HZ)
    strike = strike * np.exp(-t / STRIKE_DECAY_S)
    return np.where(live, (body + strike) * attack, 0.0)


def make_sound(name: str) -> np.ndarray:
    """The named beep as int16 samples, exactly ``BEEP_MS[name]`` long (rounded down
    to whole samples, so its length in ms, rounded up, is ``BEEP_MS[name]``)."""
    n = BEEP_MS[name] * SAMPLE_RATE // 1000
    mix = sum(struck_note(f, start, decay, n) for f, start, decay in NOTES[name])
    fade = min(n, round(FADE_OUT_S * SAMPLE_RATE))
    mix[n - fade:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, fade))
    peak = 10 ** (PEAK_DBFS[name] / 20) * 32767
    return np.round(mix / np.max(np.abs(mix)) * peak).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.astype("<i2").tobytes())


def main(out_dir: Path = CUES_DIR) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in BEEP_SOUNDS:
        write_wav(out_dir / f"{name}.wav", make_sound(name))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CUES_DIR)

"""Beeps ready to mix: the bundled set (``beep_sounds/``) or one file a script names.

Bundled sounds keep the levels they were made with (``tools/make_beeps.py``: peak -1 dBFS,
the frequent tempo tick -6 dBFS). A custom file stands in for every beep: it is brought
to mono at ``SAMPLE_RATE``, its peak set to -1 dBFS, and cut (with a short fade) to each
beep's length in ``BEEP_MS``, so the compiled timeline stays exact.
"""

from __future__ import annotations

import warnings
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from voiceguide.errors import ScriptError, VoiceguideError
from voiceguide.inputs import MAX_SOUND_BYTES, UnreadableInput, check_limited
from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE, Samples
from voiceguide.problems import Problem
from voiceguide.render.samples import read_wav, resample
from voiceguide.script.model import BeepSettings
from voiceguide.timeline.events import BEEP_MS, BEEP_SOUNDS

CUSTOM_PEAK = 10 ** (-1 / 20)
"""-1 dBFS: a custom sound's peak, the same as the bundled ones."""
FADE_MS = 8
"""Fade-out in ms where a custom sound is cut to a beep's length: no click."""
BUNDLED = "tone"


@dataclass(frozen=True)
class BeepSounds:
    """Float32 mono samples at ``SAMPLE_RATE`` Hz for each name of ``BEEP_SOUNDS``, each
    at most ``BEEP_MS[name]`` long, peak at most 1.0 (full scale)."""

    sounds: Mapping[str, Samples]
    rate: int = SAMPLE_RATE
    """Hz of ``sounds`` (the renderer brings them to its own rate)."""

    def __getitem__(self, name: str) -> Samples:
        return self.sounds[name]


@lru_cache(maxsize=1)
def bundled_beeps() -> BeepSounds:
    """The sounds shipped in ``voiceguide.beep_sounds``."""
    folder = resources.files("voiceguide.beep_sounds")
    sounds = {}
    for name in BEEP_SOUNDS:
        with resources.as_file(folder / f"{name}.wav") as path:
            samples, rate = read_wav(path)
        sounds[name] = resample(samples, rate)
    return BeepSounds(sounds)


def custom_beeps(path: Path) -> BeepSounds:
    """One sound file used for every beep, in any format pydub reads.

    Raises OSError, ``wave.Error``, EOFError, UnreadableInput or VoiceguideError when it
    cannot be read.
    """
    samples = decode(path)
    peak = float(np.max(np.abs(samples), initial=0.0))
    if peak == 0.0:
        raise wave.Error("the sound is silent")
    samples = samples * np.float32(CUSTOM_PEAK / peak)
    return BeepSounds({name: cut(samples, BEEP_MS[name]) for name in BEEP_SOUNDS})


def cut(samples: Samples, ms: int) -> Samples:
    """``samples`` no longer than ``ms``, fading out over the last ``FADE_MS`` if cut."""
    n = ms * SAMPLE_RATE // 1000
    if len(samples) <= n:
        return samples
    out = samples[:n].copy()
    fade = min(n, FADE_MS * SAMPLE_RATE // 1000)
    out[n - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out


def decode(path: Path) -> Samples:
    """An audio file as mono float32 at ``SAMPLE_RATE``, by pydub: WAV by itself, other
    formats through ffmpeg (found as for export, so a pip-shipped one works too)."""
    from voiceguide.ffmpeg import find_ffmpeg

    check_limited(path, MAX_SOUND_BYTES, "the file")
    with warnings.catch_warnings():  # pydub's own import warnings (no ffmpeg, audioop)
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError
    if path.suffix.lower() != ".wav":
        AudioSegment.converter = find_ffmpeg()
    try:
        segment = AudioSegment.from_file(path)
    except CouldntDecodeError as exc:
        lines = str(exc).strip().splitlines()
        raise wave.Error(lines[-1] if lines else "it is not an audio file") from exc
    segment = segment.set_channels(1).set_frame_rate(SAMPLE_RATE).set_sample_width(2)
    return np.frombuffer(segment.raw_data, "<i2").astype(np.float32) / np.float32(FULL_SCALE)


def locate(sound: str, script_file: str | None) -> Path:
    """A sound named in a script: as given, else next to the script, else bundled."""
    path = Path(sound).expanduser()
    if path.is_absolute():
        return path
    candidates = [Path(script_file).parent / path] if script_file else []
    candidates.append(Path(str(resources.files("voiceguide.beep_sounds"))) / path)
    return next((c for c in candidates if c.exists()), candidates[0])


def load_beeps(beeps: BeepSettings, *, script_file: str | None = None) -> BeepSounds:
    """The beeps a script asks for; a missing or unreadable file is a ScriptError
    located at the script's ``beeps.sound`` (``script_file`` names the script)."""
    if beeps.sound == BUNDLED:
        return bundled_beeps()
    path = locate(beeps.sound, script_file)
    try:
        return custom_beeps(path)
    except (OSError, EOFError, wave.Error, VoiceguideError, UnreadableInput) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScriptError([Problem(
            file=script_file or str(path), loc=beeps.loc, level="error",
            message=f"cannot read beep {path}: {reason}",
            hint="use a WAV file (or, with ffmpeg installed, MP3/OGG/FLAC)",
        )]) from exc

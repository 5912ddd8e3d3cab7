"""Helpers for the render, export and cue tests: hand-built timelines and an onset detector."""

from __future__ import annotations

import numpy as np

from tests.fakes import FakeSpeech
from voiceguide.pcm import FULL_SCALE
from voiceguide.render.gains import GainPlan
from voiceguide.render.loudness import TARGET_LUFS
from voiceguide.script.model import BeepSettings, VoiceSettings
from voiceguide.timeline.events import BEEP_MS, Chapter, Event, Timeline

VOICE = VoiceSettings()


def say(at_ms: int, text: str, *, block: int = 0) -> Event:
    """A speech event lasting what FakeSpeech says it lasts."""
    return Event(at_ms=at_ms, duration_ms=FakeSpeech().duration_ms(text, VOICE), kind="speech",
                 tag="cue", text=text, block=block)


def beep(at_ms: int, sound: str, *, block: int = 0) -> Event:
    return Event(at_ms=at_ms, duration_ms=BEEP_MS[sound], kind="beep", tag=sound, sound=sound,
                 block=block)


def timeline_of(events: list[Event], total_ms: int, *, chapters: tuple[Chapter, ...] = (),
                beeps: BeepSettings | None = None, voice: VoiceSettings = VOICE,
                title: str = "Test workout") -> Timeline:
    chapters = chapters or (Chapter(start_ms=0, end_ms=total_ms, block=0, title="Block"),)
    return Timeline(title=title, language="en", voice=voice, beeps=beeps or BeepSettings(),
                    events=tuple(sorted(events, key=lambda e: e.at_ms)), sections=(),
                    chapters=chapters, total_ms=total_ms)


def find_onsets(audio: np.ndarray, sound: np.ndarray, gain: float,
                tolerance: float = 0.2) -> list[int]:
    """Sample indices where ``sound`` (float template) occurs in ``audio`` (int16) at
    level ``gain``: a matched filter, blind to where the sound is expected.

    The filter runs twice: on the signals' first differences (which weights the sharp
    strike of a beep, so the peak is exact to the sample) and on the plain signals.
    Both estimate the template's amplitude at each lag; a lag counts where both are
    within ``tolerance`` of ``gain`` -- speech that happens to resemble a beep in
    one band does not in both. Each run of such lags shorter than the sound is one onset,
    at its best lag.
    """
    signal = audio.astype(np.float64) / FULL_SCALE
    template = sound.astype(np.float64)
    size = 1 << (len(signal) + len(template)).bit_length()
    scores = []
    for x, t in ((np.diff(signal, prepend=0.0), np.diff(template, prepend=0.0)),
                 (signal, template)):
        corr = np.fft.irfft(np.fft.rfft(x, size) * np.conj(np.fft.rfft(t, size)), size)
        scores.append(corr[: len(signal)] / (t @ t) / gain)
    sharp, plain = scores
    candidates = np.flatnonzero((np.abs(sharp - 1) < tolerance) & (np.abs(plain - 1) < tolerance))
    onsets: list[int] = []
    for i in candidates:
        if onsets and i - onsets[-1] < len(template):
            if sharp[i] > sharp[onsets[-1]]:
                onsets[-1] = int(i)
        else:
            onsets.append(int(i))
    return onsets


def planned_gains(script: str, *, loudness: float = TARGET_LUFS) -> GainPlan:
    """The gains ``voiceguide export SCRIPT`` used, planned again in this process from the
    same caches (the test session's user folders): what a beep's level is in it."""
    from voiceguide.app import load_timeline
    from voiceguide.paths import levels_cache_dir
    from voiceguide.render.levels import LevelCache
    from voiceguide.render.mixer import Renderer
    from voiceguide.speech.engine import EngineSpeech

    speech = EngineSpeech()
    timeline = load_timeline(script, week=None, speech=speech)
    return Renderer(timeline, speech, loudness=loudness,
                    levels=LevelCache(levels_cache_dir())).gains

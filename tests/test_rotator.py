"""The phase rotator (``render/rotator.py``) and when the gain plan uses it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.fakes import FakeSpeech
from tests.render_support import say, timeline_of
from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE
from voiceguide.render import levels, limiter, peaks, rotator
from voiceguide.render.mixer import Renderer
from voiceguide.render.samples import resample, to_float


def glottal_pulses(hz: float = 120.0, seconds: float = 1.0) -> np.ndarray:
    """The derivative of a Rosenberg glottal pulse train: a slow opening, then the sharp
    closure that makes voiced speech peak far over its loudness."""
    phase = (np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE * hz) % 1
    flow = np.where(phase < 0.4, 0.5 * (1 - np.cos(np.pi * phase / 0.4)),
                    np.where(phase < 0.56, np.cos(np.pi * (phase - 0.4) / 0.32), 0.0))
    pulses = np.diff(flow, prepend=0.0)
    return (0.5 * pulses / np.abs(pulses).max()).astype(np.float32)


def db(value: float) -> float:
    return 20 * math.log10(value)


def test_the_rotator_keeps_every_frequencys_level() -> None:
    response = np.abs(np.fft.rfft(rotator.impulse_response(), 1 << 14))
    assert np.abs(20 * np.log10(response)).max() < 0.01


def test_the_rotator_lowers_the_peaks_of_voiced_speech_not_its_loudness() -> None:
    pulses = glottal_pulses()
    rotated = rotator.rotate(pulses)
    assert len(rotated) == len(pulses)
    assert db(limiter.peak(rotated)) <= db(limiter.peak(pulses)) - 2.0
    assert levels.loudness(rotated, gated=True) == pytest.approx(
        levels.loudness(pulses, gated=True), abs=0.05)
    assert np.array_equal(rotator.rotate(pulses), rotated)  # deterministic


def render_one_line(loudness: float) -> tuple[Renderer, np.ndarray]:
    speech = FakeSpeech()
    timeline = timeline_of([say(0, "Drive through your heels.")], 5_000)
    renderer = Renderer(timeline, speech, loudness=loudness)
    return renderer, np.concatenate(list(renderer.chunks(chunk_ms=60_000)))


@pytest.mark.parametrize("loudness", [-16.0, -23.0])
def test_the_default_target_and_quieter_ones_limit_the_speech_as_synthesized(
        loudness: float) -> None:
    """The rotator came for louder targets: -16 and under sound as they did before it."""
    renderer, audio = render_one_line(loudness)
    assert not renderer.gains.rotated
    clip = FakeSpeech().clip("Drive through your heels.", renderer.timeline.voice)
    gain = renderer.gains.speech["Drive through your heels."].gain
    expected = peaks.control(resample(to_float(clip.samples), clip.sample_rate), gain)
    rendered = audio[: len(expected)].astype(np.float32) / FULL_SCALE
    assert np.abs(rendered - expected).max() <= 1 / FULL_SCALE


def test_a_louder_target_rotates_the_speech() -> None:
    renderer, audio = render_one_line(-14.0)
    assert renderer.gains.rotated
    _, unrotated = render_one_line(-16.0)
    assert not np.array_equal(audio[: len(unrotated)], unrotated)

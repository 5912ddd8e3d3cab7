"""Loudness: measurement, prediction, the gain plan and the limiter (fake speech)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from tests.fakes import FakeSpeech
from tests.render_support import beep, say, timeline_of
from voiceguide.compile.compiler import compile_script
from voiceguide.render import levels, limiter, peaks
from voiceguide.render.gains import BEEP_LEVELS_LU
from voiceguide.render.levels import LevelCache
from voiceguide.render.loudness import gated_loudness
from voiceguide.render.mixer import Renderer
from voiceguide.render.samples import SAMPLE_RATE, ms_to_samples
from voiceguide.script.model import BeepSettings, VoiceSettings
from voiceguide.script.parse import load_script
from voiceguide.speech.protocol import Clip

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


class PeakySpeech(FakeSpeech):
    """Noise with a spike every 5 ms, like eSpeak NG's glottal pulses: peaks far above the
    loudness, so the clip limiter has work to do."""

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        clip = super().clip(text, voice)
        samples = clip.samples.astype(np.int32)
        samples[:: SAMPLE_RATE // 200] *= 3
        return Clip(samples=samples.clip(-32767, 32767).astype(np.int16),
                    sample_rate=clip.sample_rate)


def measured(audio: np.ndarray) -> float:
    return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(audio / 32768.0))


def span(audio: np.ndarray, at_ms: int, ms: int) -> np.ndarray:
    return audio[ms_to_samples(at_ms): ms_to_samples(at_ms + ms)].astype(np.float64) / 32768


def test_gating_matches_pyloudnorm_on_blocks() -> None:
    """Our gate over block mean squares gives pyloudnorm's integrated loudness."""
    rng = np.random.default_rng(1)
    signal = rng.standard_normal(SAMPLE_RATE * 6) * 0.05
    signal[SAMPLE_RATE * 2: SAMPLE_RATE * 4] *= 0.01  # a quiet stretch the gate drops
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    expected = meter.integrated_loudness(signal)
    blocks = 10 ** ((np.asarray(meter.blockwise_loudness) + 0.691) / 10)
    assert gated_loudness(blocks) == pytest.approx(expected, abs=0.01)


def peaky_clip(seconds: float, seed: int) -> np.ndarray:
    """A speech-like clip: noise in syllables with pauses, and pulses far over it."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    envelope = np.repeat(rng.uniform(0.0, 1.0, -(-n // 2_000)) > 0.3, 2_000)[:n]
    clip = rng.standard_normal(n) * 0.05 * envelope
    clip[:: SAMPLE_RATE // 150] *= 4
    return clip.astype(np.float32)


@pytest.mark.parametrize("seconds", [0.05, 0.3, 0.41, 1.0, 2.35, 7.0])
def test_loudness_is_pyloudnorms(seconds: float) -> None:
    """The vectorised gating gives pyloudnorm's integrated loudness, gated and not
    (one block as long as the sound), for clips shorter and longer than a block."""
    clip = peaky_clip(seconds, 3).astype(np.float64)
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    if len(clip) >= 0.4 * SAMPLE_RATE:
        assert levels.loudness(clip, gated=True) == pytest.approx(
            meter.integrated_loudness(clip), abs=0.01)
    whole = pyloudnorm.Meter(SAMPLE_RATE, block_size=(len(clip) - 0.5) / SAMPLE_RATE)
    assert levels.loudness(clip, gated=False) == pytest.approx(
        whole.integrated_loudness(clip), abs=0.01)


def test_a_clip_is_limited_alone_as_the_mix_limiter_would() -> None:
    """The clip limiter's peaks found once and scaled give the mix limiter's output at
    every gain (to float32 rounding)."""
    clip = peaky_clip(2.0, 4)
    controlled = peaks.Controlled(clip)
    margin = np.zeros(limiter.BACK + limiter.AHEAD, np.float32)
    for gain in (0.5, 1.0, 3.0, 12.0):
        padded = np.concatenate([margin[: limiter.BACK], clip * np.float32(gain),
                                 margin[limiter.BACK:]])
        alone = limiter.limit(padded, 0, limiter.BACK, limiter.BACK + len(clip))
        assert np.allclose(controlled.at(gain), alone, rtol=1e-5, atol=1e-7), gain
    assert controlled.headroom == pytest.approx(limiter.CEILING / limiter.peak(clip))


def test_a_clip_brought_further_starts_from_the_gains_tried() -> None:
    """The second plan's search (a fraction of a LU further) starts where the first
    left off: within tolerance in a step or two, not a search from scratch."""
    clip = peaky_clip(2.0, 5)
    raw = levels.loudness(clip, gated=True)
    tried: dict[float, levels.Level] = {}
    first = levels.bring_to(clip, raw, -16.0, tried=tried)
    searched = len(tried)
    again = levels.bring_to(clip, raw, -15.6, tried=tried)
    for level, lufs in ((first, -16.0), (again, -15.6)):
        assert level.loudness == pytest.approx(lufs, abs=levels.TOLERANCE_LU)
        limited = peaks.control(clip, level.gain)
        assert levels.loudness(limited, gated=True) == pytest.approx(level.loudness, abs=1e-6)
        assert limiter.peak(limited) <= limiter.ALONE
    assert len(tried) - searched <= 2 < searched


def test_a_cold_synthesis_starts_importing_the_meter() -> None:
    """Synthesis shown through ``app.measuring_after`` starts the 0.9 s import of what
    measures levels on a thread, and still shows its own progress."""
    program = (
        "import contextlib, sys, threading\n"
        "from voiceguide.app import measuring_after\n"
        "shown = []\n"
        "@contextlib.contextmanager\n"
        "def bar(count):\n"
        "    shown.append(count)\n"
        "    yield lambda: shown.append('line')\n"
        "before = 'pyloudnorm' in sys.modules\n"
        "with measuring_after(bar)(2) as advance:\n"
        "    advance()\n"
        "for thread in threading.enumerate():\n"
        "    if thread.name == 'preload levels':\n"
        "        thread.join()\n"
        "print(before, 'scipy.signal' in sys.modules, shown)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True).stdout
    assert out.split(maxsplit=2) == ["False", "True", "[2, 'line']\n"]


@pytest.mark.parametrize("target", [-16.0, -23.0])
@pytest.mark.parametrize("name", ["hip-thrust", "runners-glutes"])
def test_a_session_renders_at_its_target(name: str, target: float) -> None:
    script, _ = load_script(SCRIPTS / f"{name}.yaml")
    assert script is not None
    timeline = compile_script(script, speech=PeakySpeech(), week=None)
    renderer = Renderer(timeline, PeakySpeech(), loudness=target)
    audio = np.concatenate(list(renderer.chunks(chunk_ms=60_000)))
    assert measured(audio) == pytest.approx(target, abs=1.0)  # the tolerance
    assert 20 * math.log10(limiter.peak(audio / np.float32(32768))) <= limiter.CEILING_DBTP + 0.05


def test_a_single_word_and_a_long_cue_are_equally_loud() -> None:
    """Normalised by loudness, not peak: the word's peaks are twice as high for its
    loudness, which a peak normaliser would have made 6 dB quieter."""

    class LoudSpikes(PeakySpeech):
        def clip(self, text: str, voice: VoiceSettings) -> Clip:
            clip = super().clip(text, voice)
            if text == "one":
                samples = clip.samples.astype(np.int32)
                samples[:: SAMPLE_RATE // 50] *= 2
                return Clip(samples.clip(-32767, 32767).astype(np.int16), clip.sample_rate)
            return clip

    long_cue = "Drive through your heels and squeeze at the top of every rep."
    events = [say(500, "one"), say(3_000, long_cue)]
    audio = Renderer(timeline_of(events, 8_000), LoudSpikes(), loudness=-23).render()
    word = levels.loudness(span(audio, 500, events[0].duration_ms), gated=True)
    sentence = levels.loudness(span(audio, 3_000, events[1].duration_ms), gated=True)
    assert word == pytest.approx(sentence, abs=0.5)


@pytest.mark.parametrize("volume", [0.6, 0.3])
def test_cue_sounds_sit_at_their_level_relative_to_speech(volume: float) -> None:
    names = sorted(BEEP_LEVELS_LU)
    events = [say(0, "Get ready for the next set now"),
              *(beep(3_000 + 1_000 * i, name) for i, name in enumerate(names))]
    timeline = timeline_of(events, 9_000, beeps=BeepSettings(volume=volume))
    audio = Renderer(timeline, FakeSpeech()).render()
    voice = levels.loudness(span(audio, 0, events[0].duration_ms), gated=True)
    for event in events[1:]:
        level = levels.loudness(span(audio, event.at_ms, event.duration_ms), gated=False)
        expected = BEEP_LEVELS_LU[str(event.sound)] + 20 * math.log10(volume / 0.6)
        assert level - voice == pytest.approx(expected, abs=0.5), event.sound
    assert BEEP_LEVELS_LU["tick"] >= -6


def test_voice_volume_sets_the_balance_and_the_session_stays_on_target() -> None:
    events = [say(0, "Get ready for the next set now"), beep(3_000, "go"),
              say(4_000, "Keep breathing and stay tall")]
    quiet = timeline_of(events, 8_000, voice=VoiceSettings(volume=0.5))
    audio = Renderer(quiet, FakeSpeech()).render()
    voice = levels.loudness(span(audio, 0, events[0].duration_ms), gated=True)
    go = levels.loudness(span(audio, 3_000, events[1].duration_ms), gated=False)
    assert go - voice == pytest.approx(BEEP_LEVELS_LU["go"] + 6.0, abs=0.5)


def test_measurements_are_kept_on_disk(tmp_path: Path) -> None:
    events = [say(0, "one"), say(2_000, "Keep breathing"), beep(4_000, "tick")]
    timeline = timeline_of(events, 6_000)
    first = LevelCache(tmp_path)
    audio = Renderer(timeline, PeakySpeech(), levels=first).render()
    assert first.measured >= 5  # two clips as synthesized and at their level(s), one tick
    again = LevelCache(tmp_path)
    assert np.array_equal(Renderer(timeline, PeakySpeech(), levels=again).render(), audio)
    assert again.measured == 0
    for path in tmp_path.iterdir():
        path.write_bytes(b"damaged")
    damaged = LevelCache(tmp_path)
    assert np.array_equal(Renderer(timeline, PeakySpeech(), levels=damaged).render(), audio)
    assert damaged.measured == first.measured


def test_sliding_min_is_the_minimum_of_each_window() -> None:
    values = np.random.default_rng(2).integers(0, limiter.UNIT, 1_000)
    for width in (1, 7, 64, 1_000):
        expected = [min(values[k: k + width]) for k in range(len(values))]
        assert list(limiter.sliding_min(values, width)) == expected


def test_the_limiter_glides_down_before_a_peak_and_keeps_it_under_the_ceiling() -> None:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 3_000 * t)).astype(np.float32)
    burst = slice(SAMPLE_RATE // 2, SAMPLE_RATE // 2 + 400)
    tone[burst] *= 4  # 1.2: over full scale, and over the ceiling between samples too
    out = limiter.limit(tone, 0, 0, len(tone))
    assert limiter.peak(out) <= limiter.CEILING * 1.001
    gain = out[: burst.stop] / np.where(tone[: burst.stop] == 0, 1, tone[: burst.stop])
    before = gain[burst.start - limiter.ATTACK - 50: burst.start - limiter.ATTACK]
    assert np.allclose(before, 1.0)  # untouched until the look-ahead
    burst_peak = limiter.peak(tone[burst.start - 20: burst.stop + 20])
    assert gain[burst.start - 1] < 1.1 * limiter.CEILING / burst_peak  # down before it starts
    assert gain[burst].min() <= limiter.CEILING / burst_peak + 1e-3
    assert np.array_equal(out[:1_000], tone[:1_000])

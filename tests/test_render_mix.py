"""The renderer: exact sample positions, chunking, levels and the limiter (fake speech)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.fakes import FakeSpeech
from tests.render_support import VOICE, beep, find_onsets, say, timeline_of
from voiceguide.compile.compiler import compile_script
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render import limiter
from voiceguide.render.beeps import bundled_beeps
from voiceguide.render.mixer import Renderer
from voiceguide.render.samples import ms_to_samples
from voiceguide.script.model import BeepSettings, VoiceSettings
from voiceguide.script.parse import load_script
from voiceguide.speech.protocol import Clip
from voiceguide.timeline.events import Event

SCRIPTS = sorted((Path(__file__).resolve().parent.parent / "scripts").glob("*.yaml"))


class CountingSpeech(FakeSpeech):
    """FakeSpeech that records each clip request, optionally at another sample rate."""

    def __init__(self, rate: int = 22050) -> None:
        super().__init__()
        self.rate = rate
        self.requests: list[str] = []

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        self.requests.append(text)
        clip = super().clip(text, voice)
        if self.rate == clip.sample_rate:
            return clip
        n = len(clip.samples) * self.rate // clip.sample_rate
        return Clip(samples=np.resize(clip.samples, n), sample_rate=self.rate)


def test_each_event_starts_at_its_exact_sample() -> None:
    events = [beep(1_000, "go"), beep(2_337, "countdown"), say(3_001, "Hello there"),
              beep(9_999, "finish")]
    renderer = Renderer(timeline_of(events, 12_000), FakeSpeech())
    audio = renderer.render()
    assert len(audio) == renderer.total_samples == ms_to_samples(12_000)
    cues = bundled_beeps()
    for name, at_ms in (("go", 1_000), ("countdown", 2_337), ("finish", 9_999)):
        found = find_onsets(audio, cues[name], renderer.gains.beeps[name])
        assert found == [ms_to_samples(at_ms)]
    start = ms_to_samples(3_001)
    assert not audio[start - 50: start].any() and audio[start: start + 5].any()


def test_chunks_and_spans_are_the_same_samples_as_one_render() -> None:
    """Also where the limiter works: stacked beeps on speech, across chunk edges."""
    events = [say(0, "Welcome to the workout"), beep(1_500, "go"), say(4_990, "Ten"),
              beep(5_000, "tick"), beep(7_777, "end"), say(8_000, "Done"),
              *(beep(1_990 + 3 * i, "finish") for i in range(5))]
    renderer = Renderer(timeline_of(events, 10_000), FakeSpeech())
    whole = renderer.render()
    for chunk_ms in (1, 333, 1_000, 4_999, 60_000):
        chunks = list(renderer.chunks(chunk_ms=chunk_ms))
        assert np.array_equal(np.concatenate(chunks), whole)
        assert all(len(c) == ms_to_samples(chunk_ms) for c in chunks[:-1])
    for start_ms, end_ms in ((0, 1), (1_499, 1_501), (4_000, 9_000), (9_999, 10_000)):
        span = renderer.render(start_ms, end_ms)
        assert np.array_equal(span, whole[ms_to_samples(start_ms): ms_to_samples(end_ms)])
    assert np.array_equal(np.concatenate(list(renderer.chunks(4_000, chunk_ms=700))),
                          whole[ms_to_samples(4_000):])


def test_bad_spans_are_refused() -> None:
    renderer = Renderer(timeline_of([], 1_000), FakeSpeech())
    with pytest.raises(ValueError):
        renderer.render(500, 100)
    with pytest.raises(ValueError):
        renderer.render(-1)


def test_speech_with_beep_at_full_volume_does_not_clip() -> None:
    events = [say(0, "Three"), beep(0, "countdown"), say(2_000, "Go"), beep(2_000, "go")]
    timeline = timeline_of(events, 3_000, voice=VoiceSettings(volume=1.0),
                           beeps=BeepSettings(volume=1.0))
    renderer = Renderer(timeline, FakeSpeech())
    renderer.render()
    assert renderer.limited_samples == 0


def true_peak_db(audio: np.ndarray) -> float:
    """The 4x-oversampled peak of int16 audio in dBTP."""
    return 20 * float(np.log10(limiter.peak(audio.astype(np.float32) / 32768)))


def test_limiter_holds_stacked_beeps_under_the_ceiling() -> None:
    events = [say(0, "Three two one"), *(beep(0, "finish") for _ in range(6))]
    timeline = timeline_of(events, 3_000, beeps=BeepSettings(volume=1.0))
    renderer = Renderer(timeline, FakeSpeech())
    audio = renderer.render()
    assert renderer.limited_samples == 0
    assert true_peak_db(audio) <= limiter.CEILING_DBTP + 0.05
    alone = Renderer(timeline_of(events[1:2], 3_000, beeps=BeepSettings(volume=1.0)),
                     FakeSpeech(), loudness=-30).render()
    assert np.corrcoef(audio[:2_000], alone[:2_000])[0, 1] > 0.9  # limited, not mangled


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_bundled_workouts_stay_under_the_ceiling(path: Path) -> None:
    script, _ = load_script(path)
    assert script is not None
    timeline = compile_script(script, speech=FakeSpeech(), week=None)
    renderer = Renderer(timeline, FakeSpeech())
    peak = max(true_peak_db(chunk) for chunk in renderer.chunks(chunk_ms=60_000))
    assert peak <= limiter.CEILING_DBTP + 0.05
    assert renderer.limited_samples == 0


def test_clips_at_another_rate_are_resampled() -> None:
    speech = CountingSpeech(rate=16_000)
    event = say(0, "Resample me please")
    audio = Renderer(timeline_of([event], 3_000), speech).render()
    sounding = np.flatnonzero(audio)
    expected = len(speech.clip(event.text, VOICE).samples) * SAMPLE_RATE // 16_000
    assert abs((sounding[-1] + 1) - expected) <= 2


def test_each_clip_is_fetched_once_per_pass_and_forgotten_after_its_last_use() -> None:
    speech = CountingSpeech()
    events = [say(i * 1_000, text) for i, text in enumerate(["one", "two", "one", "three"] * 5)]
    renderer = Renderer(timeline_of(events, 21_000), speech)
    planned = sorted(speech.requests)
    assert planned == ["one", "three", "two"]  # once to plan the gains
    for _ in renderer.chunks(chunk_ms=500):
        pass
    assert sorted(speech.requests[len(planned):]) == ["one", "three", "two"]
    assert renderer._clips == {}  # nothing held after the end


def test_a_long_session_is_mixed_chunk_by_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two hours of events: each chunk only touches the events that overlap it, with the
    limiter's margins (the tick starting right at the chunk's end is in its look-ahead)."""
    events = [beep(i * 1_000, "tick") for i in range(7_200)]
    renderer = Renderer(timeline_of(events, 7_200_000), FakeSpeech(), loudness=-30)
    touched: list[int] = []
    sound = renderer._sound

    def counted(event: Event) -> tuple[np.ndarray, bool]:
        touched.append(event.at_ms)
        return sound(event)

    monkeypatch.setattr(renderer, "_sound", counted)
    chunk = next(renderer.chunks(3_600_000, chunk_ms=10_000))
    assert len(chunk) == ms_to_samples(10_000)
    assert len(find_onsets(chunk, bundled_beeps()["tick"], renderer.gains.beeps["tick"])) == 10
    assert touched == list(range(3_600_000, 3_611_000, 1_000)), "only the chunk's own events"

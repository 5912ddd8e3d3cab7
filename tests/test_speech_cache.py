"""The speech cache and the silence trimming, without the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voiceguide.speech.cache import SpeechCache, cache_key
from voiceguide.speech.engine import PAD_MS, SILENCE_THRESHOLD, trim_silence
from voiceguide.speech.protocol import Clip

RATE = 22050


def tone(n: int) -> np.ndarray:
    return (np.sin(np.arange(n) / 5) * 8000).astype(np.int16)


@pytest.fixture
def cache(tmp_path: Path) -> SpeechCache:
    return SpeechCache(tmp_path / "speech")


def test_store_then_load_gives_the_same_samples(cache: SpeechCache) -> None:
    clip = Clip(samples=tone(1234), sample_rate=RATE)
    cache.store("k", clip)
    loaded = cache.load("k")
    assert loaded is not None
    assert loaded.sample_rate == RATE
    assert loaded.samples.dtype == np.int16
    assert np.array_equal(loaded.samples, clip.samples)
    assert cache.frames("k") == (1234, RATE)


def test_store_leaves_only_the_entry(cache: SpeechCache) -> None:
    cache.store("k", Clip(samples=tone(10), sample_rate=RATE))
    assert [p.name for p in cache.directory.iterdir()] == ["k.wav"]


def test_empty_clip_round_trips(cache: SpeechCache) -> None:
    cache.store("k", Clip(samples=np.zeros(0, np.int16), sample_rate=RATE))
    assert cache.frames("k") == (0, RATE)
    loaded = cache.load("k")
    assert loaded is not None and len(loaded.samples) == 0


def test_missing_entry_is_none(cache: SpeechCache) -> None:
    assert cache.frames("nope") is None
    assert cache.load("nope") is None


@pytest.mark.parametrize("keep", [0, 10, 44, 44 + 2 * 1000 - 1, 44 + 2 * 1000 - 2])
def test_truncated_entry_is_none(cache: SpeechCache, keep: int) -> None:
    cache.store("k", Clip(samples=tone(1000), sample_rate=RATE))
    path = cache.path("k")
    path.write_bytes(path.read_bytes()[:keep])
    assert cache.frames("k") is None
    assert cache.load("k") is None


def test_foreign_wav_header_is_none(cache: SpeechCache) -> None:
    cache.store("k", Clip(samples=tone(100), sample_rate=RATE))
    path = cache.path("k")
    blob = bytearray(path.read_bytes())
    blob[22] = 2  # two channels: not what this cache writes
    path.write_bytes(bytes(blob))
    assert cache.frames("k") is None


def test_cache_key_covers_every_field() -> None:
    base = dict(text="Go!", voice="gmw/en", rate=165, language="en", engine="e 1")
    key = cache_key(**base)
    assert key == cache_key(**base)
    for name, other in [("text", "Go"), ("voice", "gmw/de"), ("rate", 166),
                        ("language", "de"), ("engine", "e 2")]:
        assert cache_key(**{**base, name: other}) != key, name


def test_trim_keeps_pad_around_the_sound() -> None:
    pad = RATE * PAD_MS // 1000
    samples = np.concatenate([np.zeros(3000, np.int16), tone(5000), np.zeros(4000, np.int16)])
    trimmed = trim_silence(samples, RATE)
    loud = np.flatnonzero(np.abs(tone(5000).astype(int)) > SILENCE_THRESHOLD)
    assert len(trimmed) == (loud[-1] - loud[0] + 1) + 2 * pad
    assert np.array_equal(trimmed[pad:-pad], tone(5000)[loud[0]:loud[-1] + 1])


def test_trim_does_not_pad_past_the_ends() -> None:
    samples = np.concatenate([np.zeros(3, np.int16), tone(500)[1:], np.zeros(3, np.int16)])
    assert np.array_equal(trim_silence(samples, RATE), samples)


def test_trim_of_silence_is_empty() -> None:
    quiet = np.full(1000, SILENCE_THRESHOLD, np.int16)
    assert len(trim_silence(quiet, RATE)) == 0


def test_the_cache_stays_within_its_bound_sparing_what_this_run_uses(tmp_path: Path) -> None:
    """A run's first new clip evicts the clips least recently played, never one the run
    has looked up; playing a clip (``load``) marks it used."""
    import os

    folder = tmp_path / "speech"
    first = SpeechCache(folder)
    for i, key in enumerate("abcd"):
        first.store(key, Clip(samples=tone(20_000), sample_rate=RATE))  # 40 kB each
        os.utime(first.path(key), (1000 + i, 1000 + i))
    assert first.load("a") is not None  # played now: the most recent
    run = SpeechCache(folder, max_bytes=150_000)
    assert run.frames("b") is not None  # this run's timeline needs b
    run.store("e", Clip(samples=tone(20_000), sample_rate=RATE))
    assert sorted(p.stem for p in folder.iterdir()) == ["a", "b", "e"]

"""The export cache: a second export is a verified copy, damage is caught, size is bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import FakeSpeech
from tests.render_support import beep, say, timeline_of
from voiceguide.errors import FfmpegMissingError
from voiceguide.export.cache import STALE_S, ExportCache, session_digest
from voiceguide.export.files import export_session
from voiceguide.render.beeps import BeepSounds, bundled_beeps
from voiceguide.render.loudness import TARGET_LUFS
from voiceguide.render.mixer import Renderer
from voiceguide.script.model import BeepSettings, VoiceSettings
from voiceguide.speech.protocol import Clip
from voiceguide.timeline.events import Timeline

pytestmark = pytest.mark.ffmpeg


def session(words: str = "Hip thrust") -> Timeline:
    events = [say(0, "Welcome"), say(1_000, words), beep(3_000, "go"), say(4_000, "Done")]
    return timeline_of(events, 6_000, title=f"Cache {words}")


def entries(cache: ExportCache) -> list[Path]:
    """The entries' data files, most recently used first."""
    keys = sorted(cache.directory.glob("*.json"), key=lambda p: p.stat().st_mtime_ns,
                  reverse=True)
    return [data for key in keys for data in cache.directory.glob(f"{key.stem}.*")
            if data.suffix != ".json"]


def without_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)


@pytest.fixture
def cache(tmp_path: Path) -> ExportCache:
    return ExportCache(tmp_path / "cache")


def test_second_export_is_the_same_bytes_without_ffmpeg(
        tmp_path: Path, cache: ExportCache, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first.mp3", tmp_path / "second.mp3"
    export_session(session(), FakeSpeech(), first, fmt="mp3", cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    without_ffmpeg(tmp_path, monkeypatch)
    progress: list[int] = []
    export_session(session(), FakeSpeech(), second, fmt="mp3", cache=cache,
                   progress=progress.append)
    assert (cache.hits, cache.misses) == (1, 1)
    assert second.read_bytes() == first.read_bytes()
    assert sum(progress) == 6 * 22050
    with pytest.raises(FfmpegMissingError):
        export_session(session("Glute bridge"), FakeSpeech(), tmp_path / "other.mp3",
                       fmt="mp3", cache=cache)
    assert not (tmp_path / "other.mp3").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cache", "first.mp3", "second.mp3"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete data", "bad json"])
def test_a_damaged_entry_is_encoded_again(tmp_path: Path, cache: ExportCache,
                                          damage: str) -> None:
    first = tmp_path / "first.mp3"
    export_session(session(), FakeSpeech(), first, fmt="mp3", cache=cache)
    (data,) = entries(cache)
    if damage == "truncate":
        data.write_bytes(data.read_bytes()[:-100])
    elif damage == "flip":
        blob = bytearray(data.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        data.write_bytes(bytes(blob))
    elif damage == "delete data":
        data.unlink()
    else:
        data.with_suffix(".json").write_text("{not json")
    again = tmp_path / "again.mp3"
    export_session(session(), FakeSpeech(), again, fmt="mp3", cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    assert again.read_bytes() == first.read_bytes()
    assert entries(cache) == [data]
    assert data.read_bytes() == first.read_bytes()
    export_session(session(), FakeSpeech(), tmp_path / "third.mp3", fmt="mp3", cache=cache)
    assert cache.hits == 1


def test_an_entry_from_another_ffmpeg_is_encoded_again(tmp_path: Path,
                                                        cache: ExportCache) -> None:
    export_session(session(), FakeSpeech(), tmp_path / "a.flac", fmt="flac", cache=cache)
    (data,) = entries(cache)
    record = json.loads(data.with_suffix(".json").read_text())
    data.with_suffix(".json").write_text(json.dumps({**record, "ffmpeg": "0" * 64}))
    export_session(session(), FakeSpeech(), tmp_path / "b.flac", fmt="flac", cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    assert json.loads(data.with_suffix(".json").read_text()) == record


def test_least_recently_used_entries_go_first(tmp_path: Path) -> None:
    cache = ExportCache(tmp_path / "cache", max_entries=2)
    outs = {}
    for words in ("One", "Two"):
        outs[words] = tmp_path / f"{words}.mp3"
        export_session(session(words), FakeSpeech(), outs[words], fmt="mp3", cache=cache)
    export_session(session("One"), FakeSpeech(), tmp_path / "again.mp3", fmt="mp3",
                   cache=cache)
    assert cache.hits == 1
    export_session(session("Three"), FakeSpeech(), tmp_path / "Three.mp3", fmt="mp3",
                   cache=cache)
    kept = [p.read_bytes() for p in entries(cache)]
    assert kept == [(tmp_path / "Three.mp3").read_bytes(), outs["One"].read_bytes()]
    assert len(list(cache.directory.iterdir())) == 2 * 2 + 1  # + ffmpeg-versions.txt


def test_total_size_is_bounded(tmp_path: Path) -> None:
    probe = ExportCache(tmp_path / "probe")
    export_session(session("One"), FakeSpeech(), tmp_path / "probe.mp3", fmt="mp3",
                   cache=probe)
    size = (tmp_path / "probe.mp3").stat().st_size
    cache = ExportCache(tmp_path / "cache", max_bytes=size * 3 // 2)
    for words in ("One", "Two", "Three"):
        export_session(session(words), FakeSpeech(), tmp_path / f"{words}.mp3", fmt="mp3",
                       cache=cache)
        assert sum(p.stat().st_size for p in entries(cache)) <= cache.max_bytes
    assert [p.read_bytes() for p in entries(cache)] == [(tmp_path / "Three.mp3").read_bytes()]
    tiny = ExportCache(tmp_path / "tiny", max_bytes=size // 2)
    export_session(session("One"), FakeSpeech(), tmp_path / "big.mp3", fmt="mp3", cache=tiny)
    assert entries(tiny) == []


def test_stale_leftovers_are_removed_and_other_files_kept(tmp_path: Path,
                                                           cache: ExportCache) -> None:
    cache.directory.mkdir()
    old, fresh = cache.directory / f".{'a' * 64}.mp3.part-1", cache.directory / ".x.part-2"
    orphan, other = cache.directory / f"{'b' * 64}.mp3", cache.directory / "notes.txt"
    for path in (old, fresh, orphan, other):
        path.write_text("x")
    long_ago = time.time() - STALE_S - 60
    for path in (old, orphan, other):
        os.utime(path, (long_ago, long_ago))
    export_session(session(), FakeSpeech(), tmp_path / "a.mp3", fmt="mp3", cache=cache)
    assert (old.exists(), fresh.exists(), orphan.exists(), other.exists()) == (
        False, True, False, True)


def test_wav_is_not_cached(tmp_path: Path, cache: ExportCache) -> None:
    export_session(session(), FakeSpeech(), tmp_path / "a.wav", fmt="wav", cache=cache)
    assert not cache.directory.exists()


class QuieterSpeech(FakeSpeech):
    """The same lengths as FakeSpeech, other samples: a clip synthesized again."""

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        clip = super().clip(text, voice)
        return Clip(samples=(clip.samples // 2).astype(np.int16), sample_rate=clip.sample_rate)


def digest_of(timeline: Timeline, speech: FakeSpeech, cues: BeepSounds, fmt: str = "mp3", *,
              loudness: float = TARGET_LUFS) -> str:
    """The session digest with the gains the renderer plans for it."""
    gains = Renderer(timeline, speech, beeps=cues, loudness=loudness).gains
    return session_digest(timeline, speech, cues, fmt, gains)


def test_the_key_covers_what_changes_the_bytes() -> None:
    base = session()
    cues = bundled_beeps()
    digest = digest_of(base, FakeSpeech(), cues)
    assert digest == digest_of(session(), FakeSpeech(), cues)
    louder = replace(base, beeps=BeepSettings(volume=0.9))
    quieter_voice = replace(base, voice=replace(base.voice, volume=0.5))
    moved = replace(base, events=tuple(replace(e, at_ms=e.at_ms + 1) for e in base.events))
    other_cues = type(cues)({**cues.sounds, "go": cues.sounds["go"] * 0.5})
    assert len({digest,
                digest_of(base, FakeSpeech(), cues, "ogg"),
                digest_of(louder, FakeSpeech(), cues),
                digest_of(quieter_voice, FakeSpeech(), cues),
                digest_of(moved, FakeSpeech(), cues),
                digest_of(base, QuieterSpeech(), cues),
                digest_of(base, FakeSpeech(), other_cues),
                digest_of(base, FakeSpeech(), cues, loudness=-23.0)}) == 8


def test_split_pieces_are_cached_each(tmp_path: Path, cache: ExportCache,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = export_session(session(), FakeSpeech(), tmp_path / "a" / "s.mp3", fmt="mp3",
                           split=True, cache=cache)
    without_ffmpeg(tmp_path, monkeypatch)
    second = export_session(session(), FakeSpeech(), tmp_path / "b" / "s.mp3", fmt="mp3",
                            split=True, cache=cache)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


# The command line, end to end: real speech engine, real ffmpeg, separate processes.

SCRIPT = """\
format: 1
workout: Cache check
blocks:
  - exercise: Bridge
    sets: 2
    reps: 2
    tempo: 1-0-1
    rest: 5s
progression:
  - week: 2
    set: {Bridge: {sets: 3}}
"""


def run_export(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", "export", *args],
                          capture_output=True, text=True, check=False, env=env)


@pytest.fixture
def no_ffmpeg_env(tmp_path: Path) -> dict[str, str]:
    """PATH without ffmpeg; a stand-in module hides a pip-installed imageio-ffmpeg too."""
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide" / "imageio_ffmpeg.py").write_text("raise ImportError('hidden')\n")
    return {**os.environ, "PATH": str(tmp_path / "no-bin"),
            "PYTHONPATH": str(tmp_path / "hide")}


@pytest.mark.engine
def test_cli_second_export_comes_from_the_cache(tmp_path: Path,
                                                no_ffmpeg_env: dict[str, str]) -> None:
    script = tmp_path / "cached.yaml"
    script.write_text(SCRIPT.replace("Cache check", f"Cache check {tmp_path.name}"))
    first = run_export(str(script), "-o", str(tmp_path / "first.mp3"))
    assert first.returncode == 0, first.stderr
    assert "export cache" not in first.stderr
    second = run_export(str(script), "-o", str(tmp_path / "second.mp3"), env=no_ffmpeg_env)
    assert second.returncode == 0, second.stderr
    assert "(1 from the export cache)" in second.stderr
    assert (tmp_path / "second.mp3").read_bytes() == (tmp_path / "first.mp3").read_bytes()
    bypass = run_export(str(script), "-o", str(tmp_path / "third.mp3"), "--no-cache",
                        env=no_ffmpeg_env)
    assert bypass.returncode == 1
    assert bypass.stderr.startswith("error: ffmpeg is needed for MP3, OGG and FLAC")
    assert not (tmp_path / "third.mp3").exists()


@pytest.mark.engine
def test_cli_weeks_again_come_from_the_cache(tmp_path: Path,
                                             no_ffmpeg_env: dict[str, str]) -> None:
    script = tmp_path / "program.yaml"
    script.write_text(SCRIPT.replace("Cache check", f"Weeks check {tmp_path.name}"))
    first = run_export(str(script), "--weeks", "1-2", "-o", str(tmp_path / "a"),
                       "--format", "ogg")
    assert first.returncode == 0, first.stderr
    second = run_export(str(script), "--weeks", "1-2", "-o", str(tmp_path / "b"),
                        "--format", "ogg", env=no_ffmpeg_env)
    assert second.returncode == 0, second.stderr
    assert "(2 from the export cache)" in second.stderr
    for name in ("program - week 1.ogg", "program - week 2.ogg", "program.m3u"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()

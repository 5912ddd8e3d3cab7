"""``play --music`` end to end: the real engine, real ffmpeg and a real PulseAudio null
sink, recorded. What is heard is the export's mix, within 10 ms, music and voice alike,
from the start and from a later block (the bed follows the session's clock)."""

from __future__ import annotations

import json
import os
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.music_support import decoders, frames, tone
from tests.sound import Recorder, SoundServer, find_sound
from tests.terminal import Terminal
from tests.test_export_cache import run_export
from tests.test_play_sound import play_command, write
from voiceguide.ffmpeg import find_ffmpeg
from voiceguide.paths import music_memo_file
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render.tracks import load_tracks

pytestmark = [pytest.mark.sound, pytest.mark.engine]

SESSION = """\
workout: Music timing
blocks:
  - hold: Plank
    sets: 2
    time: 8s
    rest: 6s
    countdown: 3
  - exercise: Squat
    sets: 1
    reps: 4
    tempo: 1-1-1
"""
WINDOW_MS = 1_000
REACH_MS = 60
LEAD_IN_MS = 1_500
FIRST_WITHIN_MS = 10_000


def noise_music(folder: Path) -> Path:
    """Two tracks of seeded pink noise: every stretch of the bed is unlike any other, so a
    window of it is found in the recording at one lag only."""
    folder.mkdir()
    for name, seed in (("1 noise.flac", 1), ("2 noise.mp3", 2)):
        subprocess.run([find_ffmpeg(), "-loglevel", "error", "-f", "lavfi", "-i",
                        f"anoisesrc=d=25:c=pink:r=44100:a=0.5:s={seed}", "-ac", "2",
                        str(folder / name)], check=True)
    return folder


def mono_reference(export: Path) -> np.ndarray:
    """The exported stereo mix as the recorder hears it: mono at the recorder's rate."""
    with wave.open(str(export), "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        raw = wav.readframes(wav.getnframes())
    assert (rate, channels) == (44100, 2)
    mixed = frames(np.frombuffer(raw, np.int16), 2).mean(axis=1)
    return mixed[: len(mixed) // 2 * 2].reshape(-1, 2).mean(axis=1).astype(np.float32)


def lags_ms(recording: np.ndarray, reference: np.ndarray, start_ms: int) -> list[float]:
    """Where each second of ``reference`` from ``start_ms`` (session time) is heard, in ms
    after where the first one is heard. The first is taken ``LEAD_IN_MS`` in: the
    recorder may connect a little after the sound starts."""
    rate = SAMPLE_RATE / 1000
    begin_ms = start_ms + LEAD_IN_MS
    first = reference[int(begin_ms * rate): int((begin_ms + WINDOW_MS) * rate)]
    origin, score = find_sound(recording, first, 0, int(FIRST_WITHIN_MS * rate))
    assert score > 0.8, score
    found = []
    for at_ms in range(begin_ms + WINDOW_MS, len(reference) * 1000 // SAMPLE_RATE - WINDOW_MS,
                       WINDOW_MS):
        window = reference[int(at_ms * rate): int((at_ms + WINDOW_MS) * rate)]
        expected = origin + int((at_ms - begin_ms) * rate)
        at, score = find_sound(recording, window, expected, int(REACH_MS * rate))
        assert score > 0.8, (at_ms, score)
        found.append((at - expected) / rate)
    return found


@pytest.mark.parametrize("start", ["beginning", "second block"])
def test_play_music_sounds_like_the_export(sound_server: SoundServer, tmp_path: Path,
                                           start: str) -> None:
    script = write(tmp_path, SESSION, "music.yaml")
    music = noise_music(tmp_path / "music")
    export = tmp_path / "mix.wav"
    done = run_export(str(script), "-o", str(export), "--music", str(music))
    assert done.returncode == 0, done.stderr
    reference = mono_reference(export)
    extra = ["--from", "2"] if start == "second block" else []
    with Recorder(sound_server, tmp_path / "heard.wav") as recorder:
        played = subprocess.run(play_command(script, "--quiet", "--music", str(music), *extra),
                                env=sound_server.env, capture_output=True, text=True,
                                timeout=200)
    assert played.returncode == 0, played.stderr
    start_ms = 0
    if extra:
        timeline_json = tmp_path / "t.json"
        run_export(str(script), "-o", str(tmp_path / "t.wav"), "--timeline", str(timeline_json))
        start_ms = json.loads(timeline_json.read_text())["chapters"][1]["start_ms"]
    lags = lags_ms(recorder.samples(), reference, start_ms)
    assert len(lags) >= 5
    assert max(abs(lag) for lag in lags) <= 10, lags


def test_a_track_that_fails_as_it_plays_is_warned_of_in_the_panel(
        sound_server: SoundServer, tmp_path: Path) -> None:
    """The warning is shown in the panel's own row, not written over it, and said on
    stderr once the panel is gone."""
    script = write(tmp_path, SESSION, "music.yaml")
    folder = tmp_path / "tracks"
    for name, hz in (("a.wav", 440), ("b.wav", 660), ("c.wav", 880)):
        tone(folder / name, hz, 6)
    load_tracks(folder, ffmpeg=find_ffmpeg(), memo_file=music_memo_file())
    damaged = folder / "b.wav"  # its length remembered: damaged where only decoding sees it
    known = damaged.stat()
    damaged.write_bytes(bytes(known.st_size))
    os.utime(damaged, ns=(known.st_atime_ns, known.st_mtime_ns))
    term = Terminal(play_command(script, "--music", str(folder)), sound_server.env)
    term.wait_for(lambda t: t.lines[-2].strip().startswith("warning: music: skipping"))
    assert term.lines[-1].split()[-2:] == ["q", "quit"] and term.countdown_s() is not None
    term.send(b"q")
    assert term.close() == 0, term.errors
    assert term.errors.count("skipping") == 1, term.errors
    assert term.errors.splitlines()[-1].startswith(f"warning: music: skipping {damaged}: ")


def test_no_decoder_outlives_an_export_or_a_play_with_music(sound_server: SoundServer,
                                                            tmp_path: Path) -> None:
    script = write(tmp_path, SESSION, "music.yaml")
    folder = noise_music(tmp_path / "music")
    done = run_export(str(script), "-o", str(tmp_path / "mix.wav"), "--music", str(folder))
    assert done.returncode == 0, done.stderr
    assert decoders(folder) == []
    term = Terminal(play_command(script, "--music", str(folder)), sound_server.env)
    term.wait_for(lambda t: "♪" in t.text())
    term.send(b"q")  # while the session is still being rendered
    assert term.close() == 0, term.errors
    assert decoders(folder) == []

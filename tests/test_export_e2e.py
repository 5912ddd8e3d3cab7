"""``voiceguide export`` end to end: real speech engine, real ffmpeg, real processes."""

from __future__ import annotations

import json
import os
import pty
import resource
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt

from tests.render_support import find_onsets, planned_gains
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render.beeps import bundled_beeps
from voiceguide.render.samples import ms_to_samples
from voiceguide.timeline.events import BEEP_SOUNDS

pytestmark = [pytest.mark.engine, pytest.mark.ffmpeg]

SMALL = """\
format: 1
workout: Export check
beeps: {volume: 0.6}
blocks:
  - warmup: Warm-up
    moves:
      - {name: Arm circles, time: 6s}
  - exercise: Bridge
    sets: 2
    reps: 2
    tempo: 1-1-1
    rest: 10s
  - hold: Plank
    sets: 1
    time: 20s
"""
LONG = """\
format: 1
workout: Long hold
blocks:
  - hold: Wall sit
    sets: 3
    time: 1h
    rest: 10s
"""
POLL_TIMEOUT_S = 60.0


def run_export(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", "export", *args],
                          capture_output=True, text=True, check=False, **kwargs)


def start_export(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.Popen([sys.executable, "-m", "voiceguide", "export", *args],
                            text=True, **options)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Poll ``condition`` until it holds (the export is under way), or fail."""
    deadline = time.monotonic() + POLL_TIMEOUT_S
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "export never got under way"
        time.sleep(0.005)


def ffprobe(path: Path, *entries: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *entries, str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def decoded_samples(path: Path) -> int:
    """Samples a player plays (ffmpeg honours the MP3 encoder delay and padding)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "-"], check=True, capture_output=True).stdout
    return len(raw) // 2


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    (folder / "small.yaml").write_text(SMALL, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def exported_wav(small: Path) -> tuple[np.ndarray, dict]:
    """The small script exported as WAV with its timeline and captions."""
    result = run_export(str(small / "small.yaml"), "-o", str(small / "small.wav"),
                        "--timeline", str(small / "small.json"), "--captions", "srt")
    assert result.returncode == 0, result.stderr
    with wave.open(str(small / "small.wav")) as wav:
        audio = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    return audio, json.loads((small / "small.json").read_text(encoding="utf-8"))


def test_every_cue_sound_lands_on_its_timeline_time(
        small: Path, exported_wav: tuple[np.ndarray, dict]) -> None:
    audio, timeline = exported_wav
    assert len(audio) == ms_to_samples(timeline["total_ms"])
    gains = planned_gains(str(small / "small.yaml")).beeps
    cues = bundled_beeps()
    for name in BEEP_SOUNDS:
        expected_ms = [e["at_ms"] for e in timeline["events"] if e["sound"] == name]
        assert expected_ms, f"the test script should use the {name} sound"
        found = find_onsets(audio, cues[name], gains[name])
        assert len(found) == len(expected_ms), name
        errors_ms = [abs(sample * 1000 / SAMPLE_RATE - ms)
                     for sample, ms in zip(found, expected_ms, strict=True)]
        assert max(errors_ms) <= 1.0, (name, errors_ms)


def test_captions_match_the_speech_events(small: Path,
                                          exported_wav: tuple[np.ndarray, dict]) -> None:
    _, timeline = exported_wav
    captions = list(srt.parse((small / "small.srt").read_text(encoding="utf-8")))
    spoken = [e for e in timeline["events"] if e["kind"] == "speech"]
    assert [(round(c.start.total_seconds() * 1000), round(c.end.total_seconds() * 1000),
             c.content) for c in captions] == [
        (e["at_ms"], e["at_ms"] + e["duration_ms"], e["text"]) for e in spoken]


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "flac"])
def test_encoded_file_has_the_timeline_length_chapters_and_tags(small: Path, fmt: str) -> None:
    out = small / f"week.{fmt}"
    result = run_export(str(small / "small.yaml"), "-o", str(out), "--captions", "vtt",
                        "--timeline", str(small / f"{fmt}.json"))
    assert result.returncode == 0, result.stderr
    timeline = json.loads((small / f"{fmt}.json").read_text(encoding="utf-8"))
    total_s = timeline["total_ms"] / 1000
    assert abs(decoded_samples(out) / SAMPLE_RATE - total_s) <= 0.05
    probe = ffprobe(out, "-show_format", "-show_streams", "-show_chapters")
    stream = probe["streams"][0]
    start = float(stream.get("start_time", 0))
    assert abs(float(probe["format"]["duration"]) - start - total_s) <= 0.05
    assert (int(stream["sample_rate"]), stream["channels"]) == (SAMPLE_RATE, 1)
    chapters = [(round(float(c["start_time"]) * 1000), c["tags"]["title"])
                for c in probe["chapters"]]
    blocks = [(c["start_ms"], c["title"]) for c in timeline["chapters"]]
    assert [title for _, title in chapters] == [title for _, title in blocks]
    assert chapters[0][0] == 0
    assert [ms for ms, _ in chapters[1:]] == [ms for ms, _ in blocks[1:]]
    tags = {k.lower(): v for k, v in {**probe["format"].get("tags", {}),
                                      **stream.get("tags", {})}.items()}
    assert (tags["title"], tags["artist"], tags["genre"]) == (
        "Export check", "voiceguide", "Fitness")
    captions = webvtt.read(str(small / "week.vtt"))
    spoken = [e["text"] for e in timeline["events"] if e["kind"] == "speech"]
    assert [c.text for c in captions] == spoken


@pytest.fixture(scope="module")
def long_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    path.write_text(LONG, encoding="utf-8")
    return path


def test_killed_export_leaves_no_file_at_out(tmp_path: Path, long_script: Path) -> None:
    out = tmp_path / "long.mp3"
    process = start_export(str(long_script), "-o", str(out))
    wait_for(lambda: any(p.name.startswith(".long.mp3.part") for p in tmp_path.iterdir()),
             process)
    process.kill()
    process.communicate()
    assert not out.exists()
    assert all(p.name.startswith(".long.mp3.part") for p in tmp_path.iterdir())


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143),
                                            (signal.SIGHUP, 129)])
def test_interrupted_export_removes_its_temp_file(tmp_path: Path, long_script: Path,
                                                  signum: int, status: int) -> None:
    out = tmp_path / "long.ogg"
    process = start_export(str(long_script), "-o", str(out))
    wait_for(lambda: any(tmp_path.iterdir()), process)
    process.send_signal(signum)
    _, stderr = process.communicate()
    assert process.returncode == status, stderr
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_full_disk_fails_cleanly(tmp_path: Path, small: Path) -> None:
    """A file size limit stands in for a full disk: writing fails part way."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    for fmt in ("wav", "mp3"):
        out = tmp_path / f"small.{fmt}"
        result = run_export(str(small / "small.yaml"), "-o", str(out), preexec_fn=limit)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines()[-1].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr
        assert list(tmp_path.iterdir()) == []


def test_ffmpeg_absent_from_path_is_a_clear_error(tmp_path: Path, small: Path) -> None:
    # A stand-in module keeps a pip-installed imageio-ffmpeg from being found either.
    (tmp_path / "imageio_ffmpeg.py").write_text("raise ImportError('hidden by the test')\n")
    env = {**os.environ, "PATH": str(tmp_path / "bin"), "PYTHONPATH": str(tmp_path)}
    out = tmp_path / "small.mp3"
    # --no-cache: an earlier test's export of this script is in the export cache.
    result = run_export(str(small / "small.yaml"), "-o", str(out), "--no-cache", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ffmpeg is needed for MP3, OGG and FLAC")
    assert "apt-get install ffmpeg" in result.stderr
    assert "pip install imageio-ffmpeg" in result.stderr
    assert not out.exists()
    wav = run_export(str(small / "small.yaml"), "-o", str(tmp_path / "small.wav"), env=env)
    assert wav.returncode == 0, wav.stderr


def test_progress_bar_on_a_terminal_only(tmp_path: Path, small: Path) -> None:
    leader, follower = pty.openpty()
    process = start_export(str(small / "small.yaml"), "-o", str(tmp_path / "a.wav"),
                           stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait()
    os.close(leader)
    terminal = b"".join(chunks).decode(errors="replace")
    assert process.returncode == 0
    assert "export a.wav" in terminal and "%" in terminal
    piped = run_export(str(small / "small.yaml"), "-o", str(tmp_path / "b.wav"))
    assert "export b.wav" not in piped.stderr and "%" not in piped.stderr


def test_bad_script_is_exit_2_with_located_problems(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("format: 1\nworkout: Bad\nblocks:\n  - hold: Plank\n    tme: 20s\n")
    result = run_export(str(script), "-o", str(tmp_path / "bad.mp3"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{script}:5:5: error:")
    assert not (tmp_path / "bad.mp3").exists()


def test_missing_beep_file_is_a_located_error(tmp_path: Path) -> None:
    script = tmp_path / "chime.yaml"
    script.write_text("format: 1\nworkout: Chime\nbeeps: {sound: chime.wav}\n"
                      "blocks:\n  - say: Hello.\n")
    result = run_export(str(script), "-o", str(tmp_path / "chime.wav"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{script}:3:")
    assert "chime.wav" in result.stderr
    assert not (tmp_path / "chime.wav").exists()

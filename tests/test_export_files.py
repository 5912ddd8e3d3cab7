"""Export with fake speech: formats, tags, chapters, captions, playlist, failures."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import types
import wave
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt
from mutagen.wave import WAVE

from tests.fakes import FakeSpeech
from tests.render_support import beep, say, timeline_of
from voiceguide.errors import FfmpegMissingError, OutputError, UsageError
from voiceguide.export import sinks as encode
from voiceguide.export.files import export_session, output_format, safe_name
from voiceguide.export.tags import export_chapters
from voiceguide.ffmpeg import find_ffmpeg
from voiceguide.render.samples import ms_to_samples
from voiceguide.timefmt import stamp
from voiceguide.timeline.events import Chapter, Timeline


def session() -> Timeline:
    """Three blocks after a welcome, ending with closing words after the last block."""
    events = [say(0, "Welcome", block=-1), say(1_000, "Warm up now", block=0),
              beep(2_000, "go", block=0), say(5_000, "Hip thrust: set one", block=1),
              beep(6_000, "countdown", block=1), say(8_000, "Rest a bit", block=2),
              beep(11_000, "end", block=2), say(12_000, "Great work", block=-1),
              beep(13_000, "finish", block=-1)]
    chapters = (Chapter(1_000, 5_000, 0, "Warm-up"), Chapter(5_000, 8_000, 1, "Hip thrust"),
                Chapter(8_000, 11_500, 2, "Rest / breathe"))
    return timeline_of(events, 14_000, chapters=chapters, title="Glutes")


def ffprobe(path: Path, *entries: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *entries, str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("out, fmt, expected", [
    ("a.mp3", None, "mp3"), ("a.OGG", None, "ogg"), ("a.flac", "flac", "flac"),
    ("a.bin", "wav", "wav"), ("noext", "mp3", "mp3"),
])
def test_output_format(out: str, fmt: str | None, expected: str) -> None:
    assert output_format(Path(out), fmt) == expected


@pytest.mark.parametrize("out, fmt, message", [
    ("a.m4a", None, "cannot tell the format from 'a.m4a'"),
    ("a.wav", "mp3", "'a.wav' ends in .wav but --format is mp3"),
])
def test_output_format_errors(out: str, fmt: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        output_format(Path(out), fmt)


def test_chapters_tile_the_file() -> None:
    chapters = export_chapters(session())
    assert [(c.start_ms, c.end_ms, c.title) for c in chapters] == [
        (0, 5_000, "Warm-up"), (5_000, 8_000, "Hip thrust"), (8_000, 14_000, "Rest / breathe")]
    inner = export_chapters(session(), 5_000, 8_000)
    assert [(c.start_ms, c.end_ms, c.title) for c in inner] == [(0, 3_000, "Hip thrust")]


def test_clock_ms() -> None:
    assert stamp(3_723_004) == "01:02:03.004"


def test_safe_name() -> None:
    assert safe_name('Rest / breathe: "now"?') == "Rest - breathe- -now-"
    assert safe_name("..") == "block"


def test_wav_export_needs_no_ffmpeg_and_is_tagged(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    out = tmp_path / "glutes.wav"
    progress: list[int] = []
    written = export_session(session(), FakeSpeech(), out, fmt="wav", progress=progress.append)
    assert written == [out]
    with wave.open(str(out)) as wav:
        assert wav.getnframes() == ms_to_samples(14_000) == sum(progress)
    tags = WAVE(out).tags
    assert str(tags["TIT2"]) == "Glutes" and str(tags["TPE1"]) == "voiceguide"
    assert [str(tags[f"CHAP:ch00{i}"].sub_frames["TIT2"]) for i in (1, 2, 3)] == [
        "Warm-up", "Hip thrust", "Rest / breathe"]
    assert temp_files(tmp_path) == []


@pytest.mark.ffmpeg
def test_wav_chapters_read_back_by_ffprobe(tmp_path: Path) -> None:
    out = tmp_path / "glutes.wav"
    export_session(session(), FakeSpeech(), out, fmt="wav")
    chapters = ffprobe(out, "-show_chapters")["chapters"]  # in file order
    assert [(c["start"], c["end"], c["tags"]["title"]) for c in chapters] == [
        (0, 5_000, "Warm-up"), (5_000, 8_000, "Hip thrust"), (8_000, 14_000, "Rest / breathe")]


@pytest.mark.parametrize("kind", ["srt", "vtt"])
def test_captions_say_what_is_said_when(tmp_path: Path, kind: str) -> None:
    timeline = session()
    export_session(timeline, FakeSpeech(), tmp_path / "g.wav", fmt="wav", captions=kind)
    path = tmp_path / f"g.{kind}"
    if kind == "srt":
        parsed = [(round(c.start.total_seconds() * 1000), round(c.end.total_seconds() * 1000),
                   c.content) for c in srt.parse(path.read_text(encoding="utf-8"))]
    else:
        parsed = [(_vtt_ms(c.start), _vtt_ms(c.end), c.text) for c in webvtt.read(str(path))]
    assert parsed == [(e.at_ms, e.end_ms, e.text) for e in timeline.events if e.kind == "speech"]


def _vtt_ms(stamp: str) -> int:
    hours, minutes, seconds = stamp.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def test_vtt_escapes_markup(tmp_path: Path) -> None:
    timeline = timeline_of([say(0, "Knees <in> & --> out")], 3_000)
    export_session(timeline, FakeSpeech(), tmp_path / "g.wav", fmt="wav", captions="vtt")
    (caption,) = webvtt.read(str(tmp_path / "g.vtt"))
    assert caption.raw_text == "Knees &lt;in&gt; &amp; --&gt; out"


def test_timeline_json_is_the_timeline(tmp_path: Path) -> None:
    timeline = session()
    export_session(timeline, FakeSpeech(), tmp_path / "g.wav", fmt="wav",
                   timeline_json=tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text()) == json.loads(
        json.dumps(timeline.to_dict()))


@pytest.mark.ffmpeg
def test_split_writes_one_file_per_block_and_a_playlist(tmp_path: Path) -> None:
    from mutagen.mp3 import MP3

    written = export_session(session(), FakeSpeech(), tmp_path / "glutes.mp3", fmt="mp3",
                             captions="srt", split=True)
    folder = tmp_path / "glutes"
    names = ["01 - Warm-up", "02 - Hip thrust", "03 - Rest - breathe"]
    assert written == [p for n in names for p in (folder / f"{n}.mp3", folder / f"{n}.srt")] + [
        folder / "glutes.m3u"]
    assert (folder / "glutes.m3u").read_text(encoding="utf-8") == (
        "#EXTM3U\n#EXTINF:5,Glutes - Warm-up\n01 - Warm-up.mp3\n"
        "#EXTINF:3,Glutes - Hip thrust\n02 - Hip thrust.mp3\n"
        "#EXTINF:6,Glutes - Rest / breathe\n03 - Rest - breathe.mp3\n")
    tags = MP3(folder / "02 - Hip thrust.mp3").tags
    assert (str(tags["TIT2"]), str(tags["TALB"]), str(tags["TRCK"])) == (
        "Hip thrust", "Glutes", "2/3")
    (first,) = srt.parse((folder / "02 - Hip thrust.srt").read_text(encoding="utf-8"))
    assert (first.start.total_seconds(), first.content) == (0.0, "Hip thrust: set one")
    assert temp_files(folder) == []


def test_a_failing_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def full_disk(self: encode.WavSink, samples: np.ndarray) -> None:
        calls.append(len(samples))
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(encode.WavSink, "write", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        export_session(session(), FakeSpeech(), tmp_path / "g.wav", fmt="wav")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["wav", pytest.param("mp3", marks=pytest.mark.ffmpeg)])
def test_interrupt_mid_export_stops_and_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    """Ctrl-C mid-render leaves no partial file, whether we write it or ffmpeg does."""
    def interrupt(samples: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_session(session(), FakeSpeech(), tmp_path / f"g.{fmt}", fmt=fmt,
                       progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot create"):
        export_session(session(), FakeSpeech(), tmp_path / "file" / "g.wav", fmt="wav")


def test_ffmpeg_missing_says_what_to_install(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(FfmpegMissingError) as caught:
        export_session(session(), FakeSpeech(), tmp_path / "g.mp3", fmt="mp3")
    assert "apt-get install ffmpeg" in str(caught.value)
    assert "pip install imageio-ffmpeg" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_pip_shipped_ffmpeg_is_used_when_none_is_on_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    shipped = types.SimpleNamespace(get_ffmpeg_exe=lambda: "/opt/pip/ffmpeg-bin")
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", shipped)
    assert find_ffmpeg() == "/opt/pip/ffmpeg-bin"

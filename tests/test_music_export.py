"""``--music`` and ``music:`` end to end: real speech engine, real ffmpeg decoding and
encoding. The export is stereo with the music tagged; chapters, captions and the
timeline are those of the same export without music; the export cache misses when the
music changes; bad music is one clear message, exit 2, and no file."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import mutagen
import pytest

from tests.loudness_support import TOLERANCE_LU, ebur128
from tests.music_support import tone
from tests.test_export_cache import run_export
from voiceguide.ffmpeg import find_ffmpeg
from voiceguide.render.loudness import TARGET_LUFS

pytestmark = pytest.mark.engine

SCRIPT = """\
workout: Music export {name}
blocks:
  - hold: Plank
    sets: 2
    time: 6s
    rest: 5s
  - say: Stretch now.
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "session.yaml"
    path.write_text(SCRIPT.format(name=tmp_path.name), encoding="utf-8")
    return path


@pytest.fixture
def tracks(tmp_path: Path) -> Path:
    tone(tmp_path / "music" / "01 first.mp3", 440, 8)
    tone(tmp_path / "music" / "02 second.ogg", 660, 8)
    (tmp_path / "music" / "cover.jpg").write_bytes(b"not audio, passed over")
    return tmp_path / "music"


def probe(path: Path) -> dict[str, object]:
    shown = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_chapters",
                            "-of", "json", str(path)], capture_output=True, check=True)
    return json.loads(shown.stdout)


def test_export_with_music_is_stereo_and_keeps_chapters_captions_and_timeline(
        tmp_path: Path, script: Path, tracks: Path) -> None:
    plain = run_export(str(script), "-o", str(tmp_path / "plain.mp3"), "--captions", "srt",
                       "--timeline", str(tmp_path / "plain.json"))
    assert plain.returncode == 0, plain.stderr
    done = run_export(str(script), "-o", str(tmp_path / "mixed.mp3"), "--captions", "srt",
                      "--timeline", str(tmp_path / "mixed.json"), "--music", str(tracks))
    assert done.returncode == 0, done.stderr
    with_music, without = probe(tmp_path / "mixed.mp3"), probe(tmp_path / "plain.mp3")
    stream = with_music["streams"][0]
    assert (stream["sample_rate"], stream["channels"]) == ("44100", 2)
    assert without["streams"][0]["channels"] == 1
    assert [c["tags"]["title"] for c in with_music["chapters"]] == [
        c["tags"]["title"] for c in without["chapters"]]
    assert [c["start_time"] for c in with_music["chapters"]] == [
        c["start_time"] for c in without["chapters"]]
    assert (tmp_path / "mixed.srt").read_text() == (tmp_path / "plain.srt").read_text()
    assert (tmp_path / "mixed.json").read_text() == (tmp_path / "plain.json").read_text()
    comment = str(mutagen.File(tmp_path / "mixed.mp3").tags.getall("COMM")[0])
    assert comment == "Music: 01 first.mp3, 02 second.ogg"


def test_flac_export_with_48k_music_is_48k_stereo_tagged(tmp_path: Path, script: Path) -> None:
    track = tone(tmp_path / "bed.flac", 500, 30, rate=48000, channels=2)
    done = run_export(str(script), "-o", str(tmp_path / "out.flac"), "--music", str(track))
    assert done.returncode == 0, done.stderr
    stream = probe(tmp_path / "out.flac")["streams"][0]
    assert (stream["sample_rate"], stream["channels"]) == ("48000", 2)
    assert mutagen.File(tmp_path / "out.flac")["COMMENT"] == ["Music: bed.flac"]


def test_script_music_relative_to_its_folder_and_the_command_line_wins(
        tmp_path: Path, tracks: Path) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    tone(folder / "mine.wav", 300, 20)
    script = folder / "s.yaml"
    script.write_text(SCRIPT.format(name=tmp_path.name) + "music:\n  path: mine.wav\n"
                      "  volume: -24 dB\n  duck: 15\n", encoding="utf-8")
    own = run_export(str(script), "-o", str(tmp_path / "own.flac"))
    assert own.returncode == 0, own.stderr
    assert mutagen.File(tmp_path / "own.flac")["COMMENT"] == ["Music: mine.wav"]
    cli = run_export(str(script), "-o", str(tmp_path / "cli.flac"), "--music", str(tracks))
    assert cli.returncode == 0, cli.stderr
    assert mutagen.File(tmp_path / "cli.flac")["COMMENT"] == [
        "Music: 01 first.mp3, 02 second.ogg"]


def test_the_export_cache_misses_when_the_music_changes(tmp_path: Path, script: Path,
                                                        tracks: Path) -> None:
    def export(name: str) -> str:
        done = run_export(str(script), "-o", str(tmp_path / name), "--music", str(tracks))
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "export cache" not in export("a.mp3")
    assert "(1 from the export cache)" in export("b.mp3")
    track = tracks / "02 second.ogg"
    stat = track.stat()
    tone(track, 770, 8)  # other music, same name
    os.utime(track, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "export cache" not in export("c.mp3")
    assert (tmp_path / "c.mp3").read_bytes() != (tmp_path / "a.mp3").read_bytes()
    done = run_export(str(script), "-o", str(tmp_path / "d.mp3"), "--music", str(tracks),
                      "--duck", "20")
    assert done.returncode == 0 and "export cache" not in done.stderr


def bad_music(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (the --music argument, what the message must say)."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "fake.mp3").write_text("this is not audio\n")
    tone(tmp_path / "ok.wav", 440, 2)
    (tmp_path / "list.m3u").write_text("ok.wav\nmissing.mp3\n")
    return {
        "missing file": ("gone.mp3", "no music file or folder"),
        "undecodable": ("fake.mp3", "ffmpeg cannot decode"),
        "empty folder": ("empty", "the folder holds no audio files"),
        "missing playlist entry": ("list.m3u", "list.m3u:2: no such track missing.mp3"),
    }


@pytest.mark.parametrize("case", ["missing file", "undecodable", "empty folder",
                                  "missing playlist entry"])
def test_bad_music_on_the_command_line_is_exit_2_with_a_hint(tmp_path: Path, script: Path,
                                                             case: str) -> None:
    given, says = bad_music(tmp_path)[case]
    out = tmp_path / "out.mp3"
    done = run_export(str(script), "-o", str(out), "--music", str(tmp_path / given))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0] and "(hint: " in errors[0], done.stderr
    assert errors[0].startswith("error: --music: ")
    assert "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize("case", ["missing file", "undecodable", "empty folder",
                                  "missing playlist entry"])
def test_bad_music_in_a_script_is_located(tmp_path: Path, case: str) -> None:
    given, says = bad_music(tmp_path)[case]
    script = tmp_path / "s.yaml"
    script.write_text(SCRIPT.format(name=tmp_path.name) + textwrap.dedent(f"""\
        music:
          volume: -20
          path: {given}
        """), encoding="utf-8")
    line = SCRIPT.count("\n") + 3
    done = run_export(str(script), "-o", str(tmp_path / "out.wav"))
    assert done.returncode == 2
    errors = [e for e in done.stderr.splitlines() if ": error: " in e]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(f"{script}:{line}:9: error: music.path: ")
    assert says.split(":")[-1].strip() in errors[0] and "(hint: " in errors[0]
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.parametrize(("rate", "target"),
                         [(44100, TARGET_LUFS), (48000, TARGET_LUFS), (44100, -14.0)])
def test_loudness_and_true_peak_are_on_target_with_music(tmp_path: Path, script: Path,
                                                         rate: int, target: float) -> None:
    """The mix, music included, on target +-1 LU and true peak <= -1 dBTP (ffmpeg's
    ebur128), with a quiet and a loud track."""
    folder = tmp_path / "music"
    folder.mkdir()
    for n, amplitude in ((1, 0.05), (2, 0.7)):
        subprocess.run([find_ffmpeg(), "-v", "error", "-f", "lavfi", "-i",
                        f"anoisesrc=d=20:c=pink:r={rate}:a={amplitude}:s={n}", "-ac", "2",
                        str(folder / f"{n}.flac")], check=True)
    out = tmp_path / "mix.wav"
    done = run_export(str(script), "-o", str(out), "--music", str(folder),
                      "--loudness", f"{target:g}")
    assert done.returncode == 0, done.stderr
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(target, abs=TOLERANCE_LU)
    assert peak <= -1.0

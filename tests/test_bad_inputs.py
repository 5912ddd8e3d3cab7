"""The corpus of bad input: scripts, options and states that once crashed, hung, or
destroyed files. Each must give one clear located message and its exit status, never
a traceback (the classes of issue 14; scripts in tests/data/bad/scripts, their
expected messages in tests/data/bad/expected.json)."""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from voiceguide.cli import main

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED: dict[str, list[str]] = json.loads((BAD / "expected.json").read_text("utf-8"))
SQUAT = "workout: T\nblocks:\n  - exercise: Squat\n    sets: 2\n    reps: 3\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_clean(result: Result, code: int) -> None:
    """Exit ``code`` by a message, not by an exception escaping the command."""
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.output
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_script_is_reported_at_its_place(name: str) -> None:
    where, what = EXPECTED[name]
    path = BAD / "scripts" / f"{name}.yaml"
    result = run("validate", str(path))
    assert_clean(result, 2)
    lines = [line for line in result.output.splitlines() if what in line]
    assert lines and lines[0].startswith(f"{path}:"), result.output
    assert where in lines[0], result.output


@pytest.mark.parametrize("args, where, what", [
    (["--rest", "1" + "0" * 400], "--rest:1:1: error:", "too long for a number"),
    (["--rest", ".nan"], "--rest:1:1: error:", "is not a number"),
    (["--set", "Squat.sets=0x" + "f" * 5000], "--set:1:12: error:", "too long for a number"),
    (["--set", 'Squat.rest="\\ud800"'], "--set:1:12: error:", "lone UTF-16 surrogate"),
    (["--set", "Squat.tempo=\udcff"], "--set:1:13: error:", "not UTF-8 text"),
    (["--voice", "nosuch"], "--voice:1:1: error:", "no eSpeak NG voice named 'nosuch'"),
])
def test_bad_override_is_reported(tmp_path: Path, args: list[str], where: str,
                                  what: str) -> None:
    script = tmp_path / "squat.yaml"
    script.write_text(SQUAT, encoding="utf-8")
    result = run("show", str(script), *args)
    assert_clean(result, 2)
    assert f"{where} " in result.output and what in result.output, result.output


def test_surrogate_pairs_are_joined(tmp_path: Path) -> None:
    script = tmp_path / "emoji.yaml"
    script.write_text('workout: "\\ud83d\\udcaa"\nblocks: [{say: hi}]\n', encoding="utf-8")
    result = run("show", str(script), "--json")
    assert_clean(result, 0)
    assert json.loads(result.stdout)["title"] == "\N{FLEXED BICEPS}"


def test_a_script_name_that_is_not_utf8(tmp_path: Path) -> None:
    script = Path(os.fsdecode(bytes(tmp_path) + b"/\xff.yaml"))
    script.write_text(SQUAT, encoding="utf-8")
    for command in ("validate", "show"):
        assert_clean(run(command, str(script)), 0)


def test_a_fifo_script_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "show"):
        result = run(command, str(fifo))
        assert_clean(result, 2)
        assert "not a script file" in result.output


def test_a_huge_script_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(2 << 30)  # sparse: 2 GB announced, nothing stored
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for command in ("validate", "show"):
        result = run(command, str(huge))
        assert_clean(result, 2)
        assert f"{huge}:1:1: error: the script is larger than 1 MiB" in result.output
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 << 10


def test_speech_cache_entries_that_are_bad_are_synthesized_again(tmp_path: Path) -> None:
    """A header announcing an impossible rate, samples garbled behind an intact header,
    and a folder in an entry's place: each is made again, and each is right after."""
    from voiceguide.script.model import VoiceSettings
    from voiceguide.speech.engine import EngineSpeech

    voice = VoiceSettings()
    first = EngineSpeech(cache_dir=tmp_path)
    good = first.clip("Go!", voice)
    entry = first.cache.path(first._key("Go!", voice))
    damages = {
        "rate": lambda blob: blob[:24] + b"\xff\xff\xff\xff" + blob[28:],
        "samples": lambda blob: blob[:100] + bytes(200) + blob[300:],
    }
    for damage in damages.values():
        entry.write_bytes(damage(entry.read_bytes()))
        again = EngineSpeech(cache_dir=tmp_path)
        clip = again.clip("Go!", voice)
        assert again.synthesized == 1  # not loaded: eSpeak is not bit-exact, so compare sizes
        assert abs(len(clip.samples) - len(good.samples)) < 0.02 * len(good.samples)
    entry.unlink()
    (entry / "inside").mkdir(parents=True)
    again = EngineSpeech(cache_dir=tmp_path)
    again.clip("Go!", voice)
    assert again.synthesized == 1 and entry.is_file()


def test_the_timeline_cache_never_runs_what_is_in_its_folder(tmp_path: Path) -> None:
    """A pickle that would run code, put where an entry goes, is just a bad entry."""
    import pickle

    from tests.fakes import FakeSpeech
    from voiceguide.adjust.overrides import NO_OVERRIDES
    from voiceguide.app import load_timeline
    from voiceguide.store.timelines import TimelineCache

    script = tmp_path / "squat.yaml"
    script.write_text(SQUAT, encoding="utf-8")
    cache = TimelineCache(tmp_path / "timelines")
    key = cache.key(script, None, NO_OVERRIDES, last_completed=None)
    marker = tmp_path / "ran"
    cache.folder.mkdir()
    payload = pickle.dumps(type("Boom", (), {"__reduce__": lambda self: (
        marker.touch, ())})())
    (cache.folder / f"{key}.json").write_bytes(payload)
    (cache.folder / f"{key}.pickle").write_bytes(payload)
    timeline = load_timeline(str(script), week=None, speech=FakeSpeech(), cache=cache)
    assert timeline.title == "T" and not marker.exists()
    assert cache.load(key, FakeSpeech()) == timeline


@pytest.fixture
def squat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "s.yaml"
    script.write_text(SQUAT, encoding="utf-8")
    return script


@pytest.mark.parametrize("args", [
    ["-o", "s.yaml", "--format", "wav"],
    ["-o", "a.srt", "--captions", "srt", "--format", "wav"],
    ["-o", "a.wav", "--timeline", "a.wav"],
    ["-o", "b.wav", "--timeline", "s.yaml"],
])
def test_outputs_that_collide_are_refused(squat: Path, args: list[str]) -> None:
    before = sorted(p.name for p in squat.parent.iterdir())
    result = run("export", str(squat), *args)
    assert_clean(result, 2)
    assert squat.read_text(encoding="utf-8") == SQUAT
    assert sorted(p.name for p in squat.parent.iterdir()) == before


def test_a_symlinked_output_is_written_through(squat: Path) -> None:
    (squat.parent / "link.wav").symlink_to("real.wav")
    assert_clean(run("export", str(squat), "-o", "link.wav"), 0)
    assert (squat.parent / "link.wav").is_symlink()
    assert (squat.parent / "real.wav").read_bytes()[:4] == b"RIFF"


def test_an_output_that_is_no_regular_file_is_left_alone(squat: Path) -> None:
    os.mkfifo(squat.parent / "pipe.wav")
    result = run("export", str(squat), "-o", "pipe.wav")
    assert_clean(result, 2)
    assert "not a file: refusing to replace it" in result.output
    assert not (squat.parent / "pipe.wav").is_file()


def test_long_names_and_what_a_kill_left(squat: Path) -> None:
    """A 240-byte name (the temp name is cut to fit), a 300-character block name
    (--split), a temp file a killed export left (removed), and one a live writer holds
    (kept)."""
    import fcntl

    long_name = "x" * 236 + ".wav"
    abandoned = squat.parent / ".out.wav.part-0123456789ab"
    abandoned.write_bytes(b"half")
    live = squat.parent / ".out.wav.part-ba9876543210"
    live.write_bytes(b"busy")
    with live.open("rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert_clean(run("export", str(squat), "-o", "out.wav"), 0)
        assert not abandoned.exists() and live.exists()
    assert_clean(run("export", str(squat), "-o", long_name), 0)
    assert (squat.parent / long_name).stat().st_size > 44
    squat.write_text(SQUAT.replace("Squat", "B" * 300), encoding="utf-8")
    assert_clean(run("export", str(squat), "-o", "split.wav", "--split"), 0)
    assert [len(p.name) for p in (squat.parent / "split").glob("*.wav")] == [109]


def test_cleanup_that_fails_does_not_hide_the_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a read-only file system even removing the temp name fails (EROFS, not ENOENT)."""
    import errno

    from voiceguide.atomic import atomic_path
    from voiceguide.errors import OutputError

    def read_only(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(OutputError, match="Read-only file system"), \
            atomic_path(tmp_path / "out.wav"):
        pass

"""The corpus of bad input: scripts, options and states that once crashed, hung, or
destroyed files. Each must give one clear located message and its exit status, never
a traceback (scripts in tests/data/bad/scripts, their expected messages in
tests/data/bad/expected.json).

By class of the adversarial findings: numbers out of range (scripts ``number-*``,
overrides); text that cannot be encoded (``text-*``, surrogate pairs, a file name that
is not UTF-8, list); aliases (``alias-*``); unbounded work (interval, dropped cues);
files that are not what they claim (FIFO and huge scripts, ``sound-*``, a huge sound);
errors without a place (``voice-unknown``, list, Ctrl-C); outputs that destroy files
(collisions, symlink, FIFO output); temp-file cleanup (long names, abandoned and live
temp files, a read-only file system); bad state (speech, timeline and export caches,
history, resume points); the speech engine starting while eSpeak is busy; ``new`` and
``edit`` paths. Install and doctor: tests/test_doctor_checks.py. Mutated scripts in
bulk: tests/test_fuzz.py.
"""

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
    (["--voice", "nosuch"], "--voice:1:1: error:", "no voice named 'nosuch'"),
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

    voice = VoiceSettings(name="espeak:")  # near bit-exact again; Piper's lengths vary
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


def test_history_state_that_is_bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Garbled rows are left out (history, --week next); a data folder that is a file is
    one message, exit 1."""
    import sqlite3

    from voiceguide.store import history

    db = history.history_file()
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as con:
        con.execute(history.SCHEMA)
        rows = [("/x.yaml", "X", "three", "2026-11-02T07:30:00", "2026-11-02T08:00", 1,
                 None, None, "[]"),
                ("/x.yaml", "X", 2, "yesterday", "2026-11-02T08:00", 1, None, None, "[]"),
                ("/x.yaml", "X", 2, "2026-11-02T07:30:00", "2026-11-02T08:00", 1, None,
                 None, "{not json")]
        con.executemany("INSERT INTO sessions (script, title, week, started_at, ended_at,"
                        " completed, stopped_at_ms, stopped_in, skipped) VALUES"
                        " (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    assert_clean(run("history"), 0)
    assert history.sessions() == []
    assert history.last_completed_week("/x.yaml") == 2  # the rows' weeks that are numbers
    blocker = tmp_path / "data"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(history, "history_file", lambda: blocker / "h.sqlite3")
    result = run("history")
    assert_clean(result, 1)
    assert "cannot use the history database" in result.output


def test_a_locked_history_keeps_the_session(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3
    from datetime import datetime

    from voiceguide.store import history

    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.1)
    db = tmp_path / "h.sqlite3"
    done = history.Session("/x.yaml", "X", 3, datetime(2026, 11, 2, 7), datetime(2026, 11, 2, 8),
                           True)
    history.record(done, db)
    locker = sqlite3.connect(db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    history.record(done, db)  # waits, then keeps it aside
    locker.execute("ROLLBACK")
    locker.close()
    assert history.sessions(db) == [done, done]
    assert not (tmp_path / "h.pending.jsonl").exists()


@pytest.mark.parametrize("at_ms", ["1e999", "-5", '"10"', "true", "99999999999"])
def test_a_bad_resume_point_starts_at_the_beginning(squat: Path, at_ms: str) -> None:
    from tests.fakes import FakeSpeech
    from voiceguide.app import load_timeline
    from voiceguide.play.session import start_at
    from voiceguide.store import resume
    from voiceguide.store.timelines import TimelineCache

    timeline = load_timeline(str(squat), week=None, speech=FakeSpeech(),
                             cache=TimelineCache(squat.parent / "timelines"))
    path = resume.resume_file(squat, timeline.week)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"at_ms": {at_ms}, "label": "Squat, set 2"}}', encoding="utf-8")
    assert start_at(timeline, squat, from_block=None, resumed=True)[0] == 0


def test_list_shows_a_bad_user_script_and_goes_on() -> None:
    from voiceguide.paths import scripts_dir

    scripts_dir().mkdir(parents=True, exist_ok=True)
    bad = scripts_dir() / "zz-bad-voice.yaml"
    bad.write_text("workout: Bad\nvoice: {name: nosuch}\nblocks: [{say: hi}]\n",
                   encoding="utf-8")
    try:
        result = run("list")
    finally:
        bad.unlink()
    assert_clean(result, 0)
    assert "zz-bad-voice" in result.output and "invalid" in result.output
    assert "hip-thrust" in result.output


@pytest.mark.parametrize("target", [".", "", "/", "..", "sub/"])
def test_new_with_no_file_name(target: str) -> None:
    result = run("new", target)
    assert_clean(result, 2)
    assert "names no file" in result.output


def test_edit_passes_a_dash_name_as_a_path(squat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    opened: list[str] = []
    monkeypatch.setattr(click, "edit", lambda filename: opened.append(filename))
    (squat.parent / "-x.yaml").write_text(SQUAT, encoding="utf-8")
    assert_clean(run("edit", "./-x.yaml"), 0)
    assert opened == [str(squat.parent / "-x.yaml")]


INTERRUPT = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal; a background
class Interrupt:                                         # job (CI) starts with it ignored
    module = sys.argv[1]
    def find_spec(self, name, path=None, target=None):
        if name == self.module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
sys.meta_path.insert(0, Interrupt())
sys.argv = ["voiceguide", "validate", "hip-thrust"]
from voiceguide.__main__ import run
run()
"""


@pytest.mark.parametrize("module", ["click", "voiceguide.cli.validate", "yaml", "numpy"])
def test_ctrl_c_while_starting_exits_130(module: str) -> None:
    """Ctrl-C lands while a module is being imported (the first 0.2 s of a command)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", INTERRUPT, module], capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (130, "interrupted")


def test_an_interval_below_the_minimum_is_an_error() -> None:
    from voiceguide.script.parse import parse_script

    text = ("workout: T\nblocks:\n  - hold: Plank\n    time: 1h\n"
            "    cues: {every: {interval: 0.001s, say: Breathe.}}\n")
    _, problems = parse_script(text, "t.yaml")
    assert [p.format() for p in problems] == [
        "t.yaml:5:30: error: cues.every.interval: 0.001s is too short; it must be at least "
        "2s (hint: a cue takes about a second to say)"]


def test_dropped_cues_count_toward_the_event_limit() -> None:
    """An hour-long hold asking for a cue every 0.15 s at set times: 24,000 tries, most
    of them dropped (each cue takes 0.4 s to say)."""
    from tests.fakes import FakeSpeech
    from voiceguide.compile.compiler import compile_script
    from voiceguide.errors import ScriptError
    from voiceguide.script.parse import parse_script

    cues = "".join(f"        {t / 1000:g}s: Breathe.\n" for t in range(150, 3_600_000, 150))
    script, _ = parse_script("workout: T\nblocks:\n  - hold: Plank\n    time: 1h\n"
                             f"    cues:\n      at:\n{cues}", "t.yaml")
    assert script is not None
    with pytest.raises(ScriptError, match="counting cues left out"):
        compile_script(script, speech=FakeSpeech())


@pytest.mark.ffmpeg
@pytest.mark.parametrize("part", ["data", "entry"])
def test_a_folder_in_place_of_an_export_cache_entry(tmp_path: Path, part: str) -> None:
    """Not blamed on the output: the export goes on, and the entry is made again."""
    from tests.fakes import FakeSpeech
    from tests.render_support import say, timeline_of
    from voiceguide.export.cache import ExportCache
    from voiceguide.export.files import export_session

    timeline = timeline_of([say(0, "Welcome"), say(1_000, "Go")], 3_000, title="Cache")
    cache = ExportCache(tmp_path / "cache")
    export_session(timeline, FakeSpeech(), tmp_path / "a.mp3", fmt="mp3", cache=cache)
    (entry,) = cache.directory.glob("*.json")
    damaged = entry if part == "entry" else entry.with_suffix(".mp3")
    damaged.unlink()
    (damaged / "inside").mkdir(parents=True)
    again = ExportCache(tmp_path / "cache")
    export_session(timeline, FakeSpeech(), tmp_path / "b.mp3", fmt="mp3", cache=again)
    assert (tmp_path / "b.mp3").stat().st_size > 1000
    assert damaged.is_file()


def test_a_huge_beep_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "big.wav"
    with huge.open("wb") as file:
        file.truncate(2 << 30)
    script = tmp_path / "s.yaml"
    script.write_text("workout: T\nbeeps: {sound: big.wav}\nblocks: [{say: hi}]\n",
                      encoding="utf-8")
    result = run("validate", str(script))
    assert_clean(result, 2)
    assert f"{script}:2:16: error: beeps.sound: the sound" in result.output
    assert "is larger than 10 MiB" in result.output


def test_list_shows_a_user_script_titled_with_an_emoji() -> None:
    from voiceguide.paths import scripts_dir

    scripts_dir().mkdir(parents=True, exist_ok=True)
    mine = scripts_dir() / "zz-emoji.yaml"
    mine.write_text('workout: "Arms \\ud83d\\udcaa"\nblocks: [{say: hi}]\n', encoding="utf-8")
    try:
        result = run("list")
    finally:
        mine.unlink()
    assert_clean(result, 0)
    assert "Arms \N{FLEXED BICEPS}" in result.output


RACE = """
import sys
from pathlib import Path
from pyttsx3.drivers import _espeak, espeak
from voiceguide.script.model import VoiceSettings
from voiceguide.speech.engine import EngineSpeech

started = espeak.EspeakDriver.__init__


def busy_init(self, proxy):
    started(self, proxy)
    _espeak.Synth(("Keep eSpeak busy for a while. " * 20).encode(), flags=_espeak.CHARS_UTF8)


espeak.EspeakDriver.__init__ = busy_init
speech = EngineSpeech(cache_dir=Path(sys.argv[1]))
print(speech.duration_ms("Go!", VoiceSettings(name="espeak:")) > 100)
"""


def test_the_engine_starts_while_espeak_is_busy(tmp_path: Path) -> None:
    """Set-up work still queued in eSpeak when the engine's first run starts once made
    the driver cancel the next utterance ("the utterance was cancelled")."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", RACE, str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"


def test_music_that_is_no_regular_file_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO as the music, or as a playlist, once left ffmpeg or the reader waiting."""
    from voiceguide.errors import MusicError
    from voiceguide.render.tracks import music_files

    for name in ("music.mp3", "list.m3u"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        with pytest.raises(MusicError, match="not a regular file"):
            music_files(fifo)


@pytest.mark.parametrize("text, what", [
    ("", "TEXT is empty"), ("\udcff", "TEXT is not UTF-8 text"),
    ("x" * 100_000, "TEXT is 100000 characters long; at most 500"),
])
def test_say_refuses_text_a_script_could_not_hold(text: str, what: str) -> None:
    """A 100,000-character TEXT once kept the engine busy for minutes."""
    result = run("say", text)
    assert_clean(result, 2)
    assert result.output == f"error: {what}" + result.output.split(what, 1)[1]


def test_a_folder_in_place_of_a_timeline_cache_entry(squat: Path) -> None:
    from tests.fakes import FakeSpeech
    from voiceguide.adjust.overrides import NO_OVERRIDES
    from voiceguide.app import load_timeline
    from voiceguide.store.timelines import TimelineCache

    cache = TimelineCache(squat.parent / "timelines")
    entry = cache.folder / f"{cache.key(squat, None, NO_OVERRIDES, last_completed=None)}.json"
    (entry / "inside").mkdir(parents=True)
    timeline = load_timeline(str(squat), week=None, speech=FakeSpeech(), cache=cache)
    assert entry.is_file() and cache.load(entry.stem, FakeSpeech()) == timeline


def test_a_timeline_in_a_new_folder_is_written_with_the_audio(squat: Path) -> None:
    assert_clean(run("export", str(squat), "-o", "a.wav", "--timeline", "new/t.json"), 0)
    assert (squat.parent / "new" / "t.json").is_file()
    blocker = squat.parent / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("export", str(squat), "-o", "b.wav", "--timeline", "file/t.json")
    assert_clean(result, 1)
    assert not (squat.parent / "b.wav").exists()

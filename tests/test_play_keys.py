"""Keys and faults of ``voiceguide play`` on a real sound server, driven through a
pseudo-terminal as a person at a keyboard would."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sound import Recorder, SoundServer, cue_onsets
from tests.terminal import Terminal
from tests.test_play_sound import SHORT, play_command, write
from voiceguide.app import build_timeline
from voiceguide.cli import main
from voiceguide.play.screen import ENTER, LEAVE
from voiceguide.speech.engine import EngineSpeech
from voiceguide.store import history, resume
from voiceguide.timeline.events import Section

pytestmark = [pytest.mark.sound, pytest.mark.engine]
ENTERED, LEFT = ENTER.encode(), LEAVE.encode()


def script_and_first_set(tmp_path: Path) -> tuple[Path, Section]:
    """The short script written out, and its first set's section."""
    script = write(tmp_path, SHORT, "keys.yaml")
    timeline = build_timeline(str(script), week=None, speech=EngineSpeech())
    return script, next(s for s in timeline.sections if s.kind == "set")


def assert_stopped_in(script: Path, work: Section) -> None:
    """A session stopped in ``work`` left its resume point and its history row."""
    assert resume.load(script, None) == resume.ResumePoint(work.start_ms, work.label)
    (last,) = history.sessions(script=str(script.resolve()), limit=1)
    assert (last.completed, last.stopped_in) == (False, work.label)

def test_a_key_typed_while_play_starts_is_not_lost(sound_server: SoundServer,
                                                  tmp_path: Path) -> None:
    script = write(tmp_path, SHORT, "typeahead.yaml")
    term = Terminal(play_command(script), sound_server.env)
    term.send(b"q")  # before play has even imported its modules
    assert term.close() == 0
    (last,) = history.sessions(script=str(script.resolve()), limit=1)
    assert not last.completed
    assert last.stopped_at_ms == 0


def test_pause_skip_back_quit_then_resume(sound_server: SoundServer, tmp_path: Path) -> None:
    script = write(tmp_path, SHORT, "keys.yaml")
    timeline = build_timeline(str(script), week=None, speech=EngineSpeech())
    beeps = [e for e in timeline.events if e.kind == "beep"]
    go = next(e for e in beeps if e.sound == "go")
    work = next(s for s in timeline.sections if s.kind == "set")
    rest = next(s for s in timeline.sections if s.kind == "rest")
    intro2 = next(s for s in timeline.sections if s.start_ms >= rest.end_ms)

    with Recorder(sound_server, tmp_path / "heard.wav") as recorder:
        term = Terminal(play_command(script), sound_server.env)
        term.wait_for(lambda t: t.elapsed() >= go.at_ms // 1000 + 1)
        paused_at = term.send(b" ")
        term.wait_for(lambda t: t.big() == "PAUSED")
        while time.monotonic() < paused_at + 2.0:  # the pause a person makes, not a sync
            term.pump(paused_at + 2.0 - time.monotonic())
        pause_s = term.send(b" ") - paused_at
        term.wait_for(lambda t: t.elapsed() >= rest.start_ms // 1000 + 1)
        term.send(b"n")  # long before the rest ends by itself
        term.wait_for(lambda t: t.part().startswith(f"GET READY · {intro2.name}"), timeout_s=3)
        term.wait_for(lambda t: t.elapsed() >= intro2.start_ms // 1000 + 4)
        before = term.elapsed()
        term.send(b"\x1b[D")  # left arrow: back to the start of this section
        term.wait_for(lambda t: t.elapsed() <= intro2.start_ms // 1000 + 1 < before,
                      timeout_s=3)
        assert term.part().startswith(f"GET READY · {intro2.name}")
        term.send(b"b")  # again, at once: the previous section
        term.wait_for(lambda t: t.part().startswith("Rest"), timeout_s=3)
        term.send(b"q")
        assert term.close() == 0

    assert resume.load(script, None) == resume.ResumePoint(rest.start_ms, "Rest")
    resumed_after = work.start_ms + 1000
    onsets = cue_onsets(recorder.samples(), timeline,
                        shift_ms=lambda at: pause_s * 1000 if at > resumed_after else 0.0)
    in_set = [o for o in onsets if go.at_ms < o.expected_ms - 1000 * pause_s <= work.end_ms]
    assert len(in_set) >= 3
    assert all(abs(o.error_ms) <= 50 for o in in_set), (pause_s, in_set)

    done = subprocess.run(play_command(script, "--resume"), env=sound_server.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split(" ", 1)[1] == "Rest"
    assert resume.load(script, None) is None

    resumed, quit_ = history.sessions(script=str(script.resolve()))
    assert (quit_.completed, quit_.stopped_in, quit_.skipped) == (False, "Rest", ("Rest",))
    assert (resumed.completed, resumed.stopped_in, resumed.skipped) == (True, None, ())
    shown = CliRunner().invoke(main, ["history", str(script)])
    assert shown.exit_code == 0, shown.output
    header, *rows = shown.output.splitlines()
    start, end = header.index("RESULT"), header.index("SKIPPED")
    results = [row[start:end].strip() for row in rows]
    assert results[0] == "completed" and results[1].startswith("stopped in Rest at ")


@pytest.mark.parametrize("signum, status, said", [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_or_sigterm_stops_gives_the_terminal_back_saves_and_exits(
        sound_server: SoundServer, tmp_path: Path, signum: int, status: int, said: str) -> None:
    script, work = script_and_first_set(tmp_path)
    term = Terminal(play_command(script), sound_server.env)
    term.wait_for(lambda t: t.elapsed() >= work.start_ms // 1000 + 1)
    assert term.raw.rfind(ENTERED) > term.raw.rfind(LEFT)
    term.process.send_signal(signum)
    assert term.close() == status, term.errors
    assert term.errors.splitlines() == [said]
    assert term.raw.rfind(LEFT) > term.raw.rfind(ENTERED)  # off the alternate screen
    assert term.settings_left == term.settings  # echo and line editing back
    line = " ".join("".join(term.lines).split())  # the panel gone, one line (wrapped) left
    assert line.startswith(f"Stopped in {work.label} at 0:")
    assert line.endswith(f"Resume with: voiceguide play {script} --resume")
    assert_stopped_in(script, work)


def test_closing_the_terminal_stops_saves_and_exits_129(sound_server: SoundServer,
                                                       tmp_path: Path) -> None:
    script, work = script_and_first_set(tmp_path)
    term = Terminal(play_command(script), sound_server.env)
    term.wait_for(lambda t: t.elapsed() >= work.start_ms // 1000 + 1)
    assert term.hang_up() == 129, term.errors  # SIGHUP's own exit would be -1
    assert term.errors.splitlines() == ["hung up"]
    assert_stopped_in(script, work)


def test_server_killed_mid_session_keeps_resume_point(sound_server: SoundServer,
                                                      tmp_path: Path) -> None:
    script, work = script_and_first_set(tmp_path)
    player = subprocess.Popen(play_command(script), env=sound_server.env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert player.stdout is not None
    for line in player.stdout:
        if line.split(" ", 1)[-1].strip() == work.label and line.startswith(
                f"{work.start_ms // 60000}:{work.start_ms // 1000 % 60:02d}"):
            break
    sound_server.kill()
    _, errors = player.communicate(timeout=10)
    assert player.returncode == 1
    assert "audio output stopped" in errors and "--resume" in errors
    assert "Traceback" not in errors
    assert resume.load(script, None) == resume.ResumePoint(work.start_ms, work.label)

"""The live display of ``voiceguide play`` as a person sees it: a real session on a real
sound server, in a pseudo-terminal, its screen read through a terminal emulator."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.sound import SoundServer
from tests.terminal import Terminal, seconds
from tests.test_play_sound import play_command, write
from voiceguide.store import history

pytestmark = [pytest.mark.sound, pytest.mark.engine]

SQUATS = """\
workout: Display check
blocks:
  - exercise: Squat
    sets: 2
    reps: 6
    tempo: 1-1-1
    rest: 10s
"""
TINY = """\
workout: Finish check
blocks:
  - hold: Plank
    time: 3s
"""
SGR = re.compile(rb"\x1b\[[0-9;]*m")
KEYS = ["space", "pause", "n/→", "next", "b/←", "back", "q", "quit"]


def big_colour(term: Terminal) -> str:
    """The colour of the first lit cell of the big digits."""
    for y, line in enumerate(term.lines):
        if line.strip() and set(line) <= {" ", "▀", "▄", "█"}:
            x = len(line) - len(line.lstrip())
            return term.screen.buffer[y][x].fg
    raise AssertionError(term.text())


def big_rows(term: Terminal) -> int:
    return sum(1 for line in term.lines if line.strip() and set(line) <= {" ", "▀", "▄", "█"})


def fits(columns: int, lines: int):
    """The whole panel drawn for this size: keys on the last row, a countdown, the part."""
    def drawn(t: Terminal) -> bool:
        return (len(t.lines) == lines and t.lines[-1].split() == KEYS
                and t.countdown_s() is not None and "rep " in t.text())
    return drawn


def test_panel_counts_down_pauses_resizes_and_quits_with_a_resume_line(
        sound_server: SoundServer, tmp_path: Path) -> None:
    script = write(tmp_path, SQUATS, "squats.yaml")
    term = Terminal(play_command(script), sound_server.env, columns=100, lines=30)
    term.wait_for(lambda t: re.search(r"\brep [2-5] of 6\b", t.text()) is not None
                  and t.countdown_s() is not None)
    assert term.part().startswith("Squat") and "set 1 of 2 · rep" in term.part()
    assert term.lines[-1].split() == KEYS
    first = term.countdown_s()
    assert first is not None and 1 <= first <= 18
    term.wait_for(lambda t: (t.countdown_s() or 99) < first, timeout_s=3)
    assert big_colour(term) in ("green", "red")
    assert big_rows(term) >= 10

    term.send(b" ")
    term.wait_for(lambda t: t.big() == "PAUSED", timeout_s=3)
    assert big_colour(term) == "magenta"
    assert "paused · " in term.text() and term.lines[-1].split()[:2] == ["space", "resume"]
    term.send(b" ")
    term.wait_for(lambda t: t.countdown_s() is not None, timeout_s=3)

    term.resize(40, 12)
    term.wait_for(fits(40, 12), timeout_s=3)
    assert big_rows(term) == 3
    assert all(len(line.rstrip()) <= 40 for line in term.lines)
    term.resize(100, 30)
    term.wait_for(fits(100, 30), timeout_s=3)
    assert big_rows(term) >= 10

    term.send(b"q")
    assert term.close() == 0, term.errors
    assert not set("▀▄█░") & set(term.text())
    line = " ".join("".join(term.lines).split())  # one line, wrapped by the terminal
    command = shlex.join(["voiceguide", "play", str(script), "--resume"])
    assert re.fullmatch(r"Stopped in Squat: set 1 of 2 at 0:\d\d of 0:\d\d, 0 of 2 sets "
                        r"done\. Resume with: " + re.escape(command), line), line
    assert SGR.search(term.raw)  # colours on a colour terminal (the check below can fail)


def test_a_finished_session_prints_its_totals_and_history_line(
        sound_server: SoundServer, tmp_path: Path) -> None:
    script = write(tmp_path, TINY, "tiny.yaml")
    term = Terminal(play_command(script, "--week", "2"), sound_server.env, columns=80,
                    lines=20)
    assert term.close() == 0, term.errors
    shown = [line.strip() for line in term.lines if line.strip()]
    assert len(shown) == 2, shown
    assert re.fullmatch(r"Workout complete: Finish check \(week 2\)\. Work 0:03, rest 0:00, "
                        r"time 0:\d\d\.", shown[0]), shown
    (last,) = history.sessions(script=str(script.resolve()), limit=1)
    assert last.completed and last.week == 2
    assert shown[1] == (f"History: {last.started_at:%Y-%m-%d %H:%M}  "
                        f"{shown[0].rsplit(' ', 1)[1].rstrip('.')}  Finish check  week 2  "
                        "completed")


@pytest.mark.parametrize("setting", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_colour_and_dumb_terminals_get_plain_text(sound_server: SoundServer,
                                                     tmp_path: Path, setting) -> None:
    script = write(tmp_path, SQUATS, "plain.yaml")
    term = Terminal(play_command(script), {**sound_server.env, **setting})
    if "NO_COLOR" in setting:
        term.wait_for(lambda t: t.countdown_s() is not None and "rep " in t.text())
        assert seconds(term.big()) is not None
    else:
        term.wait_for(lambda t: "0:00 Welcome" in t.text())
    term.send(b"q")
    assert term.close() == 0, term.errors
    assert SGR.search(term.raw) is None
    if "TERM" in setting:
        assert b"\x1b" not in term.raw
        assert term.text().splitlines()[:2] == ["Display check", "0:00 Welcome"]
    assert "Resume with: voiceguide play" in term.text()

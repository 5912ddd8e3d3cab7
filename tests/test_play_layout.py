"""The live panel without a terminal: every size from 40x12 up fits, the big countdown
reads back, only changed rows are redrawn, NO_COLOR writes no colour codes."""

from __future__ import annotations

import io
import os
import re
import signal
from pathlib import Path

import pytest

from tests.fakes import FakeSpeech
from tests.terminal import read_big
from voiceguide.app import build_timeline
from voiceguide.play import digits
from voiceguide.play.display import NOTICE_S, LineDisplay, LiveDisplay
from voiceguide.play.layout import frame
from voiceguide.play.notices import Warnings
from voiceguide.play.screen import Screen, can_draw, colour_allowed
from voiceguide.play.view import SessionView
from voiceguide.timefmt import countdown

CASES = Path(__file__).parent / "data" / "cases"
SIZES = [(40, 12), (48, 14), (80, 24), (100, 30), (132, 43), (240, 70)]


@pytest.fixture(scope="module")
def view() -> SessionView:
    return SessionView(build_timeline(str(CASES / "exercise.yaml"), week=None,
                                      speech=FakeSpeech()))


def text(rows) -> list[str]:
    return ["".join(t for t, _ in row) for row in rows]


def big_styles(rows) -> set[str]:
    """The styles of the rows that are the big digits."""
    return {style for row, line in zip(rows, text(rows), strict=True)
            if line.strip() and set(line) <= set(" ▀▄█") for t, style in row if t.strip()}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("at_ms", [0, 5_000, 30_000, 60_000, 118_000, 123_900])
def test_every_size_shows_the_part_the_countdown_and_the_keys(view, size, at_ms) -> None:
    width, height = size
    status = view.status(at_ms)
    lines = text(frame(status, width, height))
    assert len(lines) == height
    assert all(len(line) < width for line in lines), lines
    assert read_big(lines) == countdown(status.part_left_ms)
    assert status.name in lines[1] or lines[1].rstrip().endswith("…")
    assert lines[-1].split()[-2:] == ["q", "quit"]
    assert any(re.search(r"\d:\d\d done · \d:\d\d left", line) for line in lines)
    assert any(line.lstrip().startswith("Next: ") for line in lines)


def test_the_digits_grow_with_the_terminal(view) -> None:
    status = view.status(30_000)
    heights = [sum(1 for line in text(frame(status, w, h))
                   if line.strip() and set(line) <= set(" ▀▄█")) for w, h in SIZES]
    assert heights == sorted(heights) and heights[0] == digits.rows_at(1) < heights[-1]


def test_a_rest_shows_the_next_set_with_its_setup_line(view) -> None:
    lines = text(frame(view.status(60_000), 100, 30))
    assert "Next: Hip thrust · set 2 of 2 · 0:40" in "\n".join(lines)
    assert "Upper back on the bench, feet flat and hip-width apart." in "\n".join(lines)
    assert lines[1].strip() == "Rest"


def test_paused_is_big_and_in_its_own_colour_and_the_last_seconds_turn_red(view) -> None:
    paused = frame(view.status(30_000, paused=True), 100, 30)
    assert read_big(text(paused)) == "PAUSED"
    assert big_styles(paused) == {"paused bold"}
    assert big_styles(frame(view.status(50_000), 100, 30)) == {"alert bold"}  # set ends 0:50.650
    assert big_styles(frame(view.status(30_000), 100, 30)) == {"work bold"}


def test_only_changed_rows_are_written_and_no_colour_means_no_codes(view) -> None:
    out = io.StringIO()
    screen = Screen(out, colour=True)
    screen.draw(frame(view.status(29_000), 100, 30), (100, 30))
    assert re.search(r"\x1b\[[0-9;]*m", out.getvalue())
    written = len(out.getvalue())
    screen.draw(frame(view.status(29_000), 100, 30), (100, 30))
    assert len(out.getvalue()) == written
    screen.draw(frame(view.status(29_700), 100, 30), (100, 30))  # 0:22 to 0:21, same rep
    rewritten = re.findall(r"\x1b\[(\d+);1H", out.getvalue()[written:])
    assert rewritten and "1" not in rewritten and "2" not in rewritten  # title, part name
    plain = io.StringIO()
    Screen(plain, colour=False).draw(frame(view.status(30_000), 100, 30), (100, 30))
    assert not re.search(r"\x1b\[[0-9;]*m", plain.getvalue())
    assert colour_allowed({"NO_COLOR": "1"}) is False
    assert colour_allowed({"NO_COLOR": ""}) is True and colour_allowed({}) is True


def test_the_music_track_shows_when_there_is_room(view) -> None:
    music = SessionView(view.timeline, music=lambda at_ms: "run.mp3" if at_ms > 1000 else None)
    assert any(line.strip() == "♪ run.mp3" for line in text(frame(music.status(30_000), 100, 30)))
    assert not any("♪" in line for line in text(frame(music.status(500), 100, 30)))
    assert read_big(text(frame(music.status(30_000), 40, 12))) is not None


@pytest.mark.parametrize("size", SIZES)
def test_a_warning_shows_above_the_keys_in_every_size(view, size) -> None:
    width, height = size
    rows = frame(view.status(30_000), width, height, notice="music: skipping b.mp3: gone")
    lines = text(rows)
    assert len(lines) == height
    assert lines[-2].strip().startswith("warning: music: skipping")
    assert {style for t, style in rows[-2] if t.strip()} == {"alert"}
    assert read_big(lines) is not None


def test_the_panel_shows_a_warning_for_a_while(view) -> None:
    now = [0.0]
    out = io.StringIO()
    with LiveDisplay(out, colour=False, clock=lambda: now[0]) as display:
        display.update(view.status(29_000))
        assert display.notice("music: skipping b.mp3: gone") is True
        display.update(view.status(29_000))  # drawn at once, not after MIN_REDRAW_S
        assert "warning: music: skipping b.mp3" in out.getvalue()
        shown = len(out.getvalue())
        now[0] = NOTICE_S + 1
        display.update(view.status(29_000))
        assert "warning" not in out.getvalue()[shown:]
        assert out.getvalue()[shown:]  # the row was cleared


def test_warnings_wait_for_the_display_and_the_panel_keeps_them_off_the_terminal() -> None:
    said: list[str] = []
    warnings = Warnings(said.append)
    warnings("before any session")
    panel = LiveDisplay(io.StringIO(), colour=False)
    with warnings.kept():
        warnings("while the session starts")
        assert said == ["before any session"]
        warnings.show_on(panel)
        warnings("while the panel is up")
        assert said == ["before any session"]  # nothing written over the panel
    assert said == ["before any session", "while the session starts", "while the panel is up"]
    lines = LineDisplay(io.StringIO())
    with warnings.kept():
        warnings("early")
        warnings.show_on(lines)
        assert said[-1] == "early"  # in order with the lines, at once
        warnings("later")
        assert said[-1] == "later"


def test_a_terminal_without_the_block_characters_gets_lines() -> None:
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert (can_draw(latin), can_draw(utf8)) == (False, True)


def test_after_a_suspend_the_panel_is_drawn_whole_again(view) -> None:
    out = io.StringIO()
    with LiveDisplay(out, colour=False, clock=lambda: 0.0) as display:
        display.update(view.status(29_000))
        drawn = out.getvalue()
        display.update(view.status(29_000))
        assert out.getvalue() == drawn
        os.kill(os.getpid(), signal.SIGCONT)  # as after Ctrl-Z and fg
        display.update(view.status(29_000))
        again = out.getvalue()[len(drawn):]
    assert again.count(";1H") == len(drawn.split(";1H")) - 1  # every row once more
    assert signal.getsignal(signal.SIGCONT) == signal.SIG_DFL

"""The session history: rows written whole, read back newest first, and ``--week next``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from voiceguide.adjust.weeks import played_week
from voiceguide.app import load_checked
from voiceguide.cli import main
from voiceguide.errors import OutputError
from voiceguide.store import history
from voiceguide.store.library import resolve_script

START = datetime(2026, 11, 2, 7, 30)


def session(script: str, week: int | None, completed: bool, day: int = 0,
            **extra: object) -> history.Session:
    start = START + timedelta(days=day)
    return history.Session(script, "Hip thrust program", week, start,
                           start + timedelta(minutes=25), completed, **extra)


def test_round_trip_newest_first(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    first = session("/a.yaml", 1, True)
    second = session("/a.yaml", 2, False, day=2, stopped_at_ms=754_000,
                     stopped_in="Hip thrust, set 2", skipped=("Dynamic warm-up",))
    other = session("/b.yaml", None, True, day=1)
    for s in (first, second, other):
        history.record(s, db)
    assert history.sessions(db) == [second, other, first]
    assert history.sessions(db, script="/a.yaml", limit=1) == [second]


def test_last_completed_week_ignores_unfinished_sessions(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    assert history.last_completed_week("/a.yaml", db) is None
    history.record(session("/a.yaml", 1, True), db)
    history.record(session("/a.yaml", 2, False, day=2), db)
    assert history.last_completed_week("/a.yaml", db) == 1
    history.record(session("/a.yaml", 4, True, day=4), db)
    history.record(session("/a.yaml", 2, True, day=3), db)
    assert history.last_completed_week("/a.yaml", db) == 4
    assert history.last_completed_week("/b.yaml", db) is None


def test_week_next_follows_the_history_up_to_the_last_week(tmp_path: Path) -> None:
    path = tmp_path / "program.yaml"
    path.write_bytes(resolve_script("hip-thrust").read_bytes())
    script = load_checked(path)
    assert played_week(script, "next", last_completed=None) == 1
    assert played_week(script, "next", last_completed=2) == 3
    assert played_week(script, "next", last_completed=4) == 4  # a finished program repeats
    assert played_week(script, 2, last_completed=4) == 2
    assert played_week(script, None, last_completed=4) is None


def test_unusable_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_text("not a database", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot use the history database"):
        history.sessions(db)


@pytest.mark.engine
def test_show_week_next_and_history_command() -> None:
    key = str(resolve_script("hip-thrust").resolve())
    history.record(session(key, 2, True))
    result = CliRunner().invoke(main, ["show", "hip-thrust", "--week", "next", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["week"] == 3
    listed = CliRunner().invoke(main, ["history", "hip-thrust"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == ["STARTED", "LENGTH", "WORKOUT", "WEEK", "RESULT", "SKIPPED"]
    assert lines[1].split() == ["2026-11-02", "07:30", "25:00.0", "Hip", "thrust", "program",
                                "2", "completed", "0"]


@pytest.mark.parametrize("command", ["show", "play", "export"])
@pytest.mark.parametrize("week", ["soon", "0", "1000", "-3"])
def test_a_week_that_is_no_week_or_out_of_range_is_one_usage_error(command: str,
                                                                   week: str) -> None:
    output = ["-o", "x.wav"] if command == "export" else []
    result = CliRunner().invoke(main, [command, "hip-thrust", "--week", week, *output])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '--week': {week!r} is not a week number (1-999) or 'next'")

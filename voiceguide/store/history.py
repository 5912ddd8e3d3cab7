"""The history of played sessions, in a local SQLite database.

Each ``play`` records one row when it ends: which script (by absolute path) and week,
when it started and ended, whether it was completed or where it stopped, and which
sections were skipped. ``--week next`` reads it to pick the week after the last one
completed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from voiceguide.errors import OutputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    script TEXT NOT NULL,
    title TEXT NOT NULL,
    week INTEGER,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    completed INTEGER NOT NULL,
    stopped_at_ms INTEGER,
    stopped_in TEXT,
    skipped TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Session:
    """One played session. ``stopped_at_ms``/``stopped_in``: where an unfinished one ended."""

    script: str
    title: str
    week: int | None
    started_at: datetime
    ended_at: datetime
    completed: bool
    stopped_at_ms: int | None = None
    stopped_in: str | None = None
    skipped: tuple[str, ...] = ()


def history_path() -> Path:
    return Path(platformdirs.user_data_dir("voiceguide")) / "history.sqlite3"


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(SCHEMA)
            yield db
    except sqlite3.Error as exc:
        raise OutputError(f"cannot use the history database {path}: {exc}") from exc


def record(session: Session, path: Path | None = None) -> None:
    """Add a session (one transaction: the row is there whole or not at all)."""
    with _connect(path or history_path()) as db:
        db.execute(
            "INSERT INTO sessions (script, title, week, started_at, ended_at, completed,"
            " stopped_at_ms, stopped_in, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session.script, session.title, session.week, session.started_at.isoformat(),
             session.ended_at.isoformat(), int(session.completed), session.stopped_at_ms,
             session.stopped_in, json.dumps(list(session.skipped))))


def sessions(path: Path | None = None, *, script: str | None = None,
             limit: int = 50) -> list[Session]:
    """The latest sessions first, all scripts or one (by absolute path)."""
    query = "SELECT script, title, week, started_at, ended_at, completed, stopped_at_ms," \
            " stopped_in, skipped FROM sessions"
    args: tuple[object, ...] = ()
    if script is not None:
        query, args = query + " WHERE script = ?", (script,)
    with _connect(path or history_path()) as db:
        rows = db.execute(query + " ORDER BY started_at DESC, id DESC LIMIT ?",
                          (*args, limit)).fetchall()
    return [Session(row[0], row[1], row[2], datetime.fromisoformat(row[3]),
                    datetime.fromisoformat(row[4]), bool(row[5]), row[6], row[7],
                    tuple(json.loads(row[8]))) for row in rows]


def last_completed_week(script: str, path: Path | None = None) -> int | None:
    """The highest week of ``script`` played to the end, None if none was."""
    with _connect(path or history_path()) as db:
        (done,) = db.execute("SELECT MAX(week) FROM sessions WHERE script = ? AND completed"
                             " AND week IS NOT NULL", (script,)).fetchone()
    return done

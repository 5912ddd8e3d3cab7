"""The history of played sessions, in a local SQLite database.

Each ``play`` records one row when it ends: which script (by absolute path) and week,
when it started and ended, whether it was completed or where it stopped, and which
sections were skipped. ``--week next`` reads it to pick the week after the last one
completed.

A session is never lost to a busy database: another process holding it locked is
waited for (``BUSY_TIMEOUT_S``), and if it is still locked the row is kept in
``history.pending.jsonl`` beside it and added by the next use of the history. Rows
that another tool garbled (a date, the skipped list, or a week that is not a number)
are left out of what is read, not a crash.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from voiceguide.errors import OutputError
from voiceguide.paths import history_file

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


BUSY_TIMEOUT_S = 20.0
"""How long a write waits for another process's lock before the row goes to pending."""

_INSERT = ("INSERT INTO sessions (script, title, week, started_at, ended_at, completed,"
           " stopped_at_ms, stopped_in, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


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




@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as db, db:
            db.execute(SCHEMA)
            _add_pending(db, path)
            yield db
    except (sqlite3.Error, OSError) as exc:
        raise OutputError(f"cannot use the history database {path}: {exc}") from exc


def _pending_path(path: Path) -> Path:
    return path.with_name(path.stem + ".pending.jsonl")


def _add_pending(db: sqlite3.Connection, path: Path) -> None:
    """Move the rows a locked database could not take into it (same transaction)."""
    pending = _pending_path(path)
    try:
        lines = pending.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for line in lines:
        with suppress(ValueError, TypeError, sqlite3.Error):
            db.execute(_INSERT, json.loads(line))
    db.commit()
    pending.unlink(missing_ok=True)


def _row(session: Session) -> tuple[object, ...]:
    return (session.script, session.title, session.week, session.started_at.isoformat(),
            session.ended_at.isoformat(), int(session.completed), session.stopped_at_ms,
            session.stopped_in, json.dumps(list(session.skipped)))


def record(session: Session, path: Path | None = None) -> None:
    """Add a session (one transaction: the row is there whole or not at all); kept in
    the pending file if the database stays locked, OutputError if neither can be had."""
    path = path or history_file()
    try:
        with _connect(path) as db:
            db.execute(_INSERT, _row(session))
    except OutputError as exc:
        if not isinstance(exc.__cause__, sqlite3.OperationalError):
            raise
        try:  # locked (or busy) for longer than BUSY_TIMEOUT_S: keep it for next time
            with open(_pending_path(path), "a", encoding="utf-8") as pending:
                pending.write(json.dumps(_row(session)) + "\n")
                pending.flush()
                os.fsync(pending.fileno())
        except OSError:
            raise exc from None


def _session(row: tuple[object, ...]) -> Session | None:
    """A row as a Session; None for one garbled outside voiceguide."""
    try:
        week = row[2]
        if week is not None and type(week) is not int:
            return None
        skipped = json.loads(str(row[8]))
        if not isinstance(skipped, list):
            return None
        return Session(str(row[0]), str(row[1]), week, datetime.fromisoformat(str(row[3])),
                       datetime.fromisoformat(str(row[4])), bool(row[5]),
                       row[6] if type(row[6]) is int else None,
                       None if row[7] is None else str(row[7]),
                       tuple(str(s) for s in skipped))
    except (ValueError, TypeError):
        return None


def sessions(path: Path | None = None, *, script: str | None = None,
             limit: int = 50) -> list[Session]:
    """The latest sessions first, all scripts or one (by absolute path)."""
    query = "SELECT script, title, week, started_at, ended_at, completed, stopped_at_ms," \
            " stopped_in, skipped FROM sessions"
    args: tuple[object, ...] = ()
    if script is not None:
        query, args = query + " WHERE script = ?", (script,)
    with _connect(path or history_file()) as db:
        rows = db.execute(query + " ORDER BY started_at DESC, id DESC LIMIT ?",
                          (*args, limit)).fetchall()
    return [s for s in map(_session, rows) if s is not None]


def last_completed_week(script: str, path: Path | None = None) -> int | None:
    """The highest week of ``script`` played to the end, None if none was."""
    with _connect(path or history_file()) as db:
        (done,) = db.execute("SELECT MAX(week) FROM sessions WHERE script = ? AND completed"
                             " AND typeof(week) = 'integer' AND week >= 1", (script,)
                             ).fetchone()
    return None if done is None else int(done)

"""Resume points: where an interrupted session should start again, per script and week.

One small JSON file per (script file, week) in the user's state folder, written to a
temp file and renamed, so a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from voiceguide.atomic import atomic_write_text
from voiceguide.errors import OutputError
from voiceguide.inputs import UnreadableInput, read_limited
from voiceguide.paths import resume_dir


@dataclass(frozen=True)
class ResumePoint:
    """Start of the interrupted section (ms from the session's start) and its label."""

    at_ms: int
    label: str




def resume_file(script: Path, week: int | None) -> Path:
    """The file for a script (by its absolute path) played at a week (None: no week)."""
    key = f"{script.resolve()}\n{week}"
    return resume_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"


def load(script: Path, week: int | None) -> ResumePoint | None:
    """The saved point, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(read_limited(resume_file(script, week), 1 << 16))
        at_ms, label = data["at_ms"], data["label"]
    except (UnreadableInput, ValueError, KeyError, TypeError):
        return None
    if type(at_ms) is not int or at_ms < 0 or not isinstance(label, str):
        return None  # 1e999, -5, "10", true: not a point this module wrote
    return ResumePoint(at_ms=at_ms, label=label)


def save(script: Path, week: int | None, point: ResumePoint) -> None:
    """Write the point atomically; ``OutputError`` if the state folder is not writable."""
    path = resume_file(script, week)
    data = {"script": str(script.resolve()), "week": week, **asdict(point)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot save the resume point in {path.parent}: {exc}") from exc
    atomic_write_text(path, json.dumps(data, ensure_ascii=False))


def clear(script: Path, week: int | None) -> None:
    """Forget the point (a finished session)."""
    resume_file(script, week).unlink(missing_ok=True)

"""A cache folder kept within bounds, least recently used entries out first.

The timeline, export and speech caches all keep entries as files named by a key; this
is their one eviction rule. An entry is the files that share a key (an export's data
and its JSON record, say); it was used when its newest file was last touched, and its
size is all its files'. Use is marked with ``touch`` (to the nanosecond: a file
system's own stamps can be 4 ms coarse). Files that belong to no entry are left alone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path


def touch(path: Path) -> None:
    """Mark ``path`` used now; a file that has gone meanwhile is no error."""
    now = time.time_ns()
    with suppress(OSError):
        os.utime(path, ns=(now, now))


def stem_key(path: Path) -> str | None:
    """The usual key: the name up to its first dot; hidden and temp files are no entry."""
    return None if path.name.startswith(".") else path.name.split(".", 1)[0]


@dataclass
class _Entry:
    used_ns: int = 0
    size: int = 0
    files: list[Path] = field(default_factory=list)


def prune(folder: Path, *, max_entries: int | None = None, max_bytes: int | None = None,
          key: Callable[[Path], str | None] = stem_key,
          keep: Callable[[str], bool] = lambda _: False) -> int:
    """Delete the least recently used entries of ``folder`` until at most ``max_entries``
    remain and their files hold at most ``max_bytes``; the number deleted. ``key`` names
    a file's entry (None: not an entry); entries ``keep`` names count toward the bounds
    but are never deleted. A folder that cannot be read is left as it is."""
    entries: dict[str, _Entry] = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        path = folder / name
        entry_key = key(path)
        if entry_key is None:
            continue
        try:
            info = path.lstat()
        except OSError:
            continue
        entry = entries.setdefault(entry_key, _Entry())
        entry.used_ns = max(entry.used_ns, info.st_mtime_ns)
        entry.size += info.st_size
        entry.files.append(path)
    kept = sum(1 for name in entries if keep(name))
    total = sum(entry.size for name, entry in entries.items() if keep(name))
    deleted = 0
    full = False
    others = (entry for name, entry in entries.items() if not keep(name))
    for entry in sorted(others, key=lambda e: e.used_ns, reverse=True):
        full = full or (max_entries is not None and kept + 1 > max_entries) or (
            max_bytes is not None and total + entry.size > max_bytes)
        if full:  # this entry and every older one go
            deleted += 1
            for path in entry.files:
                with suppress(OSError):
                    path.unlink()
        else:
            kept += 1
            total += entry.size
    return deleted

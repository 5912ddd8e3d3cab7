"""Where scripts come from: a path on disk, a user script, or a bundled script, by name.

User scripts live in the platform data folder (``voiceguide list`` prints it); a
user script with a bundled script's name wins over the bundled one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from voiceguide.errors import UsageError
from voiceguide.paths import scripts_dir

SCRIPT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ScriptEntry:
    """A script that ``list`` shows and SCRIPT arguments accept by name."""

    name: str
    path: Path
    origin: Literal["bundled", "user"]


def bundled_dir() -> Path:
    """The folder of bundled scripts inside the installed package."""
    return Path(str(resources.files("voiceguide.scripts")))




def scripts_in(folder: Path, origin: Literal["bundled", "user"]) -> list[ScriptEntry]:
    if not folder.is_dir():
        return []
    return [ScriptEntry(name=p.stem, path=p, origin=origin)
            for p in sorted(folder.iterdir()) if p.suffix in SCRIPT_SUFFIXES and p.is_file()]


def bundled_scripts() -> list[ScriptEntry]:
    return scripts_in(bundled_dir(), "bundled")


def user_scripts() -> list[ScriptEntry]:
    return scripts_in(scripts_dir(), "user")


def resolve_script(ref: str) -> Path:
    """A SCRIPT argument to a file: an existing path, else a user script, else a bundled one."""
    path = Path(ref)
    if os.path.isfile(path):  # unlike Path.is_file, False for a name too long
        return path
    by_name = {entry.name: entry.path for entry in bundled_scripts() + user_scripts()}
    if ref in by_name:
        return by_name[ref]
    if os.path.lexists(path):
        raise UsageError(f"{ref} is not a script file: it is a folder, device or FIFO")
    if path.suffix in SCRIPT_SUFFIXES or "/" in ref:
        raise UsageError(f"no such script file: {ref}")
    names = ", ".join(sorted(by_name)) or "none"
    raise UsageError(f"no script file or script named {ref!r} (known: {names})")


def is_bundled(path: Path) -> bool:
    return path.resolve().parent == bundled_dir().resolve()

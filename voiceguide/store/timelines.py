"""Compiled timelines kept on disk, so a session played again starts its sound sooner.

Parsing and compiling took about 0.1 s of the 0.5 s allowed before ``play``'s first
sound: 0.03 s of work, the rest importing YAML, num2words, the parser and the compiler.
A hit imports none of them. ``play``, ``export`` and ``show`` all go through it, so any
of them warms it for the others. A timeline is a pure function of what the key covers:

- the script's bytes and absolute path (a beep file is found next to it);
- the week as asked, and for ``next`` the last week completed (passed in: the
  application layer reads the history);
- the command-line overrides;
- the code that compiles: voiceguide's modules and phrase packs, PyYAML and num2words
  (by their files' sizes and modification times, so an edit or upgrade misses);

and of its speech clips' lengths, which a hit checks instead of keying them: a clip
synthesized again after the speech cache was cleared can differ by a few ms.

An entry is ``KEY.json`` in the user's own cache folder, written atomically: JSON of the
timeline's dataclasses, each tagged with its class name and rebuilt only as one of
``ENTRY_TYPES``, so whatever is put in the folder can make a bad entry, never run code
(pickle could). One that cannot be read, or is not such a timeline, is compiled again
and replaced. At most ``MAX_ENTRIES`` are kept, least
recently used out first. The cache is only a speed-up: a folder it cannot write is
passed over silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voiceguide import disklru
from voiceguide.adjust.overrides import Overrides
from voiceguide.adjust.weeks import NEXT_WEEK, Week
from voiceguide.atomic import atomic_path, discard
from voiceguide.errors import VoiceguideError
from voiceguide.inputs import MAX_SCRIPT_BYTES, UnreadableInput, is_regular_file, read_limited
from voiceguide.problems import Loc, Problem
from voiceguide.script.model import BeepSettings, MusicSettings, VoiceSettings
from voiceguide.speech.protocol import SpeechLengths
from voiceguide.timeline.events import Chapter, Event, Section, Timeline

CACHE_FORMAT = 4
"""Bump when the key or the entry layout changes, to orphan old entries."""
MAX_ENTRIES = 64
"""Entries kept (a 20-minute session takes about 30 kB; the most events allowed, 1.3 MB)."""
MAX_ENTRY_BYTES = 32 << 20
"""Largest entry read back (the most events allowed make about 6 MB of JSON)."""
ENTRY_TYPES: dict[str, Callable[..., object]] = {
    cls.__name__: cls
    for cls in (Timeline, Event, Section, Chapter, VoiceSettings, BeepSettings, MusicSettings,
                Problem, Loc)}
"""The only classes an entry can rebuild."""
COMPILING_PACKAGES = ("yaml", "num2words")
"""Third-party packages whose code decides a timeline (parsing, numbers in words)."""




@dataclass(frozen=True)
class TimelineCache:
    """Timelines on disk by key; see the module docstring for what a key covers."""

    folder: Path

    def key(self, path: Path, week: Week, overrides: Overrides, *,
            last_completed: int | None) -> str:
        """The key of the script at ``path`` played at ``week`` with ``overrides``
        (``last_completed``: the last week completed, for ``next``)."""
        path = path.resolve()
        asked = (week, last_completed) if week == NEXT_WEEK else week
        script = _script_digest(path)
        parts = (CACHE_FORMAT, code_stamp(), str(path), script, asked, overrides)
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def load(self, key: str, speech: SpeechLengths) -> Timeline | None:
        """The timeline stored under ``key`` if its speech clips still have its lengths."""
        entry = self.folder / f"{key}.json"
        try:
            timeline = json.loads(read_limited(entry, MAX_ENTRY_BYTES), object_hook=_rebuild)
        except UnreadableInput:  # none yet, or not a file that can be read: compile
            return None
        except (ValueError, TypeError, KeyError, RecursionError):  # damaged: compile again
            with suppress(OSError):
                entry.unlink()
            return None
        if not isinstance(timeline, Timeline) or not _lengths_match(timeline, speech):
            return None
        disklru.touch(entry)
        return timeline

    def store(self, key: str, timeline: Timeline) -> None:
        entry = self.folder / f"{key}.json"
        with suppress(OSError, VoiceguideError):  # a cache that cannot be written: no error
            self.folder.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(entry) and not is_regular_file(entry):
                discard(entry)  # a folder or FIFO in its place: the rename could not replace it
            with atomic_path(entry) as temp:
                temp.write_text(json.dumps(_tagged(timeline), separators=(",", ":")),
                                encoding="utf-8")
            disklru.touch(self.folder / f"{key}.json")
            disklru.prune(self.folder, max_entries=MAX_ENTRIES, key=_entry_key)


def _tagged(value: object) -> object:
    """JSON-ready ``value``: a dataclass as its fields plus ``"@": class name``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__,
                **{f.name: _tagged(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (tuple, list)):
        return [_tagged(item) for item in value]
    return value


def _rebuild(fields: dict[str, object]) -> object:
    """One tagged object of an entry, its lists as the tuples the dataclasses hold."""
    cls = ENTRY_TYPES[str(fields.pop("@"))]
    return cls(**{name: tuple(value) if isinstance(value, list) else value
                  for name, value in fields.items()})


def _script_digest(path: Path) -> str:
    """The script's digest, read as the parser reads it (a regular file within its size
    limit); one it would refuse gets no digest of its own, so it is never a hit."""
    try:
        return hashlib.sha256(read_limited(path, MAX_SCRIPT_BYTES)).hexdigest()
    except UnreadableInput:
        return "unreadable"


def _entry_key(path: Path) -> str | None:
    """Entries are ``KEY.json``; anything else in the folder is left alone."""
    return path.stem if path.suffix == ".json" and not path.name.startswith(".") else None


def _lengths_match(timeline: Timeline, speech: SpeechLengths) -> bool:
    return all(speech.duration_ms(event.text, timeline.voice) == event.duration_ms
               for event in timeline.events if event.kind == "speech")


@lru_cache(maxsize=1)
def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file of the code that compiles."""
    roots = [Path(__file__).parent.parent]
    for name in COMPILING_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin is not None:
            roots.append(Path(spec.origin).parent)
    stamp = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:  # a dangling link, or gone since listed: no code that runs
                    continue
                stamp.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    return tuple(stamp)

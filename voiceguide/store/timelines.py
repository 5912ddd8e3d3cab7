"""Compiled timelines kept on disk, so a session played again starts its sound sooner.

Parsing and compiling took about 0.1 s of the 0.5 s allowed before ``play``'s first
sound: 0.03 s of work, the rest importing YAML, num2words, the parser and the compiler.
A hit imports none of them. ``play``, ``export`` and ``show`` all go through it, so any
of them warms it for the others. A timeline is a pure function of what the key covers:

- the script's bytes and absolute path (a cue sound file is found next to it);
- the week as asked, and for ``next`` the last week completed in the history;
- the command-line overrides;
- the code that compiles: voiceguide's modules and phrase packs, PyYAML and num2words
  (by their files' sizes and modification times, so an edit or upgrade misses);

and of its speech clips' lengths, which a hit checks instead of keying them: a clip
synthesized again after the speech cache was cleared can differ by a few ms.

An entry is ``KEY.pickle`` in the user's own cache folder, written atomically; one that
cannot be read is compiled again and replaced. At most ``MAX_ENTRIES`` are kept, least
recently used out first. The cache is only a speed-up: a folder it cannot write is
passed over silently.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import time
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voiceguide.adjust.overrides import Overrides
from voiceguide.adjust.weeks import NEXT_WEEK, Week
from voiceguide.atomic import atomic_path
from voiceguide.errors import OutputError
from voiceguide.speech.protocol import SpeechLengths
from voiceguide.store import history
from voiceguide.timeline.events import Timeline

CACHE_FORMAT = 2
"""Bump when the key or the entry layout changes, to orphan old entries."""
MAX_ENTRIES = 64
"""Entries kept (a 20-minute session takes about 30 kB; the most events allowed, 1.3 MB)."""
COMPILING_PACKAGES = ("yaml", "num2words")
"""Third-party packages whose code decides a timeline (parsing, numbers in words)."""


def default_cache_dir() -> Path:
    """The user's cache folder for timelines (``~/.cache/voiceguide/timelines`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("voiceguide")) / "timelines"


@dataclass(frozen=True)
class TimelineCache:
    """Timelines on disk by key; see the module docstring for what a key covers."""

    folder: Path

    def key(self, path: Path, week: Week, overrides: Overrides) -> str:
        path = path.resolve()
        asked = (week, history.last_completed_week(str(path))) if week == NEXT_WEEK else week
        script = hashlib.sha256(path.read_bytes()).hexdigest()
        parts = (CACHE_FORMAT, code_stamp(), str(path), script, asked, overrides)
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def load(self, key: str, speech: SpeechLengths) -> Timeline | None:
        """The timeline stored under ``key`` if its speech clips still have its lengths."""
        entry = self.folder / f"{key}.pickle"
        try:
            data = entry.read_bytes()
        except OSError:  # none yet, or a folder that cannot be read: compile
            return None
        try:
            timeline = pickle.loads(data)
        except Exception:  # a damaged entry: any unpickling error, compile it again
            with suppress(OSError):
                entry.unlink()
            return None
        if not isinstance(timeline, Timeline) or not _lengths_match(timeline, speech):
            return None
        _touch(entry)
        return timeline

    def store(self, key: str, timeline: Timeline) -> None:
        with suppress(OSError, OutputError):
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(self.folder / f"{key}.pickle") as temp:
                temp.write_bytes(pickle.dumps(timeline, protocol=pickle.HIGHEST_PROTOCOL))
            _touch(self.folder / f"{key}.pickle")
            self._prune()

    def _prune(self) -> None:
        entries = sorted(self.folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)


def _touch(entry: Path) -> None:
    """Mark an entry used now, to the ns (a file system's own stamps can be 4 ms coarse)."""
    now = time.time_ns()
    with suppress(OSError):
        os.utime(entry, ns=(now, now))


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
                info = os.stat(os.path.join(folder, name))
                stamp.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    return tuple(stamp)

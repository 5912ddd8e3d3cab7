"""Finished export files kept on disk, so exporting the same session again is a file copy.

Encoding dominates an export once speech is cached (MP3 of a 45-minute session: about
5 s in ffmpeg against 1-2 s of synthesis), so each finished, tagged MP3, OGG or FLAC
file is kept under a key covering everything that decides its bytes. WAV is not kept:
it is the renderer's output as is, and copying and checking 120 MB (45 minutes) saved
only 0.1 s of a 1.1 s export, while each such file would crowd out six MP3s. The key
covers:

- the timeline's events, length and voice settings, and the beep settings;
- the renderer's gains (which carry the loudness target and every clip's measured level);
- the samples of every speech clip and beep it uses (hashed, a few MB: a clip
  synthesized again after the speech cache was cleared may differ by a few samples);
- the music: each track's real path, size and modification time (reading every byte
  of a 2-hour playlist would cost seconds), its order, volume and duck depth;
- the file's span, tags and chapters (which carry the title, week and language);
- the format, the encoder settings, the source of the modules that render, encode and
  tag, and the numpy and mutagen versions.

The ffmpeg that encoded an entry (a digest of ``ffmpeg -version``, remembered per
binary by size and mtime, as running it costs 0.1 s) is recorded in the entry rather
than keyed: while ffmpeg is available, an entry another ffmpeg version made is encoded
again; without ffmpeg it is still used (a session exported once can be exported again
where ffmpeg is missing).

An entry is ``KEY.FMT`` plus ``KEY.json`` (size, SHA-256, ffmpeg), each written
atomically, data first. A hit copies the data while hashing it and uses it only if
size and hash match; a damaged entry is deleted and the file encoded again. The cache
keeps at most ``max_entries`` entries and ``max_bytes`` bytes, least recently used
out first (a hit touches the entry).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass
from functools import lru_cache
from io import BufferedIOBase
from pathlib import Path

from voiceguide import disklru, pcm
from voiceguide.atomic import atomic_path, atomic_write_text, discard
from voiceguide.errors import OutputError, VoiceguideError
from voiceguide.export import sinks as encode
from voiceguide.export import tags as metadata
from voiceguide.export.tags import Tags
from voiceguide.inputs import UnreadableInput, open_regular, read_limited
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render import bed, decode, ducking, heads, limiter, peaks, tracks
from voiceguide.render import gains as render_gains
from voiceguide.render import levels as render_levels
from voiceguide.render import loudness as render_loudness
from voiceguide.render import mixer as render
from voiceguide.render import samples as audio
from voiceguide.render.beeps import BeepSounds
from voiceguide.render.gains import GainPlan
from voiceguide.render.mixer import Music
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Chapter, Timeline

CACHED_FORMATS = ("mp3", "ogg", "flac")
"""The formats worth keeping: those ffmpeg encodes."""
CACHE_FORMAT = 2
"""Bump when the key or the entry layout changes, to orphan old entries."""
MAX_BYTES = 1 << 30
"""Default bound on the data kept: 1 GiB (about 25 hours of 96 kb/s MP3)."""
MAX_ENTRIES = 64
"""Default bound on the files kept: room for a long program exported week by week."""
STALE_S = 3600
"""Age in s after which a leftover temp file or a data file without its JSON is removed
(a younger one may belong to an export still running)."""
VERSIONS = "ffmpeg-versions.txt"
"""The file remembering each ffmpeg binary's version digest."""
KEY = re.compile(r"[0-9a-f]{64}")
"""What an entry's file names start with (a hex SHA-256)."""
BLOCK = 1 << 20
"""Bytes copied at a time."""
BYTE_MODULES = (pcm, audio, render, bed, decode, ducking, heads, tracks, render_gains,
                render_levels, render_loudness, limiter, peaks, encode, metadata)
"""Modules whose code decides the samples, the encoding and the tags of a file."""




@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the byte-deciding modules' source and the library versions they use."""
    digest = hashlib.sha256()
    for module in BYTE_MODULES:
        digest.update(Path(str(module.__file__)).read_bytes())
    for package in ("numpy", "mutagen", "pyloudnorm", "scipy"):
        digest.update(f"{package} {importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def run_ffmpeg_version(ffmpeg: str) -> str:
    """SHA-256 of ``ffmpeg -version`` (the build and its library versions)."""
    try:
        shown = subprocess.run([ffmpeg, "-version"], capture_output=True, check=False,
                               timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        shown = b""
    return hashlib.sha256(shown).hexdigest()


def music_stamp(music: Music | None) -> list[object] | None:
    """What decides the bed's samples: the tracks (by real path, size and mtime, in
    order) and the levels."""
    if music is None:
        return None
    files: list[list[object]] = []
    for track in music.tracks:
        real = os.path.realpath(track.path)
        try:
            stat = os.stat(real)
        except OSError:
            files.append([real, None, None])
        else:
            files.append([real, stat.st_size, stat.st_mtime_ns])
    return [files, music.volume_db, music.duck_db]


def session_digest(timeline: Timeline, speech: SpeechSource, beeps: BeepSounds, fmt: str,
                   gains: GainPlan, music: Music | None = None) -> str:
    """What every file of one export of ``timeline`` as ``fmt`` shares in its key.

    The events are hashed field by field (``vars``), not through ``Timeline.to_dict``:
    ``dataclasses.asdict`` of a 45-minute session alone takes 0.1 s.
    """
    digest = hashlib.sha256()
    settings = {"volume": timeline.beeps.volume, "sound": timeline.beeps.sound}
    head = [CACHE_FORMAT, code_digest(), fmt, encode.CODEC_ARGS.get(fmt), SAMPLE_RATE,
            settings, vars(timeline.voice), timeline.total_ms, [vars(e) for e in timeline.events],
            music_stamp(music), gains.offset_lu, sorted(gains.beeps.items()),
            sorted((text, level.gain) for text, level in gains.speech.items())]
    digest.update(json.dumps(head, ensure_ascii=False).encode())
    for text in timeline.speech_texts():
        clip = speech.clip(text, timeline.voice)
        digest.update(f"{clip.sample_rate} {len(clip.samples)}".encode())
        digest.update(clip.samples.astype("<i2", copy=False).tobytes())
    for name in sorted(beeps.sounds):
        digest.update(name.encode())
        digest.update(beeps.sounds[name].astype("<f4", copy=False).tobytes())
    return digest.hexdigest()


def file_key(session: str, *, start_ms: int, end_ms: int, tags: Tags,
             chapters: Iterable[Chapter]) -> str:
    """The key of one file: the session's digest plus the file's span, tags and chapters."""
    fields = [session, start_ms, end_ms, asdict(tags), [asdict(c) for c in chapters]]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """What ``KEY.json`` records about ``KEY.FMT``."""

    size: int
    sha256: str
    ffmpeg: str | None


def _entry_key(path: Path) -> str | None:
    """An entry is ``KEY.json`` (its record) and ``KEY.FORMAT`` (its data)."""
    return path.stem if KEY.fullmatch(path.stem) else None


def copy_hashing(source: BufferedIOBase, target: Path) -> tuple[int, str]:
    """Copy the open file ``source`` over ``target``; (bytes copied, their SHA-256)."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    with open(target, "wb") as out:
        while n := source.readinto(buffer):
            digest.update(view[:n])
            out.write(view[:n])
            size += n
    return size, digest.hexdigest()


class ExportCache:
    """Finished export files in ``directory``, bounded by count and total size."""

    def __init__(self, directory: Path, *, max_bytes: int = MAX_BYTES,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def data_path(self, key: str, fmt: str) -> Path:
        return self.directory / f"{key}.{fmt}"

    def entry_path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def ffmpeg_version(self, ffmpeg: str) -> str:
        """The ``ffmpeg -version`` digest of the binary ``ffmpeg``, remembered in
        ``VERSIONS`` by its real path, size and mtime (best effort)."""
        memo = self.directory / VERSIONS
        try:
            real = os.path.realpath(ffmpeg)
            stat = os.stat(real)
        except OSError:
            return run_ffmpeg_version(ffmpeg)
        ident = [stat.st_size, stat.st_mtime_ns]
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if not isinstance(known, dict):
            known = {}
        seen = known.get(real)
        if isinstance(seen, list) and seen[:2] == ident and len(seen) == 3:
            return str(seen[2])
        version = run_ffmpeg_version(ffmpeg)
        known[real] = [*ident, version]
        with suppress(OSError, OutputError):
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write_text(memo, json.dumps(known))
        return version

    def holds(self, fmt: str) -> bool:
        """Whether any entry of format ``fmt`` exists (a hint: it may not be the one needed)."""
        return self.directory.is_dir() and any(self.directory.glob(f"*.{fmt}"))

    def fetch(self, key: str, fmt: str, target: Path, *, ffmpeg: str | None) -> bool:
        """Copy entry ``key`` over ``target`` if it is complete and intact; True on a hit.

        ``ffmpeg`` is the version digest of the ffmpeg at hand (None: none at hand, or
        WAV): an entry encoded by another one is a miss. On a miss ``target`` is left
        empty; a damaged entry is deleted.
        """
        entry = self._entry(key)
        usable = entry is not None and (ffmpeg is None or entry.ffmpeg in (None, ffmpeg))
        if entry is not None and usable:
            if self._copy(key, fmt, target) == (entry.size, entry.sha256):
                disklru.touch(self.entry_path(key))
                self.hits += 1
                return True
            self._delete(key, fmt)
            os.truncate(target, 0)
        self.misses += 1
        return False

    def store(self, key: str, fmt: str, source: Path, *, ffmpeg: str | None) -> None:
        """Keep a copy of the finished file ``source``, then evict down to the bounds.

        Best effort: a cache that cannot be written (disk full, read-only) is no error.
        """
        try:
            if source.stat().st_size > self.max_bytes:
                return
            self.directory.mkdir(parents=True, exist_ok=True)
            for damaged in (self.data_path(key, fmt), self.entry_path(key)):
                if damaged.is_dir():
                    discard(damaged)
            with atomic_path(self.data_path(key, fmt)) as temp, open(source, "rb") as data:
                size, sha = copy_hashing(data, temp)
            with atomic_path(self.entry_path(key)) as temp:
                temp.write_text(json.dumps(asdict(Entry(size, sha, ffmpeg))), encoding="utf-8")
            self.evict()
        except (OSError, VoiceguideError):
            self._delete(key, fmt)

    def evict(self) -> None:
        """Keep the most recently used entries while within both bounds (``disklru``);
        delete leftovers older than ``STALE_S``: temp files, and data whose record never
        came (a younger one may belong to an export still running)."""
        disklru.prune(self.directory, max_entries=self.max_entries, max_bytes=self.max_bytes,
                      key=_entry_key)
        now = time.time()
        for path in self.directory.iterdir():
            leftover = (path.name.startswith(".") and ".part-" in path.name) or (
                _entry_key(path) is not None and path.suffix != ".json"
                and not self.entry_path(path.stem).exists())
            with suppress(FileNotFoundError):
                if leftover and now - path.stat().st_mtime > STALE_S:
                    path.unlink()

    def _entry(self, key: str) -> Entry | None:
        try:
            fields = json.loads(read_limited(self.entry_path(key), 1 << 16))
            return Entry(**fields)
        except (UnreadableInput, ValueError, TypeError):
            return None

    def _copy(self, key: str, fmt: str, target: Path) -> tuple[int, str] | None:
        """Copy the data of ``key`` over ``target``: (size, SHA-256); None if it cannot be
        read (errors writing ``target`` go on: they are the output's)."""
        try:
            with open_regular(self.data_path(key, fmt), self.max_bytes) as source:
                return copy_hashing(source, target)
        except UnreadableInput:
            return None

    def _delete(self, key: str, fmt: str) -> None:
        """Remove an entry, whatever is in its place (a folder included)."""
        discard(self.entry_path(key))
        discard(self.data_path(key, fmt))

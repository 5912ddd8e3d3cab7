"""Music for the bed: a file, a folder or an ``.m3u``/``.m3u8`` playlist as a list of
tracks, each checked by ffmpeg and its length known.

A folder's tracks are the files with an audio extension (``AUDIO_EXTENSIONS``), in name
order (case-folded, so ``b.mp3`` follows ``A.mp3``), or shuffled by a seed: the same seed
gives the same order, so a played and an exported session hear the same music.

Each track is read through once by ffmpeg (its ``ebur128`` filter; any ffmpeg build has
it, unlike ffprobe): that checks it decodes to the end and measures its integrated
loudness, so the bed can bring every track to one level (a quiet classical piece and a
loud pop master sit at the same place under the voice) and that level is known before
the first sample. Length, rate and loudness are remembered in a small JSON file by real
path, size and mtime, so only new or changed tracks are read, and a warm ``play`` runs
no ffmpeg before its first sound but the decoder's (a 4-minute MP3 takes about 0.4 s,
four at a time).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from voiceguide.atomic import atomic_write_text
from voiceguide.errors import MusicError, OutputError
from voiceguide.inputs import UnreadableInput, is_regular_file, read_limited

AUDIO_EXTENSIONS = frozenset({".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac",
                              ".wav", ".wma", ".aif", ".aiff", ".mka", ".webm"})
"""What counts as a track in a folder (other files, such as cover art, are passed over)."""
PLAYLIST_EXTENSIONS = frozenset({".m3u", ".m3u8"})
PROBE_WORKERS = 4
"""ffmpeg processes probing a cold folder at once (each mostly waits on its start-up)."""
DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
AUDIO_STREAM = re.compile(r"Stream #\S+.*: Audio: .*?(\d+) Hz")
MEASURE_FILTER = "aformat=channel_layouts=stereo,ebur128=framelog=verbose"
"""Loudness as the bed plays the track: in stereo (a mono track is heard in both
channels, 3 dB louder than it measures alone; more channels are mixed down)."""
LOUDNESS = re.compile(r"I:\s+(-?\d+(?:\.\d+)?) LUFS")
FORMATS_HINT = "use MP3, AAC/M4A, OGG, FLAC or WAV files that a player can open"


@dataclass(frozen=True)
class Track:
    """One music file: its length in seconds and its sample rate in Hz (as ffmpeg reads
    them from the file's header), and its integrated loudness in LUFS (BS.1770)."""

    path: Path
    seconds: float
    rate: int
    lufs: float


def music_files(source: Path, *, shuffle_seed: int | None = None) -> list[Path]:
    """The tracks ``source`` names, in playing order; MusicError if there are none or a
    playlist entry is missing. ``shuffle_seed`` shuffles (deterministically) a folder."""
    if source.is_dir():
        files = sorted((p for p in source.iterdir()
                        if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS),
                       key=lambda p: (p.name.casefold(), p.name))
        if not files:
            raise MusicError(f"no music in {source}: the folder holds no audio files",
                             f"put tracks ({', '.join(sorted(AUDIO_EXTENSIONS))}) in it, "
                             "or name one file or an .m3u playlist")
        if shuffle_seed is not None:
            import random

            random.Random(shuffle_seed).shuffle(files)
        return files
    if not os.path.exists(source):
        raise MusicError(f"no music file or folder {source}",
                         "name an audio file, a folder of tracks or an .m3u playlist")
    if not is_regular_file(source):  # a FIFO or device would hang ffmpeg's reading
        raise MusicError(f"{source} is not a regular file (a device, FIFO or socket)",
                         "name an audio file, a folder of tracks or an .m3u playlist")
    if source.suffix.lower() in PLAYLIST_EXTENSIONS:
        return playlist_files(source)
    return [source]


def playlist_files(playlist: Path) -> list[Path]:
    """The entries of an M3U playlist, relative to its folder; ``#`` lines are comments.
    ``.m3u8`` is UTF-8; ``.m3u`` is read as UTF-8, else Latin-1 (its traditional one)."""
    data = read_bytes(playlist)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    files = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if re.match(r"[a-z][a-z0-9+.-]+://", entry, re.IGNORECASE):
            raise MusicError(f"{playlist}:{number}: {entry} is a stream, not a file",
                             "list local files only")
        path = playlist.parent / Path(entry).expanduser()
        if not path.is_file():
            raise MusicError(f"{playlist}:{number}: no such track {entry}",
                             f"fix or remove the line; entries are relative to "
                             f"{playlist.parent}")
        files.append(path)
    if not files:
        raise MusicError(f"{playlist} lists no tracks", "add one file name per line")
    return files


MAX_PLAYLIST_BYTES = 1 << 20
"""Largest playlist read (1 MiB: tens of thousands of lines)."""


def read_bytes(path: Path) -> bytes:
    try:
        return read_limited(path, MAX_PLAYLIST_BYTES, f"the playlist {path}")
    except UnreadableInput as exc:
        raise MusicError(exc.reason, "name a playlist file of at most 1 MiB") from None


Probed = tuple[float, int, float]
"""What reading a track finds: length (s), rate (Hz), loudness (LUFS)."""


def probe(path: Path, ffmpeg: str) -> Probed:
    """The length (s), rate (Hz) and loudness (LUFS) of the audio in ``path``, read to
    the end; MusicError if ffmpeg cannot decode it."""
    try:
        shown = subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-i", str(path), "-vn",
                                "-map", "0:a:0", "-af", MEASURE_FILTER,
                                "-f", "null", "-"],
                               capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MusicError(f"cannot run {ffmpeg} to read {path}: {exc}",
                         "check the ffmpeg installation (voiceguide doctor)") from exc
    text = shown.stderr.decode(errors="replace")
    found = DURATION.search(text)
    stream = AUDIO_STREAM.search(text)
    loudness = LOUDNESS.findall(text)
    if found is None or stream is None or not loudness or shown.returncode != 0:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        reason = lines[-1].removeprefix(f"{path}: ") if lines else "no audio found"
        raise MusicError(f"ffmpeg cannot decode {path}: {reason}", FORMATS_HINT)
    hours, minutes, seconds = found.groups()
    length = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if length <= 0:
        raise MusicError(f"{path} holds no audio (its length is 0)", FORMATS_HINT)
    return length, int(stream.group(1)), float(loudness[-1])


class LengthMemo:
    """What reading tracks found, remembered on disk: real path -> [size, mtime_ns,
    seconds, rate, lufs]."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._known: dict[str, list[float]] = {}
        if file is not None:
            with suppress(OSError, ValueError):
                loaded = json.loads(file.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._known = loaded
        self._changed = False

    @staticmethod
    def ident(path: Path) -> tuple[str, list[float]]:
        real = os.path.realpath(path)
        stat = os.stat(real)
        return real, [stat.st_size, stat.st_mtime_ns]

    def get(self, path: Path) -> Probed | None:
        real, ident = self.ident(path)
        seen = self._known.get(real)
        if isinstance(seen, list) and len(seen) == 5 and seen[:2] == ident:
            return float(seen[2]), int(seen[3]), float(seen[4])
        return None

    def put(self, path: Path, found: Probed) -> None:
        real, ident = self.ident(path)
        self._known[real] = [*ident, *found]
        self._changed = True

    def save(self) -> None:
        """Best effort: a cache folder that cannot be written only costs a probe later."""
        if self.file is None or not self._changed:
            return
        with suppress(OSError, OutputError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(self._known))


def load_tracks(source: Path, *, ffmpeg: str, shuffle_seed: int | None = None,
                memo_file: Path | None = None) -> list[Track]:
    """The tracks of ``source`` with their lengths; MusicError naming the first one that
    is missing or that ffmpeg cannot decode."""
    files = music_files(source, shuffle_seed=shuffle_seed)
    memo = LengthMemo(memo_file)
    lengths: dict[Path, Probed | None] = {}
    for path in files:
        try:
            lengths[path] = memo.get(path)
        except OSError as exc:
            raise MusicError(f"cannot read {path}: {exc.strerror or exc}",
                             "check that the file exists and can be read") from exc
    unknown = [p for p in dict.fromkeys(files) if lengths[p] is None]
    probed: list[Probed | MusicError] = []
    if unknown:  # a warm start imports no thread pool (its logging import: 15-45 ms)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=PROBE_WORKERS) as pool:
            probed = list(pool.map(lambda p: _probe_or_error(p, ffmpeg), unknown))
    for path, result in zip(unknown, probed, strict=True):
        if isinstance(result, MusicError):
            memo.save()
            raise result
        lengths[path] = result
        memo.put(path, result)
    memo.save()
    return [Track(path, *found) for path in files if (found := lengths[path])]


def _probe_or_error(path: Path, ffmpeg: str) -> Probed | MusicError:
    try:
        return probe(path, ffmpeg)
    except MusicError as exc:
        return exc

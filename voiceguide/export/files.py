"""Export: a compiled timeline as audio files people take anywhere.

One file (or, split, one file per block plus an ``.m3u`` playlist) with tags and
chapter markers, optional captions next to each file, optional timeline JSON. Every
file is written to a hidden temp file in its folder and renamed when complete, so an
interrupted or failed export (Ctrl-C, kill, full disk) never leaves a partial file
under the name asked for. With an :class:`ExportCache`, a file exported before is
copied from the cache instead of rendered and encoded again (``export_cache.py``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voiceguide.atomic import atomic_path, atomic_write_text
from voiceguide.errors import FfmpegMissingError, OutputError, UsageError
from voiceguide.export.cache import CACHED_FORMATS, ExportCache, file_key, session_digest
from voiceguide.export.captions import caption_text, spoken_events
from voiceguide.export.sinks import FORMATS, open_sink
from voiceguide.export.tags import (
    Tags,
    export_chapters,
    music_comment,
    session_title,
    write_metadata,
)
from voiceguide.ffmpeg import find_ffmpeg
from voiceguide.render.beeps import BeepSounds, load_beeps
from voiceguide.render.levels import LevelCache
from voiceguide.render.mixer import Music, Renderer
from voiceguide.render.samples import ms_to_samples
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Timeline

Progress = Callable[[int], None]
"""Called with the number of frames (samples per channel) just written."""
UNSAFE_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


@dataclass(frozen=True)
class Piece:
    """One output file: the span ``start_ms..end_ms`` of the session, with its tags."""

    path: Path
    start_ms: int
    end_ms: int
    tags: Tags


def output_format(out: Path, fmt: str | None) -> str:
    """The format to write: ``fmt`` if given, else OUT's extension; UsageError if neither
    says, or if they disagree."""
    ext = out.suffix.lower().lstrip(".")
    if fmt is None:
        if ext not in FORMATS:
            raise UsageError(f"cannot tell the format from {out.name!r}: name it .wav, .mp3, "
                             ".ogg or .flac, or give --format")
        return ext
    if ext in FORMATS and ext != fmt:
        raise UsageError(f"{out.name!r} ends in .{ext} but --format is {fmt}")
    return fmt


MAX_NAME_CHARS = 100
"""A block title is cut to this many characters in a file name (names stop at 255 bytes)."""


def safe_name(title: str) -> str:
    """A block title usable as a file name on any common file system."""
    return UNSAFE_NAME.sub("-", title).strip(" .")[:MAX_NAME_CHARS].strip(" .") or "block"


def plan(timeline: Timeline, out: Path, fmt: str, *, split: bool,
         album: str | None = None, track: tuple[int, int] | None = None,
         comment: str | None = None) -> list[Piece]:
    """The files to write: OUT, or with ``split`` one per chapter in a folder named after
    OUT's stem (``workout.mp3`` -> ``workout/01 - Warm-up.mp3``). ``album`` and
    ``track`` tag OUT as one file of a series (one week of a program); ``comment`` says
    which music is under the voice."""
    title = session_title(timeline)
    if not split:
        return [Piece(out, 0, timeline.total_ms, Tags(title=title, album=album or title,
                                                      language=timeline.language,
                                                      track=track, comment=comment))]
    chapters = export_chapters(timeline)
    width = max(2, len(str(len(chapters))))
    folder = out.parent / out.stem
    return [
        Piece(folder / f"{n:0{width}d} - {safe_name(c.title)}.{fmt}", c.start_ms, c.end_ms,
              Tags(title=c.title, album=title, language=timeline.language,
                   track=(n, len(chapters)), comment=comment))
        for n, c in enumerate(chapters, start=1)
    ]


@dataclass(frozen=True)
class PlaylistItem:
    """One line of a playlist: a file in the playlist's folder, its length and label."""

    path: Path
    duration_ms: int
    label: str


def playlist_text(items: list[PlaylistItem]) -> str:
    """An extended M3U (UTF-8) listing the files by name, relative to its own folder."""
    lines = ["#EXTM3U"]
    for item in items:
        lines += [f"#EXTINF:{round(item.duration_ms / 1000)},{item.label}", item.path.name]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Cached:
    """How one export uses the cache: the cache, the session's digest, and the version
    digest of the ffmpeg at hand (None: WAV, or no ffmpeg)."""

    cache: ExportCache
    session: str
    ffmpeg: str | None


def write_piece(renderer: Renderer, piece: Piece, fmt: str, *, ffmpeg: str | None,
                progress: Progress | None, cached: Cached | None = None) -> None:
    """Copy one piece from the cache, or render it in chunks straight into its encoder
    and tag it (keeping a copy in the cache); then rename it."""
    chapters = export_chapters(renderer.timeline, piece.start_ms, piece.end_ms)
    key = "" if cached is None else file_key(
        cached.session, start_ms=piece.start_ms, end_ms=piece.end_ms, tags=piece.tags,
        chapters=chapters)
    with atomic_path(piece.path) as temp:
        if cached and cached.cache.fetch(key, fmt, temp, ffmpeg=cached.ffmpeg):
            if progress:
                rate = renderer.sample_rate
                progress(ms_to_samples(piece.end_ms, rate) - ms_to_samples(piece.start_ms, rate))
            return
        with open_sink(temp, fmt, ffmpeg=ffmpeg, rate=renderer.sample_rate,
                       channels=renderer.channels) as sink:
            for chunk in renderer.chunks(piece.start_ms, piece.end_ms):
                sink.write(chunk)
                if progress:
                    progress(len(chunk) // renderer.channels)
        write_metadata(temp, fmt, piece.tags, chapters)
        if cached:
            cached.cache.store(key, fmt, temp, ffmpeg=cached.ffmpeg)


def check_outputs(outputs: Iterable[Path | None], *, inputs: Iterable[Path]) -> None:
    """UsageError if two outputs are one file or an output is an input: one would
    overwrite the other (``-o s.yaml``, ``--timeline a.wav -o a.wav``)."""
    seen: list[Path] = []
    for output in filter(None, outputs):
        for earlier in seen:
            if _same_file(output, earlier):
                raise UsageError(f"two outputs would be the same file, {output}: "
                                 "give them different names")
        for given in inputs:
            if _same_file(output, given):
                raise UsageError(f"the output {output} is an input of this export "
                                 "(it would be overwritten): choose another name")
        seen.append(output)


def _same_file(a: Path, b: Path) -> bool:
    """One file by name (links followed) or by inode (hard links)."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except (OSError, ValueError):  # not there yet, or not a name a file can have
        return False


def encoder(fmt: str, *, required: bool) -> str | None:
    """The ffmpeg that encodes ``fmt`` (None for WAV). If it is missing: an
    FfmpegMissingError when ``required``, else None (cached files may not need it)."""
    if fmt == "wav":
        return None
    try:
        return find_ffmpeg()
    except FfmpegMissingError:
        if required:
            raise
        return None


def export_session(timeline: Timeline, speech: SpeechSource, out: Path, *, fmt: str,
                   beeps: BeepSounds | None = None, captions: str | None = None,
                   timeline_json: Path | None = None, split: bool = False,
                   album: str | None = None, track: tuple[int, int] | None = None,
                   cache: ExportCache | None = None, music: Music | None = None,
                   progress: Progress | None = None,
                   inputs: Sequence[Path] = (), loudness: float | None = None,
                   levels: LevelCache | None = None) -> list[Path]:
    """Write the session as ``fmt`` (wav, mp3, ogg, flac) to ``out``; return the files
    written. ``captions`` (srt or vtt) go next to each audio file under its name;
    ``music`` is mixed under the voice (the files are then stereo, and tagged with it).
    Nothing is written when two outputs are one file, or one is an input (``inputs``:
    the script; the beep and the music tracks are added here): UsageError.

    With a ``cache``, encoded files exported before are copied from it, and ffmpeg is
    needed only for those that are not (FfmpegMissingError then). ``loudness``: the
    integrated loudness target in LUFS (None: the default); ``levels``: where clip
    measurements are kept.
    """
    beeps = beeps or load_beeps(timeline.beeps)
    if fmt not in CACHED_FORMATS:
        cache = None
    ffmpeg = encoder(fmt, required=cache is None)
    renderer = Renderer(timeline, speech, beeps=beeps, music=music, loudness=loudness,
                        levels=levels)
    cached = None
    if cache is not None:
        cached = Cached(cache, session_digest(timeline, speech, beeps, fmt, renderer.gains,
                                              music),
                        cache.ffmpeg_version(ffmpeg) if ffmpeg else None)
    comment = music_comment([t.path.name for t in music.tracks]) if music else None
    pieces = plan(timeline, out, fmt, split=split, album=album, track=track,
                  comment=comment)
    caption_paths = [p.path.with_suffix(f".{captions}") for p in pieces] if captions else []
    playlist = pieces[0].path.parent / f"{out.stem}.m3u" if split else None
    check_outputs([*(p.path for p in pieces), *caption_paths, playlist, timeline_json],
                  inputs=[*inputs, *([] if timeline.beeps.sound == "tone"
                                     else [Path(timeline.beeps.sound)]),
                          *(t.path for t in (music.tracks if music else ()))])
    for folder in {pieces[0].path.parent, *([timeline_json.parent] if timeline_json else [])}:
        try:  # every folder first: a --timeline folder that cannot be made stops the
            folder.mkdir(parents=True, exist_ok=True)  # export before any audio is written
        except OSError as exc:
            raise OutputError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    written = []
    try:
        for piece in pieces:
            write_piece(renderer, piece, fmt, ffmpeg=ffmpeg, progress=progress,
                        cached=cached)
            written.append(piece.path)
            if captions:
                events = spoken_events(timeline, piece.start_ms, piece.end_ms)
                path = piece.path.with_suffix(f".{captions}")
                atomic_write_text(path, caption_text(captions, events, piece.start_ms))
                written.append(path)
    finally:
        renderer.close()
    if playlist:
        atomic_write_text(playlist, playlist_text([
            PlaylistItem(p.path, p.end_ms - p.start_ms, f"{p.tags.album} - {p.tags.title}")
            for p in pieces]))
        written.append(playlist)
    if timeline_json:
        atomic_write_text(timeline_json,
                          json.dumps(timeline.to_dict(), indent=2, ensure_ascii=False) + "\n")
        written.append(timeline_json)
    return written

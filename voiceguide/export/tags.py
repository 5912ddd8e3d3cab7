"""Tags and chapter markers in exported files, in the forms players read, written with
mutagen into the finished temp file before it is renamed.

- MP3 and WAV: ID3v2.3 (WAV: in an ``id3 `` chunk) with a CTOC (ordered, top-level)
  and one CHAP per chapter, the CHAP frames in time order (mutagen orders frames by
  size, so they are put back in order; some readers, ffprobe among them, list them in
  file order).
- OGG and FLAC: Vorbis comments, chapters as ``CHAPTER001=HH:MM:SS.mmm`` and
  ``CHAPTER001NAME=...`` (the de-facto extension that ffmpeg, VLC and foobar2000 read).

(ffmpeg could write MP3 chapters from an ffmetadata input, but a second input makes
ffmpeg 5 poll its inputs with sleeps: a piped export then took 2.5x as long.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import mutagen
from mutagen import id3
from mutagen.mp3 import MP3
from mutagen.wave import WAVE

from voiceguide.timefmt import stamp
from voiceguide.timeline.events import Chapter, Timeline

GENRE = "Fitness"
ARTIST = "voiceguide"


@dataclass(frozen=True)
class Tags:
    """The text tags of one exported file. ``track`` is (number, total) for split files;
    ``comment`` says which music is under the voice (None: no music)."""

    title: str
    album: str
    language: str = "en"
    track: tuple[int, int] | None = None
    comment: str | None = None

    def items(self) -> list[tuple[str, str]]:
        """(Vorbis comment key, value) pairs; ID3 maps them to frames."""
        pairs = [("title", self.title), ("album", self.album), ("artist", ARTIST),
                 ("genre", GENRE), ("language", self.language)]
        if self.track:
            pairs.append(("track", f"{self.track[0]}/{self.track[1]}"))
        if self.comment:
            pairs.append(("comment", self.comment))
        return pairs


MUSIC_NAMES = 12
"""Track names listed in a music comment; more are counted."""


def music_comment(names: Sequence[str]) -> str | None:
    """``Music: a.mp3, b.mp3`` for the tracks under the voice (None for none)."""
    if not names:
        return None
    shown = ", ".join(names[:MUSIC_NAMES])
    more = len(names) - MUSIC_NAMES
    return f"Music: {shown}" + (f" and {more} more" if more > 0 else "")


def session_title(timeline: Timeline) -> str:
    return f"{timeline.title} (week {timeline.week})" if timeline.week else timeline.title


def export_chapters(timeline: Timeline, start_ms: int = 0,
                    end_ms: int | None = None) -> list[Chapter]:
    """The blocks as chapters that tile ``start_ms..end_ms`` with no gap, times relative
    to ``start_ms``: the welcome joins the first block, the closing words the last."""
    end_ms = timeline.total_ms if end_ms is None else end_ms
    inside = [c for c in timeline.chapters if c.end_ms > start_ms and c.start_ms < end_ms]
    tiled = []
    for i, chapter in enumerate(inside):
        begin = 0 if i == 0 else chapter.start_ms - start_ms
        end = end_ms - start_ms if i == len(inside) - 1 else inside[i + 1].start_ms - start_ms
        tiled.append(Chapter(start_ms=begin, end_ms=end, block=chapter.block,
                             title=chapter.title))
    return tiled


def write_metadata(path: Path, fmt: str, tags: Tags, chapters: Sequence[Chapter]) -> None:
    """Add tags and chapters to a finished file of format ``fmt`` (wav, mp3, ogg, flac)."""
    audio: MP3 | WAVE
    if fmt == "mp3":
        audio = MP3(path)
    elif fmt == "wav":
        audio = WAVE(path)
    else:
        write_vorbis(path, tags, chapters)
        return
    if audio.tags is None:
        audio.add_tags()
    add_id3_frames(cast(id3.ID3, audio.tags), tags, chapters)  # mutagen leaves it untyped
    audio.save(v2_version=3)
    order_chapter_frames(path, id3_offset(path) if fmt == "wav" else 0)


def write_vorbis(path: Path, tags: Tags, chapters: Sequence[Chapter]) -> None:
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    for key, value in tags.items():
        audio[key.upper()] = value
    for i, chapter in enumerate(chapters, start=1):
        audio[f"CHAPTER{i:03d}"] = stamp(chapter.start_ms)
        audio[f"CHAPTER{i:03d}NAME"] = chapter.title
    audio.save()


def add_id3_frames(frames: id3.ID3, tags: Tags, chapters: Sequence[Chapter]) -> None:
    text_frames = {"title": id3.TIT2, "album": id3.TALB, "artist": id3.TPE1,
                   "genre": id3.TCON, "language": id3.TLAN, "track": id3.TRCK}
    for key, value in tags.items():
        if key == "comment":
            frames.add(id3.COMM(encoding=3, lang="eng", desc="", text=value))
        else:
            frames.add(text_frames[key](encoding=3, text=value))
    ids = [f"ch{i:03d}" for i in range(1, len(chapters) + 1)]
    frames.add(id3.CTOC(
        element_id="toc", flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
        child_element_ids=ids, sub_frames=[id3.TIT2(encoding=3, text=tags.title)],
    ))
    for element_id, chapter in zip(ids, chapters, strict=True):
        frames.add(id3.CHAP(
            element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
            sub_frames=[id3.TIT2(encoding=3, text=chapter.title)],
        ))


def id3_offset(path: Path) -> int:
    """Where the ID3 tag starts inside a WAV file (its ``id3 `` chunk's data)."""
    with open(path, "rb") as f:
        f.seek(12)
        while header := f.read(8):
            if len(header) < 8:
                break
            size = int.from_bytes(header[4:], "little")
            if header[:4] in (b"id3 ", b"ID3 "):
                return f.tell()
            f.seek(size + size % 2, 1)
    raise ValueError(f"no ID3 chunk in {path}")


def order_chapter_frames(path: Path, offset: int) -> None:
    """Rewrite the ID3v2.3 tag at ``offset`` in place with its CHAP frames by start time."""
    with open(path, "r+b") as f:
        f.seek(offset)
        header = f.read(10)
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(header[6:10]))
        body = f.read(size)
        frames, pos = [], 0
        while pos + 10 <= len(body) and body[pos:pos + 4] != b"\0\0\0\0":
            length = 10 + int.from_bytes(body[pos + 4: pos + 8], "big")
            frames.append(body[pos: pos + length])
            pos += length
        chapters = sorted((fr for fr in frames if fr[:4] == b"CHAP"), key=chap_start)
        slots = iter(chapters)
        ordered = [next(slots) if fr[:4] == b"CHAP" else fr for fr in frames]
        f.seek(offset + 10)
        f.write(b"".join(ordered))


def chap_start(frame: bytes) -> int:
    """A raw CHAP frame's start time in ms (after its NUL-terminated element id)."""
    start = frame.index(b"\0", 10) + 1
    return int.from_bytes(frame[start: start + 4], "big")

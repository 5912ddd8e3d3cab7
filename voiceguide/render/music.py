"""The session's music: the command line's ask (``--music``, ``--shuffle``,
``--music-volume``, ``--duck``) over the script's ``music:``, its tracks loaded as the
mixer's ``Music``.

Music that cannot be used is a MusicError (exit 2, with a hint) when the command line
named it, and a problem located at the script's ``music:`` when the script did. The
tracks, the mixer and numpy are imported only when there is music: the command line
builds a ``MusicRequest`` for every ``play`` and ``export``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.errors import MusicError, ScriptError
from voiceguide.paths import music_heads_dir, music_memo_file
from voiceguide.problems import Problem

if TYPE_CHECKING:
    from voiceguide.render.bed import Warn
    from voiceguide.render.mixer import Music
    from voiceguide.timeline.events import Timeline


@dataclass(frozen=True)
class MusicRequest:
    """What the command line asks of the music; None leaves the script's choice."""

    path: Path | None = None
    shuffle: bool = False
    volume: float | None = None
    duck: float | None = None

    def options(self) -> tuple[str, ...]:
        """The command-line options that ask for this music again (for a resume)."""
        out = ["--music", str(self.path)] if self.path is not None else []
        out += ["--shuffle"] if self.shuffle else []
        for option, value in (("--music-volume", self.volume), ("--duck", self.duck)):
            if value is not None:
                out += [option, f"{value:g}"]
        return tuple(out)


NO_MUSIC_REQUEST = MusicRequest()


def shuffle_seed(timeline: Timeline) -> int:
    """The shuffle's seed: the session's title and week, so a session always hears the
    same order (play and export alike) while each week of a program hears another."""
    return zlib.crc32(f"{timeline.title}\n{timeline.week}".encode())


def load_music(timeline: Timeline, request: MusicRequest, *, script_file: str,
               warn: Warn) -> Music | None:
    """The music for this session (None: none asked for), its tracks checked by ffmpeg.

    Raises MusicError (the command line's music) or ScriptError (the script's, located).
    """
    from voiceguide.ffmpeg import find_ffmpeg
    from voiceguide.render.heads import HeadCache
    from voiceguide.render.mixer import Music
    from voiceguide.render.tracks import load_tracks

    settings = timeline.music
    source = request.path or (Path(settings.path) if settings.path else None)
    if source is None:
        return None
    shuffle = request.shuffle or (settings.shuffle and request.path is None)
    ffmpeg = find_ffmpeg()
    try:
        tracks = load_tracks(source.expanduser(), ffmpeg=ffmpeg, memo_file=music_memo_file(),
                             shuffle_seed=shuffle_seed(timeline) if shuffle else None)
    except MusicError as exc:
        if request.path is not None:
            raise MusicError(f"--music: {exc.message}", exc.hint) from None
        raise ScriptError([Problem(script_file, settings.loc, "error",
                                   f"music.path: {exc.message}", exc.hint)]) from None
    volume = settings.volume if request.volume is None else request.volume
    duck = settings.duck if request.duck is None else request.duck
    return Music(tracks=tracks, volume_db=volume, duck_db=duck, ffmpeg=ffmpeg, warn=warn,
                 heads=HeadCache(music_heads_dir()))

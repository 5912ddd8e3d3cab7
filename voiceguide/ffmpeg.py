"""Finding ffmpeg, which decodes custom beeps and music and encodes MP3, OGG and FLAC,
and widening the pipes that feed it and read from it.

One finder for every stage and for ``doctor``, so what doctor reports is what export uses.
"""

from __future__ import annotations

import fcntl
import shutil
from contextlib import suppress
from typing import IO

from voiceguide.errors import FfmpegMissingError

FFMPEG_HINT = (
    "install it with `apt-get install ffmpeg` (Debian/Ubuntu) or "
    "`pip install imageio-ffmpeg`, or export to .wav, which needs no ffmpeg"
)


def find_ffmpeg() -> str:
    """The ffmpeg to run: the one on PATH, else the binary of the imageio-ffmpeg package."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        raise FfmpegMissingError(f"ffmpeg is needed for MP3, OGG and FLAC: {FFMPEG_HINT}") from None


PIPE_BYTES = 1 << 20
"""The pipe buffer asked for to and from ffmpeg (Linux's most by default): ffmpeg works
ahead (3 s of stereo float32) while the other end computes, instead of 64 KiB."""


def widen(pipe: IO[bytes] | None) -> None:
    """Ask for a ``PIPE_BYTES`` pipe buffer (Linux); elsewhere, or refused, keep it."""
    if pipe is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with suppress(OSError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)

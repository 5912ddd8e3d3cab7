"""Finding ffmpeg, which decodes custom beeps and music and encodes MP3, OGG and FLAC.

One finder for every stage and for ``doctor``, so what doctor reports is what export uses.
"""

from __future__ import annotations

import shutil

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

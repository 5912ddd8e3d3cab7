"""One music track decoded by ffmpeg through a pipe, read a chunk at a time.

ffmpeg resamples and mixes the track to the output rate and channels (``-ar``/``-ac``,
its swresample) and writes float32 samples to stdout; a reader holds only what was
asked for. It starts at any sample (``-ss`` before ``-i``: a seek, not a decode of what
comes before, so resuming an hour into a playlist starts at once). A seek lands on a
whole second at least ``PREROLL_S`` early and reads up to the sample: MP3 and AAC
decoders need a few frames to settle (measured: the first 3000 samples after a seek
differ from a decode from the start), and a whole second is a whole number of samples at
every rate, so the resampler's grid matches too. Read this way, a seek gives the same
samples as a decode from the start. ffmpeg runs in its own session, so a Ctrl-C reaches
only voiceguide, which stops it.
"""

from __future__ import annotations

import subprocess
import tempfile
import weakref
from pathlib import Path
from typing import IO

import numpy as np

from voiceguide.ffmpeg import widen

SKIP_LIMIT_S = 20
"""A reader asked for a later sample reads up to this many seconds to get there; further
on, it starts ffmpeg again at that sample (seeking costs one ffmpeg start, about 30 ms)."""
PREROLL_S = 0.5
"""Seconds decoded and dropped before a seek's first sample."""


class TrackFailed(Exception):
    """ffmpeg could not go on decoding a track (the file went away or is damaged)."""


def stop_decoder(process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    """ffmpeg ended (killed if it still runs) and reaped, its pipe and log closed. Run by
    ``close``, else when the reader is garbage-collected or at exit (``weakref.finalize``),
    so no decoder outlives its reader."""
    if process.poll() is None:
        process.kill()
    process.wait()
    if process.stdout:
        process.stdout.close()
    log.close()


class TrackReader:
    """Samples of ``path`` from sample ``start`` on, as float32 ``(n, channels)`` arrays."""

    def __init__(self, path: Path, *, rate: int, channels: int, start: int,
                 ffmpeg: str) -> None:
        self.path = path
        self.rate = rate
        self.channels = channels
        seek_s = max(0, int(start / rate - PREROLL_S))
        self.position = seek_s * rate
        self.ended = False
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        command = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"]
        if seek_s:
            command += ["-ss", str(seek_s)]
        command += ["-i", str(path), "-vn", "-map", "0:a:0", "-f", "f32le",
                    "-ac", str(channels), "-ar", str(rate), "pipe:1"]
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.PIPE, stderr=self._log,
                                             start_new_session=True)
        except OSError as exc:
            self._log.close()
            raise TrackFailed(f"cannot run {ffmpeg}: {exc.strerror or exc}") from exc
        self._end = weakref.finalize(self, stop_decoder, self._process, self._log)
        widen(self._process.stdout)
        try:
            self.skip(start - self.position)
        except TrackFailed:
            self.close()
            raise

    def read(self, count: int) -> np.ndarray:
        """The next ``count`` samples; past the track's end, silence. TrackFailed if
        ffmpeg stopped with an error."""
        out = np.zeros((count, self.channels), np.float32)
        if not self.ended:
            stdout = self._process.stdout
            assert stdout is not None
            data = stdout.read(count * self.channels * 4)
            got = len(data) // (4 * self.channels)
            out[:got] = np.frombuffer(data, "<f4", got * self.channels).reshape(got, self.channels)
            if got < count:
                self.ended = True
                if self._process.wait() != 0:
                    raise TrackFailed(self._reason())
        self.position += count
        return out

    def skip(self, count: int) -> None:
        """Pass over ``count`` samples, a bounded piece at a time."""
        step = self.rate
        while count > 0:
            self.read(min(step, count))
            count -= step

    def close(self) -> None:
        self._end()

    def _reason(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"ffmpeg exit status {self._process.returncode}"

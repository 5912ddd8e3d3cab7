"""Audio sinks: chunks of rendered int16 samples in, one finished file out.

WAV is written directly (``wave``, no ffmpeg). MP3, OGG and FLAC go through one ffmpeg
process reading raw samples on a pipe, fed by a thread of its own, so encoding runs in
parallel with rendering (the encoder is the slowest part: it must never wait for the
next chunk) and at most ``QUEUED_CHUNKS`` chunks are ever held. Sinks write to the path
they are given (export hands them a temp file); an error or interrupt kills ffmpeg and
raises.
"""

from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

from voiceguide.errors import FfmpegMissingError, OutputError
from voiceguide.ffmpeg import FFMPEG_HINT, find_ffmpeg, widen
from voiceguide.pcm import SAMPLE_RATE, Pcm

FORMATS = ("wav", "mp3", "ogg", "flac")
QUEUED_CHUNKS = 2
"""Chunks rendered ahead of the encoder at most."""
MONO_MP3 = ("-q:a", "0")
"""MP3 of speech and beeps (mono, 22.05 kHz): LAME's best VBR. At a constant bitrate
LAME low-passes the speech (the file measured 0.4-0.6 LU under the WAV) and its
overshoot grows as the mix gets denser: hip-thrust with eSpeak NG at -14 LUFS peaked at
+0.5 dBTP at 96 kb/s, -0.8 at 160 kb/s (64 kb/s at -16: -0.5). VBR keeps the full band
(on the WAV's loudness to 0.1 LU) and peaked at -1.1 to -1.6 dBTP on hip-thrust at -14
and -16 with both voices, in a third of the 96 kb/s file's size (about 35 kb/s:
the silences cost next to nothing)."""
STEREO_MP3 = ("-b:a", "160k")
"""MP3 with music (stereo, 44.1/48 kHz): 160 kb/s, the usual rate for music that is
listened to, not archived."""


def mp3_args(channels: int) -> tuple[str, ...]:
    """LAME's settings for mono speech or a stereo mix with music."""
    return ("-c:a", "libmp3lame", *(MONO_MP3 if channels == 1 else STEREO_MP3),
            "-write_id3v2", "0")


CODEC_ARGS = {
    "mp3": mp3_args(1),
    "ogg": ("-c:a", "libvorbis", "-q:a", "10"),
    "flac": ("-c:a", "flac"),
}
"""Encoder settings per format, chosen so a lossy file keeps the true-peak ceiling: the
encoder adds peaks to the limited mix (hip-thrust with Piper: Vorbis q4 +0.4 dBTP, q6
-0.7, q8 -0.9 to -1.2, q10 -1.6, 4.3 MB for 20 minutes); FLAC is lossless. Tags are
added afterwards (tags.py)."""


def codec_args(fmt: str, channels: int) -> tuple[str, ...]:
    """The encoder settings for ``fmt`` with ``channels`` channels."""
    return mp3_args(channels) if fmt == "mp3" else CODEC_ARGS[fmt]


class Sink(Protocol):
    """Where rendered chunks go."""

    def write(self, samples: Pcm) -> None: ...


class WavSink:
    """16-bit PCM WAV written with the standard library."""

    def __init__(self, path: Path, rate: int = SAMPLE_RATE, channels: int = 1) -> None:
        self._wav = wave.open(str(path), "wb")  # noqa: SIM115 (closed by close())
        self._wav.setnchannels(channels)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)

    def write(self, samples: Pcm) -> None:
        self._wav.writeframesraw(samples.astype("<i2", copy=False).tobytes())

    def close(self) -> None:
        self._wav.close()


class FfmpegSink:
    """An ffmpeg process encoding raw samples from its stdin into ``path``.

    ffmpeg runs in its own session, so a Ctrl-C reaches only voiceguide, which then
    stops ffmpeg itself. ffmpeg gets the output file as an inherited file descriptor
    (``/dev/fd/N``), never by name: an ffmpeg orphaned by an interrupt that lands while
    it starts can only write to a file already unlinked, never recreate the temp file.
    Its messages go to an unnamed temp file (a pipe could fill and block).
    """

    def __init__(self, path: Path, fmt: str, ffmpeg: str, rate: int = SAMPLE_RATE,
                 channels: int = 1) -> None:
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (kept open)
        with open(path, "r+b") as out:
            command = [
                ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
                "-f", "s16le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0",
                *codec_args(fmt, channels), "-f", fmt, f"/dev/fd/{out.fileno()}",
            ]
            try:
                self._process = subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                    stderr=self._log, start_new_session=True, pass_fds=(out.fileno(),),
                )
                widen(self._process.stdin)
            except OSError as exc:
                self._log.close()
                raise FfmpegMissingError(
                    f"cannot run {ffmpeg}: {exc.strerror}; {FFMPEG_HINT}") from exc
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self._broken = False
        self._feeder = threading.Thread(target=self._feed, name="voiceguide-encode",
                                        daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        """Write queued chunks to ffmpeg until None; once the pipe breaks (ffmpeg
        failed or was killed), drop the rest."""
        stdin = self._process.stdin
        assert stdin is not None
        while (data := self._queue.get()) is not None:
            if not self._broken:
                try:
                    stdin.write(data)
                except (BrokenPipeError, OSError, ValueError):
                    self._broken = True

    def write(self, samples: Pcm) -> None:
        if self._broken:
            self._stop_feeding()
            self._process.wait()
            raise self._failure()
        self._queue.put(samples.astype("<i2", copy=False).tobytes())

    def close(self) -> None:
        """Let ffmpeg finish the file; OutputError if it failed (disk full, ...)."""
        self._stop_feeding()
        try:
            if self._process.stdin:
                self._process.stdin.close()
        except BrokenPipeError:
            pass
        if self._process.wait() != 0 or self._broken:
            raise self._failure()
        self._log.close()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()
        self._stop_feeding()
        self._log.close()

    def _stop_feeding(self) -> None:
        if self._feeder.is_alive():
            self._queue.put(None)
            self._feeder.join()

    def _failure(self) -> OutputError:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        self._log.close()
        detail = lines[-1] if lines else f"exit status {self._process.returncode}"
        return OutputError(f"ffmpeg could not write the file: {detail}")


@contextmanager
def open_sink(path: Path, fmt: str, *, ffmpeg: str | None = None, rate: int = SAMPLE_RATE,
              channels: int = 1) -> Iterator[Sink]:
    """A sink writing format ``fmt`` to ``path`` (interleaved int16 at ``rate`` Hz),
    finished on leaving the block; on an error or interrupt inside it, the encoder is
    stopped and the error goes on."""
    if fmt == "wav":
        try:
            sink = WavSink(path, rate, channels)
            try:
                yield sink
            finally:
                sink.close()
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return
    ffmpeg_sink = FfmpegSink(path, fmt, ffmpeg or find_ffmpeg(), rate, channels)
    try:
        yield ffmpeg_sink
    except BaseException:
        ffmpeg_sink.kill()
        raise
    ffmpeg_sink.close()

"""Music for the music tests, made by ffmpeg in the test's own folder (no audio files are
kept in the repository), and measurements of a tone in a rendered stream."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from voiceguide.ffmpeg import find_ffmpeg
from voiceguide.pcm import FULL_SCALE
from voiceguide.render.mixer import Music
from voiceguide.render.tracks import load_tracks


def tone(path: Path, hz: float, seconds: float, *, rate: int = 44100,
         channels: int = 1, peak: float = 0.25) -> Path:
    """A sine tone file (format from the extension) peaking at ``peak`` of full scale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([find_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency={hz}:duration={seconds}:sample_rate={rate}",
                    "-af", f"volume={8 * peak}", "-ac", str(channels), str(path)], check=True)
    return path


def music(source: Path, *, volume_db: float = -12.0, duck_db: float = 12.0,
          warnings: list[str] | None = None) -> Music:
    """What ``--music SOURCE`` gives the renderer (lengths not remembered on disk)."""
    sink = warnings if warnings is not None else []
    return Music(tracks=load_tracks(source, ffmpeg=find_ffmpeg()), volume_db=volume_db,
                 duck_db=duck_db, ffmpeg=find_ffmpeg(), warn=sink.append)


def frames(samples: np.ndarray, channels: int) -> np.ndarray:
    """Interleaved int16 as float ``(frames, channels)`` in [-1, 1)."""
    return samples.reshape(-1, channels).astype(np.float64) / FULL_SCALE


def tone_level_db(signal: np.ndarray, rate: int, hz: float, start_ms: int,
                  end_ms: int) -> float:
    """The amplitude (dBFS) of the ``hz`` component of a mono ``signal`` over a span,
    by projection on that frequency: other sounds (speech, beeps) hardly count."""
    first, last = start_ms * rate // 1000, end_ms * rate // 1000
    part = signal[first:last]
    t = np.arange(first, last) / rate
    amplitude = 2 * abs(np.sum(part * np.exp(-2j * np.pi * hz * t))) / len(part)
    return float(20 * np.log10(max(amplitude, 1e-12)))


def decoders(folder: Path) -> list[int]:
    """The processes (ffmpeg decoders) whose command line names something in ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(folder).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:  # it ended meanwhile
            continue
    return found


def alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` that still exist: running, or ended but not reaped (a zombie)."""
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]

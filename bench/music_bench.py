"""Music benchmark: export speed with a music folder against ffmpeg alone, memory of a
long export with a long playlist, and first sound of ``play --music`` on a warm cache.

    .venv/bin/python bench/music_bench.py [--minutes 45] [--long-minutes 120] [--tiny]

Makes a folder of MP3 tracks (pink noise over a tone, ``--track-minutes`` each) with
ffmpeg, then prints, from this one run:

(a) wall time of an MP3 export of a ``--minutes`` session with ``--music FOLDER``
    (warm speech cache, ``--no-cache``, so it really decodes, mixes and encodes) / ffmpeg
    alone encoding a WAV of the same mixed audio with the same settings -- target
    <= 1.5;
(b) peak RSS of an MP3 export of a ``--long-minutes`` session with an ``.m3u`` playlist
    of that length (the folder's tracks listed over and over), voiceguide's process, its
    speech synthesized beforehand (so it is the render's) -- target < 200 MB; beside it,
    the ffmpeg encoder's own peak and the largest track
    decoder's (their VmHWM, read every 10 ms while they run);
(c) first sound of ``play --music FOLDER`` with the speech, timeline and track-length
    caches warm (a first play, quit once heard, warmed them), in a pseudo-terminal
    through a PulseAudio null sink, less the sink's floor (see play_bench.py) -- target
    <= 0.5 s; beside it, the same without music.

``--tiny`` runs the same at a size CI can afford (3- and 4-minute sessions, 1-minute
tracks): the ratios mean little there, it checks the benchmark runs.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.export_bench import export, export_memory, session_yaml  # noqa: E402
from bench.play_bench import TimedRecorder, floor_s, start_then_quit  # noqa: E402
from tests.sound import SoundServer  # noqa: E402
from voiceguide.export.sinks import codec_args  # noqa: E402
from voiceguide.ffmpeg import find_ffmpeg  # noqa: E402


def make_tracks(folder: Path, minutes: float, count: int) -> list[Path]:
    """``count`` MP3 tracks of ``minutes`` each, stereo 44.1 kHz, each unlike the others."""
    folder.mkdir(parents=True)
    tracks = []
    for n in range(count):
        path = folder / f"{n + 1:02d} track.mp3"
        seconds = minutes * 60
        subprocess.run([find_ffmpeg(), "-v", "error", "-f", "lavfi", "-i",
                        f"anoisesrc=d={seconds}:c=pink:r=44100:a=0.3:s={n + 1}", "-f", "lavfi",
                        "-i", f"sine=frequency={220 + 55 * n}:duration={seconds}",
                        "-filter_complex", "amix=inputs=2,aformat=channel_layouts=stereo",
                        "-c:a", "libmp3lame", "-b:a", "192k", str(path)], check=True)
        tracks.append(path)
    return tracks


def ffmpeg_alone(wav: Path, out: Path) -> float:
    """Wall time of ffmpeg encoding the stereo ``wav`` to MP3 as export does, in s."""
    start = time.perf_counter()
    subprocess.run([find_ffmpeg(), "-v", "error", "-y", "-i", str(wav),
                    *codec_args("mp3", 2), str(out)], check=True)
    return time.perf_counter() - start


def first_sound_s(work: Path, script: Path, music: Path) -> tuple[float, float, float]:
    """(first sound of a warm ``play --music``, of a warm ``play``, the sink's floor),
    all in s."""
    server = SoundServer(work / "pulse")
    server.start()
    try:
        recorder = TimedRecorder(server.env)
        floor, boundary = floor_s(recorder, server.env)
        _, boundary = start_then_quit(recorder, script, server.env, boundary,
                                      "--music", str(music))
        warm, boundary = start_then_quit(recorder, script, server.env, boundary,
                                         "--music", str(music))
        plain, _ = start_then_quit(recorder, script, server.env, boundary)
        recorder.stop()
    finally:
        server.stop()
    return warm, plain, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=45)
    parser.add_argument("--long-minutes", type=int, default=120)
    parser.add_argument("--track-minutes", type=float, default=4)
    parser.add_argument("--tiny", action="store_true",
                        help="3- and 4-minute sessions, 1-minute tracks (for CI)")
    options = parser.parse_args()
    if options.tiny:
        options.minutes, options.long_minutes, options.track_minutes = 3, 4, 1
    compileall.compile_dir(ROOT / "voiceguide", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="vg-music-bench-"))
    try:
        cache = work / "cache"
        os.environ.update(XDG_CACHE_HOME=str(cache), XDG_STATE_HOME=str(work / "state"),
                          XDG_DATA_HOME=str(work / "data"))
        count = max(2, round(options.minutes / options.track_minutes))
        tracks = make_tracks(work / "music", options.track_minutes, count)
        music = work / "music"
        script = work / "session.yaml"
        script.write_text(session_yaml(options.minutes), encoding="utf-8")
        long_script = work / "long.yaml"
        long_script.write_text(session_yaml(options.long_minutes), encoding="utf-8")
        playlist = work / "long.m3u"
        entries = round(options.long_minutes / options.track_minutes)
        playlist.write_text("\n".join(f"music/{tracks[i % count].name}"
                                      for i in range(entries)) + "\n", encoding="utf-8")

        export(script, work / "warmup.wav", cache)  # speech cache warm
        mixed_wav, _ = export(script, work / "mixed.wav", cache, "--music", str(music))
        mp3_s, _ = export(script, work / "mixed.mp3", cache, "--music", str(music),
                          "--no-cache")
        alone_s = ffmpeg_alone(work / "mixed.wav", work / "alone.mp3")
        # The long session's speech is synthesized first, as for the export bench's (b):
        # the figure is the render's, not the speech engine's (Piper holds some 250 MB).
        subprocess.run([sys.executable, "-m", "voiceguide", "show", str(long_script)],
                       check=True, capture_output=True)
        memory = export_memory(long_script, work / "long.mp3", cache, "--music",
                               str(playlist), "--no-cache", roles=("encoder", "decoder"))
        warm_s, plain_s, floor = first_sound_s(work, script, music)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"music: {count} MP3 tracks of {options.track_minutes:g} min; "
          f"playlist of {entries} entries ({options.long_minutes} min)")
    print(f"MP3 export with --music, {options.minutes} min (--no-cache): {mp3_s:.2f} s; "
          f"WAV export with --music: {mixed_wav:.2f} s")
    print(f"ffmpeg alone, the same mixed audio to MP3: {alone_s:.2f} s")
    print(f"(a) MP3 export with music / ffmpeg alone: {mp3_s / alone_s:.2f} (target <= 1.5)")
    print(f"(b) peak RSS, {options.long_minutes}-minute MP3 export with a "
          f"{options.long_minutes}-minute playlist: {memory.voiceguide_kb / 1024:.0f} MB "
          f"(target < 200 MB); ffmpeg's own: encoder "
          f"{memory.ffmpeg_kb['encoder'] / 1024:.0f} MB, the largest track decoder "
          f"{memory.ffmpeg_kb['decoder'] / 1024:.0f} MB")
    own = warm_s - floor
    print(f"(c) first sound, play --music, caches warm: {warm_s:.3f} s after launch; the "
          f"sink's floor {floor:.3f} s; less the floor {own:.3f} s (target <= 0.5 s: "
          f"{own / 0.5:.2f} of it); without music, less the floor: {plain_s - floor:.3f} s")


if __name__ == "__main__":
    main()

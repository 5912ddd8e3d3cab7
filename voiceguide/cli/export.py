"""``voiceguide export``: a workout as an audio file (or one per block) to take anywhere."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from voiceguide.audio import ms_to_samples
from voiceguide.captions import CAPTION_FORMATS
from voiceguide.cli.options import echo_problems, override_options, run_errors, script_options
from voiceguide.cue_sounds import load_cue_sounds
from voiceguide.encode import FORMATS, find_ffmpeg
from voiceguide.export import Progress, export_session, output_format
from voiceguide.overrides import Overrides
from voiceguide.pipeline import Week, build_timeline, resolve_script
from voiceguide.speech import EngineSpeech


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so a killed export removes its temp file too."""
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def progress_bar(total_samples: int, label: str) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  TaskProgressColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total_samples)
        yield lambda samples: bar.advance(task, samples)


@click.command()
@script_options
@override_options
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; its extension gives the format unless --format does.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Audio format (default: from OUT's extension). WAV needs no ffmpeg.")
@click.option("--captions", type=click.Choice(CAPTION_FORMATS), default=None,
              help="Also write captions (what is said, when) next to each audio file.")
@click.option("--timeline", "timeline_json", metavar="FILE.json", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the compiled timeline as JSON.")
@click.option("--split", is_flag=True,
              help="One file per block, in a folder named after OUT, plus an .m3u playlist.")
def export(script: str, week: Week, overrides: Overrides, out: Path, fmt: str | None,
           captions: str | None, timeline_json: Path | None, split: bool) -> None:
    """Export a workout as audio with chapters per block and tags.

    SCRIPT is a path or the name of a bundled script (see `voiceguide list`).
    Files appear complete or not at all. MP3, OGG and FLAC need ffmpeg.

    \b
    Examples:
      voiceguide export hip-thrust -o hip-thrust.mp3
      voiceguide export hip-thrust --week 3 -o week3.ogg --captions vtt
      voiceguide export my-workout.yaml -o session.flac --split
    """
    with run_errors(), sigterm_interrupts():
        fmt = output_format(out, fmt)
        if fmt != "wav":
            find_ffmpeg()
        speech = EngineSpeech()
        timeline = build_timeline(script, week=week, speech=speech, overrides=overrides)
        echo_problems(timeline.warnings)
        cues = load_cue_sounds(timeline.beeps, script_file=str(resolve_script(script)))
        with progress_bar(ms_to_samples(timeline.total_ms), f"export {out.name}") as progress:
            written = export_session(timeline, speech, out, fmt=fmt, cues=cues,
                                     captions=captions, timeline_json=timeline_json,
                                     split=split, progress=progress)
    minutes, seconds = divmod(round(timeline.total_ms / 1000), 60)
    click.echo(f"wrote {len(written)} file(s), {minutes}:{seconds:02d} of audio:", err=True)
    for path in written:
        click.echo(str(path))

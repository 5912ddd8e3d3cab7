"""``voiceguide export``: a workout as an audio file (one per block, or one per week of
its program) to take anywhere."""

from __future__ import annotations

import os
from pathlib import Path

import click

from voiceguide.adjust.overrides import Overrides
from voiceguide.adjust.weeks import Week
from voiceguide.app import export_script
from voiceguide.cli.options import (
    echo_problems,
    echo_warning,
    loudness_option,
    music_options,
    override_options,
    run_errors,
    script_options,
)
from voiceguide.cli.progress import progress_bar, synthesis_progress
from voiceguide.errors import UsageError
from voiceguide.export.captions import CAPTION_FORMATS
from voiceguide.export.sinks import FORMATS
from voiceguide.export.weeks import WEEKS_FORMAT, WEEKS_SYNTAX, parse_weeks
from voiceguide.problems import printable
from voiceguide.render.music import MusicRequest
from voiceguide.script.model import MAX_WEEK
from voiceguide.timefmt import clock


class WeeksType(click.ParamType[tuple[int, ...], object]):
    """``--weeks``: N, N-M or N,M,... (weeks 1 to ``MAX_WEEK``)."""

    name = "WEEKS"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_weeks(str(value))
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


@click.command()
@script_options
@click.option("--weeks", type=WeeksType(), default=None, metavar="WEEKS",
              help=f"One file per week of the script's progression, in the folder OUT, "
                   f"plus an .m3u playlist; WEEKS is {WEEKS_SYNTAX}, weeks 1-{MAX_WEEK}. "
                   f"Format: --format, else {WEEKS_FORMAT}.")
@override_options
@music_options
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              type=click.Path(path_type=Path),
              help="File to write (its extension gives the format unless --format does); "
                   "with --weeks, the folder to write into (created if needed).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Audio format (default: from OUT's extension; with --weeks, "
                   f"{WEEKS_FORMAT}). WAV needs no ffmpeg.")
@click.option("--captions", type=click.Choice(CAPTION_FORMATS), default=None,
              help="Also write captions (what is said, when) next to each audio file.")
@click.option("--timeline", "timeline_json", metavar="FILE.json", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the compiled timeline as JSON (with --weeks, one per "
                   "week: FILE - week N.json).")
@click.option("--split", is_flag=True,
              help="One file per block, in a folder named after OUT, plus an .m3u playlist.")
@click.option("--no-cache", is_flag=True,
              help="Render and encode even if the export cache holds this export, and do "
                   "not add it there.")
@loudness_option
def export(script: str, week: Week, weeks: tuple[int, ...] | None, overrides: Overrides,
           music: MusicRequest, out: Path, fmt: str | None, captions: str | None,
           timeline_json: Path | None, split: bool, no_cache: bool, loudness: float) -> None:
    """Export a workout as audio with chapters per block and tags.

    SCRIPT is a path or the name of a bundled script (see `voiceguide list`).
    Files appear complete or not at all. MP3, OGG and FLAC need ffmpeg.

    --weeks exports a program week by week into the folder OUT: OUT/NAME - week N.mp3
    for each week (NAME: the script file's name; N zero-padded when weeks reach 10;
    MP3 unless --format says otherwise), each titled with its week, with its captions
    beside it if asked, then OUT/NAME.m3u listing the weeks in order. It needs a
    script with a progression and cannot be combined with --week or --split.

    Every file measures -16 LUFS integrated (EBU R128; --loudness picks another
    target) with true peaks under -1 dBTP.

    Encoded files (MP3, OGG, FLAC) are kept in an export cache in the user cache
    folder (~/.cache/voiceguide/exports on Linux; at most 1 GB and 64 files, least
    recently used out first), so exporting the same session again is a quick copy,
    even without ffmpeg. Any change to the
    script, speech, beeps, music, format or ffmpeg version makes a new file. Use
    --no-cache to bypass the cache.

    --music (or the script's music:) mixes music under the voice, dipping before
    every line; the file is then stereo at 44.1 kHz (48 kHz if every track is) and
    its comment tag names the tracks.

    \b
    Examples:
      voiceguide export hip-thrust -o hip-thrust.mp3
      voiceguide export hip-thrust --week 3 -o week3.ogg --captions vtt
      voiceguide export my-workout.yaml -o session.flac --split
      voiceguide export hip-thrust --weeks 1-4 -o hip-thrust-program
      voiceguide export hip-thrust --weeks 1,3 --format ogg -o program --captions srt
      voiceguide export hip-thrust -o again.mp3 --no-cache
      voiceguide export hip-thrust -o broadcast.wav --loudness -23
      voiceguide export hip-thrust -o gym.mp3 --music ~/Music/workout --shuffle
    """
    if weeks is None and os.path.isdir(out):
        raise click.BadParameter(f"{out} is a folder: give a file name, or use --weeks to "
                                 "write one file per week into it",
                                 param_hint="'-o' / '--output'")
    for name, given in (("--week", week is not None), ("--split", split)):
        if weeks is not None and given:
            raise click.UsageError(f"--weeks cannot be combined with {name}: --weeks "
                                   "already picks the weeks, one file each")
    with run_errors():
        done = export_script(script, out, week=week, weeks=weeks, overrides=overrides,
                             fmt=fmt, captions=captions, timeline_json=timeline_json,
                             split=split, use_cache=not no_cache, warn=echo_problems,
                             music=music, warn_music=echo_warning, progress=progress_bar,
                             speech_progress=synthesis_progress,
                             loudness=loudness)
    minutes, seconds = divmod(round(done.total_ms / 1000), 60)
    reused = f" ({done.reused} from the export cache)" if done.reused else ""
    click.echo(f"wrote {len(done.files)} file(s), {clock(done.total_ms + 500)} of audio"
               f"{reused}:", err=True)
    for path in done.files:
        click.echo(printable(path))

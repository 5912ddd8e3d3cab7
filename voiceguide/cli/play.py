"""``voiceguide play``: coach a whole session by voice and beeps, with a live display."""

from __future__ import annotations

import click

from voiceguide.adjust.overrides import Overrides
from voiceguide.adjust.weeks import Week
from voiceguide.app import prepare_play
from voiceguide.cli.options import (
    echo_problems,
    echo_warning,
    loudness_option,
    music_options,
    override_options,
    run_errors,
    script_options,
)
from voiceguide.cli.progress import synthesis_progress
from voiceguide.render.music import MusicRequest


@click.command()
@script_options
@override_options
@music_options
@click.option("--from", "from_block", metavar="BLOCK",
              help="Start at a block, by name or number (1 = first).")
@click.option("--resume", "resume_", is_flag=True,
              help="Start at the beginning of the set that was interrupted last time.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing while playing.")
@loudness_option
def play(script: str, week: Week, overrides: Overrides, music: MusicRequest,
         from_block: str | None, resume_: bool, quiet: bool, loudness: float) -> None:
    """Play a session: put the device down and follow the voice and the beeps.

    SCRIPT is a path or the name of a bundled script (see `voiceguide list`).

    \b
    Keys (when run in a terminal):
      space        pause / resume
      n, right     skip to the next section
      b, left      back to the start of this section (twice: the previous one)
      q            quit (the position is kept for --resume)

    Quitting, Ctrl-C or a failure keeps the position for `--resume` (per script and
    week); finishing clears it. Every session is kept in `voiceguide history`;
    `--week next` plays the week after the last one you completed. Without a sound
    device, use `voiceguide export`.

    --music (or the script's music:) plays music under the voice, dipping before
    every line. The music follows the session's clock: after a pause, a skip, back
    or --resume it plays what an export of the session has at that moment.

    \b
    Examples:
      voiceguide play hip-thrust
      voiceguide play hip-thrust --week next
      voiceguide play hip-thrust --week 3 --from 2 --rest 60s
      voiceguide play hip-thrust --loudness -14
      voiceguide play my-workout.yaml --resume
      voiceguide play hip-thrust --music ~/Music/workout.m3u
    """
    with run_errors():
        session = prepare_play(script, week=week, overrides=overrides,
                               from_block=from_block, resumed=resume_, music=music,
                               warn_music=echo_warning, speech_progress=synthesis_progress,
                               loudness=loudness)
        echo_problems(session.timeline.warnings)
        if session.note:
            click.echo(session.note, err=True)
        session.run(quiet=quiet)

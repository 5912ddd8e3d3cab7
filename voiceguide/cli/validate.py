"""``voiceguide validate``: every problem of every file, located."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from voiceguide.app import check_script
from voiceguide.cli.options import echo_problems, run_errors
from voiceguide.cli.progress import engine_speech
from voiceguide.problems import has_errors, printable
from voiceguide.store.library import resolve_script


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--week", type=click.IntRange(min=1), default=None,
              help="Also check the script as it is in week N of its progression.")
@click.option("--strict", is_flag=True, help="Exit with status 2 on warnings too.")
def validate(files: tuple[str, ...], week: int | None, strict: bool) -> None:
    """Check workout scripts and report every problem as FILE:LINE:COL.

    Compiles each script with the real voice, so cues that will not fit are found too.
    Exit status: 0 valid, 2 errors (or warnings with --strict).

    \b
    Examples:
      voiceguide validate my-workout.yaml
      voiceguide validate --strict scripts/*.yaml
    """
    failed = False
    with run_errors():
        speech = engine_speech()
        for ref in files:
            path: Path = resolve_script(ref)
            problems = check_script(path, speech=speech, week=week)
            echo_problems(problems)
            if has_errors(problems) or (strict and problems):
                failed = True
            elif not problems:
                click.echo(f"{printable(path)}: ok")
    if failed:
        sys.exit(2)

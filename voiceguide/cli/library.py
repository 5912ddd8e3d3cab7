"""``voiceguide list`` and ``voiceguide schema``: what scripts exist and what they may hold."""

from __future__ import annotations

from importlib import resources

import click

from voiceguide.app import load_timeline
from voiceguide.cli.options import run_errors
from voiceguide.cli.progress import engine_speech
from voiceguide.cli.show import clock
from voiceguide.errors import ScriptError, UsageError
from voiceguide.paths import scripts_dir
from voiceguide.problems import printable
from voiceguide.speech.engine import EngineSpeech
from voiceguide.store.library import ScriptEntry, bundled_scripts, user_scripts


def entry_line(entry: ScriptEntry, width: int, speech: EngineSpeech, note: str = "") -> str:
    """``name  length  title``; a script that does not compile says so instead of a length.

    Through the timeline cache: a listed script plays sooner, and a list after a play
    compiles nothing."""
    name = printable(entry.name)
    try:
        timeline = load_timeline(str(entry.path), week=None, speech=speech)
    except (ScriptError, UsageError):  # this script only: the others are still listed
        return (f"  {name:<{width}}  {'invalid':>9}  "
                f"(voiceguide validate {printable(entry.path)})")
    return f"  {name:<{width}}  {clock(timeline.total_ms):>9}  {timeline.title}{note}"


@click.command(name="list")
def list_scripts() -> None:
    """List the bundled workouts and your own, with titles and lengths.

    Play one by name: `voiceguide play hip-thrust`. Your scripts live in the folder
    shown in the heading; one named like a bundled script is used instead of it.
    """
    with run_errors():
        speech = engine_speech()
        bundled, mine = bundled_scripts(), user_scripts()
        width = max((len(e.name) for e in bundled + mine), default=0)
        overridden = {e.name for e in mine}
        click.echo("bundled:")
        for entry in bundled:
            note = "  [replaced by your script]" if entry.name in overridden else ""
            click.echo(entry_line(entry, width, speech, note))
        if mine:
            click.echo(f"yours ({scripts_dir()}):")
            bundled_names = {e.name for e in bundled}
            for entry in mine:
                note = "  [replaces the bundled one]" if entry.name in bundled_names else ""
                click.echo(entry_line(entry, width, speech, note))


@click.command()
def schema() -> None:
    """Print the JSON Schema of the script format, for editor autocompletion.

    \b
    Example (VS Code / yaml-language-server), first line of a script:
      # yaml-language-server: $schema=./voiceguide.schema.json
    and:  voiceguide schema > voiceguide.schema.json
    """
    schema = resources.files("voiceguide.script").joinpath("schema.json")
    click.echo(schema.read_text("utf-8"), nl=False)

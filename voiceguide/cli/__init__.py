"""The voiceguide command line: each command parses options and calls the stages."""

import click

from voiceguide import __version__
from voiceguide.cli.authoring import edit, new
from voiceguide.cli.doctor import doctor
from voiceguide.cli.export import export
from voiceguide.cli.library import list_scripts, schema
from voiceguide.cli.play import play
from voiceguide.cli.show import show
from voiceguide.cli.validate import validate
from voiceguide.cli.voices import say, voices


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voiceguide")
def main() -> None:
    """Hands-free, voice-guided workouts from YAML scripts.

    \b
    Exit status: 0 ok, 1 runtime failure (audio device, disk, missing tool),
    2 bad script or usage, 130 interrupted.
    """


main.add_command(validate)
main.add_command(show)
main.add_command(list_scripts)
main.add_command(schema)
main.add_command(new)
main.add_command(edit)
main.add_command(play)
main.add_command(export)
main.add_command(voices)
main.add_command(say)
main.add_command(doctor)

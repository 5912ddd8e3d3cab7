"""``voiceguide new`` and ``voiceguide edit``: make a script your own, always valid."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from voiceguide.app import check_script
from voiceguide.cli.options import echo_problems, run_errors
from voiceguide.cli.progress import engine_speech
from voiceguide.problems import Problem, has_errors, printable
from voiceguide.store.authoring import (
    BLANK,
    edit_until_valid,
    editable_copy,
    new_script,
    template_names,
)
from voiceguide.store.library import resolve_script


@click.command()
@click.argument("target", metavar="FILE")
@click.option("--from", "template", default=BLANK, show_default=True,
              help="Template: 'blank' or the name of a bundled script.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new(target: str, template: str, force: bool) -> None:
    """Write a new, commented workout script that validates as it is.

    A bare NAME (no folder, no suffix) is created in your scripts folder, so it can be
    played by name; anything else is a path. Templates: blank, or any bundled script.

    \b
    Examples:
      voiceguide new my-legs                       # then: voiceguide play my-legs
      voiceguide new ./legs.yaml --from hip-thrust
    """
    with run_errors():
        if template not in template_names():
            raise click.BadParameter(
                f"{template!r} (choose from: {', '.join(template_names())})",
                param_hint="--from")
        click.echo(printable(new_script(target, template=template, force=force)))


def open_in_editor(path: Path) -> None:
    """The editor gets an absolute path: ``./-x.yaml`` must not reach it as ``-x.yaml``,
    which it would read as an option."""
    click.edit(filename=str(path.absolute()))


def ask_reopen(problems: list[Problem]) -> bool:
    echo_problems(problems)
    return click.confirm("The script has errors. Edit it again?", default=True, err=True)


@click.command()
@click.argument("script", metavar="SCRIPT")
def edit(script: str) -> None:
    """Open SCRIPT in $EDITOR and check it on save, until it is valid or you give up.

    A bundled script is copied to your scripts folder first and the copy is edited
    (it then wins over the bundled one by name). Exit status 2 if you give up with
    errors left.

    \b
    Example:
      EDITOR=nano voiceguide edit hip-thrust
    """
    with run_errors():
        path = editable_copy(resolve_script(script))
        speech = engine_speech()
        problems = edit_until_valid(
            path,
            open_editor=open_in_editor,
            check=lambda p: check_script(p, speech=speech),
            reopen=ask_reopen,
        )
    if has_errors(problems):
        sys.exit(2)
    echo_problems(problems)
    click.echo(f"{printable(path)}: ok")

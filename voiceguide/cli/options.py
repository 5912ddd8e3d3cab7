"""What every command shares: the SCRIPT argument, ``--week``, and error-to-exit mapping."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import click

from voiceguide.errors import ScriptError, VoiceguideError
from voiceguide.problems import Problem

F = TypeVar("F", bound=Callable[..., object])


def script_options(func: F) -> F:
    """Add the SCRIPT argument (a path or a bundled script's name) and ``--week N``."""
    func = click.option(
        "--week",
        type=click.IntRange(min=1),
        default=None,
        help="Apply the script's progression up to week N.",
    )(func)
    return click.argument("script", metavar="SCRIPT")(func)  # type: ignore[return-value]


def echo_problems(problems: Sequence[Problem]) -> None:
    """Print problems to stderr, one per line, as ``FILE:LINE:COL: level: message``."""
    for problem in problems:
        click.echo(problem.format(), err=True)


@contextmanager
def run_errors() -> Iterator[None]:
    """Turn voiceguide's errors into messages and exit statuses, never a traceback.

    ScriptError: every problem, exit 2. Other VoiceguideError: ``error: ...``, its
    ``exit_code`` (1 for runtime failures, 2 for usage). Ctrl-C: exit 130.
    """
    try:
        yield
    except ScriptError as exc:
        echo_problems(exc.problems)
        sys.exit(exc.exit_code)
    except VoiceguideError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)

"""The voiceguide command line: each command parses options and calls the stages.

Commands are imported when they are run, not at start-up, so ``voiceguide play`` does
not pay for the modules of ``export`` or ``edit`` before the first sound.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

# numpy starts an OpenBLAS thread per core when imported (measured: 50 ms of start-up on
# 2 cores, all before the first sound); voiceguide does no linear algebra. Set before any
# command imports numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from voiceguide import __version__  # noqa: E402
from voiceguide.signals import report  # noqa: E402

COMMANDS: dict[str, str] = {
    "play": "voiceguide.cli.play:play",
    "export": "voiceguide.cli.export:export",
    "show": "voiceguide.cli.show:show",
    "validate": "voiceguide.cli.validate:validate",
    "list": "voiceguide.cli.library:list_scripts",
    "new": "voiceguide.cli.authoring:new",
    "edit": "voiceguide.cli.authoring:edit",
    "history": "voiceguide.cli.history:history",
    "voices": "voiceguide.cli.voices:voices",
    "say": "voiceguide.cli.voices:say",
    "schema": "voiceguide.cli.library:schema",
    "doctor": "voiceguide.cli.doctor:doctor",
}
"""Command name -> ``module:attribute`` of its click command."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's lazy-loading pattern)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """click's main, but Ctrl-C exits 130 with one line wherever it lands (click's
        own says "Aborted!" and exits 1), SIGTERM and SIGHUP 143 and 129 (``signals.py``);
        EOF at a prompt stays click's exit 1."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False,
                                  **extra)
        except (KeyboardInterrupt, click.Abort) as exc:
            cause = exc.__context__ if isinstance(exc, click.Abort) else exc
            if not isinstance(cause, KeyboardInterrupt):
                click.echo("Aborted!", err=True)
                sys.exit(1)
            sys.exit(report(cause))
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # output piped into `head`, say: as click does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as Python's docs do
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voiceguide")
def main() -> None:
    """Hands-free, voice-guided workouts from YAML scripts.

    \b
    Start here:
      voiceguide list                 the bundled workouts
      voiceguide play hip-thrust      play one, hands-free
      voiceguide export hip-thrust -o hip-thrust.mp3
      voiceguide new my-workout       write your own

    \b
    Exit status: 0 ok, 1 runtime failure (audio device, disk, missing tool),
    2 bad script or usage, 130 interrupted (143 SIGTERM, 129 SIGHUP).
    """

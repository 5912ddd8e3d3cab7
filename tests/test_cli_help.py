"""Every command explains itself: help text with a summary, exit 0."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from voiceguide.cli import main

COMMANDS = main.list_commands(click.Context(main))


def test_main_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.help and len(command.help.split("\n")[0]) > 15
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(f"Usage: main {name}")


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "voiceguide", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("voiceguide, version ")

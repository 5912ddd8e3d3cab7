"""The voiceguide command line: each command parses options and calls the stages."""

import click


@click.group()
def main() -> None:
    """Hands-free, voice-guided workouts."""

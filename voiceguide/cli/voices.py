"""``voiceguide voices`` and ``voiceguide say``: find a voice and a rate you like."""

from __future__ import annotations

import click

from voiceguide.cli.options import run_errors
from voiceguide.play.device import AudioOutput
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.speech.engine import EngineSpeech, list_voices, resolve_voice

DRAIN_MARGIN_S = 2.0
"""How long past the clip's end ``say`` waits for the device to finish, in seconds."""


@click.command()
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Only voices that speak this language, best first.")
def voices(language: str | None) -> None:
    """List the speech engine's voices: id, name and languages.

    Use an id or name as `voice: {name: ...}` in a script or as --voice.

    \b
    Examples:
      voiceguide voices --language de
      voiceguide say "Set one of three." --voice gmw/en-us --rate 180
    """
    with run_errors():
        found = list_voices(language)
    width = max((len(v.id) for v in found), default=0)
    for voice in found:
        click.echo(f"{voice.id:<{width}}  {voice.name}  ({', '.join(voice.languages)})")


@click.command()
@click.argument("text")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language whose best voice speaks, unless --voice is given.")
@click.option("--voice", default=None, help="Voice id or name (see `voiceguide voices`).")
@click.option("--rate", type=click.IntRange(80, 400), default=165, show_default=True,
              help="Words per minute.")
def say(text: str, language: str, voice: str | None, rate: int) -> None:
    """Speak TEXT aloud with a voice and rate, to try them before a workout.

    \b
    Example:
      voiceguide say "Drive through your heels." --rate 150
    """
    settings = VoiceSettings(language=language, name=voice, rate=rate)
    with run_errors():
        clip = EngineSpeech().clip(text, settings)
        click.echo(f"{resolve_voice(settings).id}, {rate} wpm, {clip.duration_ms / 1000:.2f} s")
        output = AudioOutput(clip.samples, clip.sample_rate)
        output.start(0)
        output.let_finish()
        output.wait_stopped(clip.duration_ms / 1000 + DRAIN_MARGIN_S)

"""``voiceguide voices`` and ``voiceguide say``: find a voice and a rate you like."""

from __future__ import annotations

import click

from voiceguide.cli.options import run_errors
from voiceguide.cli.table import aligned
from voiceguide.errors import UsageError
from voiceguide.play.device import AudioOutput
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.script.values import MAX_SPOKEN_CHARS
from voiceguide.speech.engine import EngineSpeech, describe
from voiceguide.speech.voices import list_voices

DRAIN_MARGIN_S = 2.0
"""How long past the clip's end ``say`` waits for the device to finish, in seconds."""
ENGINE_NAMES = {"piper": "Piper", "espeak": "eSpeak NG"}


@click.command()
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Only voices that speak this language, best first.")
def voices(language: str | None) -> None:
    """List every voice of both engines: voice, engine, quality, languages, name.

    Use the first column as `voice: {name: ...}` in a script or as --voice. With no
    voice named, a script speaks with the best voice of its language: Piper before
    eSpeak NG (the first line of `voices --language LANG`). Add a Piper voice by
    putting its NAME.onnx and NAME.onnx.json in the voices folder (see `doctor`).

    \b
    Examples:
      voiceguide voices --language de
      voiceguide say "Set one of three." --voice piper:en_US-joe-medium --rate 180
    """
    with run_errors():
        found = list_voices(language)
    rows = [(v.key, ENGINE_NAMES[v.engine], v.quality, ", ".join(v.languages), v.name)
            for v in found]
    for line in aligned(rows) if rows else []:
        click.echo(line)


def spoken_text(text: str) -> str:
    """TEXT as a script's spoken text must be: UTF-8, not blank, at most 500 characters
    (a longer one would keep the engine busy for minutes)."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise UsageError("TEXT is not UTF-8 text")
    if not text.strip():
        raise UsageError("TEXT is empty: give the words to say")
    if len(text.strip()) > MAX_SPOKEN_CHARS:
        raise UsageError(f"TEXT is {len(text.strip())} characters long; at most "
                         f"{MAX_SPOKEN_CHARS} are spoken at once, as in a script")
    return text.strip()


@click.command()
@click.argument("text")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language whose best voice speaks, unless --voice is given.")
@click.option("--voice", default=None,
              help="A voice from `voiceguide voices`, e.g. piper:en_US-joe-medium, "
                   "espeak:gmw/en, or a path to a Piper .onnx model.")
@click.option("--rate", type=click.IntRange(80, 400), default=165, show_default=True,
              help="Words per minute.")
def say(text: str, language: str, voice: str | None, rate: int) -> None:
    """Speak TEXT aloud with a voice and rate, to try them before a workout.

    \b
    Examples:
      voiceguide say "Drive through your heels." --rate 150
      voiceguide say "Drei, zwei, eins." --voice espeak:gmw/de
    """
    settings = VoiceSettings(language=language, name=voice, rate=rate)
    with run_errors():
        clip = EngineSpeech().clip(spoken_text(text), settings)
        click.echo(f"{describe(settings)}, {rate} wpm, {clip.duration_ms / 1000:.2f} s")
        output = AudioOutput(clip.samples, clip.sample_rate)
        output.start(0)
        output.let_finish()
        output.wait_stopped(clip.duration_ms / 1000 + DRAIN_MARGIN_S)

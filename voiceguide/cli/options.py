"""What every command shares: the SCRIPT argument, ``--week``, and error-to-exit mapping."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from voiceguide.adjust.overrides import Override, Overrides
from voiceguide.adjust.weeks import NEXT_WEEK
from voiceguide.errors import ScriptError, VoiceguideError, notes
from voiceguide.problems import Problem
from voiceguide.script.model import LANGUAGES, MAX_WEEK, TALK_LEVELS
from voiceguide.signals import report

F = TypeVar("F", bound=Callable[..., object])


class WeekType(click.ParamType[int | str, object]):
    """A week number (1 to ``MAX_WEEK``) or ``next``: the week after the last one
    completed."""

    name = "N|next"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        if isinstance(value, int):
            return value
        if value == NEXT_WEEK:
            return NEXT_WEEK
        try:
            week = int(str(value))
        except ValueError:
            week = 0
        if not 1 <= week <= MAX_WEEK:
            self.fail(f"{value!r} is not a week number (1-{MAX_WEEK}) or 'next'", param, ctx)
        return week


def script_options(func: F) -> F:
    """Add the SCRIPT argument (a path or a script's name) and ``--week N|next``."""
    func = click.option(
        "--week",
        type=WeekType(),
        default=None,
        metavar="N|next",
        help=f"The script as in week N (1-{MAX_WEEK}) of its progression; 'next': the "
             "week after the last one you completed (see `voiceguide history`).",
    )(func)
    return click.argument("script", metavar="SCRIPT")(func)


_FIELD_OPTIONS = (
    ("sets", click.IntRange(1, 20), "Sets of every exercise, hold and march."),
    ("reps", click.IntRange(1, 100), "Reps of every exercise and march (per side)."),
    ("rest", str, "Rest between sets of every block, e.g. 90s or 1m30s."),
    ("tempo", str, "Tempo of every exercise, e.g. 2-1-2."),
    ("talk", click.Choice(TALK_LEVELS), "How much the coach says in every block: minimal "
     "(intros, countdowns, counts), normal (adds cues and time calls; the default), "
     "chatty (adds the form cues again in long sets and rests)."),
)


def override_options(func: Callable[..., object]) -> Callable[..., object]:
    """Add the command-line overrides; the command receives them as ``overrides``.

    Precedence: the script, then its week (``--week``), then these options.
    """

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: Any) -> object:  # click's parsed option values
        fields = [Override(f"--{key}", key, str(kwargs.pop(key)))
                  for key, _, _ in _FIELD_OPTIONS if kwargs.get(key) is not None]
        for key, _, _ in _FIELD_OPTIONS:
            kwargs.pop(key, None)
        with run_errors():
            fields += [Override.from_set(text) for text in kwargs.pop("set_fields")]
        kwargs["overrides"] = Overrides(
            fields=tuple(fields), voice=kwargs.pop("voice"), rate=kwargs.pop("rate"),
            language=kwargs.pop("language"))
        return func(*args, **kwargs)

    options = [
        *(click.option(f"--{key}", type=kind, default=None, help=text)
          for key, kind, text in _FIELD_OPTIONS),
        click.option("--set", "set_fields", multiple=True, metavar="BLOCK.KEY=VALUE",
                     help='Change one field of one block, e.g. "Hip thrust.reps=10". '
                          "Repeatable."),
        click.option("--voice", default=None, help="Engine voice id or name (see `voices`)."),
        click.option("--rate", type=click.IntRange(80, 400), default=None,
                     help="Speech rate in words per minute (80-400)."),
        click.option("--language", type=click.Choice(LANGUAGES), default=None,
                     help="Language of phrases, numbers and voice."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def music_options(func: Callable[..., object]) -> Callable[..., object]:
    """Add ``--music``, ``--shuffle``, ``--music-volume`` and ``--duck``; the command
    receives them as ``music`` (a MusicRequest)."""
    from voiceguide.render.music import MusicRequest
    from voiceguide.script.model import MUSIC_DUCK_RANGE, MUSIC_VOLUME_RANGE

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: Any) -> object:  # click's parsed option values
        kwargs["music"] = MusicRequest(
            path=kwargs.pop("music_path"), shuffle=bool(kwargs.pop("shuffle")),
            volume=kwargs.pop("music_volume"), duck=kwargs.pop("duck"))
        return func(*args, **kwargs)

    options = [
        click.option("--music", "music_path", metavar="PATH", default=None,
                     type=click.Path(path_type=Path),
                     help="Music under the voice: an audio file, a folder of tracks (name "
                          "order) or an .m3u playlist; it dips under every line. "
                          "Overrides the script's music:."),
        click.option("--shuffle", is_flag=True,
                     help="Play the music folder shuffled (the same order for the same "
                          "session and week)."),
        click.option("--music-volume", type=click.FloatRange(*MUSIC_VOLUME_RANGE),
                     default=None, metavar="DB",
                     help="Music loudness relative to the voice in dB, -60 to 0 (default "
                          "-12, or the script's)."),
        click.option("--duck", type=click.FloatRange(*MUSIC_DUCK_RANGE), default=None,
                     metavar="DB",
                     help="How far the music dips under speech in dB, 10 to 40 "
                          "(default 12, or the script's)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def loudness_option(func: F) -> F:
    """Add ``--loudness LUFS``: the session's integrated loudness target."""
    from voiceguide.render.loudness import LOUDNESS_RANGE, TARGET_LUFS

    low, high = LOUDNESS_RANGE
    return click.option(
        "--loudness", type=click.FloatRange(low, high), default=TARGET_LUFS,
        show_default=True, metavar="LUFS",
        help=f"Integrated loudness of the session (EBU R128), {low:g} to {high:g} LUFS: "
             "-14 streaming, -16 podcasts and phones, -19 or -23 broadcast. True peaks "
             "stay under -1 dBTP.",
    )(func)


def echo_warning(message: str) -> None:
    """A runtime warning on stderr (a music track skipped, ...)."""
    click.echo(f"warning: {message}", err=True)


def echo_problems(problems: Sequence[Problem]) -> None:
    """Print problems to stderr, one per line, as ``FILE:LINE:COL: level: message``."""
    for problem in problems:
        click.echo(problem.format(), err=True)


@contextmanager
def run_errors() -> Iterator[None]:
    """Turn voiceguide's errors into messages and exit statuses, never a traceback.

    ScriptError: every problem, exit 2. Other VoiceguideError: ``error: ...``, its
    ``exit_code`` (1 for runtime failures, 2 for usage). Ctrl-C: exit 130, SIGTERM 143,
    SIGHUP 129 (``signals.py``). Failures that came after (``errors.add_note``) follow
    as ``error: ...`` lines; the first error decides the exit status.
    """
    try:
        yield
    except ScriptError as exc:
        echo_problems(exc.problems)
        _exit(exc, exc.exit_code)
    except VoiceguideError as exc:
        click.echo(f"error: {exc}", err=True)
        _exit(exc, exc.exit_code)
    except KeyboardInterrupt as exc:
        _exit(exc, report(exc))


def _exit(error: BaseException, status: int) -> NoReturn:
    with suppress(OSError):
        for note in notes(error):
            click.echo(f"error: {note}", err=True)
    sys.exit(status)

"""The stages chained for the commands: script reference -> parsed, checked, compiled timeline."""

from __future__ import annotations

from pathlib import Path

from voiceguide.compile import compile_script
from voiceguide.errors import ScriptError
from voiceguide.library import resolve_script
from voiceguide.model import Script
from voiceguide.overrides import NO_OVERRIDES, Overrides
from voiceguide.overrides_apply import apply_overrides
from voiceguide.parse import load_script
from voiceguide.problems import Problem, has_errors, sorted_problems
from voiceguide.progression import apply_week
from voiceguide.speech_api import SpeechLengths
from voiceguide.timeline import Timeline
from voiceguide.weeks import Week, played_week

__all__ = ["build_timeline", "check_script", "load_checked", "resolve_script"]


def load_checked(path: Path) -> Script:
    """Parse a script file, raising ScriptError with every problem if any is an error."""
    script, problems = load_script(path)
    if script is None or has_errors(problems):
        raise ScriptError(sorted_problems(problems))
    return script


def check_script(path: Path, *, speech: SpeechLengths, week: int | None = None) -> list[Problem]:
    """Every problem of a script, parse errors and compile warnings alike, sorted.

    Compiling needs real speech lengths: a cue that does not fit is only known then.
    """
    script, problems = load_script(path)
    if script is None or has_errors(problems):
        return sorted_problems(problems)
    try:
        timeline = compile_script(script, speech=speech, week=week)
    except ScriptError as exc:
        return sorted_problems(problems + exc.problems)
    return sorted_problems(problems + list(timeline.warnings))


def build_timeline(ref: str, *, week: Week, speech: SpeechLengths,
                   overrides: Overrides = NO_OVERRIDES) -> Timeline:
    """Resolve, parse and compile a SCRIPT argument; ScriptError when it is not valid.

    Precedence: the script, then its week's progression, then the command line.
    """
    path = resolve_script(ref)
    script = load_checked(path)
    week = played_week(path, script, week)
    played = apply_overrides(apply_week(script, week), overrides)
    return compile_script(played, speech=speech, week=week)

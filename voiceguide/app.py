"""The one place that chains the stages: script reference -> script -> week -> overrides
-> timeline (cached) for the commands.

The parser and the compiler are imported inside the functions that need them: a warm
``play`` finds its timeline in the cache and must not pay for importing them (0.1 s of
the 0.5 s before the first sound).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.adjust.overrides import NO_OVERRIDES, Overrides
from voiceguide.adjust.weeks import NEXT_WEEK, Week
from voiceguide.errors import ScriptError, UnknownVoiceError
from voiceguide.problems import Loc, Problem, has_errors, sorted_problems
from voiceguide.speech.protocol import SpeechLengths
from voiceguide.store import history
from voiceguide.store.library import resolve_script
from voiceguide.store.timelines import TimelineCache, default_cache_dir
from voiceguide.timeline.events import Timeline

if TYPE_CHECKING:
    from voiceguide.script.model import Script

__all__ = ["build_timeline", "check_script", "load_checked", "load_timeline", "resolve_script"]


def load_checked(path: Path) -> Script:
    """Parse a script file, raising ScriptError with every problem if any is an error."""
    from voiceguide.script.parse import load_script

    script, problems = load_script(path)
    if script is None or has_errors(problems):
        raise ScriptError(sorted_problems(problems))
    return script


def check_script(path: Path, *, speech: SpeechLengths, week: int | None = None) -> list[Problem]:
    """Every problem of a script, parse errors and compile warnings alike, sorted.

    Compiling needs real speech lengths: a cue that does not fit is only known then;
    a custom cue sound is decoded too, so a file that is no audio fails here, not at
    export.
    """
    from voiceguide.script.parse import load_script

    script, problems = load_script(path)
    if script is None or has_errors(problems):
        return sorted_problems(problems)
    from voiceguide.render.beeps import load_cue_sounds

    try:
        timeline = _compile(script, speech=speech, week=week)
        load_cue_sounds(script.beeps, script_file=script.path)
    except ScriptError as exc:
        return sorted_problems(problems + exc.problems)
    return sorted_problems(problems + list(timeline.warnings))


def build_timeline(ref: str, *, week: Week, speech: SpeechLengths,
                   overrides: Overrides = NO_OVERRIDES) -> Timeline:
    """Resolve, parse and compile a SCRIPT argument; ScriptError when it is not valid.

    Precedence: the script, then its week's progression, then the command line.
    """
    from voiceguide.adjust.apply import apply_overrides
    from voiceguide.adjust.week import apply_week
    from voiceguide.adjust.weeks import played_week

    path = resolve_script(ref)
    script = load_checked(path)
    last = history.last_completed_week(str(path.resolve())) if week == NEXT_WEEK else None
    week = played_week(script, week, last_completed=last)
    played = apply_overrides(apply_week(script, week), overrides)
    return _compile(played, speech=speech, week=week, voice_option=overrides.voice is not None)


def _compile(script: Script, *, speech: SpeechLengths, week: int | None,
             voice_option: bool = False) -> Timeline:
    """Compile, placing an unknown voice where it was named: the script or ``--voice``."""
    from voiceguide.compile.compiler import compile_script

    try:
        return compile_script(script, speech=speech, week=week)
    except UnknownVoiceError as exc:
        where = ("--voice", Loc()) if voice_option else (script.path, script.voice_name_loc)
        raise ScriptError([Problem(*where, "error", exc.message, exc.hint)]) from None


def load_timeline(ref: str, *, week: Week, speech: SpeechLengths,
                  overrides: Overrides = NO_OVERRIDES,
                  cache: TimelineCache | None = None) -> Timeline:
    """``build_timeline`` through the timeline cache (the default folder unless given)."""
    cache = cache or TimelineCache(default_cache_dir())
    path = resolve_script(ref)
    key = cache.key(path, week, overrides)
    timeline = cache.load(key, speech)
    if timeline is None:
        timeline = build_timeline(str(path), week=week, speech=speech, overrides=overrides)
        cache.store(key, timeline)
    return timeline

"""The one place that chains the stages: script reference -> script -> week -> overrides
-> timeline (cached) -> render (with the music asked for, ``render.music``) -> play or
export, for the commands.

The parser and the compiler are imported inside the functions that need them: a warm
``play`` finds its timeline in the cache and must not pay for importing them (0.1 s of
the 0.5 s before the first sound).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.adjust.overrides import NO_OVERRIDES, Overrides
from voiceguide.adjust.weeks import NEXT_WEEK, Week
from voiceguide.errors import ScriptError, UnknownVoiceError, UsageError
from voiceguide.paths import export_cache_dir, levels_cache_dir, timeline_cache_dir
from voiceguide.problems import Loc, Problem, has_errors, sorted_problems
from voiceguide.render.music import NO_MUSIC_REQUEST, MusicRequest, load_music
from voiceguide.speech.protocol import SpeechLengths, SpeechPlanner
from voiceguide.store import history
from voiceguide.store.library import resolve_script
from voiceguide.store.timelines import TimelineCache
from voiceguide.timeline.events import Timeline

if TYPE_CHECKING:
    from voiceguide.export.weeks import Exported, ProgressBar
    from voiceguide.play.session import Session
    from voiceguide.render.bed import Warn
    from voiceguide.script.model import Script, VoiceSettings
    from voiceguide.speech.engine import SynthesisProgress

__all__ = ["build_timeline", "check_script", "export_script", "load_checked", "load_timeline",
           "prepare_play", "resolve_script"]


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
    a custom beep is decoded too, so a file that is no audio fails here, not at
    export.
    """
    from voiceguide.adjust.week import apply_week
    from voiceguide.script.parse import load_script

    script, problems = load_script(path)
    if script is None or has_errors(problems):
        return sorted_problems(problems)
    from voiceguide.render.beeps import load_beeps

    try:
        timeline = _compile(apply_week(script, week), speech=speech, week=week)
        load_beeps(script.beeps, script_file=script.path)
    except ScriptError as exc:
        return sorted_problems(problems + exc.problems)
    return sorted_problems(problems + list(timeline.warnings))


def last_completed(path: Path, week: Week) -> int | None:
    """For ``--week next``, the last week of the script at ``path`` completed in the
    history (None otherwise: nothing else needs the history)."""
    return history.last_completed_week(str(path.resolve())) if week == NEXT_WEEK else None


def build_timeline(ref: str, *, week: Week, speech: SpeechLengths,
                   overrides: Overrides = NO_OVERRIDES,
                   last_completed: int | None = None) -> Timeline:
    """Resolve, parse and compile a SCRIPT argument; ScriptError when it is not valid.

    The week is applied once, then the overrides, then the script as played is
    compiled: the script < its week's progression < the command line. ``week`` "next"
    is the week after ``last_completed``.
    """
    from voiceguide.adjust.apply import apply_overrides
    from voiceguide.adjust.week import apply_week
    from voiceguide.adjust.weeks import played_week

    script = load_checked(resolve_script(ref))
    number = played_week(script, week, last_completed=last_completed)
    played = apply_overrides(apply_week(script, number), overrides)
    return _compile(played, speech=speech, week=number,
                    voice_option=overrides.voice is not None)


def _compile(script: Script, *, speech: SpeechLengths, week: int | None,
             voice_option: bool = False) -> Timeline:
    """Compile, placing a problem with the voice where it was named: the script or
    ``--voice``. The real engine first checks the voice (unknown: an error; another
    language: a warning) and synthesizes every missing line in one go: the lines a
    compile with estimated lengths asks for. With every line cached already (any warm
    start) that first compile is skipped: one compile from the cache alone suffices."""
    from voiceguide.compile.compiler import compile_script

    where = ("--voice", Loc()) if voice_option else (script.path, script.voice_name_loc)
    warnings: list[Problem] = []
    try:
        if not isinstance(speech, SpeechPlanner):
            timeline = compile_script(script, speech=speech, week=week)
        else:
            warning = speech.voice_warning(script.voice)
            warnings += [Problem(*where, "warning", warning)] if warning else []
            try:
                timeline = compile_script(script, speech=_CachedOnly(speech), week=week)
            except _Uncached:
                asked = _AskedTexts()
                with suppress(ScriptError):
                    compile_script(script, speech=asked, week=week)
                speech.prepare(asked.texts, script.voice)
                timeline = compile_script(script, speech=speech, week=week)
    except UnknownVoiceError as exc:
        raise ScriptError([Problem(*where, "error", exc.message, exc.hint)]) from None
    if not warnings:
        return timeline
    return replace(timeline, warnings=tuple(sorted_problems([*timeline.warnings, *warnings])))


class _Uncached(Exception):
    """A line the speech cache does not hold yet: compile with synthesis instead."""


class _CachedOnly:
    """Lengths from the speech cache alone; the first line it lacks stops the compile."""

    def __init__(self, speech: SpeechPlanner) -> None:
        self._speech = speech

    def duration_ms(self, text: str, voice: VoiceSettings) -> int:
        ms = self._speech.cached_ms(text, voice)
        if ms is None:
            raise _Uncached(text)
        return ms


class _AskedTexts:
    """Estimated lengths (60 ms a character) that note every text asked for."""

    def __init__(self) -> None:
        self.texts: dict[str, None] = {}

    def duration_ms(self, text: str, voice: VoiceSettings) -> int:
        self.texts[text] = None
        return 60 * len(text)


def load_timeline(ref: str, *, week: Week, speech: SpeechLengths,
                  overrides: Overrides = NO_OVERRIDES,
                  cache: TimelineCache | None = None) -> Timeline:
    """``build_timeline`` through the timeline cache (the default folder unless given)."""
    cache = cache or TimelineCache(timeline_cache_dir())
    path = resolve_script(ref)
    last = last_completed(path, week)
    key = cache.key(path, week, overrides, last_completed=last)
    timeline = cache.load(key, speech)
    if timeline is None:
        timeline = build_timeline(str(path), week=week, speech=speech, overrides=overrides,
                                  last_completed=last)
        cache.store(key, timeline)
    return timeline


def measuring_after(progress: SynthesisProgress | None) -> SynthesisProgress:
    """``progress`` for synthesis that also starts importing what will measure the new
    clips' levels (``render.levels.preload``: 0.9 s, on a thread), so that is done by
    the time synthesis is."""

    def start(count: int) -> AbstractContextManager[Callable[[], None]]:
        from voiceguide.render.levels import preload

        preload()
        return progress(count) if progress is not None else nullcontext(lambda: None)

    return start


def prepare_play(ref: str, *, week: Week, overrides: Overrides = NO_OVERRIDES,
                 from_block: str | None = None, resumed: bool = False,
                 music: MusicRequest = NO_MUSIC_REQUEST,
                 warn_music: Warn = lambda message: None,
                 speech_progress: SynthesisProgress | None = None,
                 loudness: float | None = None) -> Session:
    """A SCRIPT argument ready to play: its timeline (cached), rendered as it plays with
    its music at ``loudness`` LUFS (None: the default), from the start, a block
    (``--from``) or the saved position (``--resume``). ``speech_progress`` shows lines
    being synthesized (a cold cache)."""
    if from_block is not None and resumed:
        raise UsageError("use either --from or --resume, not both")
    from voiceguide.play.device import probe_output

    probe_output()  # no sound device: say so before any work
    from voiceguide.play.notices import Warnings
    from voiceguide.play.session import Session, start_at
    from voiceguide.play.summary import resume_command
    from voiceguide.render.levels import LevelCache
    from voiceguide.render.mixer import Renderer
    from voiceguide.speech.engine import EngineSpeech

    path = resolve_script(ref)
    speech = EngineSpeech(progress=measuring_after(speech_progress))
    timeline = load_timeline(str(path), week=week, speech=speech, overrides=overrides)
    start_ms, note = start_at(timeline, path, from_block=from_block, resumed=resumed)
    warnings = Warnings(warn_music)
    bed = load_music(timeline, music, script_file=str(path), warn=warnings)
    again = resume_command(ref, timeline.week, overrides.options() + music.options())
    renderer = Renderer(timeline, speech, music=bed, loudness=loudness,
                        levels=LevelCache(levels_cache_dir()))
    return Session(path, timeline, renderer, start_ms, note, again, warnings)


def export_script(ref: str, out: Path, *, week: Week = None,
                  weeks: tuple[int, ...] | None = None, overrides: Overrides = NO_OVERRIDES,
                  fmt: str | None = None, captions: str | None = None,
                  timeline_json: Path | None = None, split: bool = False,
                  use_cache: bool = True,
                  warn: Callable[[Sequence[Problem]], None] = lambda problems: None,
                  music: MusicRequest = NO_MUSIC_REQUEST,
                  warn_music: Warn = lambda message: None,
                  progress: ProgressBar | None = None,
                  speech_progress: SynthesisProgress | None = None,
                  loudness: float | None = None) -> Exported:
    """A SCRIPT argument exported to the file ``out`` at ``week``, or with ``weeks``, one
    file per week into the folder ``out`` plus a playlist (see ``export.weeks``), at
    ``loudness`` LUFS (None: the default). ``progress`` shows each file rendered,
    ``speech_progress`` lines synthesized."""
    from voiceguide.export.cache import ExportCache
    from voiceguide.export.files import output_format
    from voiceguide.export.weeks import (
        WEEKS_FORMAT,
        export_plan,
        no_progress,
        plan_weeks,
        single_plan,
        weeks_folder,
    )
    from voiceguide.ffmpeg import find_ffmpeg
    from voiceguide.render.levels import LevelCache
    from voiceguide.speech.engine import EngineSpeech

    path = resolve_script(ref)
    if weeks is None:
        fmt = output_format(out, fmt)
        plan = single_plan(week, out, timeline_json)
    else:
        fmt = fmt or WEEKS_FORMAT
        plan = plan_weeks(load_checked(path), weeks, weeks_folder(out), fmt,
                          timeline_json=timeline_json)
    cache = ExportCache(export_cache_dir()) if use_cache else None
    if fmt != "wav" and (cache is None or not cache.holds(fmt)):
        find_ffmpeg()  # missing: say so before any work
    speech = EngineSpeech(progress=measuring_after(speech_progress))
    return export_plan(
        plan, lambda number: load_timeline(str(path), week=number, speech=speech,
                                           overrides=overrides),
        speech, script_file=str(path), fmt=fmt, captions=captions, split=split, cache=cache,
        warn=warn, progress=progress or no_progress,
        music_for=lambda timeline: load_music(timeline, music, script_file=str(path),
                                              warn=warn_music),
        loudness=loudness, levels=LevelCache(levels_cache_dir()))

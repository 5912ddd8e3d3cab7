"""A program exported week by week: which weeks, what each file is called, the playlist;
and the loop that exports a plan's files, one session or one per week.

``export SCRIPT --weeks 1-4 -o DIR`` writes ``DIR/STEM - week N.FMT`` per week, each
exported like a single session, then ``DIR/STEM.m3u`` listing them in week order. N is
zero-padded to the width of the largest week number among those asked for and those
the script's progression names, so the names sort in week order and stay the same
whichever weeks are exported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from voiceguide.adjust.weeks import Week
from voiceguide.atomic import atomic_write_text
from voiceguide.errors import UsageError
from voiceguide.export.cache import ExportCache
from voiceguide.export.files import PlaylistItem, Progress, export_session, playlist_text
from voiceguide.export.sinks import FORMATS
from voiceguide.export.tags import session_title
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.problems import Problem
from voiceguide.render.beeps import load_beeps
from voiceguide.render.levels import LevelCache
from voiceguide.render.mixer import Music, music_rate
from voiceguide.render.samples import ms_to_samples
from voiceguide.script.model import MAX_WEEK, Script
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Timeline

WEEKS_SYNTAX = "N, N-M or N,M,... (e.g. 3, 1-4, 1,3,5)"
WEEKS_FORMAT = "mp3"
"""The format of a week-by-week export when none is given (OUT is a folder)."""


def parse_weeks(text: str) -> tuple[int, ...]:
    """The weeks ``text`` names (``N``, ``N-M``, or a comma list of those), ascending,
    each once; UsageError unless every week is within 1..``MAX_WEEK``."""
    weeks: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise UsageError(f"{text!r} is not a list of weeks: use {WEEKS_SYNTAX}") from None
        if low > high:
            raise UsageError(f"{part.strip()!r} runs backwards: write the lower week first")
        if low < 1 or high > MAX_WEEK:
            raise UsageError(f"weeks run from 1 to {MAX_WEEK}; {part.strip()!r} is outside")
        weeks.update(range(low, high + 1))
    return tuple(sorted(weeks))


@dataclass(frozen=True)
class WeekFile:
    """The audio file of one week, its timeline JSON (if asked for), and its track
    number (number, total) in a week-by-week export (None: a single export)."""

    week: Week
    audio: Path
    timeline_json: Path | None
    track: tuple[int, int] | None = None


def weeks_folder(out: Path) -> Path:
    """OUT as the folder of a week-by-week export; UsageError if it is a file, or is
    named like an audio file (most likely a slip)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"with --weeks, OUT is a folder; {out} is a file")
    if not out.exists() and out.suffix.lower().lstrip(".") in FORMATS:
        raise UsageError(f"with --weeks, OUT is a folder: {out.name!r} looks like a file "
                         f"name (try -o {out.with_suffix('')})")
    return out


@dataclass(frozen=True)
class WeeksPlan:
    """The files of an export, in week order, and the playlist of them (None for a
    single session)."""

    files: tuple[WeekFile, ...]
    playlist: Path | None = None


def single_plan(week: Week, out: Path, timeline_json: Path | None) -> WeeksPlan:
    """The plan of a single export: one session (at ``week``) to ``out``."""
    return WeeksPlan((WeekFile(week, out, timeline_json),))


def plan_weeks(script: Script, weeks: tuple[int, ...], folder: Path, fmt: str, *,
               timeline_json: Path | None) -> WeeksPlan:
    """The files of ``weeks`` of ``script``, named after the script file's stem.

    UsageError if the script has no progression. ``timeline_json`` gets `` - week N``
    added to its name for each week.
    """
    stem = Path(script.path).stem
    if not script.progression:
        raise UsageError(f"{script.path} has no progression, so there are no weeks to "
                         "export: drop --weeks (or add a `progression` to the script)")
    width = len(str(max([*weeks, *(entry.week for entry in script.progression)])))
    files = []
    for number, week in enumerate(weeks, start=1):
        suffix = f" - week {week:0{width}d}"
        json_path = timeline_json and timeline_json.with_name(
            f"{timeline_json.stem}{suffix}{timeline_json.suffix}")
        files.append(WeekFile(week, folder / f"{stem}{suffix}.{fmt}", json_path,
                              (number, len(weeks))))
    return WeeksPlan(tuple(files), folder / f"{stem}.m3u")


def playlist_item(file: WeekFile, timeline: Timeline) -> PlaylistItem:
    return PlaylistItem(file.audio, timeline.total_ms, session_title(timeline))


ProgressBar = Callable[[int, str], AbstractContextManager[Progress | None]]
"""Given a file's length in samples and a label, a context giving a ``Progress`` (or None)."""


def no_progress(total_samples: int, label: str) -> AbstractContextManager[Progress | None]:
    return nullcontext(None)


@dataclass(frozen=True)
class Exported:
    """What an export wrote, in order, the audio's total length, and the files the
    export cache gave."""

    files: tuple[Path, ...]
    total_ms: int
    reused: int


def export_plan(plan: WeeksPlan, timeline_for: Callable[[Week], Timeline],
                speech: SpeechSource, *, script_file: str, fmt: str,
                captions: str | None = None, split: bool = False,
                cache: ExportCache | None = None,
                warn: Callable[[Sequence[Problem]], None] = lambda problems: None,
                progress: ProgressBar = no_progress,
                music_for: Callable[[Timeline], Music | None] = lambda timeline: None,
                loudness: float | None = None, levels: LevelCache | None = None
                ) -> Exported:
    """Export each file of ``plan`` (its timeline from ``timeline_for``, its music from
    ``music_for``) at ``loudness`` LUFS, then the playlist. ``warn`` gets each warning
    once, though every week may share it."""
    written: list[Path] = []
    timelines: list[Timeline] = []
    shown: set[Problem] = set()
    for file in plan.files:
        timeline = timeline_for(file.week)
        warn([p for p in timeline.warnings if p not in shown])
        shown.update(timeline.warnings)
        beeps = load_beeps(timeline.beeps, script_file=script_file)
        music = music_for(timeline)
        rate = music_rate(music.tracks) if music else SAMPLE_RATE
        with progress(ms_to_samples(timeline.total_ms, rate),
                      f"export {file.audio.name}") as bar:
            written += export_session(
                timeline, speech, file.audio, fmt=fmt, beeps=beeps, captions=captions,
                timeline_json=file.timeline_json, split=split, cache=cache,
                album=timeline.title if file.track else None, track=file.track,
                music=music, progress=bar, inputs=(Path(script_file),),
                loudness=loudness, levels=levels)
        timelines.append(timeline)
    if plan.playlist:
        atomic_write_text(plan.playlist, playlist_text(
            [playlist_item(f, t) for f, t in zip(plan.files, timelines, strict=True)]))
        written.append(plan.playlist)
    return Exported(tuple(written), sum(t.total_ms for t in timelines),
                    cache.hits if cache else 0)

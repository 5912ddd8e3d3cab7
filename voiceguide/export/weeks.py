"""A program exported week by week: which weeks, what each file is called, the playlist.

``export SCRIPT --weeks 1-4 -o DIR`` writes ``DIR/STEM - week N.FMT`` per week, each
exported like a single session, then ``DIR/STEM.m3u`` listing them in week order. N is
zero-padded to the width of the largest week number among those asked for and those
the script's progression names, so the names sort in week order and stay the same
whichever weeks are exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voiceguide.adjust.weeks import Week
from voiceguide.errors import UsageError
from voiceguide.export.files import PlaylistItem
from voiceguide.export.sinks import FORMATS
from voiceguide.export.tags import session_title
from voiceguide.script.model import Script
from voiceguide.timeline.events import Timeline

MAX_WEEK = 999
WEEKS_SYNTAX = "N, N-M or N,M,... (e.g. 3, 1-4, 1,3,5)"


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
    """The files of a week-by-week export, in week order, and the playlist of them."""

    files: tuple[WeekFile, ...]
    playlist: Path


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

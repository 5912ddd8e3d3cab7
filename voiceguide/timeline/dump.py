"""A timeline as stable, readable text, one line per item: the golden files' format.

Times are ``M:SS.mmm`` from the start of the session; a line changes only when the
timeline does, so a golden-file diff reads as "what moved where".
"""

from __future__ import annotations

from voiceguide import timefmt
from voiceguide.timeline.events import Event, Section, Timeline


def clock(ms: int) -> str:
    return timefmt.clock(ms, 3)


def _where(block: int, set_: int | None, rep: int | None) -> str:
    text = "-" if block < 0 else f"b{block}"
    if set_ is not None:
        text += f" s{set_}"
    if rep is not None:
        text += f" r{rep}"
    return text


def _totals(s: Section) -> str:
    """What the live display shows: ``name 'Squat' of 3 reps 8x3000ms sides setup '...'``."""
    text = f" name {s.name!r}" if s.name != s.label else ""
    if s.of is not None:
        text += f" of {s.of}"
    if s.reps is not None:
        text += f" {s.unit}s {s.reps}x{s.rep_ms}ms"
    return text + (" sides" if s.sides else "") + (f" setup {s.setup!r}" if s.setup else "")


def _event(e: Event) -> str:
    what = repr(e.text) if e.kind == "speech" else f"[{e.sound}]"
    return (f"{clock(e.at_ms)} {e.duration_ms:6d}ms {e.kind:6} {e.tag:12} "
            f"{_where(e.block, e.set, e.rep):12} {what}")


def dump_text(timeline: Timeline) -> str:
    """The whole timeline: header, warnings, chapters, sections, then every event."""
    lines = [
        f"title: {timeline.title!r}",
        f"language: {timeline.language}  week: {timeline.week}  voice rate: "
        f"{timeline.voice.rate}",
        f"total: {clock(timeline.total_ms)}  work: {clock(timeline.work_ms)}  "
        f"rest: {clock(timeline.rest_ms)}  events: {len(timeline.events)}",
    ]
    lines += [f"warning: {p.format()}" for p in timeline.warnings]
    lines += [f"chapter {clock(c.start_ms)}-{clock(c.end_ms)} {_where(c.block, None, None)} "
              f"{c.title!r}" for c in timeline.chapters]
    lines += [f"section {clock(s.start_ms)}-{clock(s.end_ms)} {s.kind:5} "
              f"{_where(s.block, s.set, None):8} {'work ' if s.work else ''}{s.label!r}"
              f"{_totals(s)}" for s in timeline.sections]
    lines += [_event(e) for e in timeline.events]
    return "\n".join(lines) + "\n"

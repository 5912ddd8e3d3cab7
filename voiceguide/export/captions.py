"""Captions of an exported file: what is said and when, as SRT or WebVTT.

One caption per speech event, from its start to the end of its speech, in ms relative
to the start of the file (a split file's captions start at its own zero).
"""

from __future__ import annotations

from datetime import timedelta

import srt

from voiceguide.timefmt import stamp
from voiceguide.timeline.events import Event, Timeline

CAPTION_FORMATS = ("srt", "vtt")


def spoken_events(timeline: Timeline, start_ms: int = 0, end_ms: int | None = None) -> list[Event]:
    """Speech events that start inside ``start_ms..end_ms``."""
    end_ms = timeline.total_ms if end_ms is None else end_ms
    return [e for e in timeline.events
            if e.kind == "speech" and start_ms <= e.at_ms < end_ms]


def srt_text(events: list[Event], offset_ms: int = 0) -> str:
    subtitles = [
        srt.Subtitle(index=i, start=timedelta(milliseconds=e.at_ms - offset_ms),
                     end=timedelta(milliseconds=e.end_ms - offset_ms), content=e.text)
        for i, e in enumerate(events, start=1)
    ]
    return str(srt.compose(subtitles, reindex=False))


def vtt_escape(text: str) -> str:
    """Cue text as WebVTT wants it: no markup characters, no blank lines."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def vtt_text(events: list[Event], offset_ms: int = 0) -> str:
    cues = [
        f"{i}\n{stamp(e.at_ms - offset_ms)} --> {stamp(e.end_ms - offset_ms)}\n"
        f"{vtt_escape(e.text)}\n"
        for i, e in enumerate(events, start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def caption_text(fmt: str, events: list[Event], offset_ms: int = 0) -> str:
    """Captions in ``fmt`` (srt or vtt)."""
    return srt_text(events, offset_ms) if fmt == "srt" else vtt_text(events, offset_ms)

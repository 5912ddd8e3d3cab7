"""Times in milliseconds as text, in one place so every command shows a time one way.

Clocks cut (never round) to their last digit, so a clock never shows a moment that has
not come yet: 61 999 ms is ``1:01``, not ``1:02``; a countdown rounds up instead.
"""

from __future__ import annotations


def clock(ms: int, places: int = 0) -> str:
    """``M:SS`` (``H:MM:SS`` from an hour on) with ``places`` (0-3) decimals of a second:
    the live display (0), ``show`` (1), the golden timeline dump (3)."""
    unit = 10 ** (3 - places)
    seconds, fraction = divmod(max(0, ms) // unit, 10**places)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return f"{text}.{fraction:0{places}d}" if places else text


def countdown(ms: int) -> str:
    """Time left as a countdown shows it: rounded up, so ``0:00`` only at the very end."""
    return clock(-(-max(0, ms) // 1000) * 1000)


def stamp(ms: int) -> str:
    """``HH:MM:SS.mmm``, fixed width: WebVTT cue times and Vorbis ``CHAPTERnnn`` tags."""
    seconds, millis = divmod(max(0, ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def seconds(ms: int) -> str:
    """``12.3 s``: a length in the compiler's warnings."""
    return f"{ms / 1000:.1f} s"


def script_duration(ms: int) -> str:
    """A duration as a script writes it, e.g. 90500 -> ``1m30.5s``, for messages that
    quote the script's own values."""
    minutes, rest = divmod(ms, 60_000)
    part = f"{rest / 1000:g}s" if rest else ""
    return f"{minutes}m{part}" if minutes else part or "0s"

"""Where speech may go: the spans already spoken, and the first free gap after a time.

Speech never overlaps speech (one voice), so every spoken event claims its span here
first. Spans are disjoint, so kept sorted by start they are sorted by end too, and both
look-ups are binary searches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class SpeechTrack:
    """Disjoint [start, end) spans of speech in ms."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def is_free(self, start: int, end: int, margin: int = 0) -> bool:
        """No speech within ``margin`` ms of [start, end)."""
        i = bisect_right(self._ends, start - margin)
        return i == len(self._starts) or self._starts[i] >= end + margin

    def claim(self, start: int, end: int) -> None:
        """Record speech at [start, end); the caller checked it is free."""
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)

    def first_free(self, earliest: int, length: int, latest_end: int,
                   margin: int = 0) -> int | None:
        """The earliest start >= ``earliest`` where ``length`` ms of speech fits, keeping
        ``margin`` ms from other speech and ending by ``latest_end``; None if none does."""
        start = earliest
        i = bisect_right(self._ends, start - margin)
        while start + length <= latest_end:
            if i == len(self._starts) or self._starts[i] >= start + length + margin:
                return start
            start = max(start, self._ends[i] + margin)
            i += 1
        return None

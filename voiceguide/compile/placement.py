"""Where speech may go: the spans already spoken, and the first free gap after a time.

Speech never overlaps speech (one voice), so every spoken event claims its span here
first. Spans are disjoint, so kept sorted by start they are sorted by end too, and both
look-ups are binary searches.

Spans are only ever added, so "no gap of this length starts in [a, b)" stays true once
found. The gap search remembers it per length and skips what it already walked: a
script asking for thousands of cues that do not fit costs a walk over the spans once,
not once per cue.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class SpeechTrack:
    """Disjoint [start, end) spans of speech in ms."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._no_gap: dict[tuple[int, int, int], tuple[int, int]] = {}
        """(length, margin, latest end) -> [a, b): no such gap starts there."""

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
        key = (length, margin, latest_end)
        walked_from, walked_to = self._no_gap.get(key, (0, 0))
        start = walked_to if walked_from <= earliest < walked_to else earliest
        i = bisect_right(self._ends, start - margin)
        found = None
        while start + length <= latest_end:
            if i == len(self._starts) or self._starts[i] >= start + length + margin:
                found = start
                break
            start = max(start, self._ends[i] + margin)
            i += 1
        first = walked_from if walked_from <= earliest < walked_to else earliest
        self._no_gap[key] = (first, latest_end if found is None else found)
        return found

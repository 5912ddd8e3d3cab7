"""The speech track: free checks and first-gap search with margins."""

from __future__ import annotations

from voiceguide.compile.placement import SpeechTrack


def track(*spans: tuple[int, int]) -> SpeechTrack:
    t = SpeechTrack()
    for start, end in spans:
        t.claim(start, end)
    return t


def test_is_free_respects_touching_and_margin() -> None:
    t = track((1000, 2000))
    assert t.is_free(2000, 2500)
    assert not t.is_free(1999, 2500)
    assert not t.is_free(2000, 2500, margin=100)
    assert t.is_free(2100, 2500, margin=100)
    assert t.is_free(0, 1000) and not t.is_free(0, 1001)


def test_first_free_takes_the_first_gap_long_enough() -> None:
    t = track((0, 500), (900, 1200), (3000, 3500))
    assert t.first_free(0, 300, 10_000) == 500
    assert t.first_free(0, 400, 10_000) == 500
    assert t.first_free(0, 401, 10_000) == 1200
    assert t.first_free(0, 400, 10_000, margin=100) == 1300
    assert t.first_free(3100, 100, 10_000) == 3500
    assert t.first_free(3100, 100, 3550) is None
    assert t.first_free(3100, 100, 3600) == 3500

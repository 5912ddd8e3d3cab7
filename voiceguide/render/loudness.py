"""A session's integrated loudness, predicted from its timeline before any sample is mixed.

The timeline says where every sound starts and the level cache knows each sound's
energy per ``BIN_MS``, so the K-weighted energy of every 400 ms gating block of the
mix is a sum over the sounds placed in it: sounds at the same time add their energies
(speech and a beep are uncorrelated), and the silent gaps between cues fall below
BS.1770's absolute gate. Gating those blocks as BS.1770 does gives the integrated
loudness the session will measure, so one pass can render it at its target; only the
limiter (which takes a fraction of a LU off the loudest peaks) comes after the
prediction. ``tests/test_render_loudness.py`` holds prediction and measurement together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from voiceguide.render.levels import BIN_MS, GATE_BLOCK_MS, SILENT, Level

TARGET_LUFS = -16.0
"""Default integrated loudness of every session: what phones, podcasts and streaming use."""
LOUDNESS_RANGE = (-30.0, -14.0)
"""Targets ``--loudness`` accepts, in LUFS: from quiet broadcast to loud streaming. Louder
is not offered: even phase-rotated (``rotator.py``), eSpeak NG's and Piper's speech
limited under the ceiling stops near -14 LUFS in a session (hip-thrust at -14 measures
-14.3 with both)."""
HOP_MS = 100
"""BS.1770's gating blocks start every 100 ms (75 % overlap)."""
ABSOLUTE_GATE = -70.0
"""LUFS: blocks below it are silence."""
RELATIVE_GATE = -10.0
"""LU under the loudness of the blocks above the absolute gate."""


@dataclass(frozen=True)
class Placement:
    """One sound in the session: its level, where it starts (ms) and its gain (factor)."""

    at_ms: int
    level: Level
    gain: float


def loudness_of(mean_square: float) -> float:
    """BS.1770 loudness in LUFS of a mono K-weighted mean square."""
    return -0.691 + 10 * math.log10(mean_square) if mean_square > 0 else SILENT


def gated_loudness(blocks: np.ndarray) -> float:
    """BS.1770 integrated loudness of gating blocks given as K-weighted mean squares."""
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(blocks)
    kept = blocks[loud >= ABSOLUTE_GATE]
    if not len(kept):
        return SILENT
    threshold = loudness_of(float(kept.mean())) + RELATIVE_GATE
    kept = blocks[(loud >= ABSOLUTE_GATE) & (loud > threshold)]
    return loudness_of(float(kept.mean())) if len(kept) else SILENT


def predict(placements: Iterable[Placement], total_ms: int) -> float:
    """The integrated loudness in LUFS of the sounds mixed over ``total_ms``.

    Memory: one float per ``BIN_MS`` of the session (under 6 MB for two hours).
    """
    bins = -(-total_ms // BIN_MS)
    energy = np.zeros(bins + 1)
    for place in placements:
        first = (place.at_ms + BIN_MS // 2) // BIN_MS
        profile = place.level.profile[: max(0, bins - first)]
        energy[first: first + len(profile)] += profile * place.gain ** 2
    per_block, hop = GATE_BLOCK_MS // BIN_MS, HOP_MS // BIN_MS
    if bins < per_block:
        return loudness_of(float(energy[:bins].sum() / max(bins, 1)))
    summed = np.concatenate([[0.0], np.cumsum(energy[:bins])])
    starts = np.arange(0, bins - per_block + 1, hop)
    return gated_loudness((summed[starts + per_block] - summed[starts]) / per_block)

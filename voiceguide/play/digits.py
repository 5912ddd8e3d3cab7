"""Big block characters for a countdown read from across the room, at any size.

A 3x5 pixel font, scaled by a whole number and drawn with half blocks (``▀ ▄ █``): a
character cell is about twice as tall as wide, so one pixel is ``scale`` columns by
``scale`` half rows and stays square. At scale 1 a time takes 3 rows; a 100x30 terminal
fits scale 5 or more. No library draws scalable block digits without a full-screen
framework, so the font is here (its 14 glyphs are all the display needs).
"""

from __future__ import annotations

FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "P": ("###", "#.#", "###", "#..", "#.."),
    "A": ("###", "#.#", "###", "#.#", "#.#"),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"),
    "S": ("###", "#..", "###", "..#", "###"),
    "E": ("###", "#..", "###", "#..", "###"),
    "D": ("##.", "#.#", "#.#", "#.#", "##."),
}
"""Each glyph's rows, ``#`` lit; glyphs are one pixel apart."""
HEIGHT = 5
HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def pixel_width(text: str) -> int:
    """Width of ``text`` in font pixels, gaps included."""
    return sum(len(FONT[c][0]) for c in text) + max(0, len(text) - 1)


def rows_at(scale: int) -> int:
    """Terminal rows the font takes at ``scale``."""
    return -(-HEIGHT * scale // 2)


def fit(text: str, width: int, height: int) -> int:
    """The largest scale at which ``text`` fits ``width`` columns by ``height`` rows
    (0 when not even scale 1 does)."""
    scale = min(width // pixel_width(text), 2 * height // HEIGHT)
    return max(0, scale)


def big(text: str, scale: int) -> list[str]:
    """``text`` drawn at ``scale`` (see ``fit``): ``rows_at(scale)`` strings of equal width."""
    pixels = ["" for _ in range(HEIGHT)]
    for i, char in enumerate(text):
        for row in range(HEIGHT):
            pixels[row] += ("." if i else "") + FONT[char][row]
    lit = [[c == "#" for c in "".join(p * scale for p in row)]
           for row in pixels for _ in range(scale)]
    if len(lit) % 2:
        lit.append([False] * len(lit[0]))
    return ["".join(HALVES[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(lit[::2], lit[1::2], strict=True)]

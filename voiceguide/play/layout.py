"""The live panel laid out for a terminal of any size, as rows of styled text.

Top to bottom: the workout and week; the current part's name and counts; its time left
in big digits (as large as the terminal allows); the part's progress bar; what is being
said; what comes next (and, before a set, its setup line); the session's clock and bar;
the music track, if any; a warning, if one came lately; the keys. When rows are short
the digits shrink first to their smallest size, then the music, the setup line, the
warning, the speech and the next part go, in that order; 40x12 shows everything but the
music (and, while a warning shows, the setup line).
Styles are names (``work``, ``alert``, ...): the screen turns them into colours, or
into nothing under ``NO_COLOR``.
"""

from __future__ import annotations

from voiceguide.play import digits
from voiceguide.play.view import Status
from voiceguide.timefmt import clock, countdown

Span = tuple[str, str]
"""Text and its style name ("" for plain)."""
Row = list[Span]

ALERT_MS = 3_000
"""The last this many ms of a timed part show in the alert colour."""
MARGIN = 1
"""Blank columns left and right."""
KEYS = (("space", "pause"), ("n/→", "next"), ("b/←", "back"), ("q", "quit"))
ORDER = ("bar", "saying", "next", "setup", "session", "music", "notice")
"""The rows below the digits, top to bottom (``frame`` drops them in another order)."""
PHASE_TAGS = {"ready": "GET READY", "rest": "", "work": "", "talk": ""}


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with an ellipsis when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def spread(left: Row, right: Row, width: int) -> Row:
    """``left`` and ``right`` on one row of ``width``; the left is cut to make room."""
    used = sum(len(t) for t, _ in right)
    room = width - used - (1 if right else 0)
    out: Row = []
    for text, style in left:
        text = clip(text, room)
        room -= len(text)
        out.append((text, style))
    gap = width - sum(len(t) for t, _ in out) - used
    return [*out, (" " * max(1 if right else 0, gap), ""), *right]


def bar(fraction: float, width: int, style: str) -> Row:
    done = round(max(0.0, min(1.0, fraction)) * width)
    return [("█" * done, style), ("░" * (width - done), "dim")]


def with_bar(text: Row, fraction: float, width: int, style: str) -> Row:
    """A progress bar filling what ``text`` (put after it) leaves of ``width``."""
    used = sum(len(t) for t, _ in text) + 1
    if width - used < 4:
        return text
    return [*bar(fraction, width - used, style), (" ", ""), *text]


def part_style(status: Status) -> str:
    if status.paused:
        return "paused"
    timed = status.phase != "talk" and status.part_ms > ALERT_MS
    return "alert" if timed and status.part_left_ms <= ALERT_MS else status.phase


def footer(status: Status, width: int) -> Row:
    keys = (("space", "resume"), *KEYS[1:]) if status.paused else KEYS
    row: Row = []
    for key, action in keys:
        if row:
            row.append(("  ", ""))
        row += [(key, "key"), (f" {action}", "dim")]
    if sum(len(t) for t, _ in row) > width:
        row = [(t.replace("  ", " "), s) for t, s in row]
    return row


def name_rows(status: Status, width: int) -> list[Row]:
    """The part's name with its counts on one row, or the counts on a second."""
    tag = PHASE_TAGS[status.phase]
    style = "paused" if status.paused else status.phase
    left: Row = [(f"{tag} · ", style)] if tag else []
    left.append((status.name, f"{style} bold"))
    counts: Row = [(" · ".join(status.counts), "bold")] if status.counts else []
    wanted = sum(len(t) for t, _ in left + counts) + 2
    if wanted <= width or not counts:
        return [spread(left, counts, width)]
    return [spread(left, [], width), spread(counts, [], width)]


def next_rows(status: Status, width: int) -> tuple[Row, Row | None]:
    """``Next: Squat · set 2 of 3 · 0:40`` and, during a rest, its setup line."""
    up = status.next_up
    if up is None:
        return [("Next: ", "dim"), ("the end", "")], None
    what = " · ".join((up.name, *up.counts, countdown(up.length_ms)))
    waiting = status.phase in ("rest", "talk")
    setup = [(clip(f"  {up.setup}", width), "dim")] if up.setup and waiting else None
    return [("Next: ", "dim"), (clip(what, width - 6), "")], setup


def big_rows(status: Status, width: int, height: int) -> list[Row]:
    """The part's time left (or PAUSED) as large as ``width`` x ``height`` allows,
    centred; sized for the part's full length so it does not jump while counting."""
    text = "PAUSED" if status.paused else countdown(status.part_left_ms)
    sample = "PAUSED" if status.paused else "".join(
        "8" if c.isdigit() else c for c in countdown(status.part_ms))
    scale = digits.fit(sample, width, height)
    style = part_style(status) + " bold"
    if scale == 0:
        return [[(text.center(width), style)]]
    return [[(line.center(width), style)] for line in digits.big(text, scale)]


def frame(status: Status, width: int, height: int, *, notice: str = "") -> list[Row]:
    """Exactly ``height`` rows for a terminal of ``width`` x ``height``; ``notice``: a
    warning to show ("" for none)."""
    inner = max(1, width - 2 * MARGIN)
    title = [(status.title, "")]
    week = [(f"week {status.week}", "bold")] if status.week else []
    top = [spread(title, week, inner), *name_rows(status, inner)]
    left = f"{countdown(status.part_left_ms)} left of {countdown(status.part_ms)}"
    part_bar = with_bar([("paused · " if status.paused else "", "paused"), (left, "")],
                        1 - status.part_left_ms / max(1, status.part_ms), inner,
                        part_style(status))
    session = with_bar([(f"{clock(status.elapsed_ms)} done · {clock(status.remaining_ms)} "
                         "left", "")], status.elapsed_ms / max(1, status.total_ms), inner,
                       "session")
    next_row, setup = next_rows(status, inner)
    saying = [(clip(f"“{status.saying}”", inner), "" if status.speaking else "dim")]
    music = [("♪ ", "dim"), (clip(status.music, inner - 2), "dim")] if status.music else None
    warning = [(clip(f"warning: {notice}", inner), "alert")] if notice else None
    candidates: dict[str, Row | None] = {
        "session": session, "next": next_row, "saying": saying if status.saying else None,
        "notice": warning, "setup": setup, "music": music}
    fixed = len(top) + 2  # the part's bar and the keys
    room = height - fixed - digits.rows_at(1)
    shown: dict[str, Row] = {"bar": part_bar}
    for name, row in candidates.items():  # in the order they are kept
        if row is not None and room > 0:
            shown[name] = row
            room -= 1
    below = [shown[name] for name in ORDER if name in shown]
    free = height - len(top) - len(below) - 1
    big = big_rows(status, inner, max(1, free - 2 if free >= 5 else free))
    spare = max(0, free - len(big))
    rows = [*top, *[[]] * (spare // 2), *big, *[[]] * (spare - spare // 2), *below,
            footer(status, inner)]
    return [[(" " * MARGIN, ""), *row] if row else row for row in rows[:height]]

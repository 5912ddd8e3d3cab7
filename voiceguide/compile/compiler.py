"""Script as played -> Timeline: the compiler's one entry point, pure and deterministic.

Blocks become parts (``compile_blocks``), parts go onto the clock with measured speech
(``compile_layout``); this module ties them together and derives the chapters.
"""

from __future__ import annotations

from dataclasses import replace

from voiceguide.adjust.week import week_say
from voiceguide.compile.layout import Layout
from voiceguide.compile.phrasebook import Phrasebook
from voiceguide.compile.plan import Planner
from voiceguide.problems import Loc, Problem, sorted_problems
from voiceguide.script.model import Say, Script
from voiceguide.script.translations import LANGUAGE_NAMES, translated
from voiceguide.speech.protocol import SpeechLengths
from voiceguide.timeline.events import Chapter, Section, Timeline

TITLE_CHARS = 60
"""Longest chapter title taken from a ``say`` block's text."""


def compile_script(script: Script, *, speech: SpeechLengths, week: int | None = None
                   ) -> Timeline:
    """The session of ``script`` as played in week ``week``, timed with ``speech``'s
    lengths (ms).

    ``script`` already has its week's changes and any overrides (``voiceguide.app``
    applies them, once); ``week`` only picks that week's ``say`` and labels the timeline.
    Raises ScriptError when the session would last over 6 hours or hold over 20,000
    events. Warnings (dropped cues, speech too long for its slot, rests that had to
    grow) are in ``Timeline.warnings``, located at the script node.
    """
    script, untranslated = translated(script, script.written_in)
    notes = [] if not untranslated else [_untranslated(script, untranslated)]
    planner = Planner(script, Phrasebook(script.language, script.phrases),
                      week_say(script, week))
    layout = Layout(speech, script.voice, script.path)
    layout.run(planner.parts())
    sections = tuple(layout.sections)
    return Timeline(
        title=script.workout,
        language=script.language,
        voice=script.voice,
        beeps=script.beeps,
        music=script.music,
        events=tuple(sorted(layout.events, key=lambda e: (e.at_ms, e.kind))),
        sections=sections,
        chapters=_chapters(script, sections),
        total_ms=layout.t,
        week=week,
        description=script.description,
        warnings=tuple(sorted_problems(notes + planner.warnings + layout.warnings)),
    )


def _untranslated(script: Script, count: int) -> Problem:
    """The one warning for a session played in a language its texts lack."""
    language, written = script.language, LANGUAGE_NAMES[script.written_in]
    lines = f"{count} line{'s' if count != 1 else ''}"
    if language in dict(script.translations):
        message = (f"the script's {language} translation lacks {lines}; "
                   f"{'it is' if count == 1 else 'they are'} spoken in {written}")
    else:
        message = (f"the script has no {language} translation: its {lines} are spoken in "
                   f"{written}")
    return Problem(script.path, Loc(), "warning", message,
                   f"add translations: {language}: to the script")


def _title(script: Script, block: int) -> str:
    if block < 0:
        return script.workout
    node = script.blocks[block]
    if isinstance(node, Say):
        text = node.text.text
        return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1].rstrip() + "…"
    return node.name


def _owners(script: Script) -> list[int]:
    """The block whose chapter each block belongs to: a ``say`` block introduces the next
    block that is not one (a closing ``say`` with none after it ends the last chapter:
    -1, as the end does)."""
    owners = [-1] * len(script.blocks)
    owner = -1
    for i in reversed(range(len(script.blocks))):
        if not isinstance(script.blocks[i], Say):
            owner = i
        owners[i] = owner
    return owners


def _chapters(script: Script, sections: tuple[Section, ...]) -> tuple[Chapter, ...]:
    """One chapter per block, tiling the session: the welcome opens the first chapter, a
    ``say`` block opens the next block's, and the end closes the last."""
    owners = _owners(script)
    spans: list[list[int]] = []
    for section in sections:
        s = section if section.block < 0 else replace(section, block=owners[section.block])
        if spans and (s.block in (spans[-1][2], -1)):
            spans[-1][1] = s.end_ms
        elif spans and spans[-1][2] == -1:
            spans[-1][1:] = [s.end_ms, s.block]
        else:
            spans.append([s.start_ms, s.end_ms, s.block])
    return tuple(Chapter(start, end, block, _title(script, block)) for start, end, block in spans)

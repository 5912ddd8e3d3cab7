"""The gain structure: every factor the renderer applies, decided before mixing.

Named steps, each a plain factor per sound, so another layer (a music bed) joins by
adding its relative level and its placements to the predictions:

1. **relative levels** -- each speech clip at 0 LU by its own measured loudness (not
   its peak, so "one" and a long cue are equally loud), times the voice volume; each
   beep at ``BEEP_LEVELS_LU[name]`` LU relative to speech, times the beep volume
   relative to its default. The session's loudness is predicted from the timeline
   (``loudness.predict``) and the **session offset** moves it onto the target.
2. **speech at its loudness** -- each clip brought to 0 LU + offset with its peaks
   limited on its own (``peaks.py``; measured by ``levels.LevelCache.speech_at``), the
   beeps moved by the offset. A clip limited to its loudness has its energy spread
   differently over time (Piper's clips: the session came out 0.4-0.6 LU under), so
   the session is predicted again with the limited clips, and if it misses by more than
   ``CORRECT_OVER_LU`` the offset is corrected and the clips brought to it once more.
3. **limiter** -- on the mix (``limiter.py``): true peaks under the ceiling where
   sounds overlap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from voiceguide.render.levels import SILENT, Level
from voiceguide.render.loudness import Placement, predict
from voiceguide.script.model import BeepSettings
from voiceguide.timeline.events import Timeline

BEEP_LEVELS_LU: dict[str, float] = {
    "go": -2.0, "countdown": -3.0, "tick": -4.0, "end": -2.0, "finish": -2.0,
}
"""Each beep's loudness over its length relative to speech, in LU at the default
beep volume: the frequent tempo tick a little under the rest, all within 4 LU of the
voice, so they carry on a phone speaker without covering it."""
ROTATE_OVER_LUFS = -16.0
"""A session whose target is louder than this (LUFS, as measured: stereo with music) has
its speech phase-rotated before it is limited (``rotator.py``): the limiter alone
reaches -16, so the default target and every quieter one sound as the speech was
synthesized, and louder ones get the lower peaks they need."""
CORRECT_OVER_LU = 0.1
"""A second prediction missing the target by more than this corrects the offset."""
DEFAULT_BEEP_VOLUME = BeepSettings().volume
"""The beep volume at which beeps sit at ``BEEP_LEVELS_LU``."""

SpeechAt = Callable[[str, float, Level | None, bool], Level]
"""A text's clip brought to a loudness (LUFS) with its peaks limited (searching from its
level at another loudness, if given), phase-rotated first or not."""


@dataclass(frozen=True)
class GainPlan:
    """What the mixer applies: per text, its limited clip's level (whose ``gain`` comes
    before the peak limiting); per beep, its factor."""

    speech: Mapping[str, Level]
    beeps: Mapping[str, float]
    offset_lu: float
    """Step 1's session offset: the loudness in LUFS a speech clip is brought to."""
    rotated: bool = False
    """Whether speech is phase-rotated before its peaks are limited (``peaks.source``)."""


def relative_gain(level: Level, lu: float, volume: float) -> float:
    """The factor that puts a sound of ``level`` at ``lu`` LU, times ``volume``."""
    if level.loudness == SILENT or volume <= 0:
        return 0.0
    return 10 ** ((lu - level.loudness) / 20) * volume


def db(factor: float) -> float:
    return 20 * math.log10(factor) if factor > 0 else SILENT


def placements(timeline: Timeline, speech: Mapping[str, tuple[Level, float]],
               cues: Mapping[str, tuple[Level, float]]) -> list[Placement]:
    """Every event of ``timeline`` as a placed (level, gain)."""
    placed = []
    for event in timeline.events:
        level, gain = speech[event.text] if event.kind == "speech" else cues[str(event.sound)]
        placed.append(Placement(event.at_ms, level, gain))
    return placed


def plan_gains(timeline: Timeline, clips: Mapping[str, Level], cues: Mapping[str, Level],
               speech_at: SpeechAt, *, target_lufs: float,
               layers: Sequence[Placement] = (), rotated: bool = False) -> GainPlan:
    """The gains that bring ``timeline`` to ``target_lufs``; ``clips`` holds the level of
    every spoken text as synthesized, ``cues`` that of every beep it uses, and
    ``layers`` other sounds placed relative to speech at 0 LU (the music bed), which
    the session offset moves with it; ``rotated``: speech is phase-rotated first."""
    voice_db = db(timeline.voice.volume)
    beep_volume = timeline.beeps.volume / DEFAULT_BEEP_VOLUME
    beeps = {name: (level, relative_gain(level, BEEP_LEVELS_LU[name], beep_volume))
             for name, level in cues.items()}
    relative = {text: (level, relative_gain(level, 0.0, timeline.voice.volume))
                for text, level in clips.items()}
    predicted = predict([*placements(timeline, relative, beeps), *layers], timeline.total_ms)
    offset = target_lufs - (0.0 if predicted == SILENT else predicted)
    speech: dict[str, Level] = {}
    if voice_db != SILENT:
        speech = {text: speech_at(text, offset + voice_db, None, rotated) for text in clips}
        placed = {text: (level, 1.0) for text, level in speech.items()}
        scaled = {name: (level, gain * 10 ** (offset / 20))
                  for name, (level, gain) in beeps.items()}
        moved = [Placement(p.at_ms, p.level, p.gain * 10 ** (offset / 20)) for p in layers]
        again = predict([*placements(timeline, placed, scaled), *moved], timeline.total_ms)
        if again != SILENT and abs(target_lufs - again) > CORRECT_OVER_LU:
            offset += target_lufs - again
            speech = {text: speech_at(text, offset + voice_db, speech[text], rotated)
                      for text in clips}
    offset_gain = 10 ** (offset / 20)
    return GainPlan(speech=speech,
                    beeps={name: gain * offset_gain for name, (_, gain) in beeps.items()},
                    offset_lu=offset, rotated=rotated)

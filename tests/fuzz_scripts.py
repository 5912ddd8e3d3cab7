"""A seeded generator of mutated scripts, and a runner that parses, applies weeks and
overrides, and compiles each one, reporting anything but a clean result.

Run by tests/test_fuzz.py in a child process (``python -m tests.fuzz_scripts SEED N``),
so one script that hangs or takes too much memory is caught by limits that cannot
harm the test run: each script gets ``SCRIPT_TIMEOUT_S`` of wall time (an interval
timer), the process an address-space ceiling, and the largest resident size is
reported back.
"""

from __future__ import annotations

import json
import random
import re
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).parent.parent
SCRIPT_TIMEOUT_S = 5.0
ADDRESS_SPACE = 2 << 30
"""A ceiling on the child's address space, so a runaway allocation fails as a
MemoryError in the report instead of pressing on the machine (numpy alone maps
several hundred MB of address space, so this is well above the resident limit the
test checks)."""

TOKENS = [
    "1" + "0" * 400, "0x" + "f" * 600, "1" + ":0" * 300, ".nan", ".inf", "-.inf", "-1", "0",
    "1e999", "99999999999999999999", "'\\ud800'", '"\\ud800"', '"\\ud83d\\udcaa"',
    '"\\udc00x"', "!!python/object:os.system", "!!binary aGk=", "&a [*a]", "*a", "&b x",
    "<<: *b", "[" * 60 + "]" * 60, "{" * 30 + "}" * 30, "~", "''", "' '", "x" * 600,
    "2-1-2", "0-0-0", "10-10-10-10", "45s", "1h", "0.001s", "3600.5s", "61m", "true",
    "{time}", "{nope}", "{{", "}", "tone", "/dev/zero", "/", "nosuch.wav",
    "~nosuchuser/x.wav", '"a\\0b.wav"',
    "/dev/z" + "x" * 300, "gmw/en", "de",
    "\t", "\x00", "\x1b[31m", "- ", ": ", "? ", "|", ">", "#", "%YAML 1.1", "---", "...",
]
"""Values and fragments that broke, or could break, something."""
KEYS = ["workout", "blocks", "defaults", "phrases", "progression", "format", "voice",
        "beeps", "language", "week", "set", "sets", "reps", "rest", "tempo", "time", "cues",
        "every", "interval", "say", "at", "start", "halfway", "last", "moves", "name",
        "sides", "countdown", "hold", "exercise", "warmup", "march", "volume", "rate",
        "sound", "talk", "weight", "get_ready", "translations", "tempo_words", "music", "path",
        "duck", "shuffle"]


def seeds() -> list[str]:
    """The scripts mutations start from: every bundled, golden-case and corpus script."""
    folders = [ROOT / "scripts", ROOT / "tests" / "data" / "cases",
               ROOT / "tests" / "data" / "bad" / "scripts"]
    return [path.read_text("utf-8") for folder in folders
            for path in sorted(folder.glob("*.yaml"))]


def mutate(text: str, rng: random.Random) -> str:
    """One to four edits (mostly one, so many mutants still compile): numbers moved to
    and past their limits, tokens, keys, lines, characters, or a value swapped out."""
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        text = rng.choice(EDITS)(text, rng)
    return text


NUMBERS = ["0", "1", "2", "3", "9", "10", "11", "19", "20", "21", "99", "100", "101", "399",
           "400", "401", "0.5", "0.001", "1.5", "59", "60", "3599", "3600", "3601", "21600"]


def _tweak_number(text: str, rng: random.Random) -> str:
    numbers = list(re.finditer(r"\d+(?:\.\d+)?", text))
    if not numbers:
        return _insert_token(text, rng)
    found = rng.choice(numbers)
    return text[:found.start()] + rng.choice(NUMBERS) + text[found.end():]


def _insert_token(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + rng.choice(TOKENS) + text[at:]


def _replace_value(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ": " in line]
    if not candidates:
        return _insert_token(text, rng)
    i = rng.choice(candidates)
    key, _, _ = lines[i].partition(": ")
    lines[i] = f"{key}: {rng.choice(TOKENS)}\n"
    return "".join(lines)


def _insert_key(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randint(0, len(lines))
    indent = " " * rng.choice([0, 2, 4, 6])
    lines.insert(i, f"{indent}{rng.choice(KEYS)}: {rng.choice(TOKENS)}\n")
    return "".join(lines)


def _shuffle_lines(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.choice(["swap", "drop", "copy"])
    if action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "drop":
        del lines[i]
    else:
        lines.insert(j, lines[i] * rng.randint(1, 50))
    return "".join(lines)


def _flip_chars(text: str, rng: random.Random) -> str:
    if not text:
        return text
    at = rng.randrange(len(text))
    cut = rng.randint(0, 3)
    return text[:at] + rng.choice(":-[]{},&*!'\"#|>\n \t0") * rng.randint(0, 2) + text[at + cut:]


EDITS: list[Callable[[str, random.Random], str]] = [
    _tweak_number, _tweak_number, _tweak_number, _insert_token, _replace_value, _insert_key,
    _shuffle_lines, _flip_chars]


def scripts(seed: int, count: int) -> Iterator[tuple[str, str]]:
    """Mutated scripts, each with a ``--set`` value to apply to it."""
    rng = random.Random(seed)
    base = seeds()
    names = ["Squat", "Hip thrust", "Plank", "Warm-up", "x", ""]
    for _ in range(count):
        value = rng.choice([*TOKENS, *NUMBERS, "\udcff", "30s", "2-1-2"])
        yield mutate(rng.choice(base), rng), f"{rng.choice(names)}.{rng.choice(KEYS)}={value}"


class Timeout(Exception):
    """One script took longer than ``SCRIPT_TIMEOUT_S``."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Timeout


def check(text: str, set_text: str) -> None:
    """Parse, then (if valid) every week, the overrides (``set_text`` as ``--set``) and
    compile, as the CLI does; any exception but a reported ScriptError escapes."""
    from tests.fakes import FakeSpeech
    from voiceguide.adjust.apply import apply_overrides
    from voiceguide.adjust.overrides import Override, Overrides
    from voiceguide.adjust.week import apply_week
    from voiceguide.compile.compiler import compile_script
    from voiceguide.errors import ScriptError
    from voiceguide.problems import printable
    from voiceguide.script.parse import parse_script
    from voiceguide.timeline.dump import dump_text

    script, problems = parse_script(text, "fuzz.yaml")
    for problem in problems:
        printable(problem.format()).encode("utf-8")
    if script is None:
        return
    weeks = sorted({entry.week for entry in script.progression}) or [None]
    try:
        fields = (Override("--rest", "rest", "30s"), Override.from_set(set_text))
    except ScriptError:
        fields = (Override("--rest", "rest", "30s"),)
    overrides = Overrides(fields=fields, rate=200)
    for week in weeks[:3]:
        for changes in (None, overrides):
            try:
                played = apply_week(script, week)
                if changes:
                    played = apply_overrides(played, changes)
                played = replace(played, voice=replace(played.voice, name=None))
                timeline = compile_script(played, speech=FakeSpeech(), week=week)
            except ScriptError as exc:
                assert exc.problems, "a ScriptError with no problem"
                continue
            json.dumps(timeline.to_dict())
            dump_text(timeline)


def run(seed: int, count: int) -> dict[str, object]:
    """Every failure (traceback and script), the slowest script, and the peak RSS."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    signal.signal(signal.SIGALRM, _alarm)
    failures: list[dict[str, str]] = []
    slowest = 0.0
    checked = 0
    for text, set_text in scripts(seed, count):
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, SCRIPT_TIMEOUT_S)
        try:
            check(text, set_text)
        except Exception:  # noqa: BLE001 - every failure is the report
            failures.append({"script": f"{text}\n# --set {set_text!r}",
                             "error": traceback.format_exc(limit=6)})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, time.perf_counter() - started)
        checked += 1
    return {"checked": checked, "failures": failures[:5], "failed": len(failures),
            "slowest_s": round(slowest, 3), "peak_rss_mb": peak_rss_kib() // 1024}


def peak_rss_kib() -> int:
    """This process's resident high-water mark (VmHWM). Not ``ru_maxrss``: that one is
    kept across exec, so a child of a large test process would report the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]), int(sys.argv[2]))))

"""The house keeps its shape: each stage imports only earlier stages and the foundation,
the compile stage does no I/O, and docs/architecture.md's module map names every module.
Read from the source, so nothing is imported."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "voiceguide"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"
FOUNDATION = {"errors", "problems", "atomic", "ffmpeg", "inputs", "paths", "timefmt",
              "pcm", "disklru", "signals"}
"""Top-level modules every stage may import."""
STAGES = ("script", "adjust", "timeline", "speech", "compile", "render", "store", "export",
          "play")
"""The pipeline's stages, in order: a stage may import those before it."""
CROSSING = {"app", "doctor", "cli", "__main__", "__init__"}
"""The application layer: the only places that chain stages."""
IO_MODULES = {"os", "io", "pathlib", "shutil", "subprocess", "sqlite3", "socket", "tempfile",
              "wave", "platformdirs", "importlib.resources", "threading", "time"}
"""What the pure compile stage must not import."""


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """Every module name an import statement in ``path`` names (absolute, dotted)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: use absolute imports"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def room(path: Path) -> str:
    """The stage or top-level module a file belongs to."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def own_room(name: str) -> str | None:
    """The voiceguide room an imported name lies in, or None for outside modules."""
    parts = name.split(".")
    if parts[0] != "voiceguide" or len(parts) == 1:
        return None
    return parts[1]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_stage_imports_only_earlier_stages_and_the_foundation(path: Path) -> None:
    here = room(path)
    if here in CROSSING or here in {"scripts", "beep_sounds"}:
        return
    allowed = FOUNDATION | set(STAGES[:STAGES.index(here) + 1]) if here in STAGES else FOUNDATION
    wrong = sorted(name for name in imported(path)
                   if (other := own_room(name)) is not None and other not in allowed
                   and other not in {"scripts", "beep_sounds"})
    assert wrong == [], f"{path.relative_to(PACKAGE)} reaches past its stage: {wrong}"


def test_every_package_module_is_in_a_known_room() -> None:
    rooms = {room(p) for p in modules()}
    assert rooms <= FOUNDATION | set(STAGES) | CROSSING | {"scripts", "beep_sounds"}, rooms


def test_the_compile_stage_does_no_io() -> None:
    for path in (PACKAGE / "compile").glob("*.py"):
        used = {name for name in imported(path) if own_room(name) is None}
        assert not used & IO_MODULES, f"{path.name} imports {sorted(used & IO_MODULES)}"


def test_stage_packages_stay_light() -> None:
    """A warm start imports a stage's modules one by one, never its whole package."""
    for stage in STAGES:
        init = ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))
        assert all(isinstance(node, ast.Expr) for node in init.body), stage


def map_sections() -> dict[str, str]:
    """The module map of docs/architecture.md: each ``### `` heading's text -> its body."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    module_map = text.split("\n## Module map\n", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### (.*)$", module_map, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def map_entry(path: Path) -> tuple[str, str]:
    """Where the module map lists ``path``: the heading it goes under, and its name."""
    relative = path.relative_to(PACKAGE)
    here = room(path)
    if here in STAGES:
        return f"`{here}/`", relative.name
    if here in CROSSING or here == "cli":
        return "Application layer", relative.as_posix()
    return "Foundation", relative.name


def test_the_module_map_names_every_module() -> None:
    """A newcomer finds every module's room in the docs; a new module must be added."""
    sections = map_sections()
    missing = []
    for path in modules():
        if path.name == "__init__.py" and room(path) != "cli":
            continue  # the package's and the stages' docstrings only
        heading, name = map_entry(path)
        body = next((text for title, text in sections.items() if title.startswith(heading)),
                    "")
        if f"`{name}`" not in body:
            missing.append(f"{name} (under {heading})")
    assert missing == [], f"docs/architecture.md's module map lacks {missing}"

"""The package's layers import only downward.

Every ``import`` and ``from ... import`` in the syntax tree of every module of ``sim`` is
checked, including imports inside functions and under ``TYPE_CHECKING``: a module may import
its own package (a layer is a package) and any layer below its own, never a layer above it
or beside it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

# bottom first; packages on one floor must not import each other
LAYERS: list[set[str]] = [
    {"sim.system"},
    {"sim.transforms"},
    {"sim.world"},
    {"sim.schemas"},
    {"sim.engine"},
    {"sim.exporters", "sim.truth"},
    {"sim.validate", "sim.recover", "sim.rag"},
    {"sim.run", "sim.calibrate", "sim.diagnostics"},
    {"sim.sweep"},  # many runs of sim.run at once: it imports sim.run, so it sits just above it
    {"sim.cli"},
    {"sim.__main__"},
]
FLOOR = {unit: i for i, floor in enumerate(LAYERS) for unit in floor}


def unit_of(module: str) -> str | None:
    """The layer unit of a dotted module name (``sim.engine.model`` -> ``sim.engine``)."""
    parts = module.split(".")
    if parts[0] != "sim":
        return None
    if len(parts) == 1:
        return "sim"  # the package's face: its version only
    return ".".join(parts[:2])


def module_name(path: Path) -> str:
    rel = path.relative_to(SIM.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file; relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((node.lineno, mod))
            # `from sim import engine` imports the submodule sim.engine
            if mod == "sim":
                found += [(node.lineno, f"sim.{alias.name}") for alias in node.names if alias.name != "__version__"]
    return found


def violations() -> list[str]:
    out = []
    for path in sorted(SIM.rglob("*.py")):
        here = module_name(path)
        unit = unit_of(here)
        if unit == "sim":
            for line, mod in imported_modules(path):
                if mod.startswith("sim"):
                    out.append(f"{path.relative_to(SIM.parent)}:{line}: the package face imports {mod}")
            continue
        if unit not in FLOOR:
            out.append(f"{path.relative_to(SIM.parent)}: module {here} belongs to no layer (add it to LAYERS)")
            continue
        for line, mod in imported_modules(path):
            target = unit_of(mod)
            if target is None or target == unit or target == "sim":
                continue
            if target not in FLOOR:
                out.append(f"{path.relative_to(SIM.parent)}:{line}: imports {mod}, which belongs to no layer")
            elif FLOOR[target] >= FLOOR[unit]:
                way = "sideways" if FLOOR[target] == FLOOR[unit] else "upward"
                out.append(f"{path.relative_to(SIM.parent)}:{line}: {unit} imports {mod} ({way})")
    return out


def test_every_import_points_down():
    assert violations() == []


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The checker itself can fail: a world module that imports the engine is reported."""
    fake = tmp_path / "sim"
    (fake / "world").mkdir(parents=True)
    (fake / "engine").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "world" / "__init__.py").write_text("")
    (fake / "engine" / "__init__.py").write_text("")
    (fake / "world" / "bad.py").write_text("def f():\n    from sim.engine import model\n")
    (fake / "engine" / "ok.py").write_text("from sim.world import bad\nfrom . import ok\n")
    monkeypatch.setattr(sys.modules[__name__], "SIM", fake)
    found = violations()
    assert found == ["sim/world/bad.py:2: sim.world imports sim.engine (upward)"]


@pytest.mark.parametrize("module, forbidden", [
    ("sim.world.config", ("sim.engine", "sim.exporters", "sim.recover", "sim.truth", "sim.validate", "sim.schemas")),
    ("sim.engine.model", ("sim.exporters", "sim.recover", "sim.truth", "sim.validate", "sim.schemas")),
])
def test_loading_a_layer_loads_nothing_above_it(module, forbidden):
    code = (f"import sys, {module}; "
            f"up = sorted(m for m in sys.modules if m.startswith({forbidden!r})); print(up); sys.exit(bool(up))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

"""The real MMM tools load our files unchanged: the README's own snippets, run as they are shown.

PyMC-Marketing (extra ``pymc``) builds its multidimensional model and Meridian (extra
``meridian``) constructs its default geo model from the committed canonical files, with no
sampling; both again from files written for other geos and weeks, and from a small ``three_years``
run (156 weeks, 13 geos). Each snippet runs in a fresh
Python from the repository root, as a user would run it, so the tools' threads (JAX, TensorFlow)
never enter this process, whose later tests fork workers. Robyn is R: its documented input
checks are run on the committed files instead. A test whose extra is missing is skipped with
the install command; CI installs both.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.exporters.formats import (
    Panel,
    adults,
    build_panel,
    layout_problems,
    region_geography,
    week_starts_of,
    write_formats,
)
from sim.exporters.formats.panel import active_channels
from sim.world.config import load_world

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "outputs" / "canonical"
FORMATS = CANONICAL / "recover" / "formats"
FOLDER_IN_SNIPPETS = 'Path("outputs/canonical/recover/formats")'
TOOL_SECONDS = 600  # a bound on one fresh Python that loads a tool (imports, model build; no sampling)
GEOS = region_geography(load_world("baseline")).geos  # the geo files': the UK's regions, DE, FR


def _need(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:  # found without importing it here
        pytest.skip(f"extra '{extra}' not installed: pip install -c constraints.txt -e '.[{extra}]'")


def readme_snippet(name: str) -> str:
    """The ```python block under ``<!-- real-tools: NAME -->`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- real-tools: {name} -->\n```python\n(.*?)\n```", text, flags=re.S)
    assert found, f"README.md has no python block under <!-- real-tools: {name} -->"
    assert FOLDER_IN_SNIPPETS in found.group(1)
    return found.group(1)


def in_fresh_python(code: str, folder: Path | None = None):
    """Run ``code`` (on the files in ``folder`` instead of the canonical ones) from the repository root;
    it prints one JSON line last, which is returned."""
    if folder is not None:
        code = code.replace(FOLDER_IN_SNIPPETS, f"Path({str(folder)!r})")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=TOOL_SECONDS)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def other_geos_and_weeks(tmp_path_factory) -> Path:
    """The canonical raw exports cut to two geos and the last 40 weeks, written by the same writers."""
    population = adults(load_world("baseline"))
    weeks = week_starts_of(pd.read_csv(CANONICAL / "mmm" / "model_ready.csv", usecols=["week_start"]))
    full = build_panel(CANONICAL / "raw", weeks, list(population))
    keep = full.weeks[-40:]
    geo = full.geo[full.geo["geo"].isin(["UK", "FR"]) & full.geo["week_start"].isin(keep)].reset_index(drop=True)
    national = full.national[full.national["week_start"].isin(keep)].reset_index(drop=True)
    panel = Panel(geo, national, active_channels(geo, full.channels), full.country_of)
    out = tmp_path_factory.mktemp("other_formats")
    write_formats(out, panel, {g: population[g] for g in panel.geos})
    return out


@pytest.fixture(scope="module")
def three_years(tmp_path_factory) -> Path:
    """The formats of a small ``three_years`` run (156 weeks, the 13 geos), written as `sim compare` writes them."""
    from sim.cli import main
    from sim.exporters.formats import write_all

    run = tmp_path_factory.mktemp("three_years") / "run"
    assert main(["run", "three_years", "--out", str(run), "--set", "run.population=8000", "--quiet"]) == 0
    out = run / "formats"
    out.mkdir()
    write_all(run, out, load_world("three_years"))
    return out


def _config(folder: Path) -> dict:
    return json.loads((folder / "pymc_marketing_config.json").read_text())


# --------------------------------------------------------------------------- PyMC-Marketing
PYMC_REPORT = """
import json as _json
print(_json.dumps({level: {"channels": list(m.model.coords["channel"]), "controls": list(m.model.coords["control"]),
                           "dates": len(m.model.coords["date"]), "geos": list(m.model.coords.get("geo", [])),
                           "target": list(m.model["target_data"].get_value().shape)} for level, m in models.items()}))
"""


def _check_pymc(built: dict, folder: Path, geos: list[str], weeks: int) -> None:
    """``geos``: those of the geo file."""
    config = _config(folder)
    for level, model in built.items():
        assert model["channels"] == config[level]["mmm"]["channel_columns"]
        assert model["controls"] == config[level]["mmm"]["control_columns"]
        assert model["dates"] == weeks
        assert model["target"] == ([weeks, len(geos)] if level == "geo" else [weeks])
    assert sorted(built["geo"]["geos"]) == sorted(geos)


@pytest.mark.slow
def test_pymc_marketing_builds_from_the_shipped_files():
    _need("pymc_marketing", "pymc")
    _check_pymc(in_fresh_python(readme_snippet("pymc") + PYMC_REPORT), FORMATS, GEOS, 52)


PYMC_EVERY_KPI = """
import json
from pathlib import Path

import pandas as pd
from pymc_marketing.mmm.components.adstock import adstock_from_dict
from pymc_marketing.mmm.components.saturation import saturation_from_dict
from pymc_marketing.mmm.multidimensional import MMM

folder = Path("outputs/canonical/recover/formats")
totals = {}
for level, spec in json.loads((folder / "pymc_marketing_config.json").read_text()).items():
    df = pd.read_csv(folder / spec["csv"], parse_dates=[spec["mmm"]["date_column"]])
    for kpi in spec["kpis"]:
        config = dict(spec["mmm"], target_column=kpi, adstock=adstock_from_dict(spec["mmm"]["adstock"]),
                      saturation=saturation_from_dict(spec["mmm"]["saturation"]))
        mmm = MMM(**config)
        mmm.build_model(df.drop(columns=list(spec["kpis"])), df[kpi])
        totals[level + "/" + kpi] = [float(mmm.model["target_data"].get_value().sum()), float(df[kpi].sum())]
print(json.dumps(totals))
"""


@pytest.mark.slow
def test_pymc_marketing_builds_for_every_kpi():
    _need("pymc_marketing", "pymc")
    totals = in_fresh_python(PYMC_EVERY_KPI)
    config = _config(FORMATS)
    assert "web_sessions" in config["national"]["kpis"] and "web_sessions" not in config["geo"]["kpis"]
    assert len(totals) == len(config["national"]["kpis"]) + len(config["geo"]["kpis"]) == 7
    for key, (went_in, in_file) in totals.items():
        assert went_in == pytest.approx(in_file) and in_file > 0, key  # the KPI is the model's target


# files written by the same writers for other geos and weeks, and those of a small three_years run
OTHER_FILES = [("other_geos_and_weeks", ["UK", "FR"], 40), ("three_years", GEOS, 156)]


@pytest.mark.slow
@pytest.mark.parametrize("files, geos, weeks", OTHER_FILES)
def test_pymc_marketing_builds_for_other_geos_and_weeks(request, files, geos, weeks):
    _need("pymc_marketing", "pymc")
    folder = request.getfixturevalue(files)
    _check_pymc(in_fresh_python(readme_snippet("pymc") + PYMC_REPORT, folder), folder, geos, weeks)


# --------------------------------------------------------------------------- Meridian
MERIDIAN_REPORT = """
import json as _json
print(_json.dumps({"geos": [str(g) for g in mmm.input_data.geo.values], "n_times": int(mmm.n_times),
                   "channels": [str(c) for c in mmm.input_data.media_channel.values],
                   "controls": [str(c) for c in mmm.input_data.control_variable.values]
                   if mmm.input_data.controls is not None else None,
                   "kpi_type": data.kpi_type, "kpi_total": float(data.kpi.sum())}))
"""


def _check_meridian(built: dict, folder: Path, geos: list[str], weeks: int) -> None:
    files = json.loads((folder / "meridian_coord_to_columns.json").read_text())
    assert sorted(built["geos"]) == sorted(geos) and built["n_times"] == weeks
    assert built["channels"] == list(files["media_to_channel"].values())
    assert built["controls"] == files["coord_to_columns"].get("controls")
    assert built["kpi_total"] > 0


@pytest.mark.slow
def test_meridian_constructs_its_default_model_from_the_shipped_files():
    _need("meridian", "meridian")
    built = in_fresh_python(readme_snippet("meridian") + MERIDIAN_REPORT)
    _check_meridian(built, FORMATS, GEOS, 52)
    assert built["kpi_type"] == "non_revenue"


MERIDIAN_EVERY_KPI = """
import json
from pathlib import Path

from meridian.data import load
from meridian.model import model, spec

folder = Path("outputs/canonical/recover/formats")
files = json.loads((folder / "meridian_coord_to_columns.json").read_text())
built = {}
for name, choice in files["kpi_choices"].items():
    columns = {**files["coord_to_columns"], "kpi": choice["kpi"], "revenue_per_kpi": choice["revenue_per_kpi"]}
    data = load.CsvDataLoader(csv_path=str(folder / files["csv"]), kpi_type=choice["kpi_type"],
                              coord_to_columns=load.CoordToColumns(**columns),
                              media_to_channel=files["media_to_channel"],
                              media_spend_to_channel=files["media_spend_to_channel"]).load()
    mmm = model.Meridian(input_data=data, model_spec=spec.ModelSpec())
    built[name] = [int(mmm.n_geos), int(mmm.n_times), data.kpi_type, float(data.kpi.sum())]
print(json.dumps(built))
"""


@pytest.mark.slow
def test_meridian_constructs_for_every_kpi_choice():
    _need("meridian", "meridian")
    built = in_fresh_python(MERIDIAN_EVERY_KPI)
    files = json.loads((FORMATS / "meridian_coord_to_columns.json").read_text())
    assert set(built) == set(files["kpi_choices"]) == {"revenue", "units", "leads"}  # no sessions per region
    for name, (geos, weeks, kpi_type, total) in built.items():
        assert (geos, weeks, kpi_type) == (len(GEOS), 52, files["kpi_choices"][name]["kpi_type"]) and total > 0, name


@pytest.mark.slow
@pytest.mark.parametrize("files, geos, weeks", OTHER_FILES)
def test_meridian_constructs_for_other_geos_and_weeks(request, files, geos, weeks):
    _need("meridian", "meridian")
    folder = request.getfixturevalue(files)
    _check_meridian(in_fresh_python(readme_snippet("meridian") + MERIDIAN_REPORT, folder), folder, geos, weeks)


# --------------------------------------------------------------------------- Robyn (R: its checks, not a load)
def test_robyn_files_pass_robyns_documented_input_checks():
    files = json.loads((FORMATS / "robyn_inputs.json").read_text())
    dt_input = pd.read_csv(FORMATS / files["csv"])
    assert layout_problems(dt_input, files["robyn_inputs"]) == []
    for choice in files["kpi_choices"].values():
        assert layout_problems(dt_input, {**files["robyn_inputs"], **choice}) == []
    assert len(dt_input) == 52 and files["sales_weeks"]["weeks_with_sales"] == int(dt_input["has_sales"].sum())

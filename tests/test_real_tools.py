"""The real MMM tools load our files unchanged: the README's own snippets, run as they are shown.

PyMC-Marketing (extra ``pymc``) builds its multidimensional model and Meridian (extra
``meridian``) constructs its default geo model from the committed canonical files, with no
sampling; both again from files written for other geos and weeks. Robyn is R: its documented
input checks are run on the committed files instead. A test whose extra is missing is skipped
with the install command; CI installs both.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sim.exporters.formats import Panel, adults, build_panel, layout_problems, week_starts_of, write_formats
from sim.exporters.formats.panel import active_channels

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "outputs" / "canonical"
FORMATS = CANONICAL / "recover" / "formats"
FOLDER_IN_SNIPPETS = 'Path("outputs/canonical/recover/formats")'


def _need(module: str, extra: str):
    return pytest.importorskip(module, reason=f"extra '{extra}' not installed: pip install -c constraints.txt "
                                              f"-e '.[{extra}]'")


def readme_snippet(name: str) -> str:
    """The ```python block under ``<!-- real-tools: NAME -->`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- real-tools: {name} -->\n```python\n(.*?)\n```", text, flags=re.S)
    assert found, f"README.md has no python block under <!-- real-tools: {name} -->"
    assert FOLDER_IN_SNIPPETS in found.group(1)
    return found.group(1)


def run_snippet(name: str, folder: Path | None = None, monkeypatch=None) -> dict:
    """Run a README snippet from the repository root (or on the files in ``folder``); its namespace."""
    code = readme_snippet(name)
    if folder is not None:
        code = code.replace(FOLDER_IN_SNIPPETS, f"Path({str(folder)!r})")
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tools' advice (priors, one year of data) is not a failure here
        exec(compile(code, f"README.md:{name}", "exec"), namespace)  # noqa: S102 - the README's own code
    return namespace


@pytest.fixture(scope="module")
def other_geos_and_weeks(tmp_path_factory) -> Path:
    """The canonical raw exports cut to two geos and the last 40 weeks, written by the same writers."""
    from sim.world.config import load_world

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


def _config(folder: Path) -> dict:
    return json.loads((folder / "pymc_marketing_config.json").read_text())


# --------------------------------------------------------------------------- PyMC-Marketing
def _check_pymc(models: dict, folder: Path, geos: list[str], weeks: int) -> None:
    config = _config(folder)
    for level, model in models.items():
        coords = model.model.coords
        assert list(coords["channel"]) == config[level]["mmm"]["channel_columns"]
        assert list(coords["control"]) == config[level]["mmm"]["control_columns"]
        assert len(coords["date"]) == weeks
        assert model.model["target_data"].get_value().shape == ((weeks, len(geos)) if level == "geo" else (weeks,))
    assert sorted(models["geo"].model.coords["geo"]) == sorted(geos)


def test_pymc_marketing_builds_from_the_shipped_files(monkeypatch):
    _need("pymc_marketing", "pymc")
    namespace = run_snippet("pymc", monkeypatch=monkeypatch)
    _check_pymc(namespace["models"], FORMATS, ["UK", "DE", "FR"], 52)


def test_pymc_marketing_builds_for_every_kpi():
    _need("pymc_marketing", "pymc")
    from pymc_marketing.mmm.components.adstock import adstock_from_dict
    from pymc_marketing.mmm.components.saturation import saturation_from_dict
    from pymc_marketing.mmm.multidimensional import MMM

    for level, spec in _config(FORMATS).items():
        df = pd.read_csv(FORMATS / spec["csv"], parse_dates=["date_week"])
        for kpi in spec["kpis"]:
            config = dict(spec["mmm"], target_column=kpi, adstock=adstock_from_dict(spec["mmm"]["adstock"]),
                          saturation=saturation_from_dict(spec["mmm"]["saturation"]))
            model = MMM(**config)
            model.build_model(df.drop(columns=list(spec["kpis"])), df[kpi])
            target = model.model["target_data"].get_value()  # the KPI as it went in (weeks x geos)
            assert target.sum() == pytest.approx(df[kpi].sum()) and target.max() > 0, (level, kpi)


def test_pymc_marketing_builds_for_other_geos_and_weeks(other_geos_and_weeks, monkeypatch):
    _need("pymc_marketing", "pymc")
    namespace = run_snippet("pymc", other_geos_and_weeks, monkeypatch)
    _check_pymc(namespace["models"], other_geos_and_weeks, ["UK", "FR"], 40)


# --------------------------------------------------------------------------- Meridian
def _check_meridian(mmm, folder: Path, geos: list[str], weeks: int) -> None:
    files = json.loads((folder / "meridian_coord_to_columns.json").read_text())
    assert (mmm.n_geos, mmm.n_times) == (len(geos), weeks)
    assert sorted(mmm.input_data.geo.values.tolist()) == sorted(geos)
    assert list(mmm.input_data.media_channel.values) == list(files["media_to_channel"].values())
    assert list(mmm.input_data.control_variable.values) == files["coord_to_columns"].get("controls")


@pytest.mark.slow
def test_meridian_constructs_its_default_model_from_the_shipped_files(monkeypatch):
    _need("meridian", "meridian")
    namespace = run_snippet("meridian", monkeypatch=monkeypatch)
    _check_meridian(namespace["mmm"], FORMATS, ["UK", "DE", "FR"], 52)
    assert namespace["data"].kpi_type == "non_revenue"


@pytest.mark.slow
def test_meridian_constructs_for_every_kpi_choice():
    _need("meridian", "meridian")
    from meridian.data import load
    from meridian.model import model, spec

    files = json.loads((FORMATS / "meridian_coord_to_columns.json").read_text())
    for kpi, choice in files["kpi_choices"].items():
        columns = {**files["coord_to_columns"], "kpi": choice["kpi"], "revenue_per_kpi": choice["revenue_per_kpi"]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = load.CsvDataLoader(csv_path=str(FORMATS / files["csv"]), kpi_type=choice["kpi_type"],
                                      coord_to_columns=load.CoordToColumns(**columns),
                                      media_to_channel=files["media_to_channel"],
                                      media_spend_to_channel=files["media_spend_to_channel"]).load()
            mmm = model.Meridian(input_data=data, model_spec=spec.ModelSpec())
        assert (mmm.n_geos, mmm.n_times) == (3, 52), kpi
        assert float(data.kpi.sum()) > 0, kpi


@pytest.mark.slow
def test_meridian_constructs_for_other_geos_and_weeks(other_geos_and_weeks, monkeypatch):
    _need("meridian", "meridian")
    namespace = run_snippet("meridian", other_geos_and_weeks, monkeypatch)
    _check_meridian(namespace["mmm"], other_geos_and_weeks, ["UK", "FR"], 40)


# --------------------------------------------------------------------------- Robyn (R: its checks, not a load)
def test_robyn_files_pass_robyns_documented_input_checks():
    files = json.loads((FORMATS / "robyn_inputs.json").read_text())
    dt_input = pd.read_csv(FORMATS / files["csv"])
    assert layout_problems(dt_input, files["robyn_inputs"]) == []
    for choice in files["kpi_choices"].values():
        assert layout_problems(dt_input, {**files["robyn_inputs"], **choice}) == []
    assert len(dt_input) == 52 and files["sales_weeks"]["weeks_with_sales"] == int(dt_input["has_sales"].sum())

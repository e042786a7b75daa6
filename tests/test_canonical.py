"""The committed canonical dataset: it validates, it answers the extract's verification
commands, and regenerating it from scratch reproduces every byte its manifest records."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"
RAW = ["meta_ads", "google_ads", "dv360", "tiktok_ads", "youtube_ads", "linkedin_ads", "tv_performance",
       "ooh_performance", "print_performance", "radio_performance", "competitor_spend", "economic_indicators",
       "events", "sla_tracking", "vehicle_sales", "website_analytics", "configurator_sessions", "leads", "test_drives"]
CONTRACTS = ["ITV_Airtime_Agreement", "Sky_Airtime_Agreement", "Sky_BVOD_Addendum", "JCDecaux_OOH_Contract",
             "ClearChannel_DOOH_Agreement", "Channel4_Media_Partnership", "MediaAgency_Terms_of_Business"]


def test_every_file_of_the_extract_exists():
    for f in RAW:
        assert (CANONICAL / "raw" / f"{f}.csv").is_file(), f
    for f in CONTRACTS:
        assert (CANONICAL / "raw" / "contracts" / f"{f}.md").is_file(), f
    for f in ("weekly_channel_spend", "weekly_sales", "model_ready"):
        assert len(pd.read_csv(CANONICAL / "mmm" / f"{f}.csv")) == 52


def test_extract_budget_and_sales_checks():
    total = 0.0
    for f in (CANONICAL / "raw").glob("*.csv"):
        df = pd.read_csv(f)
        if "spend" in df.columns:
            total += df["spend"].sum()
    assert abs(total / 20_000_000 - 1) <= 0.05
    sales = pd.read_csv(CANONICAL / "raw" / "vehicle_sales.csv").groupby("market").size()
    for market, target in {"UK": 2800, "DE": 1200, "FR": 600}.items():
        assert abs(sales[market] / target - 1) <= 0.10, market


def test_canonical_validates():
    assert main(["validate", str(CANONICAL)]) == 0


@pytest.mark.slow
def test_regenerating_reproduces_the_manifest(tmp_path):
    out = tmp_path / "canonical"
    assert main(["run", "baseline", "--out", str(out), "--quiet"]) == 0
    committed = json.loads((CANONICAL / "manifest.json").read_text())
    fresh = json.loads((out / "manifest.json").read_text())
    differing = sorted(k for k in committed["files"].keys() | fresh["files"].keys()
                       if committed["files"].get(k) != fresh["files"].get(k))
    assert not differing, f"regenerated files differ from the committed canonical manifest: {differing}"
    assert committed["config_sha256"] == fresh["config_sha256"]

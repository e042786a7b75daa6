"""Fit PyMC-Marketing and Meridian briefly on a run's recover/formats/ files; ROI against the truth.

Each tool is loaded the way the README's "Grading other MMMs" shows, fitted with few draws and
chains (a smoke fit, not a converged one), and its revenue ROI per channel (modelled
incremental revenue over the weeks / the channel's spend in the file) is printed beside the
true ROI of ``truth/channel_truth.csv`` with the Spearman rank correlation, and the fit's wall
time. PyMC-Marketing does not scale controls, so they are standardised (over the file's rows)
before its fit; Meridian standardises its own.

usage: python benchmarks/fit_real_tools.py [--run outputs/canonical] [--tools pymc-national pymc-geo meridian]
       [--draws 200] [--tune 200] [--chains 2] [--seed 1]

Needs the extras: pip install -c constraints.txt -e ".[pymc,meridian]".
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

TOOLS = ("pymc-national", "pymc-geo", "meridian")


def fit_pymc(folder: Path, level: str, args) -> pd.Series:
    from pymc_marketing.mmm.components.adstock import adstock_from_dict
    from pymc_marketing.mmm.components.saturation import saturation_from_dict
    from pymc_marketing.mmm.multidimensional import MMM

    spec = json.loads((folder / "pymc_marketing_config.json").read_text())[level]
    config = dict(spec["mmm"], adstock=adstock_from_dict(spec["mmm"]["adstock"]),
                  saturation=saturation_from_dict(spec["mmm"]["saturation"]))
    df = pd.read_csv(folder / spec["csv"], parse_dates=[config["date_column"]])
    controls = config["control_columns"]
    df[controls] = (df[controls] - df[controls].mean()) / df[controls].std().replace(0.0, 1.0)
    X, y = df.drop(columns=list(spec["kpis"])), df[config["target_column"]]
    mmm = MMM(**config)
    mmm.build_model(X, y)
    mmm.add_original_scale_contribution_variable(var=["channel_contribution"])
    mmm.fit(X, y, draws=args.draws, tune=args.tune, chains=args.chains, cores=min(args.chains, 2),
            random_seed=args.seed, progressbar=False)
    contribution = mmm.idata.posterior["channel_contribution_original_scale"].mean(("chain", "draw"))
    incremental = contribution.sum([d for d in contribution.dims if d != "channel"]).to_series()
    spend = df[config["channel_columns"]].sum()
    return pd.Series(incremental.to_numpy() / spend.reindex(incremental.index).to_numpy(),
                     index=[c.removesuffix("_spend") for c in incremental.index])


def fit_meridian(folder: Path, args) -> pd.Series:
    from meridian.analysis import analyzer
    from meridian.data import load
    from meridian.model import model, spec

    files = json.loads((folder / "meridian_coord_to_columns.json").read_text())
    data = load.CsvDataLoader(csv_path=str(folder / files["csv"]), kpi_type=files["kpi_type"],
                              coord_to_columns=load.CoordToColumns(**files["coord_to_columns"]),
                              media_to_channel=files["media_to_channel"],
                              media_spend_to_channel=files["media_spend_to_channel"]).load()
    mmm = model.Meridian(input_data=data, model_spec=spec.ModelSpec())
    mmm.sample_posterior(n_chains=args.chains, n_adapt=args.tune, n_burnin=args.tune, n_keep=args.draws,
                         seed=args.seed)
    roi = np.asarray(analyzer.Analyzer(mmm).roi())  # (chain, draw, channel): incremental revenue / spend
    return pd.Series(roi.mean(axis=(0, 1)), index=list(data.media_channel.values))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path("outputs/canonical"), help="run folder with truth/ and recover/")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    ap.add_argument("--draws", type=int, default=200, help="kept draws per chain")
    ap.add_argument("--tune", type=int, default=200, help="tuning (PyMC) / adaptation and burn-in (Meridian) steps")
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    folder = args.run / "recover" / "formats"
    truth = pd.read_csv(args.run / "truth" / "channel_truth.csv").set_index("channel")["true_roi"]
    warnings.simplefilter("ignore")
    summary = []
    for tool in args.tools:
        t0 = time.perf_counter()
        roi = fit_meridian(folder, args) if tool == "meridian" else fit_pymc(folder, tool.split("-")[1], args)
        wall = time.perf_counter() - t0
        table = pd.DataFrame({"true_roi": truth.reindex(roi.index), "recovered_roi": roi})
        rho = spearmanr(table["true_roi"], table["recovered_roi"]).statistic
        print(f"\n{tool}: {args.chains} chains x {args.draws} draws ({args.tune} tuning), wall {wall:.0f} s")
        print(table.to_string(float_format=lambda v: f"{v:8.2f}"))
        print(f"Spearman rank correlation with the true ROI: {rho:+.2f}")
        summary.append((tool, wall, rho))
    print("\ntool            wall_s  spearman")
    for tool, wall, rho in summary:
        print(f"{tool:<15} {wall:6.0f}  {rho:+.2f}")


if __name__ == "__main__":
    main()

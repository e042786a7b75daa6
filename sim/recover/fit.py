"""A transparent baseline MMM: adstock -> Hill -> non-negative ridge regression.

For a weekly target ``y_t`` (revenue, web sessions, leads) and channels ``c``:

    y_t = b0 + sum_c beta_c * h_c(t) + sum_k gamma_k * z_k(t) + e_t,   beta_c >= 0
    h_c(t) = hill(adstock(spend_c, decay_c)(t), K_c, s) / max_t(...)

* ``adstock`` and ``hill`` are :mod:`sim.transforms.adstock` and :mod:`sim.transforms.saturation`;
  each channel's ``decay_c`` and ``K_c`` are chosen from the grids of
  :class:`~sim.world.mmm.RecoverConfig` by coordinate descent (one channel at a time,
  all others held, best penalised fit wins; a few sweeps).
* ``z_k`` are the controls, standardised over the fitted weeks; their signs are free.
* Coefficients solve a bounded least-squares problem with an L2 (ridge) penalty, written
  as an augmented system for ``scipy.optimize.lsq_linear`` (method ``bvls``). The intercept
  is unpenalised and, by default, kept >= 0: with centred controls, media can then never
  explain more than the whole target.
* Weeks before the target first turns positive are left out of the fit (no cars to sell
  before launch), but adstock runs over the whole year, so spend before launch still
  reaches the fitted weeks through carry-over.

Because the model is additive, a channel's contribution ``beta_c * h_c(t)`` is exactly
what the model loses when that channel is switched off, the same counterfactual that
defines the truth. Recovered ROI = contribution summed over the fitted weeks / the
channel's spend over all weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import lsq_linear

from sim.transforms.adstock import geometric_adstock
from sim.transforms.saturation import hill
from sim.world.mmm import RecoverConfig

WEEK = "week_start"
TREND = "trend"
# A feature whose largest value on the fitted weeks is below this share of its largest value
# over the year carries nothing but round-off there (spend that decayed away before launch).
NEGLIGIBLE = 1e-9


def spend_column(channel: str) -> str:
    return f"{channel}_spend"


@dataclass(frozen=True)
class ChannelTransform:
    """How one channel's spend becomes a regressor."""

    decay: float
    half_saturation: float  # GBP of adstocked weekly spend at half effect
    scale: float  # max of the Hill feature over the fitted weeks (feature / scale in [0, 1])


@dataclass
class FittedMMM:
    """A fitted baseline MMM and its decomposition of the target."""

    target: str
    config: RecoverConfig
    channels: list[str]  # every channel asked for, in order
    controls: list[str]  # controls kept (constant ones dropped), plus "trend" if asked
    transforms: dict[str, ChannelTransform]  # channels with spend only
    media_coef: dict[str, float]  # target units per unit of scaled feature (max weekly effect)
    control_coef: dict[str, float]  # target units per standard deviation
    control_mean: dict[str, float]
    control_std: dict[str, float]
    intercept: float
    live_from: pd.Timestamp
    week_start: pd.Series
    actual: np.ndarray  # target over all weeks
    decomposition: pd.DataFrame  # predict() on the fitting data
    spend: pd.Series = field(repr=False)  # total spend per channel over all weeks

    @property
    def fitted_weeks(self) -> np.ndarray:
        return (self.week_start >= self.live_from).to_numpy()

    @property
    def contribution(self) -> pd.Series:
        """Modelled target units caused by each channel over the fitted weeks."""
        return self.decomposition[self.channels].sum()

    @property
    def roi(self) -> pd.Series:
        """Contribution per GBP of spend (NaN for a channel without spend)."""
        return self.contribution / self.spend.where(self.spend > 0)

    @property
    def r2(self) -> float:
        y, yhat = self.actual[self.fitted_weeks], self.decomposition["predicted"].to_numpy()[self.fitted_weeks]
        ss_tot = float(((y - y.mean()) ** 2).sum())
        return 1.0 - float(((y - yhat) ** 2).sum()) / ss_tot if ss_tot > 0 else float("nan")

    @property
    def mape(self) -> float:
        """Mean absolute percentage error over fitted weeks with a positive target."""
        mask = self.fitted_weeks & (self.actual > 0)
        yhat = self.decomposition["predicted"].to_numpy()
        return float(np.mean(np.abs(yhat[mask] - self.actual[mask]) / self.actual[mask]))

    def channel_table(self) -> pd.DataFrame:
        """One row per channel: chosen transform, coefficient, contribution, ROI."""
        rows = []
        for ch in self.channels:
            t = self.transforms.get(ch)
            rows.append({
                "channel": ch,
                "spend_gbp": float(self.spend[ch]),
                "decay": t.decay if t else np.nan,
                "half_saturation_gbp": t.half_saturation if t else np.nan,
                "coefficient": self.media_coef.get(ch, 0.0),
                "contribution": float(self.contribution[ch]),
                "roi": float(self.roi[ch]),
            })
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------- fitting
@dataclass(frozen=True)
class _Candidate:
    """One grid point of a channel: its transform and the regressor it yields on fitted weeks."""

    decay: float
    half_saturation: float
    feature: np.ndarray = field(repr=False)  # scaled to max 1 (all zero if nothing reaches the fitted weeks)
    scale: float


def fit_mmm(df: pd.DataFrame, target: str, channels: list[str], controls: list[str] | None = None,
            cfg: RecoverConfig | None = None) -> FittedMMM:
    """Fit the baseline MMM of ``target`` on weekly ``df`` (model_ready.csv layout).

    ``channels`` are channel keys; their spend columns are ``<channel>_spend``. ``controls``
    defaults to ``cfg.controls``. Channels without spend stay in the output with zero
    contribution; controls constant over the fitted weeks are dropped.
    """
    cfg = cfg or RecoverConfig()
    controls = list(cfg.controls if controls is None else controls)
    _require_columns(df, [WEEK, target, *map(spend_column, channels), *controls])
    weeks = pd.to_datetime(df[WEEK]).reset_index(drop=True)
    y_all = df[target].to_numpy(dtype=float)
    live = _fitted_weeks(y_all, cfg)
    live_from = weeks[live].iloc[0]
    y_scale = float(np.mean(np.abs(y_all[live]))) or 1.0
    y = y_all[live] / y_scale  # coefficients are solved in units of the mean target
    z, z_mean, z_std = _standardised_controls(df, controls, weeks, live_from, live, cfg.trend)
    spend = {ch: df[spend_column(ch)].to_numpy(dtype=float) for ch in channels}
    grids = {ch: _candidates(x, live, cfg) for ch, x in spend.items() if x.sum() > 0}
    chosen = _search(grids, z, y, cfg)
    coef, _ = _solve(_media_matrix(chosen, len(y)), z, y, cfg)
    on_air = list(chosen)
    fitted = FittedMMM(
        target=target, config=cfg, channels=list(channels), controls=list(z_mean),
        transforms={ch: ChannelTransform(c.decay, c.half_saturation, c.scale) for ch, c in chosen.items()},
        media_coef={ch: float(coef[1 + i]) * y_scale for i, ch in enumerate(on_air)},
        control_coef={c: float(coef[1 + len(on_air) + i]) * y_scale for i, c in enumerate(z_mean)},
        control_mean=z_mean, control_std=z_std, intercept=float(coef[0]) * y_scale, live_from=live_from,
        week_start=weeks, actual=y_all, decomposition=pd.DataFrame(),
        spend=pd.Series({ch: float(x.sum()) for ch, x in spend.items()}),
    )
    fitted.decomposition = predict(fitted, df)
    return fitted


def _search(grids: dict[str, list[_Candidate]], z: np.ndarray, y: np.ndarray, cfg: RecoverConfig
            ) -> dict[str, _Candidate]:
    """Coordinate descent: per channel, the grid point with the lowest penalised cost, others held.

    Starts every channel at the middle decay and middle half-saturation of the grids (a
    neutral guess) and stops after ``cfg.sweeps`` passes or when a pass changes nothing.
    """
    n_k = len(cfg.half_saturation_grid)
    start = (len(cfg.decay_grid) // 2) * n_k + n_k // 2  # candidates run decay-major, see _candidates
    chosen = {ch: grid[start] for ch, grid in grids.items()}
    for _ in range(cfg.sweeps):
        changed = False
        for ch, grid in grids.items():
            costs = [_solve(_media_matrix({**chosen, ch: cand}, len(y)), z, y, cfg)[1] for cand in grid]
            best = grid[int(np.argmin(costs))]
            changed |= best is not chosen[ch]
            chosen[ch] = best
        if not changed:
            break
    return chosen


def _media_matrix(chosen: dict[str, _Candidate], n: int) -> np.ndarray:
    return np.column_stack([c.feature for c in chosen.values()]) if chosen else np.empty((n, 0))


def _require_columns(df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"MMM input lacks columns {missing}; it has {list(df.columns)}")
    empty = [c for c in columns if c != WEEK and df[c].isna().any()]
    if empty:
        raise ValueError(f"MMM input has empty cells in {empty}")


def _fitted_weeks(y: np.ndarray, cfg: RecoverConfig) -> np.ndarray:
    """Weeks the regression sees: all, or from the first week the target is positive."""
    live = np.ones(len(y), dtype=bool)
    if cfg.fit_from_first_sale:
        positive = np.flatnonzero(y > 0)
        if positive.size == 0:
            raise ValueError("target is never positive: nothing to fit")
        live[: positive[0]] = False
    if live.sum() < cfg.min_fit_weeks:
        raise ValueError(f"only {int(live.sum())} weeks to fit, fewer than min_fit_weeks={cfg.min_fit_weeks}")
    return live


def _control_matrix(df: pd.DataFrame, controls: list[str], weeks: pd.Series, live_from: pd.Timestamp,
                    trend: bool) -> pd.DataFrame:
    frame = df[controls].astype(float).reset_index(drop=True)
    if trend:
        frame[TREND] = ((weeks - live_from).dt.days / 7.0).to_numpy()
    return frame


def _standardised_controls(df, controls, weeks, live_from, live, trend):
    frame = _control_matrix(df, controls, weeks, live_from, trend)[live]
    mean, std = frame.mean(), frame.std(ddof=0)
    keep = [c for c in frame.columns if std[c] > 0]  # a constant control is the intercept again
    z = ((frame[keep] - mean[keep]) / std[keep]).to_numpy()
    return z, {c: float(mean[c]) for c in keep}, {c: float(std[c]) for c in keep}


def _candidates(x: np.ndarray, live: np.ndarray, cfg: RecoverConfig) -> list[_Candidate]:
    """Every (decay, half-saturation) of the grids for one channel's weekly spend ``x``, decay-major.

    Half-saturation multiples refer to the channel's mean adstocked spend over the weeks it
    is on air, so the same grid suits a GBP 6M channel and a GBP 0.4M one.
    """
    out = []
    for decay in cfg.decay_grid:
        a = geometric_adstock(x, decay)
        level = float(a[x > 0].mean())
        for multiple in cfg.half_saturation_grid:
            full = hill(a, multiple * level, cfg.hill_shape)
            h = full[live]
            if h.max() <= NEGLIGIBLE * full.max():
                out.append(_Candidate(decay, multiple * level, np.zeros_like(h), 1.0))
            else:
                out.append(_Candidate(decay, multiple * level, h / h.max(), float(h.max())))
    return out


def _solve(xm: np.ndarray, z: np.ndarray, y: np.ndarray, cfg: RecoverConfig) -> tuple[np.ndarray, float]:
    """Ridge least squares with media coefficients >= 0: [intercept, media..., controls...], cost."""
    n, n_media, n_ctrl = len(y), xm.shape[1], z.shape[1]
    a = np.column_stack([np.ones(n), xm, z])
    ridge = np.sqrt(cfg.ridge_penalty) * np.eye(a.shape[1])[1:]  # no penalty on the intercept
    lower = np.r_[0.0 if cfg.nonnegative_intercept else -np.inf, np.zeros(n_media), np.full(n_ctrl, -np.inf)]
    res = lsq_linear(np.vstack([a, ridge]), np.r_[y, np.zeros(len(ridge))], bounds=(lower, np.inf), method="bvls")
    return res.x, float(res.cost)


# --------------------------------------------------------------------------- prediction
def predict(fitted: FittedMMM, df: pd.DataFrame) -> pd.DataFrame:
    """Decompose ``fitted``'s target on weekly ``df`` (e.g. a scenario's model_ready.csv).

    Returns week_start, predicted, baseline (intercept + controls) and one contribution
    column per channel. Weeks before ``fitted.live_from`` are zero: the model knows the
    product only from the week it first sold in the fitting data.
    """
    _require_columns(df, [WEEK, *map(spend_column, fitted.transforms),
                          *[c for c in fitted.controls if c != TREND]])
    weeks = pd.to_datetime(df[WEEK]).reset_index(drop=True)
    live = (weeks >= fitted.live_from).to_numpy()
    out = pd.DataFrame({WEEK: df[WEEK].to_numpy()})
    raw = [c for c in fitted.controls if c != TREND]
    frame = _control_matrix(df, raw, weeks, fitted.live_from, TREND in fitted.controls)
    baseline = np.full(len(df), fitted.intercept)
    for c in fitted.controls:
        baseline += fitted.control_coef[c] * (frame[c].to_numpy() - fitted.control_mean[c]) / fitted.control_std[c]
    total = baseline.copy()
    for ch in fitted.channels:
        t = fitted.transforms.get(ch)
        if t is None:
            out[ch] = 0.0
            continue
        a = geometric_adstock(df[spend_column(ch)].to_numpy(dtype=float), t.decay)
        contribution = fitted.media_coef[ch] * hill(a, t.half_saturation, fitted.config.hill_shape) / t.scale
        out[ch] = np.where(live, contribution, 0.0)
        total += contribution
    out.insert(1, "predicted", np.where(live, total, 0.0))
    out.insert(2, "baseline", np.where(live, baseline, 0.0))
    return out


def predicted_effect(fitted: FittedMMM, base: pd.DataFrame, scenario: pd.DataFrame) -> float:
    """The MMM's answer to "what does this change do?": predicted target, scenario minus base."""
    return float(predict(fitted, scenario)["predicted"].sum() - predict(fitted, base)["predicted"].sum())

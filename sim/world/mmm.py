"""Settings of the baseline MMM, validated once.

These are the analyst's choices, not facts of the simulated world, but like every number
they live in the scenario file: the lead puts them under ``[mmm.recover]`` (any key left
out keeps the default documented here). ``RecoverConfig.model_validate(world.mmm["recover"])``
raises a pydantic error that names the key and the value; :meth:`RecoverConfig.from_mmm`
does exactly that for a world's ``mmm`` section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

Retention = Annotated[float, Field(ge=0.0, lt=1.0)]
Positive = Annotated[float, Field(gt=0.0)]

DEFAULT_CONTROLS = ["bev_share", "consumer_confidence", "bank_rate", "competitor_total_spend"]
DEFAULT_TARGETS = ["total_revenue", "uk_web_sessions", "uk_leads"]


class RecoverConfig(BaseModel):
    """How the baseline MMM searches and regularises (all weekly units)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    targets: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TARGETS),
        description="model_ready.csv columns to fit one MMM each (revenue gives ROI; sessions/leads exist all year)",
    )
    controls: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CONTROLS),
        description="model_ready.csv columns entered as signed, standardised controls",
    )
    decay_grid: list[Retention] = Field(
        default_factory=lambda: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        min_length=1,
        description="candidate weekly adstock retentions searched per channel",
    )
    half_saturation_grid: list[Positive] = Field(
        default_factory=lambda: [0.5, 1.0, 2.0, 4.0, 8.0],
        min_length=1,
        description="candidate half-saturation points, as multiples of the channel's mean adstocked "
        "weekly spend over the weeks it is on air",
    )
    hill_shape: Positive = Field(1.0, description="Hill shape s (1 = Michaelis-Menten)")
    ridge_penalty: Annotated[float, Field(ge=0.0)] = Field(
        0.01, description="L2 penalty on the media and control coefficients, in units of the squared error of the "
        "target divided by its mean (media features scaled to max 1, controls standardised; intercept free)"
    )
    sweeps: Annotated[int, Field(ge=1)] = Field(
        3, description="coordinate-descent passes over the channels' (decay, half-saturation) grids"
    )
    fit_from_first_sale: bool = Field(
        True,
        description="fit only from the first week the target is positive (revenue is zero before cars are on sale); "
        "adstock still runs over the whole year so pre-launch spend carries over",
    )
    nonnegative_intercept: bool = Field(
        True,
        description="keep the baseline (intercept) >= 0, so media cannot explain more than the whole target by "
        "pairing with a negative baseline (controls are centred, so they cannot either)",
    )
    min_fit_weeks: Annotated[int, Field(ge=2)] = Field(8, description="refuse to fit on fewer weeks than this")
    trend: bool = Field(False, description="add a signed linear time trend over the fitted weeks")

    @field_validator("decay_grid", "half_saturation_grid")
    @classmethod
    def _sorted_unique(cls, v: list[float]) -> list[float]:
        return sorted(set(v))

    @classmethod
    def from_mmm(cls, mmm_section: Any) -> RecoverConfig:
        """The ``recover`` table of a scenario's ``[mmm]`` section (``world.mmm``, a model or a
        mapping); the defaults if there is none."""
        if isinstance(mmm_section, Mapping):
            raw = mmm_section.get("recover", {})
        else:
            raw = getattr(mmm_section, "recover", None) or {}
        return raw if isinstance(raw, cls) else cls.model_validate(dict(raw))


class MMMConfig(BaseModel):
    """The ``[mmm]`` section: the analyst's assumptions for the weekly tables (not the simulation's
    true response)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kpi_market: str = Field(description="the market whose web sessions, leads and drives the weekly tables report "
                                        "(the extract's uk_* columns)")
    adstock_decay: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        description="channel -> weekly geometric adstock decay for model_ready.csv")
    recover: RecoverConfig = Field(default_factory=RecoverConfig, description="the baseline MMM of `sim compare`")

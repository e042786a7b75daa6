"""What the platforms claim (decision 9): conversions inside their own attribution windows.

A platform's lead and conversion columns are not the CRM's counts. Each platform reports:

* its on-platform form leads, all of them, including those that never reached the CRM
  (``form_sync_loss``): the CRM's form leads are the platform's less a small sync loss;
* in-session conversions: configurator sessions and website forms whose visit came through one
  of its clicks that day (the engine records these for Google);
* website conversions it credits to itself because the converter clicked (``click_window_days``)
  or saw (``view_window_days``) one of its ads before: a website lead of a market on a day is
  claimed with probability ``1 - exp(-(click_credit x clicks + view_credit x impressions) / adults)``
  over the platform's delivery in that market in the windows before it. Several platforms may
  claim the same lead, as they do; their claims exceed what they cause by a factor the scorecard
  shows beside the truth.

Everything here is reporting (``[reporting.attribution]``): it never changes what happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.engine.model import CampaignPicker
from sim.world.config import World

WEBSITE_LEADS = ("website_configurator", "website_test_drive")
FORM_METRIC = "leads"


def _window_sums(daily: np.ndarray, days: int) -> np.ndarray:
    """Sum over the ``days`` days up to and including each day (0 for a window of 0 days)."""
    if days <= 0:
        return np.zeros_like(daily)
    cum = np.concatenate([[0.0], np.cumsum(daily)])
    idx = np.arange(len(daily)) + 1
    return cum[idx] - cum[np.maximum(idx - days, 0)]


def _conversions(log: EventLog, platform: str, metric: str) -> pd.DataFrame:
    """The website conversions a platform may claim (day, market, came_through): website leads,
    and for a ``conversions`` metric every configurator start too; ``came_through`` is the
    platform whose click the visit used, where the log knows it."""
    rows = [(s.day, s.market, s.platform) for s in log.configurator if metric == "conversions" or s.lead is not None]
    configurator_leads = {s.lead for s in log.configurator if s.lead is not None}
    rows += [(lead.created, lead.market, None) for lead in log.leads
             if lead.source in WEBSITE_LEADS and lead.idx not in configurator_leads]
    return pd.DataFrame(rows, columns=["day", "market", "came_through"])


def claimed_outcomes(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    """The platforms' reported leads and conversions per date x channel x market x campaign."""
    base = log.platform_outcomes
    parts = [base]
    media = log.media
    for platform, rules in sorted(world.reporting.attribution.items()):
        mine = media[media["channel"] == platform]
        if mine.empty:
            continue
        forms = base[(base["channel"] == platform) & (base["metric"] == FORM_METRIC)]
        if len(forms) and rules.form_sync_loss > 0:  # form leads the platform counts that never reached the CRM
            lost = rng.poisson(forms["value"].to_numpy() * rules.form_sync_loss / (1 - rules.form_sync_loss))
            parts.append(forms.assign(value=lost)[lost > 0])
        conv = _conversions(log, platform, rules.metric)
        if conv.empty:
            continue
        # the engine already reports in-session conversions as Google's; another platform claims its own here
        already = platform == "google"
        picker = CampaignPicker(mine, weight="impressions")
        claims = []
        for market, group in conv.groupby("market", sort=True):
            rows = mine[mine["market"] == market]
            if rows.empty:
                continue
            clicks = np.zeros(log.n_days)
            imps = np.zeros(log.n_days)
            np.add.at(clicks, rows["day"].to_numpy(), rows["clicks"].to_numpy(float))
            np.add.at(imps, rows["day"].to_numpy(), rows["impressions"].to_numpy(float))
            adults = world.markets[market].adult_population_m * 1e6
            intensity = (rules.click_credit * _window_sums(clicks, rules.click_window_days)
                         + rules.view_credit * _window_sums(imps, rules.view_window_days)) / adults
            day = group["day"].to_numpy()
            own = (group["came_through"] == platform).to_numpy()
            p = np.where(own, 0.0 if already else 1.0, -np.expm1(-intensity[day]))
            u = rng.random((2, len(day)))
            for d, v in zip(day[u[0] < p], u[1][u[0] < p], strict=True):
                camp = picker.pick((platform, market), int(d), float(v))
                if camp is not None:
                    claims.append((int(d), platform, market, camp.campaign_id, rules.metric, 1))
        if claims:
            parts.append(pd.DataFrame(claims, columns=base.columns))
    return pd.concat(parts, ignore_index=True)

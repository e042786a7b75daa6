"""The TV programme calendar: a programme airs only in its broadcast season (a hard invariant
of sim validate), lines are cut at the season boundaries without changing their share of the
money, and a resolved scenario loads to the same world."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from sim.run import write_output
from sim.validate import validate_dir
from sim.world.config import ConfigError, World, load_world, validation_context
from sim.world.programmes import on_air, season_problems, seasonal_pieces, week_on_air

D = dt.date
HORIZON = (D(2025, 1, 1), D(2025, 12, 31))
SEASONS = {"Bake Off": [(D(2025, 9, 22), D(2025, 11, 30))]}


def test_a_line_is_cut_where_its_programmes_go_on_and_off_air():
    pieces = seasonal_pieces(["News", "Bake Off"], None, None, SEASONS, HORIZON)
    assert pieces == [(None, D(2025, 9, 21), ["News"]), (D(2025, 9, 22), D(2025, 11, 30), ["News", "Bake Off"]),
                      (D(2025, 12, 1), None, ["News"])]
    # cutting a piece again changes nothing (a resolved scenario loads to the same lines)
    for start, end, airing in pieces:
        assert seasonal_pieces(airing, start, end, SEASONS, HORIZON) == [(start, end, airing)]


def test_a_line_without_a_programme_on_air_is_returned_empty():
    assert seasonal_pieces(["Bake Off"], D(2025, 1, 6), D(2025, 12, 21), SEASONS, HORIZON)[0] == (
        D(2025, 1, 6), D(2025, 9, 21), [])


def test_season_calendar_rules():
    assert season_problems({"X": [(D(2025, 9, 23), D(2025, 11, 30))]})  # a Tuesday
    assert season_problems({"X": [(D(2025, 9, 22), D(2025, 11, 29))]})  # a Saturday
    assert season_problems({"X": [(D(2025, 1, 6), D(2025, 3, 2)), (D(2025, 2, 3), D(2025, 4, 6))]})  # overlap
    assert not season_problems(SEASONS)
    assert on_air("Bake Off", D(2025, 10, 1), SEASONS) and not on_air("Bake Off", D(2025, 12, 1), SEASONS)
    assert on_air("News", D(2025, 1, 1), SEASONS)  # no season: all year
    assert week_on_air("Bake Off", D(2025, 11, 24), SEASONS) and not week_on_air("Bake Off", D(2025, 9, 15), SEASONS)


def test_the_baselines_lines_keep_their_weights_and_list_only_programmes_on_air(world):
    tv = world.media.channels["tv"]
    seasons = tv.programme_seasons
    assert {"I'm a Celebrity", "Britain's Got Talent", "ITVX Love Island", "Sky Sports Premier League"} <= set(seasons)
    for line in tv.campaigns:
        start, end = line.start or HORIZON[0], line.end or HORIZON[1]
        for programme in line.attributes["programmes"]:
            assert on_air(programme, start, seasons) and on_air(programme, end, seasons), (line.kind, programme)
    by_line = {}
    for line in tv.campaigns:
        by_line.setdefault((line.kind, line.objective), set()).add(line.weight)
    assert all(len(w) == 1 for w in by_line.values())  # the pieces of a line share its weight


def test_a_resolved_scenario_loads_to_the_same_world(world):
    dumped = world.model_dump(mode="json")
    data = json.loads(json.dumps(dumped))
    assert World.model_validate(data, context=validation_context(data)).model_dump(mode="json") == dumped


@pytest.mark.parametrize(("override", "words"), [
    ('media.channels.tv.programme_seasons.Gogglebox=[[2025-02-18, 2025-05-25]]', "must run from a Monday"),
    ('media.channels.tv.campaigns.2.attributes.programmes=["Gogglebox", "Grand Designs", "The Great British Bake Off"]',
     "none of its programmes"),
    ('media.channels.tv.programme_seasons.Gogglebox=[]', "no window"),
])
def test_a_bad_calendar_is_refused_by_name(override, words):
    with pytest.raises(ConfigError, match=words):
        load_world("baseline", [override])


def test_tv_rows_air_in_season_and_a_programme_out_of_season_fails_validation(tmp_path, small_world, small_tables):
    tables, documents = small_tables
    tv = tables["raw/tv_performance.csv"]
    seasons = small_world.media.channels["tv"].programme_seasons
    assert all(week_on_air(p, pd.Timestamp(w).date(), seasons)
               for p, w in zip(tv["programme_name"], tv["date_week_start"], strict=True))
    out = tmp_path / "run"
    write_output(out, small_world, tables, documents)
    check = "TV programmes air only in their broadcast season"
    assert {c.name: c for c in validate_dir(out, small_world).checks}[check].passed
    bad = pd.read_csv(out / "raw" / "tv_performance.csv")
    january = bad.index[(bad["broadcaster"] == "ITV") & (bad["daypart"] == "peak")
                        & bad["date_week_start"].str.startswith("2025-01")][0]
    bad.loc[january, "programme_name"] = "I'm a Celebrity"
    bad.to_csv(out / "raw" / "tv_performance.csv", index=False)
    report = validate_dir(out, small_world)
    result = {c.name: c for c in report.checks}[check]
    assert not result.passed and "I'm a Celebrity" in result.messages[0] and not report.ok

"""The shared formulas of ``sim/transforms``, each against its docstring: lag kernel,
geometric adstock and half-life, Hill saturation, the awareness curve."""

from __future__ import annotations

import numpy as np
import pytest

from sim.transforms import awareness, geometric_adstock, half_life, hill, lag_kernel


def impulse(n: int, day: int, size: float = 1.0) -> np.ndarray:
    x = np.zeros(n)
    x[day] = size
    return x


def rising(x: np.ndarray) -> bool:
    return bool(np.all(np.diff(x) > 0))


# --------------------------------------------------------------------------- lag kernel
def test_an_impulse_arrives_spread_evenly_over_its_window():
    out = lag_kernel(impulse(30, 5, 6.0), 2, 4)
    np.testing.assert_array_equal(out[7:10], [2.0, 2.0, 2.0])
    assert out[:7].sum() == 0 and out[10:].sum() == 0


def test_lag_keeps_mass_inside_the_horizon_and_drops_what_falls_after_it():
    x = np.random.default_rng(1).uniform(0, 10, 60)
    x[-14:] = 0.0  # every window ends inside the year
    assert lag_kernel(x, 7, 14).sum() == pytest.approx(x.sum())
    assert lag_kernel(impulse(30, 28), 1, 4).sum() == pytest.approx(0.25)  # only day 29 is left


def test_equal_bounds_are_a_pure_shift():
    x = np.arange(1.0, 11.0)
    out = lag_kernel(x, 3, 3)
    np.testing.assert_array_equal(out[3:], x[:-3])
    np.testing.assert_array_equal(out[:3], 0.0)


# --------------------------------------------------------------------------- adstock
def test_adstock_follows_its_recursion():
    x = np.array([10.0, 0.0, 0.0, 5.0, 0.0])
    raw = [10.0, 5.0, 2.5, 1.25 + 5.0, 3.125]
    np.testing.assert_allclose(geometric_adstock(x, 0.5, normalize=False), raw)
    np.testing.assert_allclose(geometric_adstock(x, 0.5), np.array(raw) * 0.5)
    np.testing.assert_allclose(geometric_adstock(x, 0.0), x)


def test_normalised_weights_sum_to_one_so_steady_spend_keeps_its_level():
    steady = np.full(200, 7.0)
    assert geometric_adstock(steady, 0.8)[-1] == pytest.approx(7.0)
    assert geometric_adstock(steady, 0.8, normalize=False)[-1] == pytest.approx(7.0 / 0.2)


@pytest.mark.parametrize("decay", [-0.1, 1.0, 1.5])
def test_decay_outside_zero_to_one_is_rejected(decay):
    with pytest.raises(ValueError, match="decay"):
        geometric_adstock(np.ones(3), decay)


@pytest.mark.parametrize("decay", [0.3, 0.5, 0.8])
def test_half_life_is_when_an_impulse_has_halved(decay):
    h = half_life(decay)
    assert decay**h == pytest.approx(0.5)
    assert geometric_adstock(impulse(20, 0), decay)[int(np.ceil(h))] <= 0.5 * (1 - decay)


def test_half_life_of_no_carry_over_is_zero():
    assert half_life(0.0) == 0.0


# --------------------------------------------------------------------------- time axis
@pytest.mark.parametrize("transform", [
    lambda x: lag_kernel(x, 2, 5),
    lambda x: geometric_adstock(x, 0.6, normalize=False, axis=-1),
    lambda x: awareness(x, 0.6, 3.0),
], ids=["lag", "adstock", "awareness"])
def test_two_dimensional_input_runs_along_the_last_axis_row_by_row(transform):
    x = np.random.default_rng(2).uniform(0, 5, (3, 40))
    np.testing.assert_allclose(transform(x), np.stack([transform(row) for row in x]))


# --------------------------------------------------------------------------- Hill
@pytest.mark.parametrize("shape", [0.5, 1.0, 2.5])
def test_hill_is_half_at_the_half_saturation_point_and_rising(shape):
    assert hill(np.array([3.0]), 3.0, shape)[0] == pytest.approx(0.5)
    assert rising(hill(np.linspace(0, 100, 50), 10.0, shape))


def test_hill_is_concave_at_shape_one_and_s_shaped_above():
    a = np.linspace(0, 40, 81)
    assert np.all(np.diff(hill(a, 10.0), 2) < 0)
    bend = np.diff(hill(a, 10.0, shape=3.0), 2)
    assert np.all(bend[a[1:-1] < 8.0] > 0) and np.all(bend[a[1:-1] > 12.0] < 0)
    assert hill(np.array([6.0]), 3.0, shape=2.0)[0] == pytest.approx(0.8)


# --------------------------------------------------------------------------- awareness
def test_awareness_is_the_saturated_carry_over_of_its_inflow():
    np.testing.assert_allclose(awareness(np.array([1.0, 0.0, 0.0]), 0.5, 2.0),
                               1 - np.exp(-np.array([1.0, 0.5, 0.25]) / 2.0))


def test_awareness_rises_with_inflow_and_stays_below_one():
    levels = [awareness(np.full(60, daily), 0.9, 5.0)[-1] for daily in (0.0, 0.1, 1.0, 10.0)]
    assert levels[0] == 0.0 and rising(np.array(levels))
    assert levels[-1] < 1.0
    assert awareness(np.full(60, 1e9), 0.9, 5.0).max() <= 1.0


def test_awareness_decays_without_inflow():
    after = awareness(impulse(30, 0, 4.0), 0.8, 2.0)
    assert after[0] > 0 and np.all(np.diff(after) < 0)

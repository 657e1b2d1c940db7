"""Tests of the learning-rate policies in ``sklearn_lr.schedules``.

Closed forms below are written independently of the module, in PyTorch's step
units where PyTorch has the schedule (``k`` = update step, ``N`` = total
steps), and compared with ``trace`` at several ``steps_per_epoch``.
"""

import doctest
import math
import pickle
import re
import warnings
from numbers import Integral, Real

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import ParameterGrid
from sklearn.utils._param_validation import Interval

import sklearn_lr.schedules as schedules_module
from sklearn_lr.schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
    _as_policy,
    trace,
)

RTOL = 1e-12


def steps(n_epochs, steps_per_epoch):
    return np.arange(n_epochs * steps_per_epoch)


def run(schedule, epochs, steps_per_epoch, losses=None):
    """Rates of the given epochs, observing each epoch's loss at its end."""
    rates = []
    for e in epochs:
        rates += [
            schedule.rate(e + b / steps_per_epoch) for b in range(steps_per_epoch)
        ]
        schedule.observe(e + 1, loss=None if losses is None else losses[e])
    return rates


# --------------------------------------------------------------------------
# Closed forms.


@pytest.mark.parametrize("alpha", [0.01, 3.0])
def test_constant(alpha):
    assert_array_equal(trace(Constant(alpha), 3, 5), np.full(15, alpha))


@pytest.mark.parametrize(
    "alpha, decay, power, spe", [(0.1, 1.0, 1.0, 1), (0.5, 0.3, 1.0, 4), (1, 2, 0.5, 3)]
)
def test_inverse_time_decay_matches_keras(alpha, decay, power, spe):
    # Keras: initial / (1 + decay_rate * step / decay_steps), decay_steps = 1 epoch
    k = steps(6, spe)
    expected = alpha / (1 + decay * k / spe) ** power
    assert_allclose(
        trace(InverseTimeDecay(alpha, decay, power), 6, spe), expected, RTOL
    )


@pytest.mark.parametrize("alpha, gamma, spe", [(0.1, 0.9, 1), (1.0, 0.5, 4), (2, 1, 3)])
def test_exponential_decay(alpha, gamma, spe):
    k = steps(7, spe)
    # PyTorch's ExponentialLR stepped once per epoch
    expected = alpha * gamma ** (k // spe)
    got = trace(ExponentialDecay(alpha, gamma, staircase=True), 7, spe)
    assert_allclose(got, expected, RTOL)
    got = trace(ExponentialDecay(alpha, gamma), 7, spe)
    assert_allclose(got, alpha * gamma ** (k / spe), RTOL)


@pytest.mark.parametrize(
    "alpha, drop, every, spe",
    [(0.1, 0.5, 2, 1), (1.0, 0.1, 3, 5), (0.3, 0.7, 0.5, 4), (1.0, 0.5, 0.1, 10)],
)
def test_step_decay_matches_steplr(alpha, drop, every, spe):
    step_size = round(every * spe)  # StepLR counts steps
    k = steps(6, spe)
    expected = alpha * drop ** (k // step_size)
    assert_allclose(trace(StepDecay(alpha, drop, every), 6, spe), expected, RTOL)


@pytest.mark.parametrize(
    "milestones, drop, spe",
    [((2, 4), 0.1, 1), ((0.5, 2.25, 3), 0.5, 4), ((), 0.5, 2), ([1, 10], 0.3, 3)],
)
def test_multistep_decay_matches_multisteplr(milestones, drop, spe):
    k = steps(5, spe)
    step_milestones = np.array([round(m * spe) for m in milestones])
    expected = 0.2 * drop ** (k[:, None] >= step_milestones[None, :]).sum(axis=1)
    got = trace(MultiStepDecay(0.2, milestones, drop), 5, spe)
    assert_allclose(got, expected, RTOL)


@pytest.mark.parametrize(
    "alpha, end, power, horizon, spe",
    [(0.1, 0.0, 1.0, None, 1), (1.0, 0.1, 2.0, 3, 4), (0.5, 0.0, 0.5, 2.5, 6)],
)
def test_polynomial_decay_matches_polynomiallr(alpha, end, power, horizon, spe):
    n_epochs = 5
    total_iters = (horizon or n_epochs) * spe
    k = steps(n_epochs, spe)
    expected = (alpha - end) * (1 - np.minimum(k, total_iters) / total_iters) ** power
    policy = PolynomialDecay(alpha, end, power, n_epochs=horizon)
    assert_allclose(trace(policy, n_epochs, spe), expected + end, RTOL, atol=1e-15)


def test_polynomial_decay_ends_where_the_clock_reaches_its_horizon_by_rounding():
    # step 5 of 3 a epoch is t = 1 + 2/3 = 1.6666666666666665, one rounding
    # error short of 5/3: with power 0.1 that error alone would be 2.5% of α
    policy = PolynomialDecay(1.0, 0.0, power=0.1, n_epochs=5 / 3)
    assert 1 + 2 / 3 < 5 / 3
    assert trace(policy, 2, 3)[5] == 0.0


@pytest.mark.parametrize(
    "alpha, eta_min, horizon, spe",
    [(0.1, 0.0, None, 1), (1.0, 0.1, 3, 4), (1, 0, 2.5, 7)],
)
def test_cosine_annealing_matches_cosineannealinglr(alpha, eta_min, horizon, spe):
    n_epochs = 5
    t_max = (horizon or n_epochs) * spe
    k = steps(n_epochs, spe)
    expected = eta_min + (alpha - eta_min) * (1 + np.cos(np.pi * k / t_max)) / 2
    expected[k > t_max] = eta_min  # held after the horizon (PyTorch rises again)
    got = trace(CosineAnnealing(alpha, eta_min, n_epochs=horizon), n_epochs, spe)
    assert_allclose(got, expected, RTOL, atol=1e-15)


def torch_warm_restarts(epoch, base_lr, eta_min, t_0, t_mult):
    """CosineAnnealingWarmRestarts.step(epoch) closed form (integer T_mult)."""
    if epoch >= t_0:
        if t_mult == 1:
            t_cur, t_i = epoch % t_0, t_0
        else:
            n = int(math.log(epoch / t_0 * (t_mult - 1) + 1, t_mult))
            t_cur = epoch - t_0 * (t_mult**n - 1) / (t_mult - 1)
            t_i = t_0 * t_mult**n
    else:
        t_cur, t_i = epoch, t_0
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


@pytest.mark.parametrize(
    "period, mult, eta_min, spe",
    [(2, 1, 0.0, 1), (3, 1, 0.01, 4), (2, 2, 0.0, 4), (1, 3, 0.05, 3)],
)
def test_warm_restarts_matches_pytorch(period, mult, eta_min, spe):
    n_epochs = 14
    expected = [
        torch_warm_restarts(e + b / spe, 0.1, eta_min, period, mult)
        for e in range(n_epochs)
        for b in range(spe)
    ]
    got = trace(CosineWarmRestarts(0.1, eta_min, period, mult), n_epochs, spe)
    assert_allclose(got, expected, RTOL, atol=1e-15)


@pytest.mark.parametrize("period, mult", [(1.5, 1.5), (0.7, 1.1), (2, 2.5)])
def test_warm_restarts_real_mult(period, mult):
    # walk the periods one by one
    def reference(t):
        begin, length = 0.0, period
        while t >= begin + length - 1e-12:
            begin, length = begin + length, length * mult
        return 0.5 * 0.1 * (1 + math.cos(math.pi * (t - begin) / length))

    expected = [reference(e + b / 4) for e in range(12) for b in range(4)]
    got = trace(CosineWarmRestarts(0.1, 0.0, period, mult), 12, 4)
    assert_allclose(got, expected, RTOL, atol=1e-14)


def torch_cyclic(k, base_lr, max_lr, step_size_up, mode, gamma):
    """CyclicLR.get_lr with step_size_down = step_size_up."""
    total_size = 2.0 * step_size_up
    cycle = math.floor(1 + k / total_size)
    x = 1.0 + k / total_size - cycle
    scale_factor = x / 0.5 if x <= 0.5 else (x - 1) / (0.5 - 1)
    height = (max_lr - base_lr) * scale_factor
    scale = {"triangular": 1.0, "triangular2": 1 / 2.0 ** (cycle - 1)}.get(mode)
    return base_lr + height * (gamma**k if mode == "exp_range" else scale)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize("step_size, spe", [(2.0, 1), (1.5, 4), (0.5, 6)])
def test_cyclic_matches_cycliclr(mode, step_size, spe):
    gamma = 0.8  # per epoch; PyTorch's gamma is per iteration
    expected = [
        torch_cyclic(k, 0.01, 0.1, step_size * spe, mode, gamma ** (1 / spe))
        for k in steps(9, spe)
    ]
    policy = Cyclic(0.01, 0.1, step_size, mode=mode, gamma=gamma)
    assert_allclose(trace(policy, 9, spe), expected, RTOL)


def torch_one_cycle(k, total, max_lr, pct, div, final_div, anneal, three_phase, offset):
    """OneCycleLR.get_lr; ``offset=1`` is PyTorch's, 0 the continuous-time form."""
    initial = max_lr / div
    min_lr = initial / final_div
    phases = [(pct * total - offset, initial, max_lr)]
    if three_phase:
        phases.append((2 * pct * total - 2 * offset, max_lr, initial))
        phases.append((total - offset, initial, min_lr))
    else:
        phases.append((total - offset, max_lr, min_lr))
    start = 0.0
    for i, (end, a, b) in enumerate(phases):
        if k <= end or i == len(phases) - 1:
            u = min((k - start) / (end - start), 1.0)
            if anneal == "cos":
                return b + (a - b) / 2 * (math.cos(math.pi * u) + 1)
            return (b - a) * u + a
        start = end


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize(
    "horizon, pct, div, final_div", [(None, 0.3, 25.0, 1e4), (3.5, 0.2, 10, 100)]
)
def test_one_cycle_matches_onecyclelr(
    anneal, three_phase, horizon, pct, div, final_div
):
    n_epochs, spe = 5, 7
    total = (horizon or n_epochs) * spe
    policy = OneCycle(0.1, horizon, pct, div, final_div, anneal, three_phase)
    args = (total, 0.1, pct, div, final_div, anneal, three_phase)
    expected = [torch_one_cycle(k, *args, offset=0) for k in steps(n_epochs, spe)]
    assert_allclose(trace(policy, n_epochs, spe), expected, RTOL, atol=1e-15)
    # PyTorch's own phases end one step early: the gap shrinks like 1/total_steps
    spe = 200
    total = (horizon or n_epochs) * spe
    args = (total, 0.1, pct, div, final_div, anneal, three_phase)
    torch = [torch_one_cycle(k, *args, offset=1) for k in steps(n_epochs, spe)]
    gap = 0.1 * math.pi / (pct * total)  # slope of the steepest phase x 2 steps
    assert_allclose(trace(policy, n_epochs, spe), torch, atol=gap)


@pytest.mark.parametrize("spe", [1, 4])
def test_warmup_matches_linearlr_then_policy(spe):
    # SequentialLR([LinearLR(start_factor=f, total_iters=W), CosineAnnealingLR], [W])
    n_epochs, w, f = 6, 1.5, 0.1
    big_w, t_max = w * spe, (n_epochs - w) * spe
    k = steps(n_epochs, spe)
    ramp = 0.2 * (f + (1 - f) * np.minimum(k, big_w) / big_w)
    cosine = 0.2 * (1 + np.cos(np.pi * (k - big_w) / t_max)) / 2
    expected = np.where(k < big_w, ramp, cosine)
    policy = Warmup(CosineAnnealing(0.2), epochs=w, start_factor=f)
    assert_allclose(trace(policy, n_epochs, spe), expected, RTOL, atol=1e-15)


def test_warmup_of_a_float_and_zero_epochs():
    assert_allclose(
        trace(Warmup(0.1, epochs=2), 4, 2), [0, 0.025, 0.05, 0.075] + [0.1] * 4
    )
    assert_allclose(
        trace(Warmup(StepDecay(1.0, 0.5, 1), epochs=0), 3, 1), [1, 0.5, 0.25]
    )


@pytest.mark.parametrize("spe", [1, 2, 5])
def test_sequential_matches_sequentiallr(spe):
    n_epochs = 6
    policy = Sequential(
        [
            ExponentialDecay(0.1, 0.5, staircase=True),
            Constant(0.03),
            CosineAnnealing(0.2),
        ],
        milestones=[2, 3.4],
    )
    k = steps(n_epochs, spe)
    m1, m2 = 2 * spe, 3.4 * spe
    expected = np.select(
        [k < m1 - 1e-9, k < m2 - 1e-9],
        [0.1 * 0.5 ** (k // spe), np.full(k.shape, 0.03)],
        0.2 * (1 + np.cos(np.pi * (k - m2) / ((n_epochs - 3.4) * spe))) / 2,
    )
    assert_allclose(trace(policy, n_epochs, spe), expected, RTOL, atol=1e-15)


class _ClockRecorder:
    """A policy of one's own that records every clock it is asked about."""

    def __init__(self):
        self.times = []

    def start(self, max_epochs):
        return self

    def rate(self, t):
        self.times.append(t)
        return 1.0

    def observe(self, t, *, loss=None, score=None):
        pass


def test_sequential_switches_at_a_milestone_reached_up_to_rounding():
    # step 5 of 3 a epoch is t = 1 + 2/3 = 1.6666666666666665, one rounding
    # error short of the milestone 5/3: SequentialLR switches at step 5
    assert 1 + 2 / 3 < 5 / 3
    policy = Sequential([Constant(0.1), StepDecay(1.0, 0.5, every=1)], [5 / 3])
    assert_allclose(trace(policy, 3, 3), [0.1] * 5 + [1.0, 1.0, 1.0, 0.5], RTOL)
    # the next policy's clock starts at 0, never a rounding error below it
    recorder = _ClockRecorder()
    assert_array_equal(trace(Sequential([0.1, recorder], [5 / 3]), 3, 3)[5:], 1.0)
    assert recorder.times[0] == 0.0 and min(recorder.times) >= 0.0


def test_rate_before_the_clock_starts_is_the_rate_at_zero():
    for policy in [StepDecay(0.1, 0.5, every=1), ExponentialDecay(0.1, 0.5)]:
        schedule = policy.start(max_epochs=5)
        assert schedule.rate(-1.0) == schedule.rate(0.0) == 0.1


_FORMULA_POLICIES = [
    Constant(),
    InverseTimeDecay(),
    ExponentialDecay(),
    StepDecay(every=1),
    MultiStepDecay(milestones=(1, 2)),
    PolynomialDecay(),
    CosineAnnealing(),
    CosineWarmRestarts(period=1),
    Cyclic(step_size=1),
    OneCycle(),
]


@pytest.mark.parametrize("policy", _FORMULA_POLICIES, ids=lambda p: type(p).__name__)
def test_a_users_subclass_of_a_policy_keeps_its_formula(policy):
    # a subclass (say, to change a default) has a name of its own; one in
    # the user's module may even share a name with another of our policies
    parent = type(policy)
    renamed = type("MyPolicy", (parent,), {"__module__": __name__})
    clashing = type(
        "StepDecay" if parent is not StepDecay else "Constant",
        (parent,),
        {"__module__": __name__},
    )
    expected = trace(policy, 4, 3)
    for subclass in (renamed, clashing):
        mine = subclass(**policy.get_params())
        assert_array_equal(trace(mine, 4, 3), expected)


def test_rate_is_a_pure_function_of_time():
    policies = [OneCycle(), Cyclic(mode="triangular2"), CosineWarmRestarts(mult=2)]
    for policy in policies:
        schedule = policy.start(max_epochs=30)
        times = np.linspace(0, 30, 301)
        forward = [schedule.rate(t) for t in times]
        backward = [schedule.rate(t) for t in times[::-1]][::-1]
        assert forward == backward
        schedule.observe(3.0, loss=1.0, score=0.5)
        assert [schedule.rate(t) for t in times] == forward


# --------------------------------------------------------------------------
# Feedback policies.


def test_reduce_on_plateau_patience_cooldown_threshold_min():
    policy = ReduceOnPlateau(
        alpha=1.0, factor=0.5, patience=2, threshold=0.1, cooldown=1, min_alpha=0.2
    )
    # 0.95 is not a 10% improvement over 1.0, 0.85 is; then a plateau
    losses = [1.0, 0.95, 0.85, 0.85, 0.84] + [0.84] * 14
    expected = [1.0] * 6 + [0.5] * 4 + [0.25] * 4 + [0.2] * 5
    assert_allclose(trace(policy, 19, 1, losses=losses), expected, RTOL)
    # three steps per epoch: the rate is constant within an epoch
    assert_allclose(trace(policy, 19, 3, losses=losses), np.repeat(expected, 3), RTOL)


@pytest.mark.parametrize("monitor", ["score", "auto"])
def test_reduce_on_plateau_monitors_the_score(monitor):
    schedule = ReduceOnPlateau(
        1.0, 0.5, patience=0, threshold=0, monitor=monitor
    ).start(10)
    rates = []
    for t, score in enumerate([0.5, 0.6, 0.6, 0.7, 0.7], start=1):
        schedule.observe(t, loss=1.0 / t, score=score)  # falling loss is ignored
        rates.append(schedule.rate(t))
    assert_allclose(rates, [1, 1, 0.5, 0.5, 0.25])


def test_reduce_on_plateau_without_monitored_value_changes_nothing():
    schedule = ReduceOnPlateau(1.0, patience=0, monitor="score").start(10)
    for t in range(1, 6):
        schedule.observe(t, loss=1.0, score=None)
    assert schedule.rate(6) == 1.0
    schedule = ReduceOnPlateau(1.0, patience=0).start(10)  # auto, no score: loss
    for t in range(1, 4):
        schedule.observe(t, loss=1.0)
    assert schedule.rate(4) == 0.25
    assert_array_equal(trace(ReduceOnPlateau(1.0, patience=0), 5, 2), np.ones(10))


def test_reduce_on_plateau_auto_settles_at_the_first_observation_with_a_value():
    # an epoch end without loss or score leaves "auto" undecided: the next
    # observation, which has a score, makes it watch the score
    schedule = ReduceOnPlateau(1.0, 0.5, patience=0, threshold=0).start(10)
    schedule.observe(1)
    assert schedule.monitor == "auto"
    for t, score in enumerate([0.5, 0.6, 0.6], start=2):
        schedule.observe(t, loss=1.0, score=score)  # a flat loss is ignored
    assert schedule.monitor == "score"
    assert schedule.rate(4) == 0.5


@pytest.mark.parametrize("monitor", ["loss", "score"])
@pytest.mark.parametrize("first", [np.nan, "worst"])
def test_reduce_on_plateau_first_value_that_is_not_finite_is_a_bad_epoch(
    monitor, first
):
    # the best value starts at the worst, ±inf, as in PyTorch: a NaN (or the
    # worst value itself) first is one bad epoch, not a best that nothing
    # ever beats again
    sign = 1.0 if monitor == "loss" else -1.0
    values = [1.0, 0.5, 0.25, 0.12, 0.06] if monitor == "loss" else [1, 2, 3, 4, 5]
    first = sign * np.inf if first == "worst" else first
    schedule = ReduceOnPlateau(1.0, 0.5, patience=1, monitor=monitor).start(10)
    for t, value in enumerate([first, *values], start=1):
        schedule.observe(t, **{monitor: value})
        assert schedule.rate(t) == 1.0
    assert schedule.best == values[-1]
    # a second bad epoch in a row is past patience=1
    schedule = ReduceOnPlateau(1.0, 0.5, patience=1, monitor=monitor).start(10)
    schedule.observe(1, **{monitor: first})
    schedule.observe(2, **{monitor: np.nan})
    assert schedule.rate(2) == 0.5


def test_reduce_on_plateau_skips_reductions_below_eps():
    # as PyTorch (eps=1e-8): a drop from 1e-8 to 5e-9 is too small to apply
    policy = ReduceOnPlateau(alpha=1e-8, factor=0.5, patience=0)
    assert_array_equal(trace(policy, 4, 1, losses=[1.0] * 4), np.full(4, 1e-8))
    policy = ReduceOnPlateau(alpha=1e-7, factor=0.5, patience=0)
    assert_allclose(trace(policy, 4, 1, losses=[1.0] * 4), [1e-7, 1e-7, 5e-8, 2.5e-8])


def torch_plateau(losses, lr, factor, patience, threshold, cooldown, min_lr, eps=1e-8):
    """ReduceLROnPlateau.step (mode="min", threshold_mode="rel"), one per epoch."""
    best, bad, cooldown_counter, lrs = math.inf, 0, 0, [lr]
    for loss in losses:
        if loss < best * (1 - threshold):
            best, bad = loss, 0
        else:
            bad += 1
        if cooldown_counter > 0:
            cooldown_counter -= 1
            bad = 0
        if bad > patience:
            new_lr = max(lr * factor, min_lr)
            if lr - new_lr > eps:
                lr = new_lr
            cooldown_counter, bad = cooldown, 0
        lrs.append(lr)
    return lrs


@settings(max_examples=40, deadline=None)
@given(
    losses=st.lists(
        st.sampled_from([1.0, 0.99, 0.9, 0.5, 2.0, np.nan, np.inf]),
        min_size=1,
        max_size=30,
    ),
    factor=st.floats(0.1, 0.9),
    patience=st.integers(0, 3),
    threshold=st.sampled_from([0.0, 1e-4, 0.05]),
    cooldown=st.integers(0, 2),
    min_alpha=st.sampled_from([0.0, 0.01, 0.3]),
)
def test_reduce_on_plateau_matches_pytorch_loop(
    losses, factor, patience, threshold, cooldown, min_alpha
):
    policy = ReduceOnPlateau(1.0, factor, patience, threshold, cooldown, min_alpha)
    expected = torch_plateau(
        losses, 1.0, factor, patience, threshold, cooldown, min_alpha
    )
    got = trace(policy, len(losses), 1, losses=losses)
    assert_allclose(got, expected[:-1], RTOL)


def test_bold_driver_up_down_and_clipping():
    policy = BoldDriver(
        alpha=1.0, increase=2.0, decrease=0.25, min_alpha=0.1, max_alpha=3.0
    )
    # fall, fall (clipped at max), fall, rise, rise, equal, nan (clipped at min), fall
    losses = [5, 4, 3, 2, 6, 7, 7, np.nan, 1, 1]
    expected = [1, 1, 2, 3, 3, 0.75, 0.1875, 0.1875, 0.1, 0.2]
    assert_allclose(trace(policy, 10, 1, losses=losses), expected, RTOL)
    assert_allclose(trace(policy, 10, 2, losses=losses), np.repeat(expected, 2), RTOL)


def test_bold_driver_cuts_alpha_after_any_loss_that_is_not_finite():
    # even the first epoch's (no finite loss to compare with yet) and -inf,
    # which is below every finite loss
    policy = BoldDriver(alpha=1.0, increase=2.0, decrease=0.5, min_alpha=0.01)
    losses = [np.nan, 1.0, 0.5, -np.inf, 0.4, 0.3]
    expected = [1.0, 0.5, 0.5, 1.0, 0.5, 1.0]
    assert_allclose(trace(policy, 6, 1, losses=losses), expected, RTOL)
    assert_allclose(trace(policy, 2, 1, losses=[np.inf, 1.0]), [1.0, 0.5], RTOL)


def test_bold_driver_uses_the_loss_only():
    schedule = BoldDriver(alpha=1.0).start(10)
    for t, score in enumerate([0.1, 0.9, 0.2], start=1):
        schedule.observe(t, score=score)
    assert schedule.rate(4.0) == 1.0
    assert_array_equal(trace(BoldDriver(0.5), 3, 2), np.full(6, 0.5))


def test_warmup_forwards_feedback_after_the_warmup_only():
    policy = Warmup(ReduceOnPlateau(1.0, factor=0.5, patience=0), epochs=2)
    # epochs 1-2 are warm-up: their losses are not observed by the plateau policy
    assert_allclose(trace(policy, 6, 1, losses=[1.0] * 6), [0, 0.5, 1, 1, 0.5, 0.25])


def test_sequential_forwards_feedback_to_the_child_that_ran():
    policy = Sequential(
        [ReduceOnPlateau(1.0, patience=0), ReduceOnPlateau(2.0, patience=0)],
        milestones=[2],
    )
    # the loss of epoch 2 (ending at t=2) goes to child 0, the next to child 1
    assert_allclose(trace(policy, 6, 1, losses=[1.0] * 6), [1, 1, 2, 2, 1, 0.5])


# --------------------------------------------------------------------------
# Properties of every policy.

alphas = st.floats(1e-4, 1.0)
factors = st.floats(0.05, 1.0)


@st.composite
def ordered(draw, high=alphas):
    """(low, high) with 0 <= low <= high."""
    hi = draw(high)
    return draw(st.floats(0.0, hi)), hi


@st.composite
def with_min(draw, cls, **kwargs):
    lo, hi = draw(ordered())
    name = "end_alpha" if cls is PolynomialDecay else "min_alpha"
    return cls(alpha=hi, **{name: lo}, **{k: draw(v) for k, v in kwargs.items()})


def horizons(n_epochs):
    return st.one_of(st.none(), st.floats(0.1, 2 * n_epochs))


milestone_lists = st.lists(st.floats(0.05, 20), max_size=4, unique=True).map(sorted)


def simple_decays(n):
    return st.one_of(
        st.builds(Constant, alphas),
        st.builds(StepDecay, alphas, factors, st.floats(0.1, 5)),
        with_min(CosineAnnealing, n_epochs=horizons(n)),
    )


@st.composite
def cyclic(draw):
    lo, hi = draw(ordered(st.floats(1e-3, 1.0)))
    mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
    return Cyclic(lo, hi, draw(st.floats(0.1, 5)), mode, draw(st.floats(0.01, 1.0)))


@st.composite
def bold_driver(draw):
    lo, hi = draw(ordered(st.floats(1e-3, 10.0)))
    alpha = draw(st.floats(lo, hi).filter(lambda a: a > 0))
    return BoldDriver(alpha, draw(st.floats(1.0, 3.0)), draw(factors), lo, hi)


@st.composite
def warmup(draw, n):
    inner = draw(
        st.one_of(
            simple_decays(n), st.builds(ReduceOnPlateau, alphas, st.floats(0.1, 0.9))
        )
    )
    epochs = draw(st.floats(0.0, n, exclude_max=True))
    return Warmup(inner, epochs, draw(st.floats(0.0, 1.0)))


@st.composite
def sequential(draw, n):
    milestones = sorted(
        draw(st.lists(st.floats(0.05, n - 0.05), max_size=3, unique=True))
    )
    children = [draw(simple_decays(n)) for _ in range(len(milestones) + 1)]
    first = children[0]
    if milestones and getattr(first, "n_epochs", 0) is not None and draw(st.booleans()):
        # a warm-up filling the first segment (needs a policy without horizon)
        children[0] = Warmup(first, milestones[0], draw(st.floats(0.0, 1.0)))
    return Sequential(children, milestones)


def bounds(policy):
    """Lower and upper bound of every rate the policy can give."""
    name = type(policy).__name__
    if name == "Constant":
        return policy.alpha, policy.alpha
    if name in ("Cyclic", "BoldDriver"):
        return policy.min_alpha, policy.max_alpha
    if name == "OneCycle":
        return (
            policy.max_alpha / policy.div_factor / policy.final_div_factor,
            policy.max_alpha,
        )
    if name == "Warmup":
        return 0.0, bounds(policy.policy)[1]
    if name == "Sequential":
        lows, highs = zip(*map(bounds, policy.policies), strict=True)
        return min(lows), max(highs)
    low = getattr(policy, "min_alpha", getattr(policy, "end_alpha", 0.0))
    return low, policy.alpha


DECAYS = {
    "Constant",
    "InverseTimeDecay",
    "ExponentialDecay",
    "StepDecay",
    "MultiStepDecay",
    "PolynomialDecay",
    "CosineAnnealing",
    "ReduceOnPlateau",
}

FAMILIES = {
    "Constant": lambda n: st.builds(Constant, alphas),
    "InverseTimeDecay": lambda n: st.builds(
        InverseTimeDecay,
        alphas,
        st.one_of(st.floats(0, 5), st.floats(0, 1e300)),
        st.one_of(st.floats(0, 3), st.floats(0, 1e4)),
    ),
    "ExponentialDecay": lambda n: st.builds(
        ExponentialDecay, alphas, st.floats(0.01, 1.0), st.booleans()
    ),
    "StepDecay": lambda n: st.builds(StepDecay, alphas, factors, st.floats(0.1, 5)),
    "MultiStepDecay": lambda n: st.builds(
        MultiStepDecay, alphas, milestone_lists, factors
    ),
    "PolynomialDecay": lambda n: with_min(
        PolynomialDecay, power=st.floats(0.1, 3), n_epochs=horizons(n)
    ),
    "CosineAnnealing": lambda n: with_min(CosineAnnealing, n_epochs=horizons(n)),
    "CosineWarmRestarts": lambda n: with_min(
        CosineWarmRestarts, period=st.floats(0.1, 5), mult=st.floats(1.0, 3.0)
    ),
    "Cyclic": lambda n: cyclic(),
    "OneCycle": lambda n: st.builds(
        OneCycle,
        alphas,
        horizons(n),
        st.floats(0.05, 0.45),
        st.floats(1, 100),
        st.floats(1, 1e4),
        st.sampled_from(["cos", "linear"]),
        st.booleans(),
    ),
    "ReduceOnPlateau": lambda n: with_min(
        ReduceOnPlateau,
        factor=st.floats(0.1, 0.9),
        patience=st.integers(0, 3),
        cooldown=st.integers(0, 2),
        monitor=st.sampled_from(["auto", "loss"]),
    ),
    "BoldDriver": lambda n: bold_driver(),
    "Warmup": warmup,
    "Sequential": sequential,
}


def test_every_public_policy_has_a_property_test():
    public = {name for name in schedules_module.__all__ if name != "trace"}
    assert public == set(FAMILIES)


loss_values = st.one_of(st.floats(0.0, 10.0), st.sampled_from([math.nan, math.inf]))


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_policy_properties(family, data):
    n_epochs = data.draw(st.integers(1, 12), label="n_epochs")
    spe = data.draw(st.integers(1, 6), label="steps_per_epoch")
    policy = data.draw(FAMILIES[family](n_epochs), label="policy")
    losses = data.draw(
        st.one_of(
            st.none(), st.lists(loss_values, min_size=n_epochs, max_size=n_epochs)
        )
    )
    params_before = repr(policy.get_params(deep=True))

    rates = trace(policy, n_epochs, spe, losses=losses)
    assert rates.dtype == np.float64 and rates.shape == (n_epochs * spe,)
    assert np.all(np.isfinite(rates)) and np.all(rates >= 0)
    low, high = bounds(policy)
    tol = 1e-12 * high
    assert np.all(rates >= low - tol) and np.all(rates <= high + tol)
    if family in DECAYS:
        assert np.all(np.diff(rates) <= tol)
    if family == "Warmup":
        ramp = np.arange(rates.size) / spe <= policy.epochs
        assert np.all(np.diff(rates[ramp]) >= -tol)
    if family == "OneCycle" and policy.n_epochs is None:  # rises, then falls
        peak = int(np.argmax(rates))
        assert np.all(np.diff(rates[: peak + 1]) >= -tol)
        assert np.all(np.diff(rates[peak:]) <= tol)

    # deterministic; training does not touch the policy; clone and pickle agree
    assert_array_equal(trace(policy, n_epochs, spe, losses=losses), rates)
    assert repr(policy.get_params(deep=True)) == params_before
    assert_array_equal(trace(clone(policy), n_epochs, spe, losses=losses), rates)
    copy = pickle.loads(pickle.dumps(policy))
    assert_array_equal(trace(copy, n_epochs, spe, losses=losses), rates)

    # a schedule pickled mid-run continues exactly
    stop = data.draw(st.integers(0, n_epochs), label="pickled after epoch")
    schedule = policy.start(max_epochs=n_epochs)
    head = run(schedule, range(stop), spe, losses)
    restored = pickle.loads(pickle.dumps(schedule))
    assert repr(restored) == repr(schedule)
    tail = run(restored, range(stop, n_epochs), spe, losses)
    assert_array_equal(np.array(head + tail), rates)
    assert_array_equal(run(schedule, range(stop, n_epochs), spe, losses), tail)


# --------------------------------------------------------------------------
# Nested parameters, clone, repr.


class Holder(BaseEstimator):
    """Stands for an estimator with a `learning_rate` parameter."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate


def test_warmup_nested_params():
    policy = Warmup(StepDecay(alpha=0.1), epochs=2)
    assert set(policy.get_params()) == {
        "policy",
        "epochs",
        "start_factor",
        "policy__alpha",
        "policy__drop",
        "policy__every",
    }
    assert policy.set_params(policy__alpha=0.3, epochs=1) is policy
    assert policy.policy.alpha == 0.3 and policy.epochs == 1
    holder = Holder(Warmup(StepDecay()))
    holder.set_params(learning_rate__policy__alpha=0.5)
    assert holder.learning_rate.policy.alpha == 0.5
    cloned = clone(policy)
    assert cloned.policy is not policy.policy
    assert cloned.get_params().keys() == policy.get_params().keys()
    assert_array_equal(trace(cloned, 4, 2), trace(policy, 4, 2))
    assert repr(policy) == "Warmup(epochs=1, policy=StepDecay(alpha=0.3))"


def test_sequential_nested_params():
    first, second = Warmup(Constant(0.1)), StepDecay()
    policies = [first, second]
    policy = Sequential(policies, milestones=[3])
    params = policy.get_params(deep=True)
    assert params["policies__0"] is first and params["policies__1"] is second
    assert params["policies__0__policy__alpha"] == 0.1
    assert params["policies__1__every"] == 10
    assert set(policy.get_params(deep=False)) == {"policies", "milestones"}

    policy.set_params(policies__1__alpha=0.3, policies__0__policy__alpha=0.2)
    assert second.alpha == 0.3 and first.policy.alpha == 0.2

    replacement = Constant(0.7)
    policy.set_params(policies__1=replacement, milestones=[2])
    assert policy.policies == [first, replacement] and policy.milestones == [2]
    assert policies[1] is second  # the caller's list was not modified
    tuple_policy = Sequential((Constant(), Constant()), (1,)).set_params(
        policies__0=replacement
    )
    assert tuple_policy.policies == (replacement, tuple_policy.policies[1])

    with pytest.raises(ValueError, match="policies__0 to policies__1"):
        policy.set_params(policies__2__alpha=0.1)
    with pytest.raises(ValueError, match="Invalid parameter"):
        policy.set_params(policies__0__nonsense=1)


def test_sequential_deep_params_of_a_class_child():
    # a class instead of an instance is refused at start, not by get_params
    policy = Sequential([StepDecay, Constant(0.2)], milestones=[1])
    params = policy.get_params(deep=True)
    assert params["policies__0"] is StepDecay
    assert params["policies__1__alpha"] == 0.2
    assert not any(key.startswith("policies__0__") for key in params)
    with pytest.raises(ValueError, match=r"'policies\[0\]'.*did you mean StepDecay"):
        policy.start(max_epochs=10)


def test_parameters_of_a_float_policy_are_explained_before_anything_is_set():
    warmup = Warmup(0.1, epochs=2)
    with pytest.raises(ValueError, match=r"'policy__alpha'.*policy is 0\.1.*Constant"):
        warmup.set_params(epochs=3, policy__alpha=0.2)
    assert warmup.epochs == 2 and warmup.policy == 0.1
    warmup.set_params(policy=StepDecay(), policy__alpha=0.2)  # in the same call
    assert warmup.policy.alpha == 0.2

    policy = Sequential([StepDecay(), 0.01], milestones=[3])
    with pytest.raises(ValueError, match=r"'policies__1__alpha'.*policies__1 is 0\.01"):
        policy.set_params(milestones=[2], policies__1__alpha=0.2)
    assert policy.milestones == [3] and policy.policies[1] == 0.01
    policy.set_params(policies__1=Constant(), policies__1__alpha=0.2)
    assert policy.policies[1].alpha == 0.2
    with pytest.raises(ValueError, match="'policies__0__alpha'.*policies__0 is 1.0"):
        policy.set_params(policies=[1.0, StepDecay()], policies__0__alpha=0.2)
    assert policy.policies[1].alpha == 0.2  # unchanged


def test_sequential_clone_repr_and_grid():
    policy = Sequential(
        [Warmup(CosineAnnealing(0.1), epochs=1), ReduceOnPlateau()], [4]
    )
    cloned = clone(policy)
    assert cloned is not policy and cloned.policies is not policy.policies
    assert all(
        a is not b for a, b in zip(cloned.policies, policy.policies, strict=True)
    )
    assert repr(cloned) == repr(policy)
    assert_array_equal(trace(cloned, 8, 3), trace(policy, 8, 3))
    assert repr(Sequential([Constant(), StepDecay(0.1)], [2])) == (
        "Sequential(milestones=[2], policies=[Constant(), StepDecay(alpha=0.1)])"
    )

    # a grid search clones the estimator, then sets nested parameters
    grid = ParameterGrid(
        {
            "learning_rate": [policy],
            "learning_rate__policies__1__alpha": [0.02, 0.05],
            "learning_rate__policies__0__policy__alpha": [0.3],
        }
    )
    for params in grid:
        holder = clone(Holder()).set_params(**clone(params, safe=False))
        child = holder.learning_rate.policies[1]
        assert child.alpha == params["learning_rate__policies__1__alpha"]
        assert holder.learning_rate.policies[0].policy.alpha == 0.3
    assert policy.policies[1].alpha == 0.01  # the template was not touched


def test_schedule_repr_is_readable():
    schedule = StepDecay(alpha=0.1, every=2).start(max_epochs=10)
    assert repr(schedule) == "StepDecaySchedule(alpha=0.1, drop=0.5, every=2.0)"
    schedule = ExponentialDecay(np.float32(0.5), staircase=True).start(max_epochs=5)
    assert repr(schedule) == (
        "ExponentialDecaySchedule(alpha=0.5, gamma=0.9, staircase=True)"
    )
    assert type(schedule.rate(np.float64(1.5))) is float
    schedule = Warmup(ReduceOnPlateau(), epochs=1).start(max_epochs=5)
    assert repr(schedule).startswith("WarmupSchedule(inner=ReduceOnPlateauSchedule(")
    assert "reductions=0" in repr(schedule)


def test_start_returns_fresh_state():
    policy = BoldDriver(alpha=1.0)
    first = policy.start(max_epochs=5)
    first.observe(1, loss=2.0)
    first.observe(2, loss=1.0)
    assert first.rate(2) > 1.0
    assert policy.start(max_epochs=5).rate(0) == 1.0


# --------------------------------------------------------------------------
# Validation.

BAD = [
    (Constant(alpha=-1), "alpha"),
    (Constant(alpha=0), "alpha"),
    (Constant(alpha=math.inf), "alpha"),
    (InverseTimeDecay(decay=-1), "decay"),
    (InverseTimeDecay(power=-0.5), "power"),
    (ExponentialDecay(gamma=1.5), "gamma"),
    (ExponentialDecay(gamma=0), "gamma"),
    (ExponentialDecay(staircase="yes"), "staircase"),
    (StepDecay(drop=0), "drop"),
    (StepDecay(drop=1.5), "drop"),
    (StepDecay(every=0), "every"),
    (MultiStepDecay(milestones=(5, 5)), "milestones"),
    (MultiStepDecay(milestones=(0, 1)), "milestones"),
    (MultiStepDecay(milestones=("a",)), "milestones"),
    (MultiStepDecay(drop=-0.1), "drop"),
    (PolynomialDecay(alpha=0.01, end_alpha=0.1), "end_alpha"),
    (PolynomialDecay(power=0), "power"),
    (PolynomialDecay(n_epochs=0), "n_epochs"),
    (CosineAnnealing(min_alpha=1.0), "min_alpha"),
    (CosineAnnealing(n_epochs=-1), "n_epochs"),
    (CosineWarmRestarts(mult=0.5), "mult"),
    (CosineWarmRestarts(period=0), "period"),
    (CosineWarmRestarts(min_alpha=-1), "min_alpha"),
    (Cyclic(min_alpha=1.0, max_alpha=0.1), "min_alpha"),
    (Cyclic(mode="sine"), "mode"),
    (Cyclic(gamma=0), "gamma"),
    (Cyclic(step_size=0), "step_size"),
    (OneCycle(pct_start=0), "pct_start"),
    (OneCycle(pct_start=1.0), "pct_start"),
    (OneCycle(pct_start=0.5, three_phase=True), "pct_start"),
    (OneCycle(div_factor=0.5), "div_factor"),
    (OneCycle(final_div_factor=0), "final_div_factor"),
    (OneCycle(anneal="cubic"), "anneal"),
    (OneCycle(max_alpha=-0.1), "max_alpha"),
    (ReduceOnPlateau(factor=1.0), "factor"),
    (ReduceOnPlateau(factor=0), "factor"),
    (ReduceOnPlateau(patience=-1), "patience"),
    (ReduceOnPlateau(patience=1.5), "patience"),
    (ReduceOnPlateau(cooldown=-1), "cooldown"),
    (ReduceOnPlateau(threshold=-1), "threshold"),
    (ReduceOnPlateau(min_alpha=1.0), "min_alpha"),
    (ReduceOnPlateau(monitor="val_loss"), "monitor"),
    (BoldDriver(increase=0.9), "increase"),
    (BoldDriver(decrease=0), "decrease"),
    (BoldDriver(decrease=1.5), "decrease"),
    (BoldDriver(alpha=20.0), "alpha"),
    (BoldDriver(min_alpha=0.5), "min_alpha"),
    (Warmup(StepDecay(), epochs=-1), "epochs"),
    (Warmup(StepDecay(), epochs=10), "epochs"),
    (Warmup(StepDecay(), epochs=10.5), "epochs"),
    (Warmup(StepDecay(), start_factor=2), "start_factor"),
    (Warmup("fast"), "policy"),
    (Warmup(True), "policy"),
    (Warmup(np.True_), "policy"),
    (MultiStepDecay(milestones=("5", "10")), "milestones"),
    (MultiStepDecay(milestones=(True, 2)), "milestones"),
    (MultiStepDecay(milestones=np.array([True, False])), "milestones"),
    (Sequential([Constant(), Constant()], ["1"]), "milestones"),
    (Sequential([Constant(), Constant()], [True]), "milestones"),
    (Sequential([Constant(), True], [1]), "policies[1]"),
    (Sequential([Constant()], [1]), "milestones"),
    (Sequential([Constant(), Constant()], []), "milestones"),
    (Sequential([Constant()] * 3, [3, 3]), "milestones"),
    (Sequential([Constant()] * 2, [10]), "milestones"),
    (Sequential([], []), "policies"),
    (Sequential(Constant(), []), "policies"),
    (Sequential([Constant(), "x"], [1]), "policies[1]"),
]


def test_too_long_a_warmup_or_sequence_names_max_iter():
    for policy in [Warmup(StepDecay(), epochs=10), Sequential([0.1, 0.2], [10])]:
        with pytest.raises(ValueError, match=r"< max_epochs=10.0, .* max_iter\)"):
            policy.start(max_epochs=10)
        # in trace, the horizon is trace's own n_epochs
        with pytest.raises(ValueError, match=r"< n_epochs=10, the length of the trace"):
            trace(policy, 10, 2)


@pytest.mark.parametrize(
    "policy, message",
    [
        (
            Sequential([Warmup(CosineAnnealing(0.1), epochs=2), StepDecay(0.1)], [2]),
            "'epochs' parameter of Warmup must be < 2.0, the length of its segment "
            "of the Sequential (policies[0], from epoch 0.0 to 2.0), as its policy "
            "needs the time left as its horizon",
        ),
        (
            Sequential([StepDecay(0.1), Warmup(Constant(0.1), epochs=9)], [2]),
            "'epochs' parameter of Warmup must be < 8.0, the length of its segment "
            "of the Sequential (policies[1], from epoch 2.0 to 10.0)",
        ),
        (
            Sequential([Warmup(Constant(0.1), epochs=3), StepDecay(0.1)], [2]),
            "'epochs' parameter of Warmup must be <= 2.0, the length of its segment "
            "of the Sequential (policies[0], from epoch 0.0 to 2.0)",
        ),
        (
            Sequential([Constant(), Sequential([Constant(), Constant()], [5])], [6]),
            "'milestones' parameter of Sequential must be < 4.0, the length of its "
            "segment of the Sequential (policies[1], from epoch 6.0 to 10.0)",
        ),
        (
            Warmup(Sequential([Constant(), StepDecay()], [8]), epochs=3),
            "'milestones' parameter of Sequential must be < 7.0, the time its "
            "Warmup leaves after the warm-up (10.0 - 3.0 epochs)",
        ),
    ],
)
def test_a_nested_policy_too_long_for_its_part_names_that_part(policy, message):
    # not the training length of 10 epochs (max_iter), which is long enough
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        trace(policy, 10, 2)
    assert "max_iter" not in str(error.value)


def test_a_warmup_may_fill_a_segment_that_ends_at_a_milestone():
    # PyTorch's SequentialLR([LinearLR(total_iters=2 * B), StepLR(...)], [2 * B]):
    # the warm-up lasts its whole segment, the wrapped policy only sets alpha_0
    policy = Sequential(
        [Warmup(Constant(0.1), epochs=2), StepDecay(0.2, drop=0.5, every=1)], [2]
    )
    assert_allclose(
        trace(policy, 4, 2), [0, 0.025, 0.05, 0.075, 0.2, 0.2, 0.1, 0.1], RTOL
    )
    for inner in [0.1, Constant(0.1), StepDecay(0.1, every=1), OneCycle(n_epochs=3)]:
        warmup = Warmup(inner, epochs=2, start_factor=0.5)
        rates = trace(Sequential([warmup, 1.0], [2]), 3, 2)
        alpha_0 = trace(inner, 3, 2)[0]
        assert_allclose(rates[:4], alpha_0 * np.array([0.5, 0.625, 0.75, 0.875]))
        assert_array_equal(rates[4:], [1.0, 1.0])
        # nested in a Warmup that fills what a Sequential's segment leaves
        outer = Sequential([Warmup(warmup, epochs=1), 1.0], [3])
        assert_allclose(trace(outer, 4, 1)[1:3], alpha_0 * np.array([0.5, 0.75]))
    # refused: the wrapped policy takes its horizon from what the warm-up
    # leaves, and nothing is left
    for inner in [CosineAnnealing(0.1), Warmup(0.1, epochs=1), OwnPolicy()]:
        with pytest.raises(ValueError, match=r"'epochs' parameter of Warmup must be <"):
            trace(Sequential([Warmup(inner, epochs=2), 1.0], [2]), 4, 1)
    # refused: the warm-up lasts until training ends, as the last segment or
    # alone (max_iter), and never hands over to its policy
    for policy in [Sequential([1.0, Warmup(0.1, epochs=2)], [2]), Warmup(0.1, 4)]:
        with pytest.raises(ValueError, match=r"'epochs' parameter of Warmup must be <"):
            trace(policy, 4, 1)


def test_a_warmup_may_fill_a_segment_up_to_rounding():
    # the segment from 0.1 to 0.3 is 0.19999999999999998 epochs long: a
    # warm-up of 0.2 epochs fills it, it does not overrun it
    assert 0.3 - 0.1 < 0.2
    policy = Sequential([0.01, Warmup(0.1, epochs=0.2), 1.0], [0.1, 0.3])
    assert_allclose(trace(policy, 1, 10), [0.01, 0, 0.05] + [1.0] * 7, RTOL)


def test_a_warmup_may_fill_the_end_of_a_nested_sequential_that_hands_over():
    # the inner Sequential's last segment ends at the outer milestone, where
    # the outer Sequential's next policy takes over
    inner = Sequential([1.0, Warmup(0.1, epochs=1)], [1])
    rates = trace(Sequential([inner, 0.5], [2]), 3, 2)
    assert_allclose(rates, [1.0, 1.0, 0.0, 0.05, 0.5, 0.5], RTOL)
    # as the last segment of the training, the warm-up never hands over
    with pytest.raises(ValueError, match=r"'epochs' parameter of Warmup must be <"):
        trace(Sequential([0.5, inner], [1]), 3, 2)


class OwnPolicy:
    """A policy of one's own, which may read its horizon."""

    def start(self, max_epochs):
        return Constant(0.1).start(max_epochs)


@pytest.mark.parametrize(
    "policy",
    [
        InverseTimeDecay(alpha=0.1, decay=1.0, power=1100),
        InverseTimeDecay(alpha=0.1, decay=1e6, power=60),
        InverseTimeDecay(alpha=1.0, decay=1e308, power=2),
        InverseTimeDecay(alpha=1.0, decay=1e300, power=1e300),
    ],
    ids=repr,
)
def test_inverse_time_decay_underflows_to_zero_instead_of_overflowing(policy):
    rates = trace(policy, 4, 4)
    t = np.arange(16) / 4
    # the same formula in logs, where nothing but decay * t overflows (to inf)
    with np.errstate(over="ignore"):
        expected = policy.alpha * np.exp(-policy.power * np.log1p(policy.decay * t))
    assert np.all(np.isfinite(rates)) and np.all(rates >= 0)
    assert_allclose(rates, expected, rtol=1e-9, atol=0)
    assert rates[0] == policy.alpha and rates[-1] == 0.0


@pytest.mark.parametrize(
    "policy",
    [
        StepDecay(every=5e-324),
        ExponentialDecay(gamma=5e-324, staircase=True),
        PolynomialDecay(power=1e300, n_epochs=5e-324),
        Cyclic(step_size=5e-324),
        Cyclic(step_size=5e-324, mode="triangular2"),
        CosineWarmRestarts(period=5e-324),
        CosineWarmRestarts(period=5e-324, mult=2),
        CosineWarmRestarts(period=1e-300, mult=1e308),
        OneCycle(pct_start=5e-324, n_epochs=0.5),
        OneCycle(pct_start=5e-324, n_epochs=0.5, three_phase=True),
    ],
    ids=repr,
)
def test_extreme_valid_durations_give_finite_rates(policy):
    # a duration too small for t / duration to be a float used to raise
    # OverflowError (math.floor of inf) or ZeroDivisionError (a phase of 0)
    rates = trace(policy, 3, 2)
    low, high = bounds(policy)
    assert np.all(np.isfinite(rates))
    assert np.all(rates >= low) and np.all(rates <= high)


def test_durations_that_underflow_take_the_documented_limits():
    # a phase that underflowed to 0 epochs starts at its first value at t = 0
    # and is over after it; infinitely many cycles sit at their start
    for three_phase in (False, True):
        policy = OneCycle(0.1, n_epochs=0.5, pct_start=5e-324, three_phase=three_phase)
        rates = trace(policy, 3, 2)
        assert_allclose(rates, [0.1 / 25] + [0.1 / 25 / 1e4] * 5, RTOL)
    for mode in ("triangular", "triangular2", "exp_range"):
        policy = Cyclic(0.01, 0.1, step_size=5e-324, mode=mode)
        assert_array_equal(trace(policy, 3, 2), np.full(6, 0.01))


@pytest.mark.parametrize(
    "policy",
    [
        InverseTimeDecay(alpha=0.1, decay=0.5, power=0),  # power >= 0
        PolynomialDecay(alpha=0.1, end_alpha=0.1),  # end_alpha <= alpha
        CosineAnnealing(alpha=0.1, min_alpha=0.1),  # min_alpha <= alpha
        CosineWarmRestarts(alpha=0.1, min_alpha=0.1),
    ],
)
def test_hyperparameters_on_the_edge_of_their_range_give_a_constant(policy):
    assert_allclose(trace(policy, 3, 2), np.full(6, 0.1), RTOL)


def test_a_warmup_must_end_before_the_training_does():
    assert_allclose(trace(Warmup(0.1, epochs=4.5), 5, 2)[-1], 0.1, RTOL)
    with pytest.raises(ValueError, match=r"'epochs' parameter of Warmup must be <"):
        Warmup(0.1, epochs=5).start(max_epochs=5)


def test_numeric_hyperparameters_take_bools_as_scikit_learn_does():
    # scikit-learn's Interval(Real/Integral) constraints accept True as 1
    # (MLPClassifier(alpha=True) fits), so the policies' numeric ones do too
    assert Interval(Real, 0, None, closed="neither").is_satisfied_by(True)
    assert Interval(Integral, 0, None, closed="left").is_satisfied_by(True)
    assert_array_equal(trace(Constant(alpha=True), 2, 1), [1.0, 1.0])
    for policy in [
        ReduceOnPlateau(patience=True),
        Cyclic(gamma=True),
        Warmup(Constant(), epochs=True),
    ]:
        policy.start(max_epochs=10)
    # where a policy is expected, a bool is a mistake, as for learning_rate
    with pytest.raises(ValueError, match="'policy' parameter of trace"):
        trace(True, 2, 1)


@pytest.mark.parametrize("policy, param", BAD, ids=lambda x: repr(x)[:50])
def test_bad_hyperparameters_raise_at_start_and_trace(policy, param):
    match = rf"'{re.escape(param)}' parameter of {type(policy).__name__}"
    with pytest.raises(ValueError, match=match):
        policy.start(max_epochs=10)
    with pytest.raises(ValueError, match=match):
        trace(policy, 10, 2)


@pytest.mark.parametrize(
    "policy, name",
    [
        (Warmup(StepDecay(alpha=-1)), "'alpha' parameter of StepDecay"),
        (Sequential([Constant(), Cyclic(mode="x")], [2]), "'mode' parameter of Cyclic"),
        (Warmup(-0.1), "'policy' parameter of Warmup"),
    ],
)
def test_nested_policies_are_validated(policy, name):
    with pytest.raises(ValueError, match=name):
        policy.start(max_epochs=10)


def test_a_restart_checks_only_hyperparameters_changed_since_they_passed(monkeypatch):
    checked = []
    check = BaseEstimator._validate_params
    monkeypatch.setattr(
        BaseEstimator,
        "_validate_params",
        lambda self: (checked.append(type(self).__name__), check(self))[1],
    )
    inner = ExponentialDecay(alpha=0.1, staircase=True)
    policy = Warmup(inner, epochs=1)
    for _ in range(3):  # each partial_fit call starts the policy again
        policy.start(max_epochs=10)
    assert checked == ["Warmup", "ExponentialDecay"]
    # changed in place, by assignment or set_params, inner or outer: refused
    for target, name, bad in [
        (inner, "alpha", -1.0),
        (inner, "staircase", 1),  # == True, which passed, but not a bool
        (policy, "epochs", -1.0),
        (policy, "policy", -0.1),
    ]:
        good = getattr(target, name)
        setattr(target, name, bad)
        for _ in range(2):
            with pytest.raises(ValueError, match=f"'{name}' parameter"):
                policy.start(max_epochs=10)
        target.set_params(**{name: good})
    policy.start(max_epochs=10)
    checked.clear()
    policy.start(max_epochs=10)
    assert checked == []


@pytest.mark.parametrize("max_epochs", [0, -1, math.nan, math.inf, None, "10", True])
def test_bad_max_epochs(max_epochs):
    with pytest.raises(ValueError, match="'max_epochs' parameter of StepDecay"):
        StepDecay().start(max_epochs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_epochs": 0}, "n_epochs"),
        ({"n_epochs": 2.5}, "n_epochs"),
        ({"steps_per_epoch": 0}, "steps_per_epoch"),
        ({"losses": [1.0, 2.0]}, "at least n_epochs=3"),
        ({"losses": np.ones((3, 1))}, "1-D"),
        ({"scores": [0.5]}, "scores must be 1-D with at least n_epochs=3"),
        ({"scores": "high"}, "scores"),
        ({"policy": "constant"}, "policy"),
    ],
)
def test_trace_validates_its_arguments(kwargs, match):
    arguments = {"policy": Constant(), "n_epochs": 3, "steps_per_epoch": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        trace(**arguments)


def test_trace_warns_when_a_policy_watching_the_score_is_given_none():
    policy = Warmup(ReduceOnPlateau(alpha=0.1, monitor="score", patience=0))
    with pytest.warns(UserWarning, match="scores=None") as record:
        rates = trace(policy, 3, 2, losses=[1.0, 1.0, 1.0])
    assert record[0].filename == __file__
    assert_allclose(rates[2:], 0.1)  # stays put after the warm-up
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace(ReduceOnPlateau(alpha=0.1), 3, 2, losses=[1.0, 1.0, 1.0])  # auto
        trace(policy, 3, 2, scores=[0.5, 0.5, 0.5])


def test_trace_takes_the_first_n_epochs_of_longer_feedback():
    policy = BoldDriver(alpha=1.0, increase=2.0, decrease=0.5)
    losses = [3.0, 2.0, 1.0, 5.0, 9.0]
    assert_array_equal(trace(policy, 3, 2, losses=losses), [1, 1, 1, 1, 2, 2])
    plateau = ReduceOnPlateau(1.0, patience=0, threshold=0)
    rates = trace(plateau, 3, 1, losses=[1.0] * 5, scores=[0.5, 0.5, 0.9, 0.9, 1])
    assert_array_equal(rates, [1.0, 1.0, 0.5])


def test_trace_accepts_a_float_and_numpy_integers():
    assert_array_equal(trace(0.5, np.int64(2), np.int32(2)), np.full(4, 0.5))
    # signed times unsigned is a float in NumPy; a bool is the int it equals
    assert_array_equal(trace(0.5, np.int64(3), np.uint64(2)), np.full(6, 0.5))
    assert_array_equal(trace(StepDecay(), True, 2), trace(StepDecay(), 1, 2))


def test_as_policy():
    for value in [0.1, 1, np.float32(0.25), np.float64(0.5), np.int64(2)]:
        policy = _as_policy(value)
        assert type(policy) is Constant and type(policy.alpha) is float
        assert policy.alpha == float(value)
    policy = StepDecay()
    assert _as_policy(policy) is policy
    for value in [0.0, -0.1, -3, math.nan, math.inf]:
        with pytest.raises(ValueError, match="learning_rate"):
            _as_policy(value)
    expected = (
        r"The 'learning_rate' parameter must be a float in the range \(0.0, inf\) "
        r"or a learning-rate policy \(an object implementing 'start', such as "
        r"StepDecay\(\)\)\. Got "
    )
    for value, shown in [(True, "True"), ("adaptive", "'adaptive'"), (None, "None")]:
        with pytest.raises(TypeError, match=f"^{expected}{shown} instead\\.$"):
            _as_policy(value)
    with pytest.raises(
        TypeError,
        match=rf"^{expected}the class StepDecay instead; did you mean StepDecay\(\)\?$",
    ):
        _as_policy(StepDecay)
    # a wrong type is also a ValueError, as every bad hyperparameter is
    for value in (StepDecay, "adaptive", None):
        with pytest.raises(ValueError, match=expected):
            _as_policy(value)


def test_docstring_examples_run():
    result = doctest.testmod(schedules_module)
    assert result.failed == 0
    assert result.attempted >= 15


def test_policies_and_states_are_named_after_the_public_module():
    # the code lives in sklearn_lr._policies; pickles, skops files and the API
    # documentation must only ever see sklearn_lr.schedules
    public = [getattr(schedules_module, name) for name in schedules_module.__all__]
    classes = [obj for obj in public if isinstance(obj, type)]
    assert len(classes) == 14
    examples = [Warmup(StepDecay()), ReduceOnPlateau(), BoldDriver(), Constant()]
    examples.append(Sequential([StepDecay(), 0.1], milestones=[3]))
    states = [type(policy.start(10.0)) for policy in examples]
    for cls in {*classes, *states, schedules_module._Policy}:
        assert cls.__module__ == "sklearn_lr.schedules", cls
        assert getattr(schedules_module, cls.__name__) is cls
    policy = Warmup(Sequential([StepDecay(), 0.1], milestones=[3]), epochs=2)
    blob = pickle.dumps((policy, policy.start(10.0)))
    assert b"_policies" not in blob
    restored_policy, restored_state = pickle.loads(blob)
    assert restored_state.rate(4.5) == policy.start(10.0).rate(4.5)


class _UserPolicy(StepDecay):
    """A user's subclass, defined outside the package."""


def test_a_subclass_defined_elsewhere_keeps_its_module():
    assert _UserPolicy.__module__ == __name__
    assert pickle.loads(pickle.dumps(_UserPolicy(alpha=0.3))).alpha == 0.3


class _FixedRate:
    """A policy of a user's own giving `alpha` at every step."""

    def __init__(self, alpha):
        self.alpha = alpha

    def start(self, max_epochs):
        return self

    def rate(self, t):
        return self.alpha

    def observe(self, t, *, loss=None, score=None):
        pass


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-3, 3),
        st.sampled_from([np.float32(0.5), np.float64(-0.5), True, "0.1", None]),
    )
)
def test_an_own_policys_rate_is_taken_exactly_when_a_real_number_at_least_0(alpha):
    policy = _FixedRate(alpha)
    valid = (
        isinstance(alpha, int | float | np.floating)
        and not isinstance(alpha, bool)
        and 0 <= alpha < math.inf
    )
    if valid:
        rates = trace(policy, 2, 3)
        assert rates.dtype == np.float64
        assert_array_equal(rates, np.full(6, float(alpha)))
    else:
        with pytest.raises(ValueError, match=r"gave alpha=.* at t=0; a learning rate"):
            trace(policy, 2, 3)


# --------------------------------------------------------------------------
# Extremes: boundaries are reached up to 1e-9 epochs of the clock (less
# before one epoch), whatever the length of a duration

_B = 10**6  # batches per epoch


# 1. The rounding tolerance of StepDecay/CosineWarmRestarts grows with the
# duration (1e-9 periods, not 1e-9 epochs), so long durations drop/restart early.


def test_step_decay_does_not_drop_10_steps_before_a_long_every():
    # docs/user_guide/policies.rst: boundaries "that the clock reaches up to a
    # rounding error of 10^-9 epochs count as reached"; alpha*drop^floor(t/every):
    # t = 1e4 - 1e-5 is 1e-5 epochs (10 steps of 1e6) before the drop
    schedule = StepDecay(alpha=1.0, drop=0.5, every=1e4).start(max_epochs=2e4)
    assert schedule.rate(9999 + (_B - 10) / _B) == 1.0


def test_warm_restarts_do_not_restart_before_a_long_period():
    # same doc sentence; SGDR formula: at 1e-5 epochs before the restart at
    # S_1 = 1e4 alpha is ~min_alpha (PyTorch's n = floor(t / T_0) has no slack)
    schedule = CosineWarmRestarts(alpha=1.0, period=1e4).start(max_epochs=2e4)
    assert schedule.rate(9999 + (_B - 10) / _B) < 1e-6


def test_warm_restarts_with_mult_do_not_restart_hundreds_of_steps_early():
    # S_20 = 2**20 - 1 for period=1, mult=2; 1e-5 epochs before it alpha is
    # ~min_alpha, not the restart value alpha (same doc sentence, SGDR formula)
    schedule = CosineWarmRestarts(alpha=1.0, period=1, mult=2).start(max_epochs=4e6)
    start_20 = 2.0**20 - 1
    assert schedule.rate(start_20 - 1e-5) < 1e-6
    assert schedule.rate(start_20) == 1.0  # the restart itself still lands


# 2. An absolute 1e-9 tolerance makes durations below 1e-9 epochs take effect
# at t = 0, where the clock is exact (StepDecay, CosineAnnealing, OneCycle don't).


def test_a_milestone_below_1e9_epochs_is_not_reached_at_t0():
    # DESIGN: alpha * drop^(number of milestones <= t); at t = 0 none is <= 0
    schedule = MultiStepDecay(alpha=1.0, milestones=(5e-10,), drop=0.5).start(1.0)
    assert schedule.rate(0.0) == 1.0


def test_sequential_runs_its_first_policy_at_t0_before_a_tiny_milestone():
    # DESIGN: "policy i runs from milestone i-1 to milestone i"; docs:
    # alpha_t = policy_i(t - m_i) for m_i <= t < m_{i+1}: at t = 0, policy 0
    assert Sequential([1.0, 2.0], milestones=[5e-10]).start(1.0).rate(0.0) == 1.0


def test_polynomial_decay_starts_at_alpha_with_a_tiny_horizon():
    # DESIGN: (alpha - end)(1 - t/T)^power + end: alpha at t = 0, as
    # CosineAnnealing(n_epochs=5e-10) gives
    assert CosineAnnealing(1.0, n_epochs=5e-10).start(1.0).rate(0.0) == 1.0
    assert PolynomialDecay(1.0, n_epochs=5e-10).start(1.0).rate(0.0) == 1.0


# 3. InverseTimeDecay loses decay*t when 1 + decay*t rounds (large power).


@pytest.mark.parametrize("decay, power", [(1e-17, 1e17), (1e-10, 1e10)])
def test_inverse_time_decay_keeps_a_tiny_decay_times_a_huge_power(decay, power):
    # DESIGN: alpha / (1 + decay*t)^power = alpha * exp(-power * log1p(decay*t))
    # = e^-t here; observed 1.0 (rel. error 1.7) and rel. error 2.5e-7
    schedule = InverseTimeDecay(alpha=1.0, decay=decay, power=power).start(10)
    expected = math.exp(-power * math.log1p(decay * 3.0))
    assert schedule.rate(3.0) == pytest.approx(expected, rel=1e-9, abs=0)


# 4. CosineWarmRestarts overflows t * (mult - 1) before dividing by period.


def test_warm_restarts_halfway_through_the_first_period_with_a_huge_mult():
    # Notes of CosineWarmRestarts: period 0 is [0, T_0), alpha_t =
    # min + (alpha-min)(1+cos(pi t/T_0))/2 = 0.5 at t = T_0/2; observed 1.0
    schedule = CosineWarmRestarts(alpha=1.0, period=1e5, mult=1e304).start(1e6)
    assert schedule.rate(5e4) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "policy, name",
    [
        (StepDecay(alpha=10**400), "alpha"),
        (StepDecay(every=10**400), "every"),
        (Constant(10**400), "alpha"),
        (Warmup(10**400, epochs=1), "policy"),
        (MultiStepDecay(milestones=[1, 10**400]), "milestones"),
    ],
)
def test_an_int_beyond_the_float_range_is_refused_by_name(policy, name):
    # below inf for Python, but no float: refused as inf is, not an
    # OverflowError where it becomes one
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        policy.start(max_epochs=5)


def test_a_decay_keeps_a_normal_rate_where_its_power_alone_underflows():
    # alpha * gamma**t = 1e200 * 1e-500 = 1e-300, a normal float, though
    # gamma**t alone underflows to 0; ReduceOnPlateau reaches 1e-300 as
    # PyTorch's step-by-step product does (1e300, 1e300, 1, 1e-300)
    schedule = ExponentialDecay(alpha=1e200, gamma=1e-250).start(5)
    assert schedule.rate(2.0) == pytest.approx(1e-300, rel=1e-12, abs=0)
    policy = ReduceOnPlateau(
        alpha=1e300, factor=1e-300, patience=0, min_alpha=0.0, monitor="loss"
    )
    rates = trace(policy, 4, 1, losses=[1.0] * 4)
    assert rates.tolist() == pytest.approx([1e300, 1e300, 1.0, 1e-300], rel=1e-12)


class _Recorder:
    """A policy of one's own: constant α, recording each observation as
    ``(t, loss)``."""

    def __init__(self):
        self.seen = []

    def start(self, max_epochs):
        seen = self.seen

        class Schedule:
            def rate(self, t):
                return 0.1

            def observe(self, t, *, loss=None, score=None):
                seen.append((t, loss))

        return Schedule()


def test_warmup_passes_feedback_on_the_wrapped_policys_own_clock():
    """Mutant: `Warmup` passes the wrapped policy the training clock t
    instead of t - epochs.

    The documentation: feedback reaches the wrapped policy only for epochs
    that end after the warm-up, "on its own clock t - w". With w = 2 and
    epochs ending at t = 1 .. 5, it sees t = 1, 2, 3 with the last three
    losses.
    """
    inner = _Recorder()
    trace(Warmup(inner, epochs=2), 5, 1, losses=[5.0, 4.0, 3.0, 2.0, 1.0])
    assert inner.seen == [(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]


def test_sequential_passes_feedback_on_each_childs_own_clock():
    """Mutant: `Sequential` passes its children the training clock t
    instead of t - m_i.

    The documentation: an epoch-end observation at t goes to the policy that
    ran just before t (m_i < t <= m_{i+1}), "on its clock" t - m_i. With the
    milestone at 2 and epochs ending at t = 1 .. 5: the first child sees
    t = 1, 2, the second t = 1, 2, 3 (the epochs ending at 3, 4, 5).
    """
    first, second = _Recorder(), _Recorder()
    policy = Sequential([first, second], milestones=[2])
    trace(policy, 5, 1, losses=[5.0, 4.0, 3.0, 2.0, 1.0])
    assert first.seen == [(1.0, 5.0), (2.0, 4.0)]
    assert second.seen == [(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]

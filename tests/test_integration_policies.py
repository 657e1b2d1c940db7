"""Every learning-rate policy inside the estimators.

The estimator must apply exactly the schedule :func:`trace` describes,
continue it across ``partial_fit`` calls and pickling, and feed feedback
policies the right signal.
"""

import pickle
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
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
    trace,
)


class LinearToFloor(BaseEstimator):
    """A policy of a user's own, as docs/user_guide/policies.rst shows: α
    falls linearly from `alpha` to `floor` over `epochs`, then stays."""

    def __init__(self, alpha=0.1, floor=0.01, epochs=5.0):
        self.alpha = alpha
        self.floor = floor
        self.epochs = epochs

    def start(self, max_epochs):
        return _LinearToFloorSchedule(self.alpha, self.floor, self.epochs)


class _LinearToFloorSchedule:
    def __init__(self, alpha, floor, epochs):
        self.alpha, self.floor, self.epochs = alpha, floor, epochs

    def rate(self, t):
        return self.alpha + (self.floor - self.alpha) * min(t / self.epochs, 1.0)

    def observe(self, t, *, loss=None, score=None):
        pass  # open loop: the training loss changes nothing


class HalveWhenWorse(BaseEstimator):
    """A feedback policy of a user's own: α halves after an epoch whose
    training loss is higher than the one before."""

    def __init__(self, alpha=0.05):
        self.alpha = alpha

    def start(self, max_epochs):
        return _HalveWhenWorseSchedule(self.alpha)


class _HalveWhenWorseSchedule:
    def __init__(self, alpha):
        self.alpha, self.last_loss, self.seen = alpha, None, []

    def rate(self, t):
        return self.alpha

    def observe(self, t, *, loss=None, score=None):
        self.seen.append((t, loss, score))
        if self.last_loss is not None and loss > self.last_loss:
            self.alpha /= 2
        self.last_loss = loss


POLICIES = [
    Constant(alpha=0.05),
    InverseTimeDecay(alpha=0.05, decay=0.5),
    ExponentialDecay(alpha=0.05, gamma=0.8),
    ExponentialDecay(alpha=0.05, gamma=0.8, staircase=True),
    StepDecay(alpha=0.05, drop=0.5, every=1.5),
    MultiStepDecay(alpha=0.05, milestones=(2, 3.5), drop=0.3),
    PolynomialDecay(alpha=0.05, end_alpha=0.001, power=2.0),
    CosineAnnealing(alpha=0.05, min_alpha=0.001),
    CosineWarmRestarts(alpha=0.05, period=1.5, mult=2),
    Cyclic(min_alpha=0.005, max_alpha=0.05, step_size=1.25),
    Cyclic(min_alpha=0.005, max_alpha=0.05, step_size=1.0, mode="triangular2"),
    Cyclic(min_alpha=0.005, max_alpha=0.05, step_size=1.0, mode="exp_range", gamma=0.7),
    OneCycle(max_alpha=0.1),
    OneCycle(max_alpha=0.1, anneal="linear", three_phase=True, pct_start=0.25),
    ReduceOnPlateau(alpha=0.05, patience=0, factor=0.5, threshold=0.05),
    BoldDriver(alpha=0.03, increase=1.2, decrease=0.5),
    Warmup(CosineAnnealing(alpha=0.05), epochs=1.5, start_factor=0.1),
    Sequential(
        [Warmup(Constant(alpha=0.05), epochs=1.0), StepDecay(alpha=0.05, every=1)],
        milestones=[2.5],
    ),
    # a user's own policies go through exactly the same paths
    LinearToFloor(alpha=0.05, floor=0.005, epochs=3.5),
    HalveWhenWorse(alpha=1.0),  # so large that the loss rises and α halves
    Warmup(LinearToFloor(alpha=0.05), epochs=1.0),
    Sequential([0.05, HalveWhenWorse(alpha=1.0)], milestones=[2]),
]
IDS = [repr(p) for p in POLICIES]
DOCS = Path(__file__).resolve().parents[1] / "docs"
N_EPOCHS = 6


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _net(policy, **params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        learning_rate=policy,
        batch_size=32,  # 150 samples: 5 steps per epoch, the last one short
        max_iter=N_EPOCHS,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )
    return SGDNetClassifier(**{**defaults, **params})


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_lr_history_equals_trace(policy, data):
    X, y = data
    est = _fit(_net(clone(policy)), X, y)
    assert est.n_iter_ == N_EPOCHS
    expected = trace(policy, N_EPOCHS, steps_per_epoch=5, losses=est.loss_curve_)
    np.testing.assert_array_equal(est.lr_history_, expected)


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_fit_equals_partial_fit_calls(policy, data):
    X, y = data
    fitted = _fit(_net(clone(policy), shuffle=False), X, y)
    streamed = _net(clone(policy), shuffle=False)
    for _ in range(N_EPOCHS):
        streamed.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_array_equal(streamed.lr_history_, fitted.lr_history_)
    for a, b in zip(streamed.coefs_, fitted.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert streamed.n_iter_ == fitted.n_iter_ == N_EPOCHS


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_pickle_mid_schedule_resumes_exactly(policy, data):
    X, y = data
    classes = np.unique(y)
    uninterrupted = _net(clone(policy))
    interrupted = _net(clone(policy))
    for epoch in range(N_EPOCHS):
        uninterrupted.partial_fit(X, y, classes=classes)
        interrupted.partial_fit(X, y, classes=classes)
        if epoch == 2:
            interrupted = pickle.loads(pickle.dumps(interrupted))
    np.testing.assert_array_equal(interrupted.lr_history_, uninterrupted.lr_history_)
    for a, b in zip(interrupted.coefs_, uninterrupted.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_training_never_mutates_the_policy(policy, data):
    X, y = data
    before = pickle.dumps(policy)
    est = _fit(_net(policy), X, y)
    est.partial_fit(X, y)
    assert pickle.dumps(policy) == before
    assert est.learning_rate is policy


def test_horizon_policies_use_max_iter(data):
    X, y = data
    est = _fit(_net(CosineAnnealing(alpha=0.05, min_alpha=0.0), max_iter=4), X, y)
    steps = np.arange(4 * 5) / 5  # the clock of every step
    np.testing.assert_allclose(est.lr_history_, 0.025 * (1 + np.cos(np.pi * steps / 4)))


def test_partial_fit_clock_continues_one_epoch_per_call(data):
    X, y = data
    est = _net(StepDecay(alpha=0.08, drop=0.5, every=1))
    for _ in range(3):
        est.partial_fit(X[:64], y[:64], classes=np.unique(y))  # 2 steps per call
    np.testing.assert_allclose(est.lr_history_, [0.08, 0.08, 0.04, 0.04, 0.02, 0.02])


def test_reduce_on_plateau_monitors_validation_score_with_early_stopping(data):
    X, y = data
    policy = ReduceOnPlateau(alpha=0.05, patience=0, factor=0.5, threshold=0.0)
    est = _fit(_net(policy, early_stopping=True, validation_fraction=0.2), X, y)
    # trace replays the run from the losses and scores it recorded: the
    # schedule saw the validation score, not the loss
    steps = len(est.lr_history_) // est.n_iter_
    assert len(set(est.lr_history_)) > 1  # α was reduced
    replay = trace(
        policy,
        est.n_iter_,
        steps,
        losses=est.loss_curve_,
        scores=est.validation_scores_,
    )
    np.testing.assert_array_equal(est.lr_history_, replay)
    by_loss = trace(policy, est.n_iter_, steps, losses=est.loss_curve_)
    assert not np.array_equal(est.lr_history_, by_loss)


def test_feedback_changes_appear_in_verbose_output(data, capsys):
    X, y = data
    est = _fit(
        _net(BoldDriver(alpha=0.03, increase=1.5, decrease=0.5), verbose=1), X, y
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if "alpha" in line]
    assert len(lines) == N_EPOCHS
    printed = [float(line.split("alpha ")[1].split(",")[0]) for line in lines]
    # the last alpha of every epoch, as applied
    np.testing.assert_allclose(printed, est.lr_history_[4::5], rtol=1e-5)
    assert len(set(np.round(printed, 8))) > 1  # the driver did move alpha


@pytest.mark.parametrize(
    "policy, parameter",
    [
        (StepDecay(drop=2.0), "drop"),
        (Constant(alpha=-0.1), "alpha"),
        (Cyclic(min_alpha=0.5, max_alpha=0.1), "min_alpha"),
        (OneCycle(pct_start=1.5), "pct_start"),
        (ReduceOnPlateau(factor=1.0), "factor"),
        (MultiStepDecay(milestones=(5, 2)), "milestones"),
        (Warmup(StepDecay(drop=-1.0)), "drop"),
    ],
)
def test_bad_policy_hyperparameters_fail_at_fit(policy, parameter, data):
    X, y = data
    est = _fit(_net(0.05), X, y)
    coefs = [c.copy() for c in est.coefs_]
    est.set_params(learning_rate=policy)
    with pytest.raises(ValueError, match=parameter) as info:
        est.fit(X, y)
    assert type(policy).__name__ in str(info.value) or "Warmup" in repr(policy)
    for a, b in zip(est.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_regressor_applies_policies_too():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = X @ [1.0, -2.0, 0.5]
    policy = OneCycle(max_alpha=0.05)
    est = SGDNetRegressor(
        (8,), learning_rate=policy, batch_size=25, max_iter=4, random_state=0
    )
    _fit(est, X, y)
    np.testing.assert_array_equal(est.lr_history_, trace(policy, 4, 4))


# --------------------------------------------------------------------------
# A user's own policy: the protocol's calls, searching it, bad rates


def test_own_feedback_policy_observes_every_epoch_end(data):
    X, y = data
    est = _fit(_net(HalveWhenWorse(alpha=1.0)), X, y)
    seen = est.schedule_.seen
    assert [t for t, _, _ in seen] == list(range(1, N_EPOCHS + 1))
    assert [loss for _, loss, _ in seen] == est.loss_curve_
    assert all(score is None for _, _, score in seen)
    # α halves after each epoch whose loss rose above the one before, and
    # only then
    alphas = est.lr_history_.reshape(N_EPOCHS, 5)
    assert (alphas == alphas[:, :1]).all()
    alphas = alphas[:, 0]
    rose = np.diff(est.loss_curve_) > 0  # epoch e + 2 against epoch e + 1
    assert rose[:-1].any()
    assert alphas[1] == alphas[0]
    np.testing.assert_array_equal(alphas[2:], alphas[1:-1] / np.where(rose[:-1], 2, 1))
    stopped = _fit(_net(HalveWhenWorse(alpha=1.0), early_stopping=True), X, y)
    scores = [score for _, _, score in stopped.schedule_.seen]
    assert scores == stopped.validation_scores_


def test_grid_search_over_an_own_policys_parameters(data):
    X, y = data
    search = GridSearchCV(
        _net(LinearToFloor()),
        {"learning_rate__alpha": [0.01, 0.1], "learning_rate__epochs": [2, 4]},
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    policy = best.learning_rate
    expected = trace(policy, N_EPOCHS, steps_per_epoch=5)
    np.testing.assert_array_equal(best.lr_history_, expected)
    assert expected[0] == policy.alpha
    assert expected[-1] == pytest.approx(policy.floor)


class _ProtocolOnly:
    """A policy by the protocol alone: no get_params, no BaseEstimator."""

    def __init__(self, alpha):
        self.alpha = alpha

    def start(self, max_epochs):
        return _LinearToFloorSchedule(self.alpha, self.alpha / 10, max_epochs)


def test_a_policy_that_only_follows_the_protocol_is_taken(data):
    # the estimators take what trace, Warmup and Sequential take: an object
    # with start(); clone deep-copies it, so fits never share it
    X, y = data
    policy = _ProtocolOnly(0.05)
    est = _fit(_net(policy), X, y)
    np.testing.assert_array_equal(est.lr_history_, trace(policy, N_EPOCHS, 5))
    copy = clone(est)
    assert copy.learning_rate is not policy
    assert copy.learning_rate.alpha == policy.alpha


class _TurnsNegative(BaseEstimator):
    """α = 0.05 - 0.02 t: a bug that shows from epoch 3 on."""

    def start(self, max_epochs):
        return _LinearToFloorSchedule(0.05, -0.01, 3.0)


def test_a_bad_rate_later_in_fit_stops_there_with_the_record_complete(data):
    X, y = data
    est = _net(_TurnsNegative(), max_iter=5)
    with pytest.raises(ValueError, match=r"gave alpha=-0\.0[0-9]+ at t=2\.6;"):
        est.fit(X, y)
    # epochs 1 and 2 ran (t < 2.5 keeps α >= 0) and are recorded in full
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    np.testing.assert_allclose(
        est.lr_history_, [0.05 - 0.06 * t / 3.0 for t in np.arange(10) / 5]
    )
    LearningRateDisplay = pytest.importorskip("sklearn_lr.plotting").LearningRateDisplay
    pytest.importorskip("matplotlib").use("Agg")
    display = LearningRateDisplay.from_estimator(est)
    # every step at its clock, and the line closed at the end of epoch 2
    np.testing.assert_allclose(display.line_.get_xdata(), np.arange(11) / 5)


def test_a_bad_rate_of_a_running_schedule_names_the_policy_it_came_from(data):
    # partial_fit keeps running the schedule of the run in progress after
    # learning_rate is set to another policy: a bad α names the policy the
    # schedule came from, not the new one, which never gave it
    X, y = data
    est = _net(_TurnsNegative(), batch_size=len(X))
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    est.set_params(learning_rate=StepDecay(alpha=0.05))
    est.partial_fit(X, y)  # t = 2: 0.01
    with pytest.raises(ValueError) as error:
        est.partial_fit(X, y)  # t = 3: -0.01
    message = str(error.value)
    assert "learning_rate=_TurnsNegative() gave alpha=-0.01" in message
    assert "StepDecay" not in message
    # a new run starts from the new policy, and names it
    est.set_params(learning_rate=_TurnsNegative(), max_iter=4)
    with pytest.raises(ValueError, match=r"_TurnsNegative\(\) gave alpha="):
        est.fit(X, y)


def test_trace_checks_an_own_policys_rates():
    with pytest.raises(ValueError, match="policy=_TurnsNegative.. gave alpha="):
        trace(_TurnsNegative(), 4, steps_per_epoch=2)


def test_the_user_guides_own_policy_runs_as_written(data):
    # the code block of "Writing your own policy", executed as it stands
    text = (DOCS / "user_guide" / "policies.rst").read_text(encoding="utf-8")
    section = text[text.index(".. _own_policy:") :]
    block = section[section.index(".. code-block:: python") :].split("\n\n", 1)[1]
    code = block[: block.index("\nIt then works")]
    namespace = {}
    exec(textwrap.dedent(code), namespace)
    documented = namespace["LinearToFloor"](alpha=0.05, floor=0.005, epochs=3.5)
    ours = LinearToFloor(alpha=0.05, floor=0.005, epochs=3.5)
    np.testing.assert_array_equal(trace(documented, 6, 4), trace(ours, 6, 4))
    X, y = data
    est = _fit(_net(documented), X, y)
    np.testing.assert_array_equal(est.lr_history_, trace(ours, N_EPOCHS, 5))


class _Interrupted(BaseEstimator):
    """Constant α whose schedule raises KeyboardInterrupt when it first
    observes epoch 2, as a user interrupting a notebook cell does."""

    def start(self, max_epochs):
        return _InterruptedSchedule()


class _InterruptedSchedule:
    interrupted = False

    def rate(self, t):
        return 0.05

    def observe(self, t, *, loss=None, score=None):
        if t == 2 and not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt


def test_an_interrupted_fit_keeps_a_complete_record(data):
    # the policy's observation is part of its epoch: interrupted there, the
    # epoch is undone, and the record holds the epochs the policy saw
    X, y = data
    est = _net(_Interrupted(), early_stopping=True)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert est.n_iter_ == 1 and len(est.validation_scores_) == 1
    # 135 training rows after the 10% validation split: 5 steps per epoch
    np.testing.assert_array_equal(est.lr_history_, np.full(5, 0.05))
    # training goes on from there
    est.partial_fit(X, y)
    assert est.n_iter_ == 2 and len(est.lr_history_) == 10


class _CountedRepr(StepDecay):
    """StepDecay counting its reprs, which messages alone need."""

    reprs = 0

    def __repr__(self, N_CHAR_MAX=700):
        type(self).reprs += 1
        return super().__repr__(N_CHAR_MAX)


def test_a_policys_repr_is_made_once_per_run_not_every_epoch(data):
    # the text of a policy, for a message about its α, costs tens of µs:
    # it is kept once when a run starts, not made for every epoch or call
    X, y = data
    est = _net(_CountedRepr(alpha=0.05), max_iter=6, batch_size=len(X))
    _CountedRepr.reprs = 0
    est.fit(X, y)
    assert _CountedRepr.reprs == 1
    for _ in range(5):
        est.partial_fit(X, y)
    assert _CountedRepr.reprs == 1

"""Behaviour of the training loop shared by SGDNetClassifier and SGDNetRegressor.

Every test here runs on both estimators (on iris for the classifier and on a
small synthetic regression for the regressor) unless its subject exists for
one of them only. Estimator-specific behaviour (targets, probabilities,
losses) lives in ``test_classifier.py`` and ``test_regressor.py``.
"""

import copy
import itertools
import pickle
import re
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import (
    ConvergenceWarning,
    InconsistentVersionWarning,
    NotFittedError,
)
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_lr
import sklearn_lr._base as base_module
from sklearn_lr import DivergenceWarning, SGDNetClassifier, SGDNetRegressor, _network
from sklearn_lr._base import _run_lengths
from sklearn_lr._training import EXPLOSION_FACTOR
from sklearn_lr.schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    InverseTimeDecay,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
    trace,
)

# fit() with a small max_iter warns that it has not converged; the tests that
# are about that warning catch it explicitly with pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [SGDNetClassifier, SGDNetRegressor]
SMALL = dict(hidden_layer_sizes=(8,), random_state=0)


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _regression():
    X, y = make_regression(
        n_samples=150, n_features=4, n_informative=3, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _data(cls):
    return _iris() if cls is SGDNetClassifier else _regression()


def _predictions(est, X):
    if isinstance(est, SGDNetClassifier):
        return est.predict_proba(X)
    return est.predict(X)


def _state(est, X):
    """A deep copy of everything a failed call must leave untouched."""
    names = [
        "coefs_",
        "intercepts_",
        "n_features_in_",
        "feature_names_in_",
        "n_iter_",
        "t_",
        "loss_curve_",
        "lr_history_",
        "classes_",
        "n_outputs_",
    ]
    state = {n: copy.deepcopy(getattr(est, n)) for n in names if hasattr(est, n)}
    state["has_feature_names"] = hasattr(est, "feature_names_in_")
    try:
        state["predictions"] = _predictions(est, X)
    except ValueError as exc:  # reported by the comparison, after the attributes
        state["predictions"] = f"predict raised {exc}"
    return state


def _assert_same_state(before, after):
    assert set(before) == set(after), f"attributes changed: {set(before) ^ set(after)}"
    for name, value in before.items():
        if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            assert len(value) == len(after[name]), name
            for a, b in zip(value, after[name], strict=True):
                assert_array_equal(a, b, err_msg=name)
        else:
            assert_array_equal(value, after[name], err_msg=name)


def _assert_same_weights(a, b):
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(ca, cb)


# --------------------------------------------------------------------------
# Fitted attributes


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_fitted_attributes(cls):
    X, y = _data(cls)
    est = cls(hidden_layer_sizes=(7, 5), batch_size=32, max_iter=4, random_state=0).fit(
        X, y
    )
    n_out = 3 if cls is SGDNetClassifier else 1
    assert [c.shape for c in est.coefs_] == [(4, 7), (7, 5), (5, n_out)]
    assert [b.shape for b in est.intercepts_] == [(7,), (5,), (n_out,)]
    assert est.n_layers_ == 4
    assert est.n_outputs_ == n_out
    assert est.n_features_in_ == 4
    assert not hasattr(est, "feature_names_in_")
    assert est.n_iter_ == 4
    assert est.t_ == 4 * X.shape[0]
    assert len(est.loss_curve_) == est.n_iter_
    assert all(np.isfinite(est.loss_curve_))
    assert est.best_loss_ == min(est.loss_curve_)
    batches = -(-X.shape[0] // 32)
    assert est.lr_history_.shape == (est.n_iter_ * batches,)
    assert callable(est.schedule_.rate) and callable(est.schedule_.observe)
    assert est.divergence_epoch_ is None
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_no_hidden_layer_is_a_linear_model(cls):
    X, y = _data(cls)
    est = cls(hidden_layer_sizes=(), max_iter=3, random_state=0).fit(X, y)
    assert est.n_layers_ == 2
    assert len(est.coefs_) == 1
    assert est.coefs_[0].shape == (4, est.n_outputs_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_batch_size_auto_is_min_200_n_samples(cls):
    X, y = _data(cls)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])  # 300 samples
    est = cls(**SMALL, max_iter=2).fit(X2, y2)
    assert est.lr_history_.shape == (2 * 2,)  # ceil(300 / 200) batches
    est = cls(**SMALL, max_iter=2).fit(X, y)
    assert est.lr_history_.shape == (2 * 1,)  # one batch of 150


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_batch_size_larger_than_the_data_is_one_batch(cls):
    X, y = _data(cls)  # 150 samples
    big = cls(**SMALL, max_iter=2, batch_size=1000, shuffle=False).fit(X, y)
    full = cls(**SMALL, max_iter=2, batch_size=len(X), shuffle=False).fit(X, y)
    assert big.lr_history_.shape == (2,)
    assert_allclose(big.loss_curve_, full.loss_curve_, rtol=1e-12)
    # however large: nothing is allocated for more rows than the data has
    huge = cls(**SMALL, max_iter=2, batch_size=2**62, shuffle=False).fit(X, y)
    assert_allclose(huge.loss_curve_, full.loss_curve_, rtol=1e-12)


# --------------------------------------------------------------------------
# The learning-rate policy: lr_history_, schedule_ and the policy object

_POLICIES = {
    "float": 0.05,
    "constant": Constant(alpha=0.05),
    "step_decay": StepDecay(alpha=0.1, drop=0.5, every=1.5),
    "cosine": CosineAnnealing(alpha=0.1, min_alpha=0.001),
}


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("name", list(_POLICIES))
def test_lr_history_equals_trace(cls, name):
    X, y = _data(cls)
    policy = _POLICIES[name]
    est = cls(
        **SMALL,
        learning_rate=policy,
        batch_size=40,
        max_iter=5,
        tol=0.0,
        n_iter_no_change=np.inf,
    ).fit(X, y)
    assert est.n_iter_ == 5
    expected = trace(policy, n_epochs=est.n_iter_, steps_per_epoch=4)
    assert_allclose(est.lr_history_, expected, rtol=0, atol=0)
    if name in ("step_decay", "cosine"):
        assert len(set(est.lr_history_)) > 1


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_lr_history_grows_in_place_over_a_partial_fit_stream(cls):
    X, y = _data(cls)
    policy = CosineAnnealing(alpha=0.1, n_epochs=400)
    est = cls(**SMALL, learning_rate=policy, batch_size=50)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est.partial_fit(X, y, **kwargs)
    handed_out = [est.lr_history_]
    buffers = [est.lr_history_.base]
    for _ in range(299):
        est.partial_fit(X, y)
        if est.lr_history_.base is not buffers[-1]:
            buffers.append(est.lr_history_.base)
        if len(handed_out) < 5:
            handed_out.append(est.lr_history_)
    # 900 rates appended 3 at a time: views of a handful of buffers, not a
    # new array per call
    assert all(isinstance(b, np.ndarray) for b in buffers)
    assert len(buffers) <= 6
    assert_allclose(
        est.lr_history_,
        trace(policy, n_epochs=300, steps_per_epoch=3),
        rtol=0,
        atol=0,
    )
    # arrays handed out earlier keep their length and values
    for i, earlier in enumerate(handed_out):
        assert earlier.shape == (3 * (i + 1),)
        assert_array_equal(earlier, est.lr_history_[: 3 * (i + 1)])


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy, "pickle"])
def test_lr_history_of_copies_continue_independently(cls, copier):
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est = cls(
        **SMALL, learning_rate=StepDecay(alpha=0.1, drop=0.1, every=1), batch_size=50
    )
    for _ in range(3):
        est.partial_fit(X, y, **kwargs)
    twin = pickle.loads(pickle.dumps(est)) if copier == "pickle" else copier(est)
    est.partial_fit(X, y)
    before = est.lr_history_.copy()
    twin.partial_fit(X, y)
    twin.partial_fit(X, y)
    assert_array_equal(est.lr_history_, before)  # the copy wrote elsewhere
    assert not np.shares_memory(est.lr_history_, twin.lr_history_)
    assert est.lr_history_.shape == (12,)
    assert twin.lr_history_.shape == (15,)
    assert_array_equal(twin.lr_history_[:12], before)
    assert twin.lr_history_[-1] == 0.1 * 0.1**4


def test_pickle_does_not_store_the_spare_room_of_the_history():
    X, y = _iris()
    est = SGDNetClassifier(**SMALL, batch_size=50, max_iter=3)
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    state = est.__getstate__()
    assert "_lr_buffer" not in state
    assert "_lr_buffer" in vars(est)  # the live estimator keeps it
    assert_array_equal(pickle.loads(pickle.dumps(est)).lr_history_, est.lr_history_)


@pytest.mark.parametrize(
    "policy, runs",
    [
        (0.05, True),
        (StepDecay(alpha=0.1, drop=0.5, every=2), True),
        (CosineAnnealing(alpha=0.1), False),  # a new α at every step
    ],
)
def test_pickle_stores_the_history_as_runs_where_that_is_smaller(policy, runs):
    X, y = _iris()
    est = SGDNetClassifier(
        **SMALL, learning_rate=policy, batch_size=5, max_iter=8, tol=0.0
    ).fit(X, y)
    state = est.__getstate__()
    assert ("lr_history_" not in state) == runs
    assert ("_lr_history_runs" in state) == runs
    for loaded in (pickle.loads(pickle.dumps(est)), copy.deepcopy(est)):
        history = loaded.lr_history_
        assert history.dtype == np.float64 and history.shape == (240,)
        assert_array_equal(history.view(np.uint64), est.lr_history_.view(np.uint64))
        loaded.partial_fit(X, y)  # and it grows on
        assert_array_equal(loaded.lr_history_[:240], est.lr_history_)
    # a constant α: the file grows with the loss curve's 24 more epochs, not
    # with the 8 bytes of each of the 720 more steps
    longer = clone(est).set_params(max_iter=32).fit(X, y)
    if runs and isinstance(policy, float):
        assert len(pickle.dumps(longer)) - len(pickle.dumps(est)) < 24 * 16 + 100


def test_run_lengths_give_the_values_back_bit_for_bit():
    values = np.array([0.5, 0.5, -0.0, 0.0, np.nan, np.nan, 1e-300, 1e-300, 1e-300])
    runs, lengths = _run_lengths(values)
    assert_array_equal(lengths, [2, 1, 1, 2, 3])
    assert_array_equal(np.repeat(runs, lengths).view(np.uint64), values.view(np.uint64))
    single = _run_lengths(np.array([0.1], dtype=np.float32))
    assert single[0].dtype == np.float32 and list(single[1]) == [1]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_partial_fit_stream_saves_each_start_in_the_arrays_of_the_last(optimizer):
    X, y = _iris()
    net = SGDNetClassifier(**SMALL, optimizer=optimizer, batch_size=50)
    net.partial_fit(X, y, classes=np.unique(y))
    starts = []
    for _ in range(4):
        theta = _network.pack(net.coefs_, net.intercepts_, np.float64)
        velocity = net.optimizer_.snapshot()
        net.partial_fit(X, y)
        # the start of this call, kept for the next one, exactly
        saved_theta, saved_state, n_epochs = net._previous_start
        assert_array_equal(saved_theta, theta)
        assert n_epochs == net.n_iter_ - 1
        for name in net.optimizer_._state_arrays:
            assert_array_equal(saved_state[name], velocity[name])
        starts.append(saved_theta)
    # from the third call on, a start is saved in the arrays of the start the
    # call before last saved: two sets of arrays in turn, none new
    assert starts[2] is starts[0] and starts[3] is starts[1]
    assert starts[0] is not starts[1]
    # a copy or a pickle keeps no room to copy into; a fit leaves none
    assert "_spare_start" not in net.__getstate__()
    assert "_spare_start" not in vars(copy.copy(net))
    assert net.fit(X, y)._spare_start is None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_lr_history_of_feedback_policy_equals_trace_with_losses(cls):
    X, y = _data(cls)
    policy = BoldDriver(alpha=0.01, increase=1.2, decrease=0.5)
    est = cls(
        **SMALL,
        learning_rate=policy,
        batch_size=50,
        max_iter=6,
        tol=0.0,
        n_iter_no_change=np.inf,
    ).fit(X, y)
    expected = trace(
        policy, n_epochs=est.n_iter_, steps_per_epoch=3, losses=est.loss_curve_
    )
    assert_allclose(est.lr_history_, expected, rtol=0, atol=0)
    assert len(set(est.lr_history_)) > 1  # the feedback did change the rate


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "policy",
    [
        StepDecay(alpha=0.1, drop=0.5, every=1),
        BoldDriver(alpha=0.01, increase=1.2),
        ReduceOnPlateau(alpha=0.05, patience=0, threshold=0.9),
    ],
    ids=["step_decay", "bold_driver", "reduce_on_plateau"],
)
def test_policy_is_never_mutated_and_state_is_fresh_per_fit(cls, policy):
    X, y = _data(cls)
    params = policy.get_params(deep=True)
    pickled = pickle.dumps(policy)
    est = cls(**SMALL, learning_rate=policy, batch_size=50, max_iter=4).fit(X, y)
    first_history = est.lr_history_.copy()
    first_schedule = est.schedule_
    assert est.schedule_ is not policy
    assert hasattr(est.schedule_, "rate") and hasattr(est.schedule_, "observe")
    assert len(set(first_history)) > 1  # the rate did move during training
    est.partial_fit(X, y)  # continues the run-time state, not the policy
    assert policy.get_params(deep=True) == params
    assert pickle.dumps(policy) == pickled
    assert est.learning_rate is policy
    # a new fit starts a fresh run-time state: same history as the first fit
    est.fit(X, y)
    assert est.schedule_ is not first_schedule
    assert_array_equal(est.lr_history_, first_history)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_schedule_pickles_with_estimator(cls):
    X, y = _data(cls)
    policy = BoldDriver(alpha=0.01, increase=1.2)
    est = cls(**SMALL, learning_rate=policy, max_iter=3).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.schedule_.rate(3.0) == est.schedule_.rate(3.0)
    assert restored.schedule_.rate(3.0) != 0.01  # the feedback state survived


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_set_params_reaches_the_policy_and_explains_a_float(cls):
    est = cls(learning_rate=0.05, momentum=0.5)
    # a float has no parameters: a clear error, and nothing is set
    with pytest.raises(ValueError, match=r"'learning_rate__alpha'.*is 0\.05.*Constant"):
        est.set_params(momentum=0.0, learning_rate__alpha=0.1)
    assert est.momentum == 0.5 and est.learning_rate == 0.05
    # the policy may come in the same call, as it does from a grid
    est.set_params(learning_rate=Constant(), learning_rate__alpha=0.2)
    assert est.learning_rate.alpha == 0.2
    est.set_params(learning_rate__alpha=0.3)
    assert est.learning_rate.alpha == 0.3
    with pytest.raises(AttributeError) as error:  # scikit-learn's, not about α
        est.set_params(l2__x=1)
    assert "learning_rate" not in str(error.value)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), cls(**SMALL, max_iter=2)),
        {f"{cls.__name__.lower()}__learning_rate__alpha": [0.1]},
        cv=2,
        error_score="raise",
    )
    X, y = _data(cls)
    with pytest.raises(ValueError, match="a constant without parameters"):
        search.fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_set_params_explains_a_class_or_a_string_given_nested_keys(cls):
    est = cls(learning_rate=0.05)
    with pytest.raises(ValueError, match=r"the class StepDecay.*StepDecay\(\)\?"):
        est.set_params(learning_rate=StepDecay, learning_rate__alpha=0.1)
    with pytest.raises(ValueError, match="'adaptive', which has no parameters"):
        est.set_params(learning_rate="adaptive", learning_rate__alpha=0.1)
    assert est.learning_rate == 0.05
    # inside a composite policy too, and through a search
    with pytest.raises(ValueError, match=r"policy is the class StepDecay"):
        est.set_params(learning_rate=Warmup(StepDecay), learning_rate__policy__alpha=1)
    search = GridSearchCV(
        cls(**SMALL, max_iter=2),
        {"learning_rate": [StepDecay], "learning_rate__alpha": [0.1]},
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="did you mean StepDecay"):
        search.fit(*_data(cls))


# --------------------------------------------------------------------------
# partial_fit


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_runs_exactly_one_epoch_per_call(cls):
    X, y = _data(cls)
    est = cls(**SMALL, batch_size=32)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est.partial_fit(X, y, **extra)
    assert est.n_iter_ == 1
    assert est.t_ == X.shape[0]
    assert est.lr_history_.shape == (5,)
    assert len(est.loss_curve_) == 1
    est.partial_fit(X[:64], y[:64])
    assert est.n_iter_ == 2
    assert est.t_ == X.shape[0] + 64
    assert est.lr_history_.shape == (5 + 2,)
    assert len(est.loss_curve_) == 2


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_checks_the_parameters_again_only_when_changed(cls, monkeypatch):
    X, y = _data(cls)
    checks = []
    check = cls._check_params
    monkeypatch.setattr(
        cls, "_check_params", lambda self: (checks.append(self), check(self))[1]
    )
    est = cls(**SMALL, learning_rate=StepDecay(alpha=0.1))
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est.partial_fit(X, y, **extra)
    est.partial_fit(X, y)
    est.learning_rate.set_params(alpha=0.05)  # the policy checks its own
    est.partial_fit(X, y)
    assert len(checks) == 1
    before = copy.deepcopy(est.coefs_)
    # set by assignment, as set_params is not needed to change a parameter
    refused = [("learning_rate", -0.1), ("momentum", 1.0), ("shuffle", 1)]
    for name, bad in refused:  # shuffle=1 == True, which passed
        good = getattr(est, name)
        setattr(est, name, bad)
        for _ in range(2):  # refused at every call, and nothing changed
            with pytest.raises(ValueError, match=name):
                est.partial_fit(X, y)
        setattr(est, name, good)
    assert len(checks) == 1 + 3 * 2
    for a, b in zip(before, est.coefs_, strict=True):
        assert_array_equal(a, b)
    est.partial_fit(X, y)
    est.partial_fit(X, y)
    assert len(checks) == 8
    assert est.n_iter_ == 5


@pytest.mark.parametrize("policy", [False, True])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_partial_fit_stream_checks_estimator_and_policy_once(
    cls, policy, monkeypatch
):
    X, y = _data(cls)
    checked = []
    check = BaseEstimator._validate_params
    ours = (cls.__name__, "StepDecay", "Constant")  # not LabelBinarizer

    def counted(self):
        if type(self).__name__ in ours:
            checked.append(type(self).__name__)
        return check(self)

    monkeypatch.setattr(BaseEstimator, "_validate_params", counted)
    est = cls(**SMALL, learning_rate=StepDecay(alpha=0.1) if policy else 0.1)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    for _ in range(4):
        est.partial_fit(X, y, **extra)
    # a float becomes a Constant at every call, checked by the float's check
    assert checked == ([cls.__name__, "StepDecay"] if policy else [cls.__name__])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_clock_is_one_epoch_per_call(cls):
    X, y = _data(cls)
    policy = StepDecay(alpha=0.1, drop=0.5, every=1)
    est = cls(**SMALL, learning_rate=policy, batch_size=50)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    for _ in range(3):
        est.partial_fit(X, y, **extra)
    assert_allclose(est.lr_history_, [0.1] * 3 + [0.05] * 3 + [0.025] * 3)


_OPTIMIZERS = {
    "sgd": dict(optimizer="sgd"),
    "nesterov": dict(optimizer="sgd", nesterov=True),
    "adagrad": dict(optimizer="adagrad"),
    "rmsprop": dict(optimizer="rmsprop"),
    "adam": dict(optimizer="adam", learning_rate=0.005),
}


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", list(_OPTIMIZERS))
@pytest.mark.parametrize("shuffle", [False, True])
def test_fit_equals_repeated_partial_fit(cls, optimizer, shuffle):
    X, y = _data(cls)
    params = dict(
        **SMALL,
        **_OPTIMIZERS[optimizer],
        batch_size=32,
        shuffle=shuffle,
        max_iter=4,
        tol=0.0,
        n_iter_no_change=np.inf,
    )
    fitted = cls(**params).fit(X, y)
    stepped = cls(**params)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    for _ in range(4):
        stepped.partial_fit(X, y, **extra)
    _assert_same_weights(fitted, stepped)
    assert_array_equal(fitted.lr_history_, stepped.lr_history_)
    assert fitted.loss_curve_ == stepped.loss_curve_
    assert fitted.t_ == stepped.t_


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "policy", [StepDecay(alpha=0.1, every=1), BoldDriver(alpha=0.02, increase=1.3)]
)
def test_fit_equals_repeated_partial_fit_with_policy_state(cls, policy):
    X, y = _data(cls)
    params = dict(
        **SMALL,
        learning_rate=policy,
        batch_size=50,
        shuffle=False,
        max_iter=4,
        tol=0.0,
        n_iter_no_change=np.inf,
    )
    fitted = cls(**params).fit(X, y)
    stepped = cls(**params)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    for _ in range(4):
        stepped.partial_fit(X, y, **extra)
    assert_array_equal(fitted.lr_history_, stepped.lr_history_)
    _assert_same_weights(fitted, stepped)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_pickle_between_partial_fit_calls_continues_bit_for_bit(cls, optimizer):
    X, y = _data(cls)
    params = dict(
        **SMALL,
        optimizer=optimizer,
        batch_size=32,
        shuffle=True,
        learning_rate=BoldDriver(alpha=0.01),
    )
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    uninterrupted = cls(**params)
    interrupted = cls(**params)
    for _ in range(2):
        uninterrupted.partial_fit(X, y, **extra)
        interrupted.partial_fit(X, y, **extra)
    interrupted = pickle.loads(pickle.dumps(interrupted))
    for _ in range(2):
        uninterrupted.partial_fit(X, y)
        interrupted.partial_fit(X, y)
    _assert_same_weights(uninterrupted, interrupted)
    assert_array_equal(uninterrupted.lr_history_, interrupted.lr_history_)
    assert interrupted.n_iter_ == 4


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", ["sgd", "adagrad", "rmsprop", "adam"])
def test_a_model_loaded_as_a_read_only_memory_map_trains_on(cls, optimizer, tmp_path):
    # joblib.load(mmap_mode="r") (and joblib's workers) hand back read-only
    # arrays; the update rules write into the optimizer's state in place
    X, y = _data(cls)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est = cls(**SMALL, optimizer=optimizer, batch_size=32).partial_fit(X, y, **extra)
    twin = copy.deepcopy(est)
    joblib.dump(est, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib", mmap_mode="r")
    assert not loaded.coefs_[0].flags.writeable  # the data really is mapped
    state = loaded.optimizer_._state_arrays
    assert all(getattr(loaded.optimizer_, name).flags.writeable for name in state)
    for model in (loaded, twin):
        model.partial_fit(X, y)
    _assert_same_weights(twin, loaded)
    # state made read-only by other means is copied before training too
    for name in state:
        getattr(twin.optimizer_, name).flags.writeable = False
    held = twin.optimizer_
    twin.partial_fit(X, y)
    loaded.partial_fit(X, y)
    _assert_same_weights(twin, loaded)
    assert twin.optimizer_ is not held and held.n_steps == loaded.optimizer_.n_steps - 5


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_an_interrupt_within_an_epoch_undoes_its_steps(cls, monkeypatch):
    # the weights and the optimizer then match the record of the epochs
    # that ran, and training continues from there
    X, y = _data(cls)
    params = dict(**SMALL, optimizer="adam", batch_size=32)  # 5 batches an epoch
    real = _network.loss_and_gradient
    calls = []

    def interrupted_in_epoch_3(*args, **kwargs):
        calls.append(None)
        if len(calls) == 2 * 5 + 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    est = cls(**params, max_iter=5)
    monkeypatch.setattr(_network, "loss_and_gradient", interrupted_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    monkeypatch.undo()
    two = cls(**params, max_iter=2).fit(X, y)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    assert est.optimizer_.n_steps == two.optimizer_.n_steps == 10
    assert_array_equal(est.lr_history_, two.lr_history_)
    _assert_same_weights(est, two)
    for model in (est, two):
        model.partial_fit(X, y)
    _assert_same_weights(est, two)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_an_interrupt_as_the_epoch_is_recorded_undoes_it(cls, monkeypatch):
    # the restore point moves to the epoch's end only once it is recorded:
    # an interrupt before that still finds the epoch's start to undo to
    X, y = _data(cls)
    params = dict(**SMALL, optimizer="adam", batch_size=32)
    real = base_module.BaseSGDNet._append_rates
    calls = []

    def interrupted_at_epoch_3(self, rates):
        calls.append(None)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, rates)

    est = cls(**params, max_iter=5)
    monkeypatch.setattr(base_module.BaseSGDNet, "_append_rates", interrupted_at_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    monkeypatch.undo()
    two = cls(**params, max_iter=2).fit(X, y)
    assert est.n_iter_ == 2 and est.optimizer_.n_steps == two.optimizer_.n_steps
    _assert_same_weights(est, two)
    for model in (est, two):
        model.partial_fit(X, y)
    _assert_same_weights(est, two)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_an_interrupt_while_scoring_the_held_out_data_undoes_the_epoch(
    cls, monkeypatch
):
    # scoring the validation part is a real share of an epoch: a Ctrl-C
    # there must leave the records and the weights of the epochs done
    X, y = _data(cls)
    params = dict(**SMALL, early_stopping=True, n_iter_no_change=100)
    real = base_module.BaseSGDNet._score
    calls = []

    def interrupted_at_epoch_3(self, *args):
        calls.append(None)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *args)

    est = cls(**params, max_iter=5)
    monkeypatch.setattr(base_module.BaseSGDNet, "_score", interrupted_at_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    monkeypatch.undo()
    assert est.n_iter_ == len(est.loss_curve_) == len(est.validation_scores_) == 2
    two = cls(**params, max_iter=2).fit(X, y)
    assert est.validation_scores_ == two.validation_scores_
    assert_array_equal(est.lr_history_, two.lr_history_)
    _assert_same_weights(est, two)


class _ObserveFails:
    """A policy of one's own whose schedule raises when it observes epoch 3."""

    def start(self, max_epochs=None):
        return self

    def rate(self, t):
        return 0.01

    def observe(self, t, *, loss, score=None):
        if t == 3:
            raise RuntimeError("observe failed")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_policy_that_fails_to_observe_an_epoch_leaves_it_off_the_record(cls):
    # the policy's observation belongs to the epoch: when it raises, the
    # epoch is undone like an interrupted one, so the record, the weights and
    # the optimizer agree with the epochs the policy saw
    X, y = _data(cls)
    params = dict(**SMALL, optimizer="adam", shuffle=False)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est = cls(**params, learning_rate=_ObserveFails())
    for _ in range(2):
        est.partial_fit(X, y, **kwargs)
    with pytest.raises(RuntimeError, match="observe failed"):
        est.partial_fit(X, y)
    two = cls(**params, learning_rate=0.01)
    for _ in range(2):
        two.partial_fit(X, y, **kwargs)
    assert est.n_iter_ == len(est.loss_curve_) == 2
    assert est.optimizer_.n_steps == two.optimizer_.n_steps
    assert_array_equal(est.lr_history_, two.lr_history_)
    _assert_same_weights(est, two)


class _RefusesInfinity:
    """Constant α whose schedule raises on the infinite loss of a diverged
    epoch when `refuse` is set."""

    refuse = True

    def start(self, max_epochs=None):
        return self

    def rate(self, t):
        return 0.5

    def observe(self, t, *, loss, score=None):
        if self.refuse and not np.isfinite(loss):
            raise RuntimeError("an infinite loss")


def test_an_error_while_a_diverged_epoch_is_observed_draws_its_shuffle_again():
    # the diverged epoch's weights are already restored; it is left off the
    # record, and its shuffle too: the random stream stands where the last
    # recorded epoch left it, as after an error in any other epoch
    X, y = make_regression(300, 8, random_state=0)
    y = y / y.std()
    params = dict(hidden_layer_sizes=(16,), batch_size=32, max_iter=20, random_state=0)
    policy = _RefusesInfinity()
    policy.refuse = False
    reference = SGDNetRegressor(**params, learning_rate=policy).fit(X, y)
    k = reference.divergence_epoch_
    assert k is not None and k > 1
    est = SGDNetRegressor(**params, learning_rate=_RefusesInfinity())
    with pytest.raises(RuntimeError, match="an infinite loss"):
        est.fit(X, y)
    done = SGDNetRegressor(**params | {"max_iter": k - 1}, learning_rate=policy)
    done.fit(X, y)
    assert est.n_iter_ == done.n_iter_ == k - 1
    _assert_same_weights(est, done)
    ours, theirs = est._random_state.get_state(), done._random_state.get_state()
    assert_array_equal(ours[1], theirs[1])
    assert ours[2] == theirs[2]


def test_an_error_while_observing_a_restore_of_the_epoch_before_undoes_it():
    # a call that starts from exploded weights (set by hand) restores the
    # start of the epoch before, already on the record; when the policy then
    # raises, the call leaves the weights, the optimizer and the restore
    # points it found: a retry does what the first try would have done
    X, y = _iris()

    def exploded_after_two_epochs():
        est = SGDNetClassifier(
            **SMALL, optimizer="adam", learning_rate=_RefusesInfinity()
        )
        est.partial_fit(X, y, classes=np.unique(y))
        est.partial_fit(X, y)
        est.coefs_ = [c * 1e6 for c in est.coefs_]
        return est

    est, twin = exploded_after_two_epochs(), exploded_after_two_epochs()
    found = pickle.dumps((est.coefs_, est.intercepts_, est.optimizer_.snapshot()))
    with pytest.raises(RuntimeError, match="an infinite loss"):
        est.partial_fit(X, y)
    assert est.n_iter_ == 2 and est.divergence_epoch_ is None
    left = pickle.dumps((est.coefs_, est.intercepts_, est.optimizer_.snapshot()))
    assert left == found
    for model in (est, twin):
        model.schedule_.refuse = False
        with pytest.warns(DivergenceWarning) as record:
            model.partial_fit(X, y)
        assert "start of epoch 2 were restored, undoing" in str(record[0].message)
    _assert_same_weights(est, twin)
    assert est.optimizer_.n_steps == twin.optimizer_.n_steps


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_scores_exploded_weights_worst_and_warns(cls):
    # a warm fit from weights that exploded (finite, with non-finite
    # outputs) diverges at once; held-out predictions that are not finite
    # score -inf instead of making the regressor's r2_score raise
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3, warm_start=True, early_stopping=True).fit(X, y)
    est.coefs_ = [c * 1e160 for c in est.coefs_]
    with pytest.warns(DivergenceWarning, match="diverged in epoch 1"):
        est.fit(X, y)
    assert est.divergence_epoch_ == 1
    if cls is SGDNetRegressor:
        assert est.validation_scores_ == [-np.inf]


def test_a_stop_for_no_improvement_at_a_diverged_epoch_judges_it_first(
    exploding_at_epoch_5,
):
    # fit stops at the epoch whose last step exploded: that step is judged
    # before the record, the policy and the stop rule see the epoch
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    # only the first epoch improves: fit stops after epoch 5
    reg = exploding_at_epoch_5(tol=1e9, n_iter_no_change=3)
    with pytest.warns(DivergenceWarning, match="in epoch 5 "):
        reg.fit(X, 10.0 * y)
    assert reg.n_iter_ == reg.divergence_epoch_ == 5
    # BoldDriver observed the diverged epoch as an infinite loss: α halved
    assert reg.schedule_.children[1].current_alpha == 5000.0
    # and its loss, though the lowest, is no best loss
    assert reg.loss_curve_[4] < reg.best_loss_ == min(reg.loss_curve_[:4])


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("seed", ["int", "RandomState"])
def test_a_shallow_copy_trains_without_changing_its_original(cls, seed):
    # copy.copy (scikit-learn's callbacks keep one as a snapshot) must not
    # share the optimizer, the schedule, the random stream or the records;
    # a random_state given as a RandomState instance is that stream
    X, y = _data(cls)
    params = dict(SMALL, optimizer="adam", learning_rate=BoldDriver(alpha=0.05))
    if seed == "RandomState":
        params["random_state"] = np.random.RandomState(0)
    est = cls(**params, max_iter=3, early_stopping=True).fit(X, y)
    twin = copy.deepcopy(est)
    snapshot = copy.copy(est)
    refitted = copy.copy(est)
    refitted.fit(X, y)  # draws from its random_state: new weights, the split
    refitted.set_params(warm_start=True).fit(X, y)  # the split again
    for _ in range(2):
        snapshot.partial_fit(
            X, y, **({"classes": est.classes_} if cls is SGDNetClassifier else {})
        )
    assert not np.shares_memory(snapshot.lr_history_, est.lr_history_)
    assert est._epoch_steps == twin._epoch_steps
    for name in ("loss_curve_", "validation_scores_", "n_iter_"):
        assert getattr(est, name) == getattr(twin, name)
    assert_array_equal(est.lr_history_, twin.lr_history_)
    assert est.optimizer_.n_steps == twin.optimizer_.n_steps
    assert est.schedule_.rate(3) == twin.schedule_.rate(3)
    # and both continue as the untouched twin does
    for model in (est, twin):
        model.partial_fit(X, y)
    _assert_same_weights(est, twin)
    assert_array_equal(est.lr_history_, twin.lr_history_)
    twin.partial_fit(X, y)
    _assert_same_weights(snapshot, twin)
    assert_array_equal(snapshot.lr_history_, twin.lr_history_)


@pytest.mark.parametrize("hidden", [(5,), (3, 7)])
def test_partial_fit_refuses_to_continue_a_run_on_weights_of_a_new_shape(hidden):
    # the optimizer state belongs to the network the run trained: on weights
    # set by hand in other layer shapes partial_fit stops, changing nothing
    # ((3, 7) has as many parameters as (8,) on iris)
    X, y = _iris()
    est = SGDNetClassifier(**SMALL, optimizer="adam", max_iter=2).fit(X, y)
    new = SGDNetClassifier(hidden_layer_sizes=hidden, max_iter=1).fit(X, y)
    est.set_params(hidden_layer_sizes=hidden)
    est.coefs_, est.intercepts_ = new.coefs_, new.intercepts_
    state = pickle.dumps(est)
    with pytest.raises(ValueError, match=r"network of shapes \[\(4, 8\), \(8, 3\)\]"):
        est.partial_fit(X, y)
    assert pickle.dumps(est) == state
    # a warm fit starts a new run from them, which partial_fit then continues
    est.set_params(warm_start=True).fit(X, y)
    est.partial_fit(X, y)
    assert est.n_iter_ == 3 and [c.shape[1] for c in est.coefs_[:-1]] == list(hidden)
    # weights set by hand in the same shapes continue the run
    est.coefs_ = [c + 0.01 for c in est.coefs_]
    est.partial_fit(X, y)
    assert est.n_iter_ == 4


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_shallow_copy_taken_during_a_fit_keeps_its_epochs_weights(cls, monkeypatch):
    # a callback's snapshot: during a fit the weights are updated in place,
    # and the copy must keep those of its epoch with the rest of its state
    X, y = _data(cls)
    snapshots = []
    real = base_module.BaseSGDNet._track_improvement

    def snapshot_after_epoch_1(self, *args):
        if not snapshots:
            snapshots.append(copy.copy(self))
        return real(self, *args)

    monkeypatch.setattr(
        base_module.BaseSGDNet, "_track_improvement", snapshot_after_epoch_1
    )
    params = dict(**SMALL, optimizer="adam", shuffle=False)
    cls(**params, max_iter=5).fit(X, y)
    monkeypatch.undo()
    (snapshot,) = snapshots
    one = cls(**params, max_iter=1).fit(X, y)
    assert snapshot.n_iter_ == 1
    _assert_same_weights(snapshot, one)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_policy_watching_a_score_that_no_call_computes_warns(cls):
    X, y = _data(cls)
    watching = ReduceOnPlateau(alpha=0.5, patience=0, monitor="score")
    message = "watches the validation score, which this call does not compute"
    for policy in (
        watching,
        Sequential([0.1, watching], milestones=[1]),
        Warmup(watching, epochs=1),
    ):
        with pytest.warns(UserWarning, match=message):
            cls(**SMALL, learning_rate=policy, max_iter=3).fit(X, y)
    # warned before anything changes: as an error, it leaves a model as it was
    fitted = cls(**SMALL, max_iter=3).fit(X, y)
    before = _state(fitted, X)
    fitted.set_params(learning_rate=watching)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        with pytest.raises(UserWarning, match=message):
            fitted.fit(X, y)
    _assert_same_state(before, _state(fitted, X))
    # "auto" settles on the score in a fit with early stopping: a later
    # partial_fit, which holds out nothing, leaves it where it is
    est = cls(
        **SMALL,
        learning_rate=ReduceOnPlateau(alpha=0.5, patience=0),
        early_stopping=True,
        max_iter=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    with pytest.warns(UserWarning, match=message):
        est.partial_fit(X, y)
    # watching the loss, or a score that is there: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        cls(**SMALL, learning_rate=ReduceOnPlateau(), max_iter=2).partial_fit(
            X, y, **({"classes": np.unique(y)} if cls is SGDNetClassifier else {})
        )
        cls(**SMALL, learning_rate=watching, early_stopping=True, max_iter=2).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_continues_a_fitted_model(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3, batch_size=50, shuffle=False).fit(X, y)
    before = [c.copy() for c in est.coefs_]
    est.partial_fit(X, y)
    assert est.n_iter_ == 4
    assert est.lr_history_.shape == (4 * 3,)
    assert any(
        not np.array_equal(a, b) for a, b in zip(before, est.coefs_, strict=True)
    )
    # the same as a fit of 4 epochs: the optimizer state continued
    longer = cls(**SMALL, max_iter=4, batch_size=50, shuffle=False).fit(X, y)
    _assert_same_weights(est, longer)


# --------------------------------------------------------------------------
# warm_start


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_warm_start_continues_from_the_weights(cls):
    X, y = _data(cls)
    # without momentum SGD has no state, so the restart of the optimizer is
    # invisible and 2 + 2 warm epochs equal 4 epochs; the random stream of
    # the shuffling continues as well
    params = dict(**SMALL, momentum=0.0, learning_rate=0.05, batch_size=32)
    warm = cls(**params, max_iter=2, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ == 2  # the histories restart with a warm fit
    assert warm.lr_history_.shape == (2 * 5,)
    cold = cls(**params, max_iter=4).fit(X, y)
    _assert_same_weights(warm, cold)
    # without warm_start, a second fit starts again from the random
    # initialisation of random_state: it repeats the first fit exactly
    again = cls(**params, max_iter=2).fit(X, y)
    first = [c.copy() for c in again.coefs_]
    again.fit(X, y)
    for a, b in zip(first, again.coefs_, strict=True):
        assert_array_equal(a, b)


def _first_feature_zero(dtype):
    """FLUSH_EVERY rows of regression data whose first feature is always 0:
    the weights (and optimizer state) out of it get no gradient."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(_network.FLUSH_EVERY, 3)).astype(dtype)
    X[:, 0] = 0.0
    return X, rng.normal(size=len(X))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_training_flushes_subnormal_weights_every_flush_every_steps(dtype):
    # the first feature is always 0, so the weights out of it get no gradient
    # (no l2, no momentum): only the flush can change them
    X, y = _first_feature_zero(dtype)
    n = len(X)
    subnormal = np.finfo(dtype).tiny / 4
    params = dict(
        hidden_layer_sizes=(4,),
        batch_size=1,
        shuffle=False,
        l2=0.0,
        momentum=0.0,
        learning_rate=1e-3,
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    est = SGDNetRegressor(**params).fit(X[:1], y[:1])  # one step: no flush
    est.coefs_[0][0] = subnormal
    est.coefs_[0][1, 0] = subnormal  # a weight the data moves
    est.fit(X[: n - 1], y[: n - 1])  # a fresh optimizer's steps 1..n-1
    assert_array_equal(est.coefs_[0][0], subnormal)
    moved = est.coefs_[0][1, 0]
    assert moved != subnormal and np.abs(moved) >= np.finfo(dtype).tiny
    est.fit(X, y)  # step n flushes
    assert est.coefs_[0].dtype == dtype
    assert_array_equal(est.coefs_[0][0], 0.0)
    assert np.all(np.abs(est.coefs_[0][1:]) >= np.finfo(dtype).tiny)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("optimizer", ["sgd", "adagrad", "rmsprop", "adam"])
def test_training_flushes_stuck_subnormal_optimizer_state(optimizer, dtype):
    # state that decays while its gradient is 0 sticks on the smallest
    # subnormal number (times 0.9 or 0.999 it rounds back to itself); the
    # flush of every FLUSH_EVERY-th step frees it
    X, y = _first_feature_zero(dtype)
    n = len(X)
    est = SGDNetRegressor(
        hidden_layer_sizes=(4,),
        optimizer=optimizer,
        batch_size=1,
        shuffle=False,
        l2=0.0,
        learning_rate=1e-3,
        random_state=0,
    )
    est.partial_fit(X[:1], y[:1])  # step 1
    smallest = np.finfo(dtype).smallest_subnormal

    def state():
        names = est.optimizer_._state_arrays
        return [getattr(est.optimizer_, name) for name in names]

    for array in state():
        array[:4] = smallest  # the state of the first feature's weights
    est.partial_fit(X[: n - 2], y[: n - 2])  # steps 2 .. n - 1
    for array in state():
        assert_array_equal(array[:4], smallest)  # stuck
    est.partial_fit(X[:1], y[:1])  # step n flushes
    for array in state():
        assert array.dtype == dtype
        assert_array_equal(array[:4], 0.0)
        rest = np.abs(array[4:])
        assert np.all((rest == 0) | (rest >= np.finfo(dtype).tiny))


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_fit_allocates_its_batch_buffers_once(cls, early_stopping, monkeypatch):
    allocate = _network.Workspace.allocate
    sizes = []

    def counting(shapes, batch_size, dtype):
        sizes.append(batch_size)
        return allocate(shapes, batch_size, dtype)

    monkeypatch.setattr(_network.Workspace, "allocate", staticmethod(counting))
    X, y = _data(cls)
    est = cls(
        **SMALL,
        batch_size=16,
        max_iter=4,
        tol=0.0,
        n_iter_no_change=np.inf,
        early_stopping=early_stopping,
    )
    est.fit(X, y)
    assert est.n_iter_ == 4
    assert sizes == [16]
    est.partial_fit(X, y)  # one more epoch: one more call, one more workspace
    assert sizes == [16, 16]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_warm_start_restarts_the_optimizer(cls):
    X, y = _data(cls)
    params = dict(**SMALL, momentum=0.9, batch_size=32, shuffle=False)
    warm = cls(**params, max_iter=2, warm_start=True).fit(X, y)
    warm.fit(X, y)
    cold = cls(**params, max_iter=4).fit(X, y)
    assert not np.array_equal(warm.coefs_[0], cold.coefs_[0])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_warm_start_uses_hand_set_weights(cls):
    X, y = _data(cls)
    n_out = 3 if cls is SGDNetClassifier else 1
    rng = np.random.RandomState(42)
    coefs = [rng.normal(size=(4, 6)), rng.normal(size=(6, n_out))]
    intercepts = [np.full(6, 0.5), np.full(n_out, -0.25)]
    est = cls(
        hidden_layer_sizes=(6,),
        learning_rate=1e-9,
        max_iter=2,
        warm_start=True,
        random_state=0,
    )
    est.coefs_ = [c.copy() for c in coefs]
    est.intercepts_ = [b.copy() for b in intercepts]
    est.fit(X, y)
    assert est.n_iter_ == 2
    for got, want in zip(est.coefs_ + est.intercepts_, coefs + intercepts, strict=True):
        assert_allclose(got, want, atol=1e-6)
    # a fresh random initialisation is nowhere near the hand-set weights
    fresh = cls(
        hidden_layer_sizes=(6,), learning_rate=1e-9, max_iter=2, random_state=0
    ).fit(X, y)
    assert np.abs(fresh.coefs_[0] - coefs[0]).max() > 0.1


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_warm_start_shape_mismatch_raises_and_changes_nothing(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3, warm_start=True).fit(X, y)
    before = _state(est, X)
    est.set_params(hidden_layer_sizes=(9,))
    with pytest.raises(ValueError, match="coefs_"):
        est.fit(X, y)
    _assert_same_state(before, _state(est, X))

    est.set_params(hidden_layer_sizes=(8,))
    est.coefs_ = [est.coefs_[0][:, :5], est.coefs_[1][:5]]  # hand-set, wrong shape
    saved = [c.copy() for c in est.coefs_]
    with pytest.raises(ValueError, match="coefs_"):
        est.fit(X, y)
    for a, b in zip(saved, est.coefs_, strict=True):
        assert_array_equal(a, b)


# --------------------------------------------------------------------------
# Stopping: early stopping, tol / n_iter_no_change, max_iter


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_restores_best_validation_weights(cls):
    X, y = _data(cls)
    est = cls(
        hidden_layer_sizes=(16,),
        learning_rate=0.05,
        batch_size=16,
        max_iter=200,
        early_stopping=True,
        validation_fraction=0.2,
        random_state=0,
    ).fit(X, y)
    assert est.n_iter_ < 200
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    # the held-out part: the same split the estimator made
    stratify = y if cls is SGDNetClassifier else None
    n_val = int(np.ceil(0.2 * len(y)))
    X_train, X_val, _, y_val = train_test_split(
        X, y, test_size=n_val, random_state=0, stratify=stratify
    )
    assert est.t_ == est.n_iter_ * X_train.shape[0]
    # the last epoch is not the best: the restored weights are the best ones
    assert int(np.argmax(est.validation_scores_)) < est.n_iter_ - 1
    assert est.score(X_val, y_val) == pytest.approx(
        est.best_validation_score_, abs=1e-12
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_held_out_part_of_zero_weight_samples_is_scored_unweighted(cls):
    # as documented: the samples weighted out still tell the score, each
    # counting the same (a weighted score of them would divide 0 by 0)
    X, y = _data(cls)
    stratify = y if cls is SGDNetClassifier else None
    n_val = int(np.ceil(0.2 * len(y)))
    rows = np.arange(len(y))
    _, val_rows = train_test_split(
        rows, test_size=n_val, random_state=0, stratify=stratify
    )
    weights = np.ones(len(y))
    weights[val_rows] = 0.0
    est = cls(**SMALL, max_iter=1, early_stopping=True, validation_fraction=0.2).fit(
        X, y, sample_weight=weights
    )
    assert est.validation_scores_ == [est.score(X[val_rows], y[val_rows])]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_after_early_stopping_adds_no_validation_score(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3, early_stopping=True, n_iter_no_change=100)
    est.fit(X, y)
    scores = list(est.validation_scores_)
    est.partial_fit(X, y)
    assert est.n_iter_ == len(est.loss_curve_) == 4
    assert est.validation_scores_ == scores


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_attributes_are_none_without_it(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3).fit(X, y)
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None
    # partial_fit holds out no data, even with early_stopping=True
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est = cls(**SMALL, early_stopping=True).partial_fit(X, y, **extra)
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_stops_after_n_iter_no_change_epochs_without_improvement(cls):
    X, y = _data(cls)
    # a tolerance no epoch can beat: after the first epoch (which improves on
    # an infinite best loss) every epoch counts as no improvement, and
    # training stops once more than n_iter_no_change did, without warning
    est = cls(**SMALL, max_iter=50, tol=1e3, n_iter_no_change=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.n_iter_ == 1 + 3 + 1


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_stops_when_the_loss_plateaus(cls):
    X, y = _data(cls)
    est = cls(**SMALL, learning_rate=0.05, max_iter=500, tol=1e-3, n_iter_no_change=5)
    est.fit(X, y)
    assert est.n_iter_ < 500
    # each of the last n_iter_no_change + 1 epochs improved by less than tol
    # on the best loss before it
    curve = est.loss_curve_
    for e in range(len(curve) - 6, len(curve)):
        assert curve[e] > min(curve[:e]) - 1e-3
    assert est.best_loss_ == min(curve)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_convergence_warning_when_max_iter_reached(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        est.fit(X, y)
    assert est.n_iter_ == 3


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_infinite_n_iter_no_change_never_stops(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=15, tol=1e3, n_iter_no_change=np.inf).fit(X, y)
    assert est.n_iter_ == 15


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_never_stops_nor_warns(cls):
    X, y = _data(cls)
    est = cls(**SMALL, tol=1e3, n_iter_no_change=1, max_iter=2)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for _ in range(5):
            est.partial_fit(X, y, **extra)
            extra = {}
    assert est.n_iter_ == 5


def _scripted_scores(monkeypatch, scores):
    """Make early stopping's validation score of epoch e ``scores[e - 1]``;
    returns the weights of every scored epoch's end, as they were scored."""
    seen = []

    def scripted(self, X, y, sample_weight):
        seen.append([a.copy() for a in self.coefs_ + self.intercepts_])
        return scores[len(seen) - 1]

    monkeypatch.setattr(base_module.BaseSGDNet, "_score", scripted)
    return seen


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_an_improving_score_resets_the_count_of_epochs_without_improvement(
    cls, monkeypatch
):
    # every other epoch fails to improve: never more than one in a row, so
    # n_iter_no_change=1 never stops training
    X, y = _data(cls)
    scores = [0.5, 0.4, 0.6, 0.5, 0.7, 0.6, 0.8, 0.7, 0.9, 0.8]
    seen = _scripted_scores(monkeypatch, scores)
    est = cls(
        **SMALL, max_iter=10, early_stopping=True, tol=0.0, n_iter_no_change=1
    ).fit(X, y)
    assert est.n_iter_ == 10
    assert est.validation_scores_ == scores
    assert est.best_validation_score_ == 0.9
    for kept, best in zip(est.coefs_ + est.intercepts_, seen[8], strict=True):
        assert_array_equal(kept, best)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_stops_on_the_score_whatever_the_training_loss_does(
    cls, monkeypatch
):
    # the score never beats the first epoch's while the training loss falls
    X, y = _data(cls)
    seen = _scripted_scores(monkeypatch, [0.5] + [0.4] * 9)
    est = cls(
        **SMALL, max_iter=10, early_stopping=True, tol=0.0, n_iter_no_change=2
    ).fit(X, y)
    assert est.n_iter_ == 1 + 2 + 1
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    for kept, best in zip(est.coefs_ + est.intercepts_, seen[0], strict=True):
        assert_array_equal(kept, best)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_keeps_the_first_of_tied_best_scores(cls, monkeypatch):
    # as scikit-learn's MLP: only a score above the best so far is a new best
    X, y = _data(cls)
    seen = _scripted_scores(monkeypatch, [0.5, 0.7, 0.7, 0.6, 0.6])
    est = cls(**SMALL, max_iter=5, early_stopping=True, n_iter_no_change=10)
    est.fit(X, y)
    assert est.n_iter_ == 5 and est.best_validation_score_ == 0.7
    for kept, best in zip(est.coefs_ + est.intercepts_, seen[1], strict=True):
        assert_array_equal(kept, best)
    # the premise: the tied epoch ended with other weights
    assert not all(np.array_equal(a, b) for a, b in zip(seen[1], seen[2], strict=True))


def _no_improvement_stop(curve, tol, n_iter_no_change):
    """The epoch after which scikit-learn's MLP stops for a ``curve`` of
    training losses, or None: once more than `n_iter_no_change` epochs in a
    row did not fall `tol` below the best loss before them."""
    best, count = np.inf, 0
    for epoch, loss in enumerate(curve, 1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_no_improvement_is_judged_against_the_best_loss_not_the_last(cls):
    # a noisy curve (small batches, large α): an epoch that falls below the
    # one before it but not below the best is still no improvement
    X, y = _data(cls)
    est = cls(
        **SMALL,
        learning_rate=0.2,
        batch_size=16,
        max_iter=60,
        tol=1e-3,
        n_iter_no_change=3,
    ).fit(X, y)
    curve = est.loss_curve_
    assert curve[-1] > min(curve)  # the premise: the last epoch is not the best
    assert est.best_loss_ == min(curve)
    assert est.n_iter_ == _no_improvement_stop(curve, 1e-3, 3)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_stop_for_no_improvement_at_the_last_epoch_does_not_warn(cls):
    # as in scikit-learn's MLP: training that stopped did converge, even
    # when the stop falls on epoch max_iter
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=1 + 3 + 1, tol=1e3, n_iter_no_change=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.n_iter_ == est.max_iter


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_validation_scores_use_the_sample_weights(cls):
    X, y = _data(cls)
    stratify = y if cls is SGDNetClassifier else None
    n_val = int(np.ceil(0.2 * len(y)))
    rows = np.arange(len(y))
    _, val_rows = train_test_split(
        rows, test_size=n_val, random_state=0, stratify=stratify
    )
    weights = np.random.RandomState(0).uniform(0.1, 5.0, len(y))
    est = cls(**SMALL, max_iter=1, early_stopping=True, validation_fraction=0.2)
    est.fit(X, y, sample_weight=weights)
    X_val, y_val, w_val = X[val_rows], y[val_rows], weights[val_rows]
    metric = accuracy_score if cls is SGDNetClassifier else r2_score
    predicted = est.predict(X_val)
    weighted = metric(y_val, predicted, sample_weight=w_val)
    assert weighted != metric(y_val, predicted)  # the premise: weights matter
    assert est.validation_scores_ == [pytest.approx(weighted, abs=1e-12)]
    assert est.score(X_val, y_val, sample_weight=w_val) == pytest.approx(
        weighted, abs=1e-12
    )


# --------------------------------------------------------------------------
# sample_weight


def _full_batch(cls, **params):
    return cls(**SMALL, batch_size=10_000, shuffle=False, max_iter=5, **params)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_zero_sample_weight_equals_removing_the_samples(cls):
    X, y = _data(cls)
    weight = np.ones(len(y))
    removed = np.arange(0, len(y), 7)
    weight[removed] = 0
    kept = weight > 0
    weighted = _full_batch(cls).fit(X, y, sample_weight=weight)
    dropped = _full_batch(cls).fit(X[kept], y[kept])
    for a, b in zip(
        weighted.coefs_ + weighted.intercepts_,
        dropped.coefs_ + dropped.intercepts_,
        strict=True,
    ):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert_allclose(weighted.loss_curve_, dropped.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_integer_sample_weight_equals_repetition(cls):
    X, y = _data(cls)
    weight = np.random.RandomState(0).randint(1, 4, size=len(y))
    repeated = np.repeat(np.arange(len(y)), weight)
    weighted = _full_batch(cls).fit(X, y, sample_weight=weight)
    copied = _full_batch(cls).fit(X[repeated], y[repeated])
    for a, b in zip(
        weighted.coefs_ + weighted.intercepts_,
        copied.coefs_ + copied.intercepts_,
        strict=True,
    ):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert_allclose(weighted.loss_curve_, copied.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sample_weight_changes_the_model(cls):
    X, y = _data(cls)
    weight = np.where(np.arange(len(y)) % 2 == 0, 1.0, 5.0)
    weighted = _full_batch(cls).fit(X, y, sample_weight=weight)
    plain = _full_batch(cls).fit(X, y)
    assert np.abs(weighted.coefs_[0] - plain.coefs_[0]).max() > 1e-6


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sample_weight_counts_within_a_batch(cls):
    # as documented (and as in scikit-learn's MLP): a batch's loss is the
    # weighted mean over its samples, so one-sample batches step alike
    # whatever their positive weight; a zero weight skips the sample
    X, y = _data(cls)
    rows = np.random.default_rng(0).permutation(len(y))[:40]
    X, y = X[rows], y[rows]
    params = dict(**SMALL, batch_size=1, max_iter=2, shuffle=False)
    weight = np.where(np.arange(len(y)) % 3 == 0, 0.25, 4.0)
    weighted = cls(**params).fit(X, y, sample_weight=weight)
    plain = cls(**params).fit(X, y)
    _assert_same_weights(weighted, plain)
    weight[::2] = 0.0
    skipped = cls(**params).fit(X, y, sample_weight=weight)
    dropped = cls(**params).fit(X[1::2], y[1::2])
    _assert_same_weights(skipped, dropped)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_invalid_sample_weight_raises(cls, method):
    X, y = _data(cls)
    extra = (
        {"classes": np.unique(y)}
        if cls is SGDNetClassifier and method == "partial_fit"
        else {}
    )
    with pytest.raises(ValueError, match=r"[Ss]ample[_ ]weight"):
        getattr(cls(**SMALL), method)(X, y, sample_weight=np.zeros(len(y)), **extra)
    negative = np.ones(len(y))
    negative[3] = -1.0
    with pytest.raises(ValueError, match="[Nn]egative"):
        getattr(cls(**SMALL), method)(X, y, sample_weight=negative, **extra)
    with pytest.raises(ValueError):
        getattr(cls(**SMALL), method)(X, y, sample_weight=np.ones(3), **extra)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.usefixtures("lenient_sample_weight_check")
def test_all_zero_sample_weight_is_refused_by_the_estimator(cls, method):
    # refused before anything changes, whatever scikit-learn lets through
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3).fit(X, y)
    coefs, n_iter = [c.copy() for c in est.coefs_], est.n_iter_
    with pytest.raises(ValueError, match="at least one non-zero"):
        getattr(est, method)(X, y, sample_weight=np.zeros(len(y)))
    for before, after in zip(coefs, est.coefs_, strict=True):
        assert_array_equal(before, after)
    assert est.n_iter_ == n_iter


# --------------------------------------------------------------------------
# dtypes and input formats


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_large_l2_term_of_finite_weights_is_no_divergence(cls):
    # the l2 term starts some 10^5 times the data's loss and shrinks: the
    # explosion check judges the data's loss, as the scales it is held to
    X, y = _data(cls)
    est = cls(**SMALL, l2=1e5, learning_rate=1e-6, momentum=0.0, max_iter=3)
    est.set_params(n_iter_no_change=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        est.fit(X, y)
    assert est.divergence_epoch_ is None and est.n_iter_ == 3
    assert est.loss_curve_[0] > EXPLOSION_FACTOR * 10
    assert est.loss_curve_[2] < est.loss_curve_[1] < est.loss_curve_[0]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_float32_trains_and_predicts_in_float32(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=5).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert all(np.isfinite(est.loss_curve_))
    assert _predictions(est, X.astype(np.float32)).dtype == np.float32
    # float64 data on a float32 model: still float32
    assert _predictions(est, X).dtype == np.float32
    est.partial_fit(X, y)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert est.n_iter_ == 6
    # and it learned about as much as in float64
    est64 = cls(**SMALL, max_iter=5).fit(X, y)
    assert est64.coefs_[0].dtype == np.float64
    assert _predictions(est64, X).dtype == np.float64
    assert_allclose(est64.loss_curve_[:5], est.loss_curve_[:5], rtol=1e-3)
    # a warm fit continues the model in its precision too, as documented
    est.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert est.optimizer_.dtype == np.float32


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("old", "new"), [(np.float64, np.float32), (np.float32, np.float64)]
)
def test_partial_fit_follows_weights_set_by_hand_in_the_other_precision(
    cls, optimizer, old, new
):
    # the optimizer's state moves to the weights' precision and keeps its
    # values: the stream continues as if the model had been trained in it
    X, y = _data(cls)
    est = cls(**SMALL, optimizer=optimizer, max_iter=3).fit(X.astype(old), y)
    est.partial_fit(X.astype(old), y)
    state = est.optimizer_.snapshot()
    est.coefs_ = [c.astype(new) for c in est.coefs_]
    est.intercepts_ = [b.astype(new) for b in est.intercepts_]
    before = [c.copy() for c in est.coefs_]
    est.partial_fit(X.astype(new), y)
    assert all(c.dtype == new for c in est.coefs_ + est.intercepts_)
    assert est.optimizer_.dtype == new
    assert min(np.abs(a - b).max() for a, b in zip(est.coefs_, before, strict=True)) > 0
    # the same step as from the state converted by hand
    twin = cls(**SMALL, optimizer=optimizer, max_iter=3).fit(X.astype(old), y)
    twin.partial_fit(X.astype(old), y)
    twin.coefs_ = [c.astype(new) for c in twin.coefs_]
    twin.intercepts_ = [b.astype(new) for b in twin.intercepts_]
    twin.optimizer_ = twin.optimizer_._astype(new)
    assert twin.optimizer_.n_steps == state["n_steps"]
    twin.partial_fit(X.astype(new), y)
    for a, b in zip(
        est.coefs_ + est.intercepts_, twin.coefs_ + twin.intercepts_, strict=True
    ):
        assert_array_equal(a, b)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_float32_weights_set_by_hand_before_any_fit_train_in_float32(cls, method):
    # weights set by hand on an estimator never fitted keep their precision,
    # as a fitted model's do, whatever the data's dtype
    X, y = _data(cls)
    est, _ = _hand_set(cls, max_iter=2)
    est.coefs_ = [c.astype(np.float32) for c in est.coefs_]
    est.intercepts_ = [b.astype(np.float32) for b in est.intercepts_]
    assert X.dtype == np.float64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "fit":
            est.fit(X, y)
        else:
            kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
            est.partial_fit(X, y, **kwargs)
    for array in est.coefs_ + est.intercepts_:
        assert array.dtype == np.float32
    assert est.n_features_in_ == X.shape[1]
    assert est.predict(X).shape[0] == X.shape[0]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_weights_set_by_hand_are_no_model_before_training(cls):
    # the targets' encoding and the output layer come from training: until
    # a training call, predicting says the estimator is not fitted (not an
    # AttributeError from deep inside)
    X, y = _data(cls)
    est, _ = _hand_set(cls, max_iter=1)
    methods = ["predict"] + (["predict_proba"] if cls is SGDNetClassifier else [])
    for method in methods:
        with pytest.raises(NotFittedError):
            getattr(est, method)(X)
    with pytest.raises(NotFittedError):
        est.score(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)  # warm_start: from those weights
    for method in methods:
        assert len(getattr(est, method)(X)) == len(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.longdouble])
def test_weights_set_by_hand_in_another_dtype_compute_in_float64(cls, dtype):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3).fit(X, y)
    reference = _predictions(est, X)
    coefs = [np.round(c * 4) for c in est.coefs_]  # exact in every dtype
    intercepts = [np.round(b * 4) for b in est.intercepts_]
    est.coefs_ = [c.astype(dtype) for c in coefs]
    est.intercepts_ = [b.astype(dtype) for b in intercepts]
    exact = cls(**SMALL, max_iter=3).fit(X, y)
    exact.coefs_, exact.intercepts_ = coefs, intercepts
    got = _predictions(est, X)
    assert got.dtype == reference.dtype == np.float64
    assert_allclose(got, _predictions(exact, X), rtol=1e-12)
    # and training continues in float64 from them
    for method in ("partial_fit", "warm fit"):
        model = copy.deepcopy(est)
        if method == "partial_fit":
            model.partial_fit(X, y)
        else:
            model.set_params(warm_start=True).fit(X, y)
        assert all(c.dtype == np.float64 for c in model.coefs_ + model.intercepts_)
        assert np.abs(model.coefs_[0] - coefs[0]).max() > 0


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    ("scale", "dtype"), [(1e37, np.float32), (1e-50, np.float32), (1e307, np.float64)]
)
def test_sample_weight_of_any_scale_trains_as_unit_weights(cls, scale, dtype):
    # only the weights' ratios matter: their sum must not overflow, nor
    # float32 round them to zero
    X, y = _data(cls)
    X = X.astype(dtype)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    params = dict(**SMALL, max_iter=3, batch_size=32)
    scaled = cls(**params).fit(X, y, sample_weight=weights * scale)
    unit = cls(**params).fit(X, y, sample_weight=weights)
    assert scaled.divergence_epoch_ is None
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    assert_allclose(scaled.loss_curve_, unit.loss_curve_, rtol=rtol)
    for a, b in zip(scaled.coefs_, unit.coefs_, strict=True):
        assert_allclose(a, b, rtol=rtol, atol=rtol)


def test_sample_weights_far_apart_in_scale_all_stay_positive():
    # rescaling brings the largest weight just inside [2^-64, 2^64], no further:
    # weights many orders smaller stay positive in float32
    X, y = _iris()
    X = X.astype(np.float32)
    weights = np.where(y == 0, 1e20, 1e-27)
    est = SGDNetClassifier(**SMALL, max_iter=2).fit(X, y, sample_weight=weights)
    assert est.n_iter_ == 2


def test_epsilon_that_is_0_in_the_new_precision_of_hand_set_weights_is_refused():
    X, y = _iris()
    est = SGDNetClassifier(**SMALL, optimizer="adam", epsilon=1e-46, max_iter=2)
    est.fit(X, y)
    est.coefs_ = [c.astype(np.float32) for c in est.coefs_]
    est.intercepts_ = [b.astype(np.float32) for b in est.intercepts_]
    with pytest.raises(ValueError, match="epsilon=1e-46 is 0 in float32"):
        est.partial_fit(X.astype(np.float32), y)


def test_float32_epoch_loss_is_summed_in_float64():
    # 4000 one-row batches of frozen weights: the mean of their losses is
    # the data set's loss, to float32's precision of each term
    X, y = _regression()
    X = np.tile(X, (27, 1))[:4000].astype(np.float32)
    y = np.tile(y, 27)[:4000]
    est = SGDNetRegressor(
        **SMALL, learning_rate=1e-30, l2=0.0, batch_size=1, max_iter=1, shuffle=False
    ).fit(X, y)
    theta = _network.pack(est.coefs_, est.intercepts_, np.float64)
    shapes = [c.shape for c in est.coefs_]
    expected = _network.data_loss(
        theta,
        shapes,
        X.astype(np.float64),
        y[:, None],
        np.ones(len(y)),
        "relu",
        "squared_error",
    )
    assert type(est.loss_curve_[0]) is float and type(est.best_loss_) is float
    assert_allclose(est.loss_curve_[0], expected, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_integer_X_trains_in_float64(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=2).fit(np.round(X * 10).astype(np.int64), y)
    assert est.coefs_[0].dtype == np.float64


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_gives_the_same_model_as_dense(cls, fmt):
    X, y = _data(cls)
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # some structural zeros
    params = dict(**SMALL, batch_size=32, shuffle=True, max_iter=4)
    dense = cls(**params).fit(X, y)
    sparse = cls(**params).fit(sp.csr_matrix(X).asformat(fmt), y)
    for a, b in zip(
        dense.coefs_ + dense.intercepts_,
        sparse.coefs_ + sparse.intercepts_,
        strict=True,
    ):
        assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    assert_allclose(
        _predictions(sparse, sp.csr_matrix(X).asformat(fmt)),
        _predictions(dense, X),
        rtol=1e-10,
        atol=1e-10,
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_dataframe_input_keeps_feature_names(cls):
    X, y = _data(cls)
    columns = ["sepal_l", "sepal_w", "petal_l", "petal_w"]
    frame = pd.DataFrame(X, columns=columns)
    from_frame = cls(**SMALL, max_iter=3).fit(frame, y)
    from_array = cls(**SMALL, max_iter=3).fit(X, y)
    assert_array_equal(from_frame.feature_names_in_, columns)
    assert not hasattr(from_array, "feature_names_in_")
    assert_array_equal(_predictions(from_frame, frame), _predictions(from_array, X))
    with pytest.warns(UserWarning, match="feature names"):
        from_frame.predict(X)
    with pytest.raises(ValueError, match="feature names"):
        from_frame.predict(frame[columns[::-1]])


# --------------------------------------------------------------------------
# verbose


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_prints_one_line_per_epoch(cls, capsys):
    X, y = _data(cls)
    policy = StepDecay(alpha=0.1, drop=0.5, every=1)
    est = cls(
        **SMALL, learning_rate=policy, max_iter=3, verbose=1, n_iter_no_change=np.inf
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines):
        match = re.search(r"Epoch (\d+).*loss ([0-9.e+-]+).*alpha ([0-9.e+-]+)", line)
        assert match, line
        assert int(match[1]) == epoch + 1
        assert float(match[2]) == pytest.approx(est.loss_curve_[epoch], rel=1e-5)
        assert float(match[3]) == pytest.approx(0.1 * 0.5**epoch)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_reports_the_alpha_of_each_epochs_last_step(cls, capsys):
    # α changes within each epoch: the line reports the last one applied
    X, y = _data(cls)  # 150 samples: 3 batches of 50
    est = cls(
        **SMALL,
        learning_rate=CosineAnnealing(alpha=0.1),
        batch_size=50,
        max_iter=3,
        verbose=1,
        n_iter_no_change=np.inf,
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines):
        alpha = float(re.search(r"alpha ([0-9.e+-]+)", line)[1])
        assert alpha == pytest.approx(est.lr_history_[3 * epoch + 2], rel=1e-5)
        assert alpha != pytest.approx(est.lr_history_[3 * epoch], rel=1e-3)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_reports_validation_scores_and_why_training_stopped(cls, capsys):
    X, y = _data(cls)
    est = cls(
        **SMALL,
        early_stopping=True,
        validation_fraction=0.2,
        tol=1e3,  # no epoch after the first improves enough
        n_iter_no_change=2,
        max_iter=50,
        verbose=1,
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert est.n_iter_ == 4  # the first, then n_iter_no_change + 1 without
    assert len(lines) == 5
    for epoch, line in enumerate(lines[:4]):
        match = re.search(r"validation score ([0-9.e+-]+)", line)
        assert match, line
        assert float(match[1]) == pytest.approx(est.validation_scores_[epoch], rel=1e-5)
    assert lines[4] == (
        "Validation score did not improve by at least tol=1000.0 for 3 "
        "consecutive epochs (more than n_iter_no_change=2). Stopping."
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_says_which_weights_early_stopping_returns(cls, capsys):
    X, y = _data(cls)
    est = cls(
        **SMALL,
        early_stopping=True,
        validation_fraction=0.2,
        tol=0.0,
        n_iter_no_change=2,
        max_iter=8,
        verbose=1,
    )
    # a validation record that peaks at epoch 2, then falls
    scores = iter([0.5, 0.9, 0.8, 0.7, 0.6])
    est._score = lambda *args: next(scores)
    est.fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert est.n_iter_ == 5
    assert lines[-2].startswith("Validation score did not improve")
    assert (
        lines[-1]
        == "Restored the weights of epoch 2, the best validation score (0.900000)."
    )


def test_verbose_says_which_weights_come_back_after_an_interrupt(capsys):
    # an interrupt ends the fit, and the best weights come back then too
    X, y = _data(SGDNetRegressor)
    est = SGDNetRegressor(**SMALL, early_stopping=True, tol=0.0, max_iter=10, verbose=1)
    scores = iter([0.5, 0.9, 0.8, 0.7])

    def score(*args):
        try:
            return next(scores)
        except StopIteration:
            raise KeyboardInterrupt from None

    est._score = score
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert est.n_iter_ == 4
    out = capsys.readouterr().out
    assert "Restored the weights of epoch 2, the best validation score" in out


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_training_loss_stop_and_small_losses(cls, capsys):
    # without a validation score it is the training loss that stalls; a loss
    # is printed with six significant digits, small ones too
    X, y = _data(cls)
    est = cls(**SMALL, tol=1e3, n_iter_no_change=1, max_iter=10, verbose=1)
    est.fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("Training loss did not improve by at least tol=")
    for epoch, line in enumerate(lines[:-1]):
        printed = float(re.search(r"loss (\S+),", line)[1])
        assert printed == pytest.approx(est.loss_curve_[epoch], rel=1e-5)
    if cls is SGDNetRegressor:  # targets of scale 1e-4, fitted closely
        X, y = make_regression(60, 3, noise=0.0, random_state=0)
        small = cls(
            (5,),
            learning_rate=0.1,
            l2=0.0,
            tol=0.0,
            max_iter=300,
            random_state=0,
            verbose=1,
        ).fit(X, y / np.std(y) * 1e-4)
        lines = capsys.readouterr().out.strip().splitlines()
        line = [line for line in lines if line.startswith("Epoch")][-1]
        printed = float(re.search(r"loss (\S+),", line)[1])
        assert small.loss_curve_[-1] < 1e-4
        assert printed == pytest.approx(small.loss_curve_[-1], rel=1e-5)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_verbose_zero_prints_nothing(cls, capsys):
    X, y = _data(cls)
    cls(**SMALL, max_iter=3, tol=1e3, n_iter_no_change=1).fit(X, y)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    cls(**SMALL).partial_fit(X, y, **extra)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


# --------------------------------------------------------------------------
# Divergence


def test_divergence_warning_is_a_convergence_warning():
    assert issubclass(DivergenceWarning, ConvergenceWarning)


def _hand_set(cls, **params):
    """An estimator whose first training call starts from known weights."""
    n_out = 3 if cls is SGDNetClassifier else 1
    rng = np.random.RandomState(1)
    coefs = [rng.normal(size=(4, 8)), rng.normal(size=(8, n_out))]
    intercepts = [np.zeros(8), np.zeros(n_out)]
    est = cls(hidden_layer_sizes=(8,), warm_start=True, random_state=0, **params)
    est.coefs_ = [c.copy() for c in coefs]
    est.intercepts_ = [b.copy() for b in intercepts]
    return est, coefs + intercepts


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_restores_the_last_finite_weights(cls):
    X, y = _data(cls)
    est, start = _hand_set(cls, learning_rate=1e4, batch_size=10, max_iter=20)
    with pytest.warns(DivergenceWarning) as record:
        est.fit(X, y)
    assert est.divergence_epoch_ == 1
    message = str(record[0].message)
    assert re.search(r"\bepoch 1\b", message), message
    rate = re.search(r"learning rate ([0-9.e+-]+)", message)
    assert rate and float(rate[1]) == 1e4, message
    # the epoch's first batch found the start sound: it is not called exploded
    assert "start of epoch 1 were restored. Lower the learning rate" in message
    assert "already exploded" not in message, message
    # diverged in the first epoch: the hand-set weights are back
    for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
        assert_array_equal(got, want)
    assert np.all(np.isfinite(_predictions(est, X)))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_last_step_that_explodes_is_judged_in_its_own_epoch(cls):
    # one step per epoch (the whole data set is one batch): epoch 1's loss is
    # measured before its step, which explodes; its batch, seen again after
    # it, shows that at once, so epoch 1 diverged and its start comes back
    X, y = _data(cls)
    est, start = _hand_set(
        cls, learning_rate=1e3, batch_size=X.shape[0], momentum=0.0, max_iter=20
    )
    with pytest.warns(DivergenceWarning) as record:
        est.fit(X, y)
    assert est.divergence_epoch_ == est.n_iter_ == 1
    message = str(record[0].message)
    assert "diverged in epoch 1" in message and "after its last step" in message
    assert "start of epoch 1" in message
    for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
        assert_array_equal(got, want)
    assert np.all(np.isfinite(_predictions(est, X)))


def test_an_outlier_among_the_rows_that_judge_a_last_step_is_no_divergence():
    # the first 32 rows of the last batch weigh almost nothing but hold one
    # unfitted outlier: their loss is far above the whole data's scale, yet
    # nothing exploded (judged at every epoch, this stopped a healthy fit)
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 5)
    y = X @ rng.randn(5) + 0.1 * rng.randn(2000)
    w = np.ones(2000)
    w[1800:1832] = 1e-8  # the last batch of 200 starts at row 1800
    y[1800], w[1800] = 1000.0, 0.01
    reg = SGDNetRegressor(
        (16,),
        learning_rate=0.001,
        max_iter=30,
        batch_size=200,
        shuffle=False,
        optimizer="adam",
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        reg.fit(X, y, sample_weight=w)
    assert reg.divergence_epoch_ is None and reg.n_iter_ == 30


def _fit_without_divergence(est, X, y, **fit_params):
    """Fit all of ``max_iter`` epochs, a DivergenceWarning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, **fit_params)
    assert est.divergence_epoch_ is None and est.n_iter_ == est.max_iter


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("shuffle", [False, True])
def test_rows_far_off_the_first_batchs_scale_are_no_divergence(cls, shuffle):
    # two unscaled rows outside the run's first batch make the first epoch's
    # loss 10^4 times that batch's, but already at the weights the run began
    # with: at alpha 1e-12 nothing exploded (this stopped the fit at epoch 1,
    # telling the user to lower the learning rate)
    rng = np.random.RandomState(0)
    X = rng.randn(400, 3)
    y = (X[:, 0] > 0).astype(int) if cls is SGDNetClassifier else X[:, 0]
    X[-2:, 1] = 3e7 if cls is SGDNetClassifier else 3e3
    est = cls(
        (8,),
        learning_rate=1e-12,
        max_iter=5,
        batch_size=50,
        shuffle=shuffle,
        random_state=0,
    )
    _fit_without_divergence(est, X, y)
    assert est.loss_curve_[0] > 1e4  # the old scale: the first batch's loss, < 1
    kwargs = {"classes": [0, 1]} if cls is SGDNetClassifier else {}
    # the same rows in a later call of a stream are data on another scale
    # than the run's, judged as before
    stream = clone(est).set_params(learning_rate=1e-3, shuffle=False)
    stream.partial_fit(X[:300], y[:300], **kwargs)
    with pytest.warns(DivergenceWarning):
        stream.partial_fit(X[300:], y[300:], **kwargs)


def test_an_unscaled_row_among_those_that_judge_a_last_step_is_no_divergence():
    # the first 32 rows of the last batch weigh almost nothing but hold one
    # row of unscaled features: their loss is 10^4 times the run's scale at
    # the weights the epoch began with too, so the last step exploded nothing
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 5)
    y = (X[:, 0] > 0).astype(int)
    w = np.ones(2000)
    w[1800:1832] = 1e-8  # the last batch of 200 starts at row 1800
    X[1800], w[1800] = 1e7, 0.01
    clf = SGDNetClassifier(
        (16,),
        learning_rate=1e-9,
        max_iter=5,
        batch_size=200,
        shuffle=False,
        random_state=0,
    )
    _fit_without_divergence(clf, X, y, sample_weight=w)
    # the rule itself: the same rows exploded only against sound weights
    theta = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    shapes = [c.shape for c in clf.coefs_]
    Y = y[:, np.newaxis].astype(float)  # binary: one logistic output
    rows = (X[1800:2000], Y[1800:2000], w[1800:2000])
    args = (shapes, rows, "logistic_log_loss", np.log(2.0))
    assert clf._last_step_diverged(theta, *args, theta) is None
    sound = theta.copy()
    sound[: X.shape[1] * 16] *= 1e-6  # the first layer, shrunk
    message = clf._last_step_diverged(theta, *args, sound)
    assert message and message.endswith("after its last step")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_seen_only_by_the_next_epoch_restores_the_epoch_before(
    cls, monkeypatch
):
    # should the rows that judge an epoch's last step miss its explosion,
    # epoch 2's first batch sees it: the weights epoch 1 started from must
    # come back
    X, y = _data(cls)
    monkeypatch.setattr(cls, "_last_step_diverged", lambda self, *args: None)
    est, start = _hand_set(
        cls, learning_rate=1e3, batch_size=X.shape[0], momentum=0.0, max_iter=20
    )
    with pytest.warns(DivergenceWarning) as record:
        est.fit(X, y)
    assert est.divergence_epoch_ == 2
    assert np.isfinite(est.loss_curve_[0])
    message = str(record[0].message)
    assert "diverged in epoch 2" in message and "start of epoch 1" in message
    for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
        assert_array_equal(got, want)
    assert np.all(np.isfinite(_predictions(est, X)))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_numpy_unsigned_and_bool_integers_are_the_ints_they_equal(cls):
    # they pass the Integral constraints, as in scikit-learn's MLP; an
    # unsigned batch size once overflowed in the batch count, a bool
    # max_iter was refused under the name of a policy's parameter
    X, y = _data(cls)
    expected = cls((4,), batch_size=16, max_iter=1, random_state=0).fit(X, y)
    for params in [
        dict(batch_size=np.uint64(16), max_iter=np.uint8(1)),
        dict(batch_size=np.uint32(16), max_iter=True),
    ]:
        est = cls((4,), random_state=0, **params).fit(X, y)
        assert est.n_iter_ == 1
        assert_array_equal(est.lr_history_, expected.lr_history_)
        for got, want in zip(est.coefs_, expected.coefs_, strict=True):
            assert_array_equal(got, want)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_raised_as_an_error_leaves_a_complete_record(cls):
    # divergence.rst recommends simplefilter("error", DivergenceWarning): the
    # diverged epoch must be on the record, as when it only warns
    X, y = _data(cls)
    params = dict(learning_rate=1e3, batch_size=X.shape[0], momentum=0.0, max_iter=20)
    warned, start = _hand_set(cls, **params)
    with pytest.warns(DivergenceWarning):
        warned.fit(X, y)
    raised, _ = _hand_set(cls, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        with pytest.raises(DivergenceWarning):
            raised.fit(X, y)
    assert raised.divergence_epoch_ == raised.n_iter_ == warned.n_iter_ == 1
    assert raised.loss_curve_ == warned.loss_curve_
    # the recorded epoch's shuffle stays drawn: the next call draws the next
    assert_array_equal(
        raised._random_state.get_state()[1], warned._random_state.get_state()[1]
    )
    assert_array_equal(raised.lr_history_, warned.lr_history_)
    for got, want in zip(raised.coefs_ + raised.intercepts_, start, strict=True):
        assert_array_equal(got, want)


def test_divergence_under_early_stopping_names_the_weights_it_returns():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    # two good epochs, then α = 5 explodes the third
    policy = Sequential([Constant(0.01), Constant(5.0)], milestones=(2,))
    clf = SGDNetClassifier(
        (32,), learning_rate=policy, max_iter=10, random_state=0, early_stopping=True
    )
    with pytest.warns(DivergenceWarning) as record:
        clf.fit(X, y)
    assert clf.divergence_epoch_ == clf.n_iter_ == 3
    best = int(np.argmax(clf.validation_scores_[:2])) + 1
    message = str(record[0].message)
    assert "start of epoch 3 were restored" in message
    assert f"best validation score, from the end of epoch {best}" in message
    two = SGDNetClassifier(  # the same first two epochs, at α = 0.01
        (32,), learning_rate=0.01, max_iter=2, random_state=0, early_stopping=True
    ).fit(X, y)
    _assert_same_weights(clf, two)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("max_iter", [1, 3])
def test_the_last_step_of_a_call_is_judged_by_the_call(cls, max_iter):
    # no next epoch sees the weights the very last step made: the call sees
    # its last batch again, so a fit or partial_fit never returns exploded
    # weights (before, a one-step call returned them without a warning)
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    # α = 1e-3, then 1e3 for the last epoch's one step
    policy = 1e3
    if max_iter > 1:
        policy = Sequential([Constant(1e-3), Constant(1e3)], (max_iter - 1,))
    params = dict(batch_size=X.shape[0], momentum=0.9)
    est, start = _hand_set(cls, learning_rate=policy, max_iter=max_iter, **params)
    with pytest.warns(DivergenceWarning, match=f"epoch {max_iter} .*after its last"):
        est.fit(X, y)
    assert est.divergence_epoch_ == est.n_iter_ == max_iter
    if max_iter > 1:  # the last epoch is undone
        before = _hand_set(cls, learning_rate=1e-3, max_iter=max_iter - 1, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            _assert_same_weights(est, before[0].fit(X, y))
    else:
        for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
            assert_array_equal(got, want)
    assert np.all(np.isfinite(_predictions(est, X)))

    est, start = _hand_set(cls, learning_rate=1e3, **params)
    with pytest.warns(DivergenceWarning, match="epoch 1 .*start of epoch 1"):
        est.partial_fit(X, y, **kwargs)  # its one step explodes the weights
    assert est.divergence_epoch_ == 1
    for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
        assert_array_equal(got, want)
    # the optimizer's state went back with the weights: momentum is zero again
    assert not np.any(est.optimizer_.velocity)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_the_last_step_check_skips_rows_of_zero_weight(cls):
    # it looks at the first rows of the last batch; when those weigh nothing
    # it takes the whole batch (a loss of zero weight is 0/0, not a divergence)
    X, y = _data(cls)
    X, y = X[:64], y[:64]
    if cls is SGDNetClassifier:
        y = np.arange(64) % 3
    weights = np.ones(64)
    weights[:40] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = cls(**SMALL, batch_size=64, shuffle=False, max_iter=2)
        est.fit(X, y, sample_weight=weights)
    assert est.divergence_epoch_ is None


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "policy",
    [
        Warmup(Constant(1e4), epochs=1.0, start_factor=0.0),
        InverseTimeDecay(alpha=1e4, decay=5.0),
    ],
)
def test_divergence_warning_names_the_largest_alpha_of_the_epoch(cls, policy):
    # α changes within the epoch (up in a warm-up, down in a decay): the
    # message names the largest α of the epoch
    X, y = _data(cls)
    est, _ = _hand_set(cls, learning_rate=policy, batch_size=10, max_iter=20)
    with pytest.warns(DivergenceWarning) as record:
        est.fit(X, y)
    assert est.divergence_epoch_ == est.n_iter_ == 1
    rates = est.lr_history_
    assert min(rates[0], rates[-1]) < rates.max()
    message = str(record[0].message)
    assert f"at learning rate {rates.max():.4g} (" in message, message


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_partial_fit_call_diverging_after_its_first_batch_undoes_only_itself(cls):
    # its first batch found the weights of the call before sound: only this
    # call's epoch is undone, and the message does not blame the call before
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est, _ = _hand_set(cls, learning_rate=1e-3, batch_size=10)
    est.partial_fit(X, y, **kwargs)
    after_first = [c.copy() for c in est.coefs_ + est.intercepts_]
    est.schedule_ = Constant(1e4).start(max_epochs=200)
    with pytest.warns(DivergenceWarning) as record:
        est.partial_fit(X, y, **kwargs)
    assert est.divergence_epoch_ == 2
    message = str(record[0].message)
    assert "start of epoch 2 were restored. Lower the learning rate" in message
    assert "previous call" not in message and "already exploded" not in message
    for got, want in zip(est.coefs_ + est.intercepts_, after_first, strict=True):
        assert_array_equal(got, want)


@pytest.mark.parametrize("loss", ["squared_error", "huber"])
def test_the_last_step_check_measures_rows_against_their_own_targets(loss):
    # rows whose targets are 10^6 times the data's: a zero output (say, after
    # the last step undid a fit of them) costs their targets' own loss, which
    # is no explosion even when the epoch began fitting them exactly
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    reg = SGDNetRegressor((), loss=loss, max_iter=2, random_state=0).fit(X, X[:, 0])
    shapes = [c.shape for c in reg.coefs_]
    Y = 1e6 * X[:, :1]
    rows = (X, Y, np.ones(50))
    fitted = np.array([1e6, 0.0, 0.0, 0.0])  # the coefficients, the intercept
    zero = np.zeros(4)
    assert reg._last_step_diverged(zero, shapes, rows, loss, 1.0, fitted) is None
    # the same output is an explosion on rows with targets on the run's scale
    rows = (1e6 * X, X[:, :1], np.ones(50))
    message = reg._last_step_diverged(fitted, shapes, rows, loss, 1.0, zero)
    assert message and message.endswith("after its last step")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_warm_started_fit_is_a_new_run_with_its_own_loss_scale(cls):
    # rows far off the scale of the first run's data: at alpha 1e-12 nothing
    # explodes, and the warm-started run's first batch sets its scale
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=2).fit(X, y)
    est.set_params(warm_start=True, learning_rate=1e-12)
    _fit_without_divergence(est, 1e6 * X, y)
    assert est.loss_curve_[0] > 1e4


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_seen_by_the_next_partial_fit_call_restores_the_call_before(
    cls,
):
    # weights that pass their own call's check but explode on the next call's
    # first batch (here: scaled a million times in place, as if the call had
    # left them so) are the previous call's doing: the state that call
    # started from, where the batch's loss is sound, comes back
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est, start = _hand_set(cls, learning_rate=0.1, batch_size=X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        est.partial_fit(X, y, **kwargs)
    for coef in est.coefs_:
        coef *= 1e6
    with pytest.warns(DivergenceWarning, match="epoch 2 .*start of epoch 1"):
        est.partial_fit(X, y, **kwargs)
    assert est.divergence_epoch_ == 2
    for got, want in zip(est.coefs_ + est.intercepts_, start, strict=True):
        assert_array_equal(got, want)
    assert not np.any(est.optimizer_.velocity)
    # the restore point is not kept in pickles
    assert "_previous_start" not in est.__getstate__()


@pytest.mark.parametrize("row", [0, 50])
def test_an_off_scale_first_batch_does_not_undo_the_call_before(row):
    # a row far off the scale in a call's first batch: its loss is as large
    # at the weights the previous call began with, so the data is to blame,
    # not the weights that call left; only this call is undone, wherever
    # the row sits
    rng = np.random.RandomState(0)
    w = rng.randn(5)
    chunks = [(X, X @ w) for X in (rng.randn(100, 5) for _ in range(4))]

    def stream(n_calls):
        net = SGDNetRegressor(
            (8,), learning_rate=1e-3, batch_size=20, shuffle=False, random_state=0
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error", DivergenceWarning)
            for X, y in chunks[:n_calls]:
                net.partial_fit(X, y)
        return net

    net, after_call_3 = stream(3), stream(3)
    X4, y4 = chunks[3][0].copy(), chunks[3][1]
    X4[row] *= 1e5
    with pytest.warns(DivergenceWarning, match="start of epoch 4") as record:
        net.partial_fit(X4, y4)
    assert "previous call" not in str(record[0].message)
    assert net.divergence_epoch_ == 4
    for got, want in zip(
        net.coefs_ + net.intercepts_,
        after_call_3.coefs_ + after_call_3.intercepts_,
        strict=True,
    ):
        assert_array_equal(got, want)


def test_after_early_stopping_a_diverging_call_keeps_the_weights_fit_returned():
    # fit returned the best epoch's weights; the restore point of its last
    # epoch's start was kept and "restored" weights the model never had
    X, y = make_regression(400, 5, noise=20, random_state=0)
    y = y / y.std()
    reg = SGDNetRegressor(
        (32,),
        learning_rate=0.05,
        max_iter=200,
        early_stopping=True,
        n_iter_no_change=5,
        batch_size=50,
        random_state=0,
    ).fit(X, y)
    assert reg.n_iter_ > int(np.argmax(reg.validation_scores_)) + 1
    best = [c.copy() for c in reg.coefs_]
    with pytest.warns(DivergenceWarning, match="no older state is known"):
        reg.partial_fit(1e4 * X, y)  # explodes at this call's first batch
    for got, want in zip(reg.coefs_, best, strict=True):
        assert_array_equal(got, want)


def test_a_loaded_model_says_when_the_state_it_restores_had_exploded():
    # the weights a call starts from pass that call's own end check but
    # explode on the next call's first batch; a model loaded in between has
    # no older state to go back to, and says so
    rng = np.random.RandomState(103)
    X, y = rng.randn(12, 2), rng.randn(12)
    est = SGDNetRegressor(
        (2,),
        learning_rate=4.5,
        momentum=0.0,
        batch_size=4,
        max_iter=1,
        shuffle=False,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        est.fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    # in memory, the previous call is undone too; the data may be to blame
    undone = "start of epoch 1 were restored, undoing the previous call's last epoch"
    with pytest.warns(DivergenceWarning, match=undone) as record:
        est.partial_fit(X, y)
    assert "this call's data is on the scale of the earlier calls'" in str(
        record[0].message
    )
    with pytest.warns(
        DivergenceWarning, match="start of epoch 2 were restored, but they had already"
    ):
        loaded.partial_fit(X, y)
    assert est.divergence_epoch_ == loaded.divergence_epoch_ == 2


def test_large_targets_are_no_divergence():
    # ordered data whose first batches have targets near 0: the run's first
    # batch loss is tiny, later ones are ~1e5 without anything exploding (the
    # reference was once that first loss alone, and the fit stopped at once)
    t = np.linspace(0.0, 1.0, 1000)[:, None]
    X, y = np.hstack([t, t**2]), 500.0 * t[:, 0] ** 2
    params = dict(hidden_layer_sizes=(16,), learning_rate=1e-4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = SGDNetRegressor(**params, shuffle=False, batch_size=20, max_iter=5)
        est.fit(X, y)
        # a stream whose first chunk has small targets
        stream = SGDNetRegressor(**params, batch_size=50)
        for rows in (slice(0, 50), slice(500, 1000), slice(800, 1000)):
            stream.partial_fit(X[rows], y[rows])
    assert est.divergence_epoch_ is None and est.n_iter_ == 5
    assert stream.divergence_epoch_ is None
    assert stream.loss_curve_[1] > EXPLOSION_FACTOR * stream.loss_curve_[0]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_training_warnings_point_at_the_callers_line(cls):
    # not at the training loop, nor at scikit-learn's wrapper around fit
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est, _ = _hand_set(cls, learning_rate=1e4, batch_size=10, max_iter=20)
    with pytest.warns(DivergenceWarning) as from_fit:
        est.fit(X, y)
    est, _ = _hand_set(cls, learning_rate=1e4, batch_size=10)
    with pytest.warns(DivergenceWarning) as from_partial_fit:
        est.partial_fit(X, y, **kwargs)
    with pytest.warns(ConvergenceWarning, match="maximum iterations") as from_max_iter:
        cls(**SMALL, max_iter=1).fit(X, y)
    for record in (from_fit, from_partial_fit, from_max_iter):
        assert [w.filename for w in record] == [__file__]


@pytest.mark.parametrize("search", ["grid", "cross_validate"])
def test_training_warnings_in_a_search_point_at_the_callers_line(search):
    # past scikit-learn's search and joblib's Parallel (n_jobs=1), which call
    # fit, to the line that started the search
    X, y = _data(SGDNetRegressor)
    est = SGDNetRegressor(**SMALL, max_iter=1)
    with pytest.warns(ConvergenceWarning, match="maximum iterations") as record:
        if search == "grid":
            GridSearchCV(est, {"l2": [0.1]}, cv=2).fit(X, y)
        else:
            cross_validate(est, X, y, cv=2)
    assert {w.filename for w in record} == {__file__}


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_training_warnings_in_a_search_worker_name_the_package_line(cls):
    # in joblib's worker threads no caller of fit is on the stack, only the
    # pool's own code (multiprocessing/pool.py), which the warning named; it
    # names the package's line that raised it, as scikit-learn's MLP names
    # its own source file
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=1)
    package = Path(sklearn_lr.__file__).parent
    with pytest.warns(ConvergenceWarning, match="maximum iterations") as record:
        with joblib.parallel_config(backend="threading"):
            cross_validate(est, X, y, cv=2, n_jobs=2)
    for warning in record:
        assert Path(warning.filename).parent == package, warning.filename


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_after_some_epochs_keeps_their_weights(cls):
    X, y = _data(cls)
    # α = 0.01 for three epochs, then 1e4: epoch 4 diverges
    policy = Sequential([Constant(alpha=0.01), Constant(alpha=1e4)], milestones=(3,))
    params = dict(**SMALL, batch_size=50, shuffle=False, max_iter=20)
    est = cls(**params, learning_rate=policy)
    with pytest.warns(DivergenceWarning, match=r"epoch 4\b") as record:
        est.fit(X, y)
    assert "1e+04" in str(record[0].message)
    assert not [w for w in record if w.category is not DivergenceWarning]
    assert est.divergence_epoch_ == 4
    # the diverged epoch is recorded (its steps were applied, then undone)
    assert est.n_iter_ == 4
    assert len(est.loss_curve_) == 4
    assert all(np.isfinite(est.loss_curve_[:3]))
    assert not np.isfinite(est.loss_curve_[3]) or est.loss_curve_[3] > 1e3
    assert len(est.lr_history_) == 4 * len(est.lr_history_) // est.n_iter_
    three = cls(**{**params, "max_iter": 3}, learning_rate=0.01).fit(X, y)
    _assert_same_weights(est, three)
    assert np.all(np.isfinite(_predictions(est, X)))
    assert np.isfinite(est.score(X, y))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_feedback_policy_observes_a_diverged_epoch(cls):
    X, y = _data(cls)
    # epoch 1 sets the reference loss, epoch 2 improves so alpha jumps to
    # 1e4, epoch 3 diverges: the driver must see it and cut alpha to 10
    policy = BoldDriver(
        alpha=0.01, increase=1e6, decrease=1e-3, min_alpha=1e-8, max_alpha=1e5
    )
    est = cls(**SMALL, learning_rate=policy, batch_size=50, shuffle=False)
    classes = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est.partial_fit(X, y, **classes)
    est.partial_fit(X, y, **classes)
    assert est.schedule_.rate(est.n_iter_) == pytest.approx(1e4)
    with pytest.warns(DivergenceWarning):
        est.partial_fit(X, y, **classes)
    assert est.divergence_epoch_ == 3
    assert est.schedule_.rate(est.n_iter_) == pytest.approx(10.0)
    assert np.all(np.isfinite(_predictions(est, X)))


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("batches", [1, 4])
def test_feedback_policies_observe_a_diverged_epoch_as_a_non_finite_loss(cls, batches):
    # each call diverges: at its last step (one batch: the loss measured
    # before the step looks fine), or on the way (four batches). Either way
    # the policy must back off: BoldDriver halves α at every call and
    # ReduceOnPlateau (patience 0) counts bad epochs, never a new best
    X, y = _data(cls)
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    for policy, rates in [
        (BoldDriver(alpha=1e4, decrease=0.5, max_alpha=1e5), [5e3, 2.5e3, 1.25e3]),
        (ReduceOnPlateau(alpha=1e4, factor=0.5, patience=0), [5e3, 2.5e3, 1.25e3]),
    ]:
        est, _ = _hand_set(
            cls, learning_rate=policy, batch_size=-(-X.shape[0] // batches)
        )
        got = []
        for _ in rates:
            with pytest.warns(DivergenceWarning):
                est.partial_fit(X, y, **kwargs)
            got.append(est.schedule_.rate(est.n_iter_))
        assert got == pytest.approx(rates)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_epoch_is_none_without_divergence(cls):
    X, y = _data(cls)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        est = cls(**SMALL, max_iter=5).fit(X, y)
    assert est.divergence_epoch_ is None


# --------------------------------------------------------------------------
# A failing call changes nothing


def _bad_calls(cls, X, y):
    """(description, setup, call) triples whose call must raise ValueError."""
    other_y = (
        np.where(y == 2, 7, y) if cls is SGDNetClassifier else np.c_[y, y]
    )  # an unseen label / a second output
    negative = np.ones(len(y))
    negative[0] = -1
    X_nan = X.copy()
    X_nan[5, 2] = np.nan

    def set_params(**params):
        return lambda est: est.set_params(**params)

    def nothing(est):
        return est

    return {
        "partial_fit_n_features": (nothing, lambda e: e.partial_fit(X[:, :3], y)),
        "partial_fit_nan": (nothing, lambda e: e.partial_fit(X_nan, y)),
        "partial_fit_bad_y": (nothing, lambda e: e.partial_fit(X, other_y)),
        "partial_fit_negative_weight": (
            nothing,
            lambda e: e.partial_fit(X, y, sample_weight=negative),
        ),
        "partial_fit_bad_policy": (
            set_params(learning_rate=StepDecay(drop=2)),
            lambda e: e.partial_fit(X, y),
        ),
        "fit_nan": (nothing, lambda e: e.fit(X_nan, y)),
        "fit_negative_weight": (
            nothing,
            lambda e: e.fit(X, y, sample_weight=negative),
        ),
        "fit_zero_weight": (
            nothing,
            lambda e: e.fit(X, y, sample_weight=np.zeros(len(y))),
        ),
        "fit_bad_policy": (
            set_params(learning_rate=StepDecay(drop=2)),
            lambda e: e.fit(X, y),
        ),
        "fit_bad_param": (set_params(momentum=1.0), lambda e: e.fit(X, y)),
        "warm_fit_bad_y": (
            set_params(warm_start=True),
            lambda e: e.fit(X, other_y),
        ),
        "warm_fit_n_features": (
            set_params(warm_start=True),
            lambda e: e.fit(X[:, :3], y),
        ),
        # the calls below fail after the data have been validated: nothing
        # learned from the new data (its number of features) may stick
        "fit_bad_hidden_layer_sizes": (
            set_params(hidden_layer_sizes=(0,)),
            lambda e: e.fit(X[:, :3], y),
        ),
        "fit_early_stopping_too_few_samples": (
            set_params(early_stopping=True, validation_fraction=0.9),
            lambda e: e.fit(X[[0, 60, 120], :3], y[[0, 60, 120]]),
        ),
    }


_BAD_CALL_NAMES = list(_bad_calls(SGDNetRegressor, *_regression()))


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("name", _BAD_CALL_NAMES)
@pytest.mark.parametrize("frame", [False, True], ids=["array", "frame"])
def test_failed_call_leaves_a_fitted_model_unchanged(cls, name, frame):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=3, batch_size=50)
    if frame:
        est.fit(pd.DataFrame(X, columns=list("abcd")), y)
    else:
        est.fit(X, y)
    before = _state(est, X if not frame else pd.DataFrame(X, columns=list("abcd")))
    setup, call = _bad_calls(cls, X, y)[name]
    setup(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # array after a frame
        with pytest.raises(ValueError):
            call(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # names lost by a bug
        after = _state(est, X if not frame else pd.DataFrame(X, columns=list("abcd")))
    _assert_same_state(before, after)


_ALLOCATIONS = {
    "init_params": (_network, "init_params"),
    "Workspace.allocate": (_network.Workspace, "allocate"),
    "batch_buffers": (base_module, "batch_buffers"),
    "RestorePoints": (base_module, "RestorePoints"),
    "make_optimizer": (base_module, "make_optimizer"),
}
# what each call allocates: fit new weights and state, a warm-started fit a
# new optimizer, partial_fit on a fitted model only its work buffers
_CALLS_ALLOCATING = [
    *[("fit", name) for name in _ALLOCATIONS],
    *[("warm_start", name) for name in _ALLOCATIONS if name != "init_params"],
    ("partial_fit", "Workspace.allocate"),
    ("partial_fit", "batch_buffers"),
    ("partial_fit", "RestorePoints"),
]


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("method, failing", _CALLS_ALLOCATING)
def test_a_call_that_fails_allocating_leaves_a_fitted_model_unchanged(
    cls, method, failing, monkeypatch
):
    # new classes and features passed every check, then memory ran out (say,
    # a typo in hidden_layer_sizes) before training: nothing may change
    X, y = _data(cls)
    est = cls(
        **{**SMALL, "random_state": np.random.RandomState(0)}, max_iter=3, batch_size=50
    ).fit(X, y)
    before = _state(est, X)
    kept = est.optimizer_, est.schedule_, est.random_state.get_state()[2]

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(*_ALLOCATIONS[failing], out_of_memory)
    with pytest.raises(MemoryError):
        if method == "fit":
            y_new = y if cls is SGDNetRegressor else y + 1
            est.fit(np.hstack([X, X]), y_new)
        elif method == "warm_start":
            est.set_params(warm_start=True).fit(X, y)
        else:
            est.partial_fit(X, y)
    monkeypatch.undo()
    _assert_same_state(before, _state(est, X))
    assert (est.optimizer_, est.schedule_, est.random_state.get_state()[2]) == kept


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_failed_call_leaves_even_the_pickle_unchanged(cls):
    # validation drops and re-adds the feature attributes; they go back in
    # their old place, so the model's pickle is the same bytes
    X, y = _data(cls)
    frame = pd.DataFrame(X, columns=list("abcd"))
    est = cls(**SMALL, max_iter=2).fit(frame, y)
    before = pickle.dumps(est)
    with pytest.raises(ValueError):
        est.fit(np.hstack([X, X]), np.full(len(y), np.nan))
    assert pickle.dumps(est) == before


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_failed_call_does_not_draw_from_a_random_state_instance(cls):
    # the validation split draws from the RandomState the model shuffles
    # with; a check failing after it must put the draws back
    X, y = _data(cls)
    est = cls(
        **{**SMALL, "random_state": np.random.RandomState(0)},
        max_iter=3,
        batch_size=8,
        early_stopping=True,
        warm_start=True,
    ).fit(X, y)
    for row in range(len(y)):  # a row whose weight the split holds out
        weights = np.zeros(len(y))
        weights[row] = 1.0
        trial = pickle.loads(pickle.dumps(est))  # with a copy of the generator
        try:
            trial.fit(X, y, sample_weight=weights)
        except ValueError:
            break
    state = est.random_state.get_state()
    with pytest.raises(ValueError, match="zero sample_weight"):
        est.fit(X, y, sample_weight=weights)
    assert est._random_state is est.random_state
    after = est.random_state.get_state()
    assert after[2] == state[2] and np.array_equal(after[1], state[1])


# --------------------------------------------------------------------------
# Invalid parameters

_INVALID = [
    ("momentum", 1.0),
    ("momentum", -0.1),
    ("beta_1", -0.1),
    ("beta_1", 1.0),
    ("beta_2", 1.5),
    ("epsilon", 0.0),
    ("l2", -1e-3),
    ("batch_size", 0),
    ("batch_size", "big"),
    ("max_iter", 0),
    ("tol", -1.0),
    ("n_iter_no_change", 0),
    ("validation_fraction", 1.0),
    ("validation_fraction", 0.0),
    ("activation", "swish"),
    ("optimizer", "lbfgs"),
    ("learning_rate", -0.1),
    ("learning_rate", 0.0),
    ("learning_rate", np.inf),
    pytest.param("learning_rate", 10**400, id="learning_rate-int-beyond-float"),
    pytest.param("l2", 10**400, id="l2-int-beyond-float"),
    pytest.param("tol", 10**400, id="tol-int-beyond-float"),
    pytest.param("epsilon", 10**400, id="epsilon-int-beyond-float"),
    ("learning_rate", "fast"),
    ("hidden_layer_sizes", 0),
    ("hidden_layer_sizes", (4, -1)),
    ("hidden_layer_sizes", (0,)),
    ("nesterov", "yes"),
    ("shuffle", "no"),
    ("early_stopping", 1.5),
    ("verbose", -1),
]


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(("param", "value"), _INVALID)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_invalid_parameter_raises_naming_it(cls, param, value, method):
    X, y = _data(cls)
    est = cls(**SMALL).set_params(**{param: value})
    extra = (
        {"classes": np.unique(y)}
        if cls is SGDNetClassifier and method == "partial_fit"
        else {}
    )
    with pytest.raises(ValueError, match=param):
        getattr(est, method)(X, y, **extra)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_checks_every_call_unless_validation_is_skipped(cls):
    # a fitted model's partial_fit checks parameters changed mid-stream
    # (scikit-learn's _fit_context would skip them); the global
    # skip_parameter_validation turns the check off, for fit and partial_fit
    X, y = _data(cls)
    extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    est = cls(**SMALL).partial_fit(X, y, **extra)
    est.set_params(tol=-1.0)
    with pytest.raises(ValueError, match="tol"):
        est.partial_fit(X, y)
    assert est.n_iter_ == 1
    with config_context(skip_parameter_validation=True):
        est.partial_fit(X, y)
        assert est.n_iter_ == 2
        cls(**SMALL, tol=-1.0).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("value", [True, "0.1", [0.1]], ids=["bool", "str", "list"])
def test_learning_rate_of_wrong_type_raises_type_error(cls, value):
    X, y = _data(cls)
    with pytest.raises(TypeError, match="learning_rate"):
        cls(**SMALL, learning_rate=value).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_policy_class_instead_of_instance_is_explained(cls):
    X, y = _data(cls)
    with pytest.raises(TypeError, match=r"learning_rate.*StepDecay\(\)"):
        cls(**SMALL, learning_rate=StepDecay).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    ("policy", "param"),
    [
        (StepDecay(drop=2), "drop"),
        (StepDecay(alpha=-1), "alpha"),
        (Constant(alpha=0), "alpha"),
        (BoldDriver(decrease=1.5), "decrease"),
    ],
)
def test_invalid_policy_hyperparameter_raises_at_fit(cls, policy, param):
    X, y = _data(cls)
    with pytest.raises(ValueError, match=param):
        cls(**SMALL, learning_rate=policy).fit(X, y)


# --------------------------------------------------------------------------
# Determinism, clone and pickle


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_same_random_state_gives_identical_weights(cls):
    X, y = _data(cls)
    est = cls(**SMALL, batch_size=32, max_iter=3)
    a = est.fit(X, y)
    first = [c.copy() for c in a.coefs_ + a.intercepts_]
    b = clone(est).fit(X, y)
    for x, z in zip(first, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(x, z)
    a.fit(X, y)  # refitting the same object
    for x, z in zip(first, a.coefs_ + a.intercepts_, strict=True):
        assert_array_equal(x, z)
    c = clone(est).set_params(random_state=1).fit(X, y)
    assert not np.allclose(c.coefs_[0], first[0])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_random_state_instance_is_not_reset(cls):
    X, y = _data(cls)
    est = cls(
        hidden_layer_sizes=(8,), max_iter=2, random_state=np.random.RandomState(0)
    )
    first = est.fit(X, y).coefs_[0].copy()
    second = est.fit(X, y).coefs_[0]
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_saved_model_records_its_version_and_warns_on_another(cls):
    # as scikit-learn records its own: the same version loads silently,
    # another warns with scikit-learn's InconsistentVersionWarning
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=2).fit(X, y)
    data = pickle.dumps(est)
    assert sklearn_lr.__version__.encode() in data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = pickle.loads(data)
    assert "_sklearn_lr_version" not in loaded.__dict__
    state = est.__getstate__()
    assert state["_sklearn_lr_version"] == sklearn_lr.__version__
    state["_sklearn_lr_version"] = "0.0.1"
    other = cls.__new__(cls)
    with pytest.warns(InconsistentVersionWarning, match="from version 0.0.1"):
        other.__setstate__(state)
    assert_array_equal(other.predict(X), est.predict(X))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickle_and_clone_of_fitted_model_predict_identically(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=5).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(_predictions(restored, X), _predictions(est, X))
    assert_array_equal(restored.predict(X), est.predict(X))
    assert restored.score(X, y) == est.score(X, y)
    cloned = clone(est)
    assert not hasattr(cloned, "coefs_")
    assert cloned.get_params() == est.get_params()
    cloned.fit(X, y)
    assert_array_equal(_predictions(cloned, X), _predictions(est, X))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_before_fit_raises_not_fitted(cls):
    from sklearn.exceptions import NotFittedError

    X, _ = _data(cls)
    with pytest.raises(NotFittedError):
        cls().predict(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_checks_n_features(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_fit_returns_self(cls):
    X, y = _data(cls)
    est = cls(**SMALL, max_iter=1)
    assert est.fit(X, y) is est
    assert est.partial_fit(X, y) is est


@pytest.mark.parametrize(
    "layout",
    ["fortran", "dataframe", "column slice", "scaler output"],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_batches_are_gathered_from_rows_in_contiguous_memory(
    monkeypatch, layout, method
):
    # NumPy gathers rows from any other layout through a copy of the whole
    # array, at every batch: an epoch quadratic in the rows. The data is made
    # row-contiguous once, and trains as the C-ordered array does
    X, y = load_iris(return_X_y=True)
    wide = np.hstack([np.zeros((len(X), 1)), X])
    data = {
        "fortran": np.asfortranarray(X),
        "dataframe": pd.DataFrame(X, columns=list("abcd")),
        "column slice": wide[:, 1:],
        "scaler output": StandardScaler().fit(X).transform(np.asfortranarray(X)),
    }[layout]
    sources = []
    real = base_module.epoch_batches

    def watched(X, *args, **kwargs):
        sources.append(X.flags.c_contiguous)
        return real(X, *args, **kwargs)

    monkeypatch.setattr(base_module, "epoch_batches", watched)
    params = dict(hidden_layer_sizes=(4,), batch_size=16, max_iter=2, random_state=0)
    ours, reference = SGDNetClassifier(**params), SGDNetClassifier(**params)
    C = np.ascontiguousarray(np.asarray(data, dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "fit":
            ours.fit(data, y)
            reference.fit(C, y)
        else:
            ours.partial_fit(data, y, classes=np.unique(y))
            reference.partial_fit(C, y, classes=np.unique(y))
    assert sources and all(sources)
    for got, want in zip(ours.coefs_, reference.coefs_, strict=True):
        assert_array_equal(got, want)


# weights that never move: every update is 1e-300 times a gradient of order
# one, lost to rounding, so every epoch sees the same network and the same
# loss, bit for bit
FROZEN = dict(learning_rate=1e-300, l2=0.0, shuffle=False, random_state=0)


# --------------------------------------------------------------------------
# shuffle=True draws a new order of the samples before every epoch


def test_shuffle_visits_every_sample_once_per_epoch_in_a_new_order():
    """Mutant: ``shuffle`` ignored (samples always taken in their order).

    A linear model (no hidden layer) trained by plain SGD on one sample per
    step, squared error: each step is w -= α r x, b -= α r with r = x·w + b - y,
    so an epoch's end weights tell the order its samples were visited in.
    Every epoch must be some permutation of the 5 samples, and with
    shuffle=True the orders must differ from the data's own order and from
    one epoch to the next.
    """
    rng = np.random.RandomState(0)
    X = rng.standard_normal((5, 2))
    y = X @ np.array([1.0, -2.0]) + 0.5
    alpha = 0.1
    est = SGDNetRegressor(
        (),
        learning_rate=alpha,
        momentum=0.0,
        l2=0.0,
        batch_size=1,
        shuffle=True,
        random_state=0,
    )
    est.partial_fit(X, y)  # initial weights drawn, first epoch run
    orders = []
    for _ in range(4):
        w, b = est.coefs_[0][:, 0].copy(), float(est.intercepts_[0][0])
        est.partial_fit(X, y)  # one epoch
        got = np.append(est.coefs_[0][:, 0], est.intercepts_[0][0])
        matches = []
        for order in itertools.permutations(range(len(X))):
            ww, bb = w.copy(), b
            for i in order:
                r = X[i] @ ww + bb - y[i]
                ww = ww - alpha * r * X[i]
                bb = bb - alpha * r
            if np.allclose(np.append(ww, bb), got, rtol=1e-12, atol=1e-14):
                matches.append(order)
        assert len(matches) == 1, "an epoch is one pass over the samples"
        orders.append(matches[0])
    identity = tuple(range(len(X)))
    assert any(order != identity for order in orders)
    assert len(set(orders)) > 1, "a new order before every epoch"

    # without shuffling, every epoch visits the samples in their order
    est.set_params(shuffle=False)
    w, b = est.coefs_[0][:, 0].copy(), float(est.intercepts_[0][0])
    est.partial_fit(X, y)
    for i in identity:
        r = X[i] @ w + b - y[i]
        w, b = w - alpha * r * X[i], b - alpha * r
    assert_allclose(np.append(w, b), np.append(est.coefs_[0], est.intercepts_[0]))


# --------------------------------------------------------------------------
# tol: an epoch no better than the best by *less than* tol is no improvement


def _fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_with_tol_zero_an_epoch_equal_to_the_best_counts_as_improvement(
    early_stopping,
):
    """Mutants: ``loss > best - tol`` written ``>=``; ``score < best + tol``
    written ``<=``.

    scikit-learn's MLP counts an epoch as no improvement when its loss is
    above ``best_loss_ - tol`` (its score below ``best + tol``): with
    ``tol=0`` an epoch that merely equals the best is not counted. With
    weights that never move, every epoch's loss and validation score are the
    same, so neither library stops before ``max_iter``.
    """
    X = np.random.RandomState(1).standard_normal((60, 3))
    y = np.arange(60) % 3
    stopping = dict(
        tol=0.0, n_iter_no_change=2, max_iter=8, early_stopping=early_stopping
    )
    ours = _fit_quietly(SGDNetClassifier((4,), **FROZEN, **stopping), X, y)
    # the premise: every epoch the same
    assert len(set(ours.loss_curve_)) == 1
    if early_stopping:
        assert len(set(ours.validation_scores_)) == 1
    theirs = _fit_quietly(
        MLPClassifier(
            (4,),
            solver="sgd",
            learning_rate_init=1e-300,
            alpha=0.0,
            shuffle=False,
            random_state=0,
            **stopping,
        ),
        X,
        y,
    )
    assert theirs.n_iter_ == 8
    assert ours.n_iter_ == 8
    # and it warns that max_iter ended it, as for any run that did not stop
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        SGDNetClassifier((4,), **FROZEN, **stopping).fit(X, y)


# --------------------------------------------------------------------------
# loss_curve_ is the sample-weighted mean loss of the epoch


@pytest.mark.parametrize("cls", [SGDNetClassifier, SGDNetRegressor])
def test_epoch_loss_is_the_sample_weighted_mean_over_all_batches(cls):
    """Mutant: the epoch's loss averages its batch losses by their number of
    rows instead of by their total sample weight.

    With weights that never move, the epoch's loss is the loss of the fitted
    model on the training data, weighted by ``sample_weight``: scikit-learn's
    ``log_loss(y, predict_proba(X), sample_weight=w)`` for a classifier, half
    the weighted mean squared error for a regressor (l2 = 0). The four
    batches weigh very differently, so averaging them by row count differs.
    """
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    w = np.repeat([1.0, 4.0, 0.25, 2.0], 10) * rng.uniform(0.5, 1.5, 40)
    if cls is SGDNetClassifier:
        y = np.arange(40) % 3
    else:
        y = X @ np.array([1.0, 2.0, -1.0])
    est = cls((5,), **FROZEN, batch_size=10, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, sample_weight=w)
    if cls is SGDNetClassifier:
        expected = log_loss(y, est.predict_proba(X), sample_weight=w)
    else:
        expected = 0.5 * np.average((y - est.predict(X)) ** 2, weights=w)
    assert est.loss_curve_[0] == pytest.approx(expected, rel=1e-10)

"""Reliability: divergence is survived, training resumes exactly, nothing leaks.

Divergence, determinism and pickling are also touched by ``test_base.py``
(for `fit` with the default optimizer); here they run for every optimizer,
through ``partial_fit`` and inside a grid search. Then: exact resume for
every policy x every optimizer, float32 round trips, memory on a long
stream, numerical robustness at extreme scales, Hypothesis fuzzing of data
and parameters, and predictions from several threads.

Bad input (errors and the state they must leave untouched) is the subject of
``test_bad_input.py``.
"""

import copy
import gc
import pickle
import re
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_lr import DivergenceWarning, SGDNetClassifier, SGDNetRegressor, schedules
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
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [SGDNetClassifier, SGDNetRegressor]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam"]
SMALL = dict(hidden_layer_sizes=(8,), random_state=0)
BLOW_UP = Sequential([Constant(alpha=0.01), Constant(alpha=1e4)], milestones=[3])


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _regression(n_samples=150):
    X, y = make_regression(
        n_samples=n_samples, n_features=4, n_informative=3, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _data(cls):
    return _iris() if cls is SGDNetClassifier else _regression()


def _fit_kwargs(est, y):
    return {"classes": np.unique(y)} if is_classifier(est) else {}


def _predictions(est, X):
    out = {"predict": est.predict(X)}
    if is_classifier(est):
        out["predict_proba"] = est.predict_proba(X)
        out["predict_log_proba"] = est.predict_log_proba(X)
    return out


def _canonical(value):
    """A schedule's state as nested plain values, comparable with ``==``.

    ``pickle.dumps`` of two equal schedules can differ after a pickle round
    trip (the pickler memoizes shared string objects, and unpickling does
    not restore which strings were shared), so resumed schedules are compared
    field by field.
    """
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_canonical(v) for v in value)
    if hasattr(value, "__dict__"):
        return (type(value).__name__, _canonical(vars(value)))
    return value


def _state(est, X):
    """The complete training state, comparable bit for bit."""
    state = {
        "coefs_": [c.copy() for c in est.coefs_],
        "intercepts_": [b.copy() for b in est.intercepts_],
        "schedule_": _canonical(est.schedule_),
        "optimizer_": est.optimizer_.snapshot(),
        "lr_history_": est.lr_history_.copy(),
        "loss_curve_": np.array(est.loss_curve_),
        "n_iter_": est.n_iter_,
        "t_": est.t_,
    }
    state.update(_predictions(est, X))
    return state


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for name, value in a.items():
        if name == "optimizer_":
            assert value.keys() == b[name].keys()
            for key in value:
                assert_array_equal(value[key], b[name][key], err_msg=key)
        elif name in ("coefs_", "intercepts_"):
            for x, z in zip(value, b[name], strict=True):
                assert_array_equal(x, z, err_msg=name)
                assert x.dtype == z.dtype
        elif name == "schedule_":
            assert value == b[name], name
        else:
            assert_array_equal(value, b[name], err_msg=name)


def _assert_finite_model(est, X):
    for array in est.coefs_ + est.intercepts_:
        assert np.isfinite(array).all()
    out = _predictions(est, X)
    if is_classifier(est):
        assert np.isin(out["predict"], est.classes_).all()
        assert np.isfinite(out["predict_proba"]).all()
        assert np.isfinite(out["predict_log_proba"]).all()
    else:
        assert np.isfinite(out["predict"]).all()


# --------------------------------------------------------------------------
# Divergence


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_far_too_large_alpha_warns_and_stays_finite(cls, optimizer):
    X, y = _data(cls)
    est = cls(**SMALL, optimizer=optimizer, learning_rate=1e4, batch_size=32)
    with pytest.warns(DivergenceWarning, match=r"epoch 1\b.*learning rate 1e\+04"):
        est.fit(X, y)
    assert est.divergence_epoch_ == 1
    assert est.n_iter_ == 1
    _assert_finite_model(est, X)
    assert np.isfinite(est.score(X, y))

    # partial_fit: every call diverges, is undone and recorded
    est = cls(**SMALL, optimizer=optimizer, learning_rate=1e4, batch_size=32)
    for call in (1, 2):
        with pytest.warns(DivergenceWarning, match=rf"epoch {call}\b"):
            est.partial_fit(X, y, **_fit_kwargs(est, y))
        assert est.divergence_epoch_ == call
        _assert_finite_model(est, X)


def test_the_warning_quoted_in_the_divergence_guide_is_the_one_given():
    # docs/user_guide/divergence.rst quotes the warning of this run
    guide = Path(__file__).resolve().parents[1] / "docs" / "user_guide"
    text = " ".join((guide / "divergence.rst").read_text(encoding="utf-8").split())
    quoted = re.search(r"``(Training diverged in epoch .+?)``", text).group(1)
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    net = SGDNetClassifier((32,), learning_rate=5.0, max_iter=10, random_state=0)
    with pytest.warns(DivergenceWarning) as record:
        net.fit(X, y)
    assert [str(w.message) for w in record if w.category is DivergenceWarning] == [
        quoted
    ]


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_policy_that_blows_up_mid_stream_keeps_the_last_good_epoch(cls, optimizer):
    X, y = _data(cls)
    est = cls(**SMALL, optimizer=optimizer, learning_rate=BLOW_UP, batch_size=32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        for _ in range(3):
            est.partial_fit(X, y, **_fit_kwargs(est, y))
    assert est.divergence_epoch_ is None
    good = _state(est, X)

    with pytest.warns(DivergenceWarning, match=r"epoch 4\b") as record:
        est.partial_fit(X, y, **_fit_kwargs(est, y))
    assert [w.category for w in record] == [DivergenceWarning]
    assert est.divergence_epoch_ == 4
    assert est.n_iter_ == 4
    assert len(est.loss_curve_) == 4
    _assert_finite_model(est, X)
    # weights, optimizer moments and predictions are those of epoch 3
    after = _state(est, X)
    for name in ("coefs_", "intercepts_", "optimizer_", "predict"):
        _assert_same_state({name: good[name]}, {name: after[name]})


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_grid_search_survives_a_diverging_candidate(cls):
    X, y = _data(cls)
    sane = CosineAnnealing(alpha=0.05)
    search = GridSearchCV(
        cls(**SMALL, batch_size=32, max_iter=15),
        {"learning_rate": [1e4, BLOW_UP, sane]},
        cv=3,
        error_score="raise",
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert any(w.category is DivergenceWarning for w in record)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert scores[0] < scores[2] and scores[1] < scores[2]
    assert search.best_params_["learning_rate"] is sane
    assert search.best_estimator_.divergence_epoch_ is None
    _assert_finite_model(search.best_estimator_, X)


# --------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_same_random_state_gives_bit_identical_models(cls, optimizer, early_stopping):
    X, y = _data(cls)
    params = dict(
        SMALL,
        optimizer=optimizer,
        batch_size=32,
        max_iter=4,
        early_stopping=early_stopping,
        n_iter_no_change=100,
    )
    first = cls(**params).fit(X, y)
    expected = _state(first, X)
    _assert_same_state(expected, _state(cls(**params).fit(X, y), X))
    _assert_same_state(expected, _state(clone(first).fit(X, y), X))

    other = cls(**{**params, "random_state": 1}).fit(X, y)
    assert not np.array_equal(other.coefs_[0], first.coefs_[0])

    # fit -> pickle -> unpickle -> continue equals continuing the original
    restored = pickle.loads(pickle.dumps(first))
    for _ in range(2):
        first.partial_fit(X, y)
        restored.partial_fit(X, y)
    _assert_same_state(_state(first, X), _state(restored, X))


# --------------------------------------------------------------------------
# Exact resume: every policy x every optimizer

RESUME_POLICIES = [
    Constant(alpha=0.05),
    InverseTimeDecay(alpha=0.05, decay=0.5),
    ExponentialDecay(alpha=0.05, gamma=0.7, staircase=True),
    StepDecay(alpha=0.05, drop=0.5, every=1.5),
    MultiStepDecay(alpha=0.05, milestones=(1.5, 3.5), drop=0.3),
    PolynomialDecay(alpha=0.05, end_alpha=0.001, power=2.0),
    CosineAnnealing(alpha=0.05, min_alpha=0.001),
    CosineWarmRestarts(alpha=0.05, period=1.5, mult=2),
    Cyclic(min_alpha=0.005, max_alpha=0.05, step_size=1.0, mode="triangular2"),
    OneCycle(max_alpha=0.05, pct_start=0.25),
    ReduceOnPlateau(alpha=0.05, patience=0, threshold=0.5),
    BoldDriver(alpha=0.03, increase=1.2, decrease=0.5),
    Warmup(StepDecay(alpha=0.05, every=1), epochs=1.5, start_factor=0.1),
    Sequential(
        [
            Warmup(Constant(alpha=0.05), epochs=1),
            ReduceOnPlateau(alpha=0.05, patience=0),
        ],
        milestones=[2.5],
    ),
]
N_CALLS = 6


def _tiny(cls, dtype=np.float64):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3)).astype(dtype)
    if cls is SGDNetClassifier:
        return X, np.arange(20) % 3
    return X, X @ np.array([1.0, -1.0, 0.5], dtype=dtype)


def test_resume_covers_every_policy():
    policies = {getattr(schedules, name) for name in schedules.__all__}
    policies = {p for p in policies if isinstance(p, type)}
    assert {type(p) for p in RESUME_POLICIES} == policies


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("policy", RESUME_POLICIES, ids=lambda p: type(p).__name__)
def test_pickling_between_partial_fit_calls_resumes_exactly(cls, optimizer, policy):
    X, y = _tiny(cls)
    params = dict(
        hidden_layer_sizes=(4,),
        optimizer=optimizer,
        learning_rate=policy,
        batch_size=8,  # 20 samples: 3 steps per epoch, the last one short
        max_iter=N_CALLS,
        random_state=0,
    )
    kwargs = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
    uninterrupted = cls(**params)
    for _ in range(N_CALLS):
        uninterrupted.partial_fit(X, y, **kwargs)

    resumed = cls(**params)
    for call in range(N_CALLS):
        if call in (2, 4):
            resumed = pickle.loads(pickle.dumps(resumed))
        resumed.partial_fit(X, y, **kwargs)
    _assert_same_state(_state(uninterrupted, X), _state(resumed, X))
    assert resumed.divergence_epoch_ is None


@pytest.mark.parametrize("policy", [RESUME_POLICIES[10], RESUME_POLICIES[11]])
def test_feedback_state_really_is_carried_across_the_pickle(policy):
    # guards the test above: the feedback policies' state is not the initial one
    X, y = _tiny(SGDNetRegressor)
    est = SGDNetRegressor((4,), learning_rate=policy, batch_size=8, random_state=0)
    for _ in range(N_CALLS):
        est.partial_fit(X, y)
    assert len(set(est.lr_history_)) > 1
    fresh = pickle.dumps(policy.start(max_epochs=est.max_iter))
    assert pickle.dumps(est.schedule_) != fresh


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_float32_model_stays_float32_through_pickling(cls, optimizer):
    X, y = _tiny(cls, np.float32)
    est = cls((4,), optimizer=optimizer, batch_size=8, max_iter=3, random_state=0)
    est.fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    for array in restored.coefs_ + restored.intercepts_:
        assert array.dtype == np.float32
    assert restored.optimizer_.dtype == np.float32
    for key, value in restored.optimizer_.snapshot().items():
        if key != "n_steps":
            assert value.dtype == np.float32, key
    # continued training stays float32, with float32 or float64 batches
    for batch in (X, X.astype(np.float64)):
        est.partial_fit(batch, y)
        restored.partial_fit(batch, y)
        _assert_same_state(_state(est, X), _state(restored, X))
        for array in restored.coefs_ + restored.intercepts_:
            assert array.dtype == np.float32
        for key, value in restored.optimizer_.snapshot().items():
            if key != "n_steps":
                assert value.dtype == np.float32, key
    output = restored.predict_proba(X) if is_classifier(est) else restored.predict(X)
    assert output.dtype == np.float32


# --------------------------------------------------------------------------
# Long streams

# Long streams: 5,000 partial_fit calls on 8 samples each. tracemalloc makes
# every call several times slower (about 50 s for the classifier, 20 s for
# the regressor on a 2-core machine), the price of measuring the real
# thing. Memory other than lr_history_ and loss_curve_ stays at 20-30 KB;
# 64 KiB over 4,800 calls catches a leak of 14 bytes per call.
N_STREAM = 5_000
N_WARM_UP = 200
MEMORY_BOUND = 64 * 1024


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_long_stream_of_partial_fit_keeps_memory_flat(cls):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(8, 3))
    y = np.arange(8) % 2 if cls is SGDNetClassifier else X @ np.array([1.0, -1, 0.5])
    kwargs = {"classes": [0, 1]} if cls is SGDNetClassifier else {}
    est = cls((4,), batch_size=8, random_state=0)
    # traced from the first call: caches that fill during the warm-up (numpy's
    # small-block cache, threadpoolctl's symbols) are then part of the start
    tracemalloc.start()
    try:
        for _ in range(N_WARM_UP):
            est.partial_fit(X, y, **kwargs)
        gc.collect()
        n_rates, n_losses = len(est.lr_history_), len(est.loss_curve_)
        n_epochs = len(est._epoch_steps)
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(N_STREAM - N_WARM_UP):
            est.partial_fit(X, y, **kwargs)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
        # lr_history_, loss_curve_ and the steps of every epoch (for plots)
        # grow by design: dropping what they gained during the stream gives
        # back exactly the bytes of that growth (the history lives in a
        # buffer with spare room, which goes with it)
        est.lr_history_ = est.lr_history_[:n_rates].copy()
        vars(est).pop("_lr_buffer", None)
        est.loss_curve_ = est.loss_curve_[:n_losses]
        est._epoch_steps = est._epoch_steps[:n_epochs]
        gc.collect()
        rest = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    histories = grown - rest
    n_new = N_STREAM - N_WARM_UP
    # the measurement does see the histories: 8 bytes per rate, and a list
    # slot plus a float object per loss
    assert histories >= n_new * (8 + 8 + 16)
    assert rest < MEMORY_BOUND, (
        f"{rest} bytes of other memory after {n_new} partial_fit calls"
    )


# --------------------------------------------------------------------------
# Numerical robustness

TARGETS = ["binary", "multiclass", "regression"]


def _robust_problem(target, dtype):
    X, y = _iris()
    X = X.astype(dtype)
    if target == "binary":
        return SGDNetClassifier, X, (y == 2).astype(int)
    if target == "multiclass":
        return SGDNetClassifier, X, y
    return SGDNetRegressor, X, X @ np.array([1.0, -0.5, 0.25, 2.0], dtype=dtype)


def _assert_probabilities(est, X):
    proba = est.predict_proba(X)
    assert proba.dtype == est.coefs_[0].dtype
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-6)
    log_proba = est.predict_log_proba(X)
    assert np.isfinite(log_proba).all() and (log_proba <= 0).all()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [1e6, 1e-6, "constant columns"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_extreme_feature_scales_give_finite_predictions(
    target, dtype, scale, optimizer
):
    cls, X, y = _robust_problem(target, dtype)
    if scale == "constant columns":
        X = X.copy()
        X[:, 1] = 3.0
        X[:, 3] = 0.0
    else:
        X = X * dtype(scale)
    est = cls(**SMALL, optimizer=optimizer, batch_size=32, max_iter=10)
    with warnings.catch_warnings():
        if scale != 1e6:  # small or constant features must not blow up
            warnings.simplefilter("error", DivergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        est.fit(X, y)
    assert est.coefs_[0].dtype == dtype
    _assert_finite_model(est, X)
    assert np.isfinite(est.loss_curve_[: est.n_iter_ - 1]).all()
    if cls is SGDNetClassifier:
        _assert_probabilities(est, X)


@pytest.mark.parametrize("target", TARGETS[:2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_probabilities_of_far_out_inputs_sum_to_one(target, dtype):
    cls, X, y = _robust_problem(target, dtype)
    est = cls(**SMALL, batch_size=32, max_iter=10).fit(X, y)
    for scale in (1.0, 1e3, 1e6, 1e15):
        X_far = X * dtype(scale)
        _assert_probabilities(est, X_far)
        assert np.isin(est.predict(X_far), est.classes_).all()


# --------------------------------------------------------------------------
# Fuzzing


def _documented_patterns():
    """Regexes of the message excerpts in the table of docs/bad_input.rst."""
    path = Path(__file__).resolve().parents[1] / "docs" / "bad_input.rst"
    excerpts = re.findall(r"^     - ``(.+)``$", path.read_text(encoding="utf-8"), re.M)
    patterns = []
    for excerpt in excerpts:
        parts = re.split(r"<[A-Za-z]+>", excerpt)
        patterns.append(".+?".join(re.escape(part) for part in parts))
    return patterns


DOCUMENTED = _documented_patterns()

FUZZ_POLICIES = [
    0.01,
    Constant(alpha=0.1),
    StepDecay(alpha=0.05, every=1),
    ReduceOnPlateau(alpha=0.05, patience=0),
    OneCycle(max_alpha=0.1),
    Warmup(CosineAnnealing(alpha=0.05), epochs=1),
]


@st.composite
def _features(draw, n_samples):
    n_features = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["float32", "float64", "int64"]))
    shape = (n_samples, n_features)
    if kind == "int64":
        X = draw(arrays(np.int64, shape, elements=st.integers(-1000, 1000)))
    else:
        width = 32 if kind == "float32" else 64
        finite = st.floats(-1e6, 1e6, allow_nan=False, width=width)
        special = st.sampled_from([np.nan, np.inf, -np.inf])
        elements = finite if draw(st.integers(0, 9)) else finite | special
        X = draw(arrays(np.dtype(kind), shape, elements=elements))
    if draw(st.booleans()):
        X = sp.csr_matrix(X)
    return X


@st.composite
def _parameters(draw):
    return dict(
        learning_rate=copy.deepcopy(draw(st.sampled_from(FUZZ_POLICIES))),
        optimizer=draw(st.sampled_from(OPTIMIZERS)),
        batch_size=draw(st.sampled_from([1, 4, "auto"])),
        hidden_layer_sizes=draw(st.sampled_from([(), (3,), (4, 2)])),
        activation=draw(
            st.sampled_from(["identity", "logistic", "tanh", "relu", "leaky_relu"])
        ),
        max_iter=draw(st.integers(2, 3)),
        early_stopping=draw(st.booleans()),
        random_state=draw(st.integers(0, 3)),
    )


@st.composite
def _problems(draw, cls):
    n_samples = draw(st.integers(1, 24))
    X = draw(_features(n_samples))
    if cls is SGDNetClassifier:
        # mostly every class present; now and then a single one
        n_classes = draw(st.sampled_from([2, 2, 3, 3, 3, 1]))
        codes = draw(st.permutations(list(np.arange(n_samples) % n_classes)))
        labels = draw(st.sampled_from([np.array([3, 5, 9]), np.array(["a", "b", "c"])]))
        y = labels[np.asarray(codes, dtype=int)]
    else:
        y = draw(arrays(np.float64, n_samples, elements=st.floats(-1e3, 1e3)))
    sample_weight = None
    if draw(st.booleans()):
        weights = st.sampled_from([0.0, 1.0]) | st.floats(0, 10, width=32)
        sample_weight = draw(arrays(np.float64, n_samples, elements=weights))
    method = draw(st.sampled_from(["fit", "partial_fit"]))
    return X, y, sample_weight, draw(_parameters()), method


FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _fuzz(cls, problem):
    X, y, sample_weight, params, method = problem
    est = cls(**params)
    dense = X.toarray() if sp.issparse(X) else X
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # and divergence
            # R^2 of a one-sample validation set (early stopping) is undefined
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            if method == "fit":
                est.fit(X, y, sample_weight=sample_weight)
            else:
                extra = {"classes": np.unique(y)} if cls is SGDNetClassifier else {}
                est.partial_fit(X, y, sample_weight=sample_weight, **extra)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert any(re.search(p, message) for p in DOCUMENTED), message
        event(f"{type(exc).__name__}: {message[:40]}")
        return
    event("fitted")
    assert np.isfinite(dense).all(), "non-finite X was accepted"
    _assert_finite_model(est, X)
    if cls is SGDNetClassifier:
        _assert_probabilities(est, X)
        assert 0 <= est.score(X, y) <= 1


@FUZZ_SETTINGS
@given(problem=_problems(SGDNetClassifier))
def test_fuzzed_classifier_fits_or_raises_a_documented_error(problem):
    _fuzz(SGDNetClassifier, problem)


@FUZZ_SETTINGS
@given(problem=_problems(SGDNetRegressor))
def test_fuzzed_regressor_fits_or_raises_a_documented_error(problem):
    _fuzz(SGDNetRegressor, problem)


# --------------------------------------------------------------------------
# Concurrency


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predictions_from_four_threads_equal_sequential_ones(cls):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 10))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    if cls is SGDNetRegressor:
        y = X @ rng.normal(size=10)
    est = cls((32, 16), batch_size=32, max_iter=5, random_state=0).fit(X, y)
    chunks = [X[i::5] for i in range(5)]
    methods = ["predict", "predict_proba"] if cls is SGDNetClassifier else ["predict"]
    expected = {
        (i, m): getattr(est, m)(chunk)
        for i, chunk in enumerate(chunks)
        for m in methods
    }

    def work(worker):
        out = []
        for call in range(40):
            i = (worker + call) % len(chunks)
            for m in methods:
                out.append(((i, m), getattr(est, m)(chunks[i])))
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [
            r for f in [pool.submit(work, w) for w in range(4)] for r in f.result()
        ]
    assert len(results) == 4 * 40 * len(methods)
    for key, value in results:
        assert_array_equal(value, expected[key], err_msg=str(key))

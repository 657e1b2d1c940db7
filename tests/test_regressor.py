"""Behaviour of SGDNetRegressor: outputs, the squared-error and Huber losses.

The training loop shared with the classifier is tested in ``test_base.py``.
"""

import doctest
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_lr._regressor
from sklearn_lr import DivergenceWarning, SGDNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(8,), random_state=0)


def _regression(n_targets=1):
    X, y = make_regression(
        n_samples=200,
        n_features=5,
        n_informative=4,
        n_targets=n_targets,
        noise=5.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), (y - y.mean(axis=0)) / y.std(axis=0)


def _linear_with_outliers(seed=0):
    """y = X w + small noise; 5% of the training targets shifted by +100."""
    rng = np.random.RandomState(seed)
    w = np.array([1.0, -2.0, 0.5])
    X = rng.normal(size=(200, 3))
    y = X @ w + 0.1 * rng.normal(size=200)
    y_outliers = y.copy()
    y_outliers[rng.choice(200, size=10, replace=False)] += 100.0
    X_test = rng.normal(size=(200, 3))
    return X, y, y_outliers, X_test, X_test @ w


# --------------------------------------------------------------------------
# Single and multiple outputs


def test_single_output():
    X, y = _regression()
    reg = SGDNetRegressor(**SMALL, learning_rate=0.01, batch_size=20, max_iter=30)
    reg.fit(X, y)
    assert reg.out_activation_ == "identity"
    assert reg.n_outputs_ == 1
    assert reg.coefs_[-1].shape == (8, 1)
    pred = reg.predict(X)
    assert pred.shape == (200,)
    assert pred.dtype == np.float64
    assert reg.score(X, y) == pytest.approx(r2_score(y, pred), rel=1e-12)
    assert reg.score(X, y) > 0.9
    assert not hasattr(reg, "classes_")
    assert not hasattr(reg, "predict_proba")


def test_column_vector_y_gives_one_output():
    X, y = _regression()
    flat = SGDNetRegressor(**SMALL, max_iter=3).fit(X, y)
    column = SGDNetRegressor(**SMALL, max_iter=3).fit(X, y.reshape(-1, 1))
    assert column.n_outputs_ == 1
    assert_array_equal(column.coefs_[-1], flat.coefs_[-1])
    assert column.predict(X).shape == (200,)


def test_multi_output():
    X, Y = _regression(n_targets=2)
    reg = SGDNetRegressor(
        hidden_layer_sizes=(16,),
        learning_rate=0.01,
        batch_size=20,
        max_iter=40,
        random_state=0,
    ).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.out_activation_ == "identity"
    assert reg.coefs_[-1].shape == (16, 2)
    assert reg.intercepts_[-1].shape == (2,)
    pred = reg.predict(X)
    assert pred.shape == (200, 2)
    assert reg.score(X, Y) == pytest.approx(r2_score(Y, pred), rel=1e-12)
    # both outputs are learned, not just their average
    per_output = r2_score(Y, pred, multioutput="raw_values")
    assert per_output.min() > 0.8
    # partial_fit checks the number of outputs
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, np.c_[Y, Y])


def test_multi_output_loss_is_the_mean_over_outputs():
    # with a linear network each output has its own weights: training two
    # outputs together is training each alone with the loss averaged over
    # outputs, i.e. at half the step size (full batch, plain gradient descent)
    X, Y = _regression(n_targets=2)
    params = dict(
        hidden_layer_sizes=(),
        momentum=0.0,
        l2=0.0,
        batch_size=10_000,
        shuffle=False,
        max_iter=5,
        random_state=0,
    )
    for k in range(2):
        alone = SGDNetRegressor(**params, learning_rate=0.1, warm_start=True)
        alone.coefs_ = [np.zeros((5, 1))]
        alone.intercepts_ = [np.zeros(1)]
        together = SGDNetRegressor(**params, learning_rate=0.2, warm_start=True)
        together.coefs_ = [np.zeros((5, 2))]
        together.intercepts_ = [np.zeros(2)]
        alone.fit(X, Y[:, k])
        together.fit(X, Y)
        assert_allclose(together.coefs_[0][:, k], alone.coefs_[0][:, 0], rtol=1e-10)
        assert_allclose(together.intercepts_[0][k], alone.intercepts_[0][0], atol=1e-12)


def test_nan_target_raises():
    X, y = _regression()
    y = y.copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match="NaN|y"):
        SGDNetRegressor(**SMALL).fit(X, y)


@pytest.mark.parametrize(
    "dtype", [np.int64, np.int8, np.uint32, np.bool_, np.float16, np.float32]
)
@pytest.mark.parametrize("n_targets", [1, 2])
def test_numeric_targets_of_any_dtype_train_as_their_float64_values(dtype, n_targets):
    X, y = _regression(n_targets)
    y = np.round(3 * y) if dtype != np.bool_ else y > 0
    y = np.abs(y) if np.dtype(dtype).kind == "u" else y
    typed = y.astype(dtype)
    assert_array_equal(typed.astype(np.float64), y)  # the values survive the cast
    Y, _ = SGDNetRegressor()._encode_targets(typed, reset=True)
    assert Y.dtype == np.float64
    assert_array_equal(Y, y.reshape(len(y), -1))
    mine = SGDNetRegressor(**SMALL, max_iter=3).fit(X, typed)
    reference = SGDNetRegressor(**SMALL, max_iter=3).fit(X, y.astype(np.float64))
    assert mine.coefs_[0].dtype == np.float64  # X's dtype, not y's
    for a, b in zip(mine.coefs_, reference.coefs_, strict=True):
        assert_array_equal(a, b)
    assert mine.loss_curve_ == reference.loss_curve_


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
def test_targets_that_are_not_finite_numbers_in_float64_are_refused():
    X, y = _regression()
    huge = y.astype(np.longdouble)
    huge[5] = np.finfo(np.longdouble).max
    if np.isfinite(np.float64(huge[5])):  # longdouble is float64 on this platform
        pytest.skip("longdouble holds no value beyond the float64 range here")
    with pytest.raises(ValueError, match="infinity|too large"):
        SGDNetRegressor(**SMALL).fit(X, huge)
    with pytest.raises(ValueError, match="could not convert|numeric|string"):
        SGDNetRegressor(**SMALL).fit(X, np.array(["1.5", "x"] * 100, dtype=object))
    inf = y.astype(np.float32)
    inf[3] = np.inf
    with pytest.raises(ValueError, match="infinity|inf"):
        SGDNetRegressor(**SMALL).partial_fit(X, inf)


# --------------------------------------------------------------------------
# Learning quality


def test_diabetes_r2_above_0_4_under_cross_validation():
    X, y = load_diabetes(return_X_y=True)
    model = TransformedTargetRegressor(
        make_pipeline(
            StandardScaler(),
            SGDNetRegressor(
                hidden_layer_sizes=(16,),
                learning_rate=0.003,
                batch_size=32,
                max_iter=30,
                l2=1e-3,
                random_state=0,
            ),
        ),
        transformer=StandardScaler(),
    )
    scores = cross_val_score(model, X, y, cv=KFold(5, shuffle=True, random_state=0))
    assert scores.mean() > 0.4


# --------------------------------------------------------------------------
# Losses


def test_huber_is_less_affected_by_outliers_than_squared_error():
    X, y, y_outliers, X_test, y_test = _linear_with_outliers()
    params = dict(
        hidden_layer_sizes=(),
        learning_rate=0.01,
        batch_size=20,
        max_iter=50,
        random_state=0,
    )
    squared = SGDNetRegressor(**params, loss="squared_error").fit(X, y_outliers)
    huber = SGDNetRegressor(**params, loss="huber").fit(X, y_outliers)
    assert huber.score(X_test, y_test) > 0.98
    assert squared.score(X_test, y_test) < huber.score(X_test, y_test) - 0.5
    assert_allclose(huber.coefs_[0][:, 0], [1.0, -2.0, 0.5], atol=0.1)
    # without the outliers both losses learn the line
    clean = SGDNetRegressor(**params, loss="squared_error").fit(X, y)
    assert clean.score(X_test, y_test) > 0.98


def test_huber_with_a_huge_delta_is_squared_error():
    X, y = _regression()
    params = dict(**SMALL, batch_size=20, shuffle=True, max_iter=5)
    squared = SGDNetRegressor(**params, loss="squared_error").fit(X, y)
    huber = SGDNetRegressor(**params, loss="huber", huber_delta=1e6).fit(X, y)
    for a, b in zip(
        squared.coefs_ + squared.intercepts_,
        huber.coefs_ + huber.intercepts_,
        strict=True,
    ):
        assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert_allclose(squared.loss_curve_, huber.loss_curve_, rtol=1e-12)


def test_huber_delta_matters():
    X, y, y_outliers, _, _ = _linear_with_outliers()
    params = dict(hidden_layer_sizes=(), max_iter=5, random_state=0, loss="huber")
    small = SGDNetRegressor(**params, huber_delta=0.5).fit(X, y_outliers)
    large = SGDNetRegressor(**params, huber_delta=5.0).fit(X, y_outliers)
    assert not np.allclose(small.coefs_[0], large.coefs_[0])


def _forward(coefs, intercepts, X):
    a = X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        a = a @ W + b
        if i < len(coefs) - 1:
            a = np.maximum(a, 0)
    return a


def _reference_loss(loss, delta, Y, pred, weight):
    """Weighted mean over samples of the per-sample loss (mean over outputs)."""
    r = Y.reshape(pred.shape) - pred
    if loss == "squared_error":
        per_element = 0.5 * r**2
    else:
        per_element = np.where(
            np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)
        )
    return np.average(per_element.mean(axis=1), weights=weight)


@pytest.mark.parametrize("loss", ["squared_error", "huber"])
@pytest.mark.parametrize("n_targets", [1, 2])
def test_loss_curve_is_the_weighted_loss_before_each_step(loss, n_targets):
    # one full batch per epoch, no shuffling: epoch e takes exactly one step,
    # and loss_curve_[e] is the loss of the weights before that step plus
    # the l2 term of the weights at the end of the epoch
    X, Y = _regression(n_targets)
    Y = 3 * Y  # residuals on both sides of the Huber threshold
    rng = np.random.RandomState(0)
    weight = rng.uniform(0.2, 2.0, size=len(Y))
    coefs0 = [rng.normal(size=(5, 6)), rng.normal(size=(6, n_targets))]
    intercepts0 = [rng.normal(size=6), rng.normal(size=n_targets)]
    l2, delta = 0.01, 1.5

    def run(max_iter):
        reg = SGDNetRegressor(
            hidden_layer_sizes=(6,),
            loss=loss,
            huber_delta=delta,
            learning_rate=0.01,
            l2=l2,
            batch_size=10_000,
            shuffle=False,
            max_iter=max_iter,
            warm_start=True,
            random_state=0,
        )
        reg.coefs_ = [c.copy() for c in coefs0]
        reg.intercepts_ = [b.copy() for b in intercepts0]
        return reg.fit(X, Y, sample_weight=weight)

    def penalty(coefs):
        return 0.5 * l2 * sum(float((W**2).sum()) for W in coefs)

    one, two = run(1), run(2)
    pred0 = _forward(coefs0, intercepts0, X)
    if loss == "huber":
        r = np.abs(Y.reshape(pred0.shape) - pred0)
        assert (r < delta).any() and (r > delta).any()
    expected0 = _reference_loss(loss, delta, Y, pred0, weight)
    assert one.loss_curve_[0] == pytest.approx(
        expected0 + penalty(one.coefs_), rel=1e-10
    )
    pred1 = _forward(one.coefs_, one.intercepts_, X)
    expected1 = _reference_loss(loss, delta, Y, pred1, weight)
    assert two.loss_curve_[1] == pytest.approx(
        expected1 + penalty(two.coefs_), rel=1e-10
    )
    assert two.loss_curve_[1] < two.loss_curve_[0]


# --------------------------------------------------------------------------
# Parameters of the regressor only


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("loss", "absolute_error"),
        ("loss", "huber_loss"),
        ("huber_delta", 0.0),
        ("huber_delta", -1.0),
    ],
)
def test_invalid_regressor_parameter_raises_naming_it(param, value):
    X, y = _regression()
    with pytest.raises(ValueError, match=param):
        SGDNetRegressor(**SMALL, **{param: value}).fit(X, y)
    with pytest.raises(ValueError, match=param):
        SGDNetRegressor(**SMALL, **{param: value}).partial_fit(X, y)


def test_partial_fit_needs_no_classes():
    X, y = _regression()
    reg = SGDNetRegressor(**SMALL, learning_rate=0.01, batch_size=20)
    for _ in range(10):
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 10
    assert reg.score(X, y) > 0.8


def test_an_int_hidden_layer_sizes_is_one_hidden_layer():
    # as documented (and as in scikit-learn's MLP): 5 is (5,)
    X, Y = _regression(n_targets=2)
    reg = SGDNetRegressor(5, max_iter=2, random_state=0).fit(X, Y)
    as_tuple = SGDNetRegressor((5,), max_iter=2, random_state=0).fit(X, Y)
    assert [c.shape for c in reg.coefs_] == [(X.shape[1], 5), (5, 2)]
    assert reg.n_layers_ == 3
    assert_allclose(reg.predict(X), as_tuple.predict(X))


def test_float32_predictions():
    X, Y = _regression(n_targets=2)
    reg = SGDNetRegressor(**SMALL, max_iter=3).fit(X.astype(np.float32), Y)
    assert reg.coefs_[0].dtype == np.float32
    assert reg.predict(X).dtype == np.float32
    assert reg.predict(X).shape == (200, 2)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_docstring_examples_run():
    result = doctest.testmod(sklearn_lr._regressor)
    assert result.failed == 0
    assert result.attempted >= 7


def _standardised_regression(n=100):
    X, y = make_regression(n, 4, noise=0.1, random_state=0)
    return StandardScaler().fit_transform(X), y / np.std(y)


@pytest.mark.parametrize("offset", [1e9, 0.0])
def test_divergence_on_targets_far_off_unit_scale_says_to_scale_them(offset):
    # y = 1e9 + noise diverges at any usable α, and lowering α alone does not
    # help: the warning names the targets' scale and the way to scale them;
    # targets of unit scale that diverge (a huge α) are not blamed
    X, y = _standardised_regression()
    learning_rate = 0.01 if offset else 50.0
    reg = SGDNetRegressor(
        (5,), learning_rate=learning_rate, max_iter=20, random_state=0
    )
    with pytest.warns(DivergenceWarning) as record:
        reg.fit(X, offset + y)
    messages = [str(w.message) for w in record if w.category is DivergenceWarning]
    blamed = ["far off unit scale" in m for m in messages]
    assert blamed == [bool(offset)] * len(messages)
    if offset:
        assert "TransformedTargetRegressor" in messages[0]
        assert "predicting 0 costs a loss of 5e+17" in messages[0]


@pytest.mark.parametrize("huber_delta", [1e-50, 1e-40])
def test_a_huber_delta_below_the_datas_precision_is_refused(huber_delta):
    # in float32 a huber_delta of 1e-50 is 0 (and 1e-40 subnormal, flushed):
    # the gradient would be 0 and nothing learned, silently; float64 trains
    X, y = _standardised_regression(40)
    reg = SGDNetRegressor((4,), loss="huber", huber_delta=huber_delta, max_iter=1)
    with pytest.raises(ValueError, match=r"huber_delta=1e-\d+ is below .* float32"):
        reg.fit(X.astype(np.float32), y)
    assert not hasattr(reg, "coefs_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.loss_curve_[0] > 0


def test_huber_delta_is_not_held_to_the_datas_precision_for_squared_error():
    # squared error has no threshold: the huber_delta it ignores is not checked
    X, y = _standardised_regression(40)
    reg = SGDNetRegressor((3,), loss="squared_error", huber_delta=1e-40, max_iter=1)
    reg.fit(X.astype(np.float32), y)
    assert reg.n_iter_ == 1

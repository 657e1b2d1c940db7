"""Tests of ``sklearn_lr.range_test``.

The reference problem is least squares on standardized features: a linear
network (``hidden_layer_sizes=()``) trained by plain SGD (no momentum) on the
half mean squared error converges for α below 2 / λ_max, λ_max the largest
eigenvalue of XᵀX / n (about 1.2 here), fastest around α ≈ 1 / λ_max, and
diverges above 2 / λ_max. So the loss must fall steeply between about 1e-2
and 1 and explode soon after 2 / λ_max.
"""

import doctest
import math
import pickle
import signal
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_lr.range_test as range_test_module
from sklearn_lr import DivergenceWarning, SGDNetClassifier, SGDNetRegressor
from sklearn_lr.range_test import (
    RangeTestResult,
    _ExponentialRamp,
    _learned,
    _steepest_lr,
    _valley_lr,
    lr_range_test,
)
from sklearn_lr.schedules import CosineAnnealing


@pytest.fixture(scope="module")
def linear():
    rng = np.random.default_rng(0)
    X = StandardScaler().fit_transform(rng.standard_normal((1000, 10)))
    y = X @ rng.standard_normal(10) + 0.3 * rng.standard_normal(1000)
    return X, y


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def _linear_net(**params):
    defaults = {"momentum": 0.0, "batch_size": 32, "random_state": 0}
    return SGDNetRegressor((), **(defaults | params))


def test_suggestions_on_least_squares_lie_below_the_divergence_bound(linear):
    X, y = linear
    lam_max = np.linalg.eigvalsh(X.T @ X / len(X)).max()
    bound = 2 / lam_max  # plain SGD on the quadratic diverges above it
    for seed in range(3):
        result = lr_range_test(
            _linear_net().set_params(random_state=seed),
            X,
            y,
            max_lr=100.0,
            random_state=seed,
        )
        assert result.stopped_early
        # the explosion is caught soon after the bound, long before max_lr
        assert 0.5 * bound < result.lrs[-1] < 10 * bound
        assert len(result.lrs) < 100
        # the loss falls steepest (and is 2/3 down) well inside (1e-2, bound)
        assert 1e-2 < result.suggested_lr < bound
        assert 1e-2 < result.valley_lr < bound
        # the smoothed minimum sits near divergence; both suggestions below it
        lowest = result.lrs[np.argmin(result.losses)]
        assert result.suggested_lr < lowest and result.valley_lr < lowest


def test_rates_are_geometric_and_every_step_runs_without_divergence(linear):
    X, y = linear
    result = lr_range_test(
        _linear_net(), X, y, min_lr=1e-5, max_lr=0.1, n_steps=40, random_state=0
    )
    assert not result.stopped_early
    assert len(result.lrs) == len(result.losses) == len(result.raw_losses) == 40
    assert result.lrs[0] == pytest.approx(1e-5)
    assert result.lrs[-1] == pytest.approx(0.1)
    assert_allclose(result.lrs[1:] / result.lrs[:-1], (1e4) ** (1 / 39))
    assert np.isfinite(result.losses).all()


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_raw_losses_are_each_batch_loss_before_its_step(linear, l2):
    # the same SGD written out in NumPy from the network's initial weights;
    # the l2 term is that of the weights after the step, as in loss_curve_
    X, y = linear[0][:100], linear[1][:100]
    net = _linear_net(l2=l2, shuffle=False, batch_size=16)
    # one step at a rate too small to move a float64 weight: the initial weights
    start = clone(net).set_params(learning_rate=1e-300).partial_fit(X[:16], y[:16])
    w, b = start.coefs_[0][:, 0].copy(), start.intercepts_[0][0]
    result = lr_range_test(net, X, y, min_lr=1e-3, max_lr=1.0, n_steps=20)
    expected = []
    for k, rate in enumerate(result.lrs):
        rows = slice(16 * (k % 7), 16 * (k % 7) + 16)  # 7 batches, the last of 4
        residual = X[rows] @ w + b - y[rows]
        w = w - rate * (X[rows].T @ residual / len(residual) + l2 * w)
        b = b - rate * residual.mean()
        expected.append(0.5 * np.mean(residual**2) + 0.5 * l2 * (w @ w))
    assert_allclose(result.lrs, np.geomspace(1e-3, 1.0, 20), rtol=1e-12)
    assert_allclose(result.raw_losses, expected, rtol=1e-9)


def test_smoothed_loss_is_the_bias_corrected_average(linear):
    X, y = linear
    for smoothing in [0.05, 0.3]:
        result = lr_range_test(
            _linear_net(), X, y, smoothing=smoothing, n_steps=30, random_state=0
        )
        beta, average, expected = 1 - smoothing, 0.0, []
        for k, loss in enumerate(result.raw_losses):
            average = beta * average + (1 - beta) * loss
            expected.append(average / (1 - beta ** (k + 1)))
        assert_allclose(result.losses, expected, rtol=1e-12)
    result = lr_range_test(_linear_net(), X, y, smoothing=1.0, n_steps=30)
    assert_allclose(result.losses, result.raw_losses)


def test_stop_rule_compares_with_the_lowest_smoothed_loss(linear):
    X, y = linear
    result = lr_range_test(_linear_net(), X, y, max_lr=100.0, random_state=0)
    losses = result.losses
    # the lowest value from step 10 on (the first tenth of the 100 steps is
    # noise): only the last step crossed 4x the lowest value before it
    best_before = np.minimum.accumulate(losses[10:])
    assert losses[-1] > 4 * best_before[-2]
    assert (losses[10:-1] <= 4 * best_before[:-1]).all()
    # a looser factor runs further
    looser = lr_range_test(
        _linear_net(), X, y, max_lr=100.0, diverge_factor=50.0, random_state=0
    )
    assert len(looser.lrs) > len(result.lrs)


class _FiltersWatchingRegressor(SGDNetRegressor):
    """Records, at every step, whether the process-wide filters ignore
    DivergenceWarning (as a fit in another thread would find them)."""

    seen: list = []

    def partial_fit(self, X, y, sample_weight=None):
        type(self).seen.append(
            any(
                action == "ignore" and category is DivergenceWarning
                for action, _, category, *_ in warnings.filters
            )
        )
        return super().partial_fit(X, y, sample_weight=sample_weight)


def test_divergence_is_silenced_without_touching_the_warning_filters(linear):
    # the filters are process-wide: changing them while the test runs would
    # silence the divergence of fits in other threads, and two tests run in
    # threads restore them out of order, leaving DivergenceWarning ignored
    X, y = linear
    _FiltersWatchingRegressor.seen = []
    filters = list(warnings.filters)
    net = _FiltersWatchingRegressor((), momentum=0.0, batch_size=16, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = lr_range_test(net, X, y, max_lr=1e6, random_state=0)
    assert result.stopped_early
    assert _FiltersWatchingRegressor.seen and not any(_FiltersWatchingRegressor.seen)
    assert not [w for w in caught if issubclass(w.category, DivergenceWarning)]
    assert warnings.filters == filters
    # the estimator given still warns: only the test's own copy is quiet
    with pytest.warns(DivergenceWarning):
        net.set_params(learning_rate=1e6, max_iter=5).fit(X, y)


def test_divergence_is_silenced_and_no_warning_escapes(linear):
    X, y = linear
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lr_range_test(
            _linear_net(), X, y, max_lr=1e6, diverge_factor=np.inf, random_state=0
        )
    # with the ratio rule off, the estimator's own divergence check stops it
    assert result.stopped_early
    assert len(result.lrs) < 100


class _LossTurnsNaNRegressor(SGDNetRegressor):
    """Reports a NaN loss from its sixth epoch on, without flagging a
    divergence itself (``divergence_epoch_`` stays None)."""

    def partial_fit(self, X, y, sample_weight=None):
        super().partial_fit(X, y, sample_weight=sample_weight)
        if len(self.loss_curve_) >= 6:
            self.loss_curve_[-1] = math.nan
        return self


def test_a_non_finite_smoothed_loss_stops_the_test(linear):
    # with the ratio rule off, a NaN loss the estimator does not report as
    # a divergence still ends the test at the step that made it
    X, y = linear
    net = _LossTurnsNaNRegressor((), momentum=0.0, batch_size=32, random_state=0)
    result = lr_range_test(
        net, X, y, max_lr=1e-2, diverge_factor=np.inf, random_state=0
    )
    assert result.stopped_early
    assert len(result.lrs) == len(result.losses) == 6
    assert np.isnan(result.losses[-1]) and np.isfinite(result.losses[:-1]).all()


def test_users_estimator_is_unchanged(linear):
    X, y = linear
    policy = CosineAnnealing(alpha=0.05)
    net = _linear_net(learning_rate=policy)
    before = net.get_params(deep=True)
    lr_range_test(net, X, y, n_steps=20)
    assert net.get_params(deep=True) == before
    assert net.learning_rate is policy and policy.get_params()["alpha"] == 0.05
    assert not hasattr(net, "coefs_")
    fitted = _linear_net(max_iter=3, tol=1e9, n_iter_no_change=1).fit(X, y)
    coefs = [c.copy() for c in fitted.coefs_]
    history = (fitted.n_iter_, list(fitted.loss_curve_), fitted.lr_history_.copy())
    lr_range_test(fitted, X, y, n_steps=20)
    assert fitted.n_iter_ == history[0] and fitted.loss_curve_ == history[1]
    assert_array_equal(fitted.lr_history_, history[2])
    for before_fit, after in zip(coefs, fitted.coefs_, strict=True):
        assert_array_equal(before_fit, after)


def test_same_seeds_give_the_same_result_and_data_is_cycled(iris):
    X, y = iris
    net = SGDNetClassifier((8,), batch_size=50, random_state=0)
    # 150 samples are 3 batches: 12 steps are 4 passes
    a = lr_range_test(net, X, y, n_steps=12, max_lr=1e-2, random_state=3)
    b = lr_range_test(net, X, y, n_steps=12, max_lr=1e-2, random_state=3)
    c = lr_range_test(net, X, y, n_steps=12, max_lr=1e-2, random_state=4)
    assert len(a.lrs) == 12
    assert_array_equal(a.raw_losses, b.raw_losses)
    assert not np.array_equal(a.raw_losses, c.raw_losses)
    # every pass covers the samples once, in a new order
    stream = range_test_module._batches(150, 50, True, np.random.RandomState(3), None)
    passes = [np.concatenate([next(stream) for _ in range(3)]) for _ in range(3)]
    for order in passes:
        assert_array_equal(np.sort(order), np.arange(150))
    assert not np.array_equal(passes[0], passes[1])
    assert not np.array_equal(passes[1], passes[2])


def test_all_classes_are_declared_though_the_first_batch_holds_one(iris):
    # iris is sorted by class: unshuffled, the first batches are all setosa
    X, y = iris
    X = StandardScaler().fit_transform(X)
    net = SGDNetClassifier((8,), shuffle=False, batch_size=16, random_state=0)
    result = lr_range_test(net, X, y, n_steps=30, max_lr=0.1)
    assert len(result.lrs) == 30 and np.isfinite(result.raw_losses).all()
    assert_allclose(result.constant_loss, math.log(3), rtol=1e-12)


def test_auto_batch_size_is_200_samples_at_most(linear):
    X, y = linear
    kwargs = dict(n_steps=12, max_lr=1.0, random_state=0)
    auto = lr_range_test(_linear_net(batch_size="auto"), X, y, **kwargs)
    explicit = lr_range_test(_linear_net(batch_size=200), X, y, **kwargs)
    assert_array_equal(auto.raw_losses, explicit.raw_losses)


def test_classifier_on_iris_with_string_labels(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    net = SGDNetClassifier((16,), batch_size=16, random_state=0)
    result = lr_range_test(net, X, labels, random_state=0)
    assert result.stopped_early
    # the loss starts near log(3) (three balanced classes) and then falls
    assert result.raw_losses[0] == pytest.approx(math.log(3), rel=0.5)
    assert result.losses.min() < 0.5 * result.losses[0]
    for suggestion in [result.suggested_lr, result.valley_lr]:
        assert 1e-3 < suggestion < result.lrs[-1]


def test_multilabel_classifier_runs():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0]).astype(int)
    net = SGDNetClassifier((8,), batch_size=20, random_state=0)
    result = lr_range_test(net, X, Y, n_steps=30, max_lr=1.0, random_state=0)
    assert len(result.lrs) == 30
    assert np.isfinite(result.losses).all()
    # a sparse indicator matrix, which fit takes too, gives the same test
    sparse = lr_range_test(
        net, X, sp.csr_matrix(Y), n_steps=30, max_lr=1.0, random_state=0
    )
    assert_array_equal(sparse.raw_losses, result.raw_losses)


def test_nan_labels_are_reported_as_a_problem_of_y(iris):
    X, y = iris
    y = y.astype(float)
    y[3] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        lr_range_test(SGDNetClassifier((4,)), X, y)


def test_sparse_input_gives_the_dense_result(linear):
    X, y = linear
    dense = lr_range_test(_linear_net(), X, y, max_lr=100.0, random_state=0)
    sparse = lr_range_test(
        _linear_net(), sp.csr_matrix(X), y, max_lr=100.0, random_state=0
    )
    assert_array_equal(sparse.lrs, dense.lrs)
    assert_allclose(sparse.raw_losses, dense.raw_losses, rtol=1e-8)
    assert sparse.suggested_lr == dense.suggested_lr
    # CSC input is converted, not rejected
    csc = lr_range_test(_linear_net(), sp.csc_matrix(X), y, n_steps=10)
    assert len(csc.lrs) == 10


def test_pipeline_runs_on_the_transformed_data_of_its_final_step(iris):
    X, y = iris
    net = SGDNetClassifier((16,), batch_size=16, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    from_pipe = lr_range_test(pipe, X, y, random_state=0)
    bare = lr_range_test(net, StandardScaler().fit_transform(X), y, random_state=0)
    assert_array_equal(from_pipe.lrs, bare.lrs)
    assert_array_equal(from_pipe.raw_losses, bare.raw_losses)
    assert from_pipe.suggested_lr == bare.suggested_lr
    assert from_pipe.valley_lr == bare.valley_lr
    # the user's pipeline and its steps were not fitted
    assert not hasattr(pipe.named_steps["scale"], "mean_")
    assert not hasattr(net, "coefs_")
    # a nested pipeline ending with a pipeline works the same
    nested = make_pipeline(StandardScaler(), make_pipeline(clone(net)))
    assert_array_equal(
        lr_range_test(nested, X, y, random_state=0).raw_losses, bare.raw_losses
    )


def test_target_transformer_runs_on_the_transformed_targets(linear):
    X, y = linear
    y = 150 + 80 * y  # targets on a scale a network should not see
    net = _linear_net()
    scaled_y = StandardScaler().fit_transform(y[:, None])[:, 0]
    bare = lr_range_test(net, X, scaled_y, random_state=0)
    model = TransformedTargetRegressor(net, transformer=StandardScaler())
    wrapped = lr_range_test(model, X, y, random_state=0)
    assert_array_equal(wrapped.lrs, bare.lrs)
    assert_allclose(wrapped.raw_losses, bare.raw_losses, rtol=1e-12)
    assert wrapped.suggested_lr == bare.suggested_lr
    # the raw targets tell another story
    raw = lr_range_test(net, X, y, random_state=0).raw_losses
    assert raw[0] > 100 * bare.raw_losses[0]
    # without a transform, the targets pass through unchanged
    identity = lr_range_test(TransformedTargetRegressor(net), X, y, random_state=0)
    assert_allclose(identity.raw_losses, raw, rtol=1e-12)
    # not fitted: neither the model nor its transformer
    assert not hasattr(model, "regressor_") and model.transformer is not None
    assert not hasattr(model.transformer, "mean_")
    # func / inverse_func, a Pipeline inside, and a Pipeline around
    squashed = TransformedTargetRegressor(net, func=np.arcsinh, inverse_func=np.sinh)
    assert_allclose(
        lr_range_test(squashed, X, y, random_state=0).raw_losses,
        lr_range_test(net, X, np.arcsinh(y), random_state=0).raw_losses,
        rtol=1e-12,
    )
    inside = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), net), transformer=StandardScaler()
    )
    around = make_pipeline(StandardScaler(), model)
    for nested in (inside, around):
        assert_allclose(
            lr_range_test(nested, X, y, random_state=0).raw_losses,
            bare.raw_losses,
            rtol=1e-12,
        )


def test_target_transformer_around_another_regressor_is_refused(linear):
    X, y = linear
    for model in (
        TransformedTargetRegressor(),  # its default: a LinearRegression
        TransformedTargetRegressor(LinearRegression()),
    ):
        with pytest.raises(TypeError, match="got LinearRegression"):
            lr_range_test(model, X, y)
    both = TransformedTargetRegressor(
        _linear_net(), transformer=StandardScaler(), func=np.log
    )
    with pytest.raises(ValueError, match="cannot both be set"):
        lr_range_test(both, X, y)
    # one of func / inverse_func without the other is refused (as the
    # model's own fit does in recent scikit-learn)
    for half in (
        TransformedTargetRegressor(_linear_net(), func=np.log1p),
        TransformedTargetRegressor(_linear_net(), inverse_func=np.expm1),
    ):
        with pytest.raises(ValueError, match="must also be provided"):
            lr_range_test(half, X, y)


def test_target_transformer_under_pandas_output(linear):
    # set_config(transform_output="pandas") makes the target transformer
    # return a DataFrame, as in the model's own fit
    X, y = linear
    model = TransformedTargetRegressor(_linear_net(), transformer=StandardScaler())
    expected = lr_range_test(model, X, y, random_state=0).raw_losses
    with sklearn.config_context(transform_output="pandas"):
        result = lr_range_test(model, X, y, random_state=0)
        squashed = TransformedTargetRegressor(
            _linear_net(), func=np.arcsinh, inverse_func=np.sinh
        )
        squashed_losses = lr_range_test(squashed, X, y, random_state=0).raw_losses
    assert_allclose(result.raw_losses, expected, rtol=1e-12)
    assert_allclose(
        squashed_losses,
        lr_range_test(_linear_net(), X, np.arcsinh(y), random_state=0).raw_losses,
        rtol=1e-12,
    )


def test_sample_weight_skips_zero_weight_batches_and_is_scale_free(linear):
    X, y = linear[0][:200], linear[1][:200]
    net = _linear_net(shuffle=False, batch_size=20)
    weights = np.ones(200)
    weights[:20] = 0.0  # the whole first batch
    weighted = lr_range_test(net, X, y, sample_weight=weights, n_steps=18)
    dropped = lr_range_test(net, X[20:], y[20:], n_steps=18)
    assert_allclose(weighted.raw_losses, dropped.raw_losses, rtol=1e-12)
    # a batch only partly of zero weight is trained on, not skipped
    weights = np.ones(200)
    weights[:10] = 0.0
    partly = lr_range_test(net, X, y, sample_weight=weights, n_steps=18)
    replay = clone(net).set_params(learning_rate=_ExponentialRamp(n_steps=18))
    for k in range(18):
        rows = slice(20 * (k % 10), 20 * (k % 10) + 20)
        replay.partial_fit(X[rows], y[rows], sample_weight=weights[rows])
    assert_array_equal(partly.raw_losses, replay.loss_curve_)
    doubled = lr_range_test(net, X, y, sample_weight=np.full(200, 2.0), n_steps=18)
    plain = lr_range_test(net, X, y, n_steps=18)
    assert_allclose(doubled.raw_losses, plain.raw_losses, rtol=1e-12)


def test_uneven_sample_weight_weighs_each_batch_loss(linear):
    # each step is the estimator's partial_fit on the batch with its weights
    X, y = linear[0][:200], linear[1][:200]
    net = _linear_net(shuffle=False, batch_size=20)
    weights = np.random.default_rng(0).uniform(0.1, 3.0, 200)
    weighted = lr_range_test(net, X, y, sample_weight=weights, n_steps=18)
    replay = clone(net).set_params(learning_rate=_ExponentialRamp(n_steps=18))
    for k in range(len(weighted.lrs)):
        rows = slice(20 * (k % 10), 20 * (k % 10) + 20)
        replay.partial_fit(X[rows], y[rows], sample_weight=weights[rows])
    assert_array_equal(weighted.raw_losses, replay.loss_curve_)
    plain = lr_range_test(net, X, y, n_steps=18)
    assert not np.allclose(weighted.raw_losses, plain.raw_losses[: len(weighted.lrs)])


def test_a_column_vector_y_warns_once_and_verbose_is_off(iris, capsys):
    # each step is a partial_fit call: without care, every step would warn
    # about the column and print an "Epoch" line
    X, y = iris
    net = SGDNetClassifier((4,), verbose=1, random_state=0)
    kwargs = dict(n_steps=20, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = lr_range_test(net, X, y[:, None], **kwargs)
    # (twenty steps on unscaled iris also learn too little to trust)
    learned_nothing = [w for w in record if "best constant" in str(w.message)]
    assert len(learned_nothing) == 1
    others = [w for w in record if w not in learned_nothing]
    assert [type(w.message) for w in others] == [DataConversionWarning]
    assert capsys.readouterr().out == ""
    assert_array_equal(result.raw_losses, lr_range_test(net, X, y, **kwargs).raw_losses)


@pytest.mark.usefixtures("lenient_sample_weight_check")
def test_all_zero_sample_weight_is_refused_before_training(iris):
    X, y = iris
    net = SGDNetClassifier((4,))
    with pytest.raises(ValueError, match="at least one non-zero"):
        lr_range_test(net, X, y, sample_weight=np.zeros(len(y)))


@contextmanager
def _interrupted_after(seconds):
    """Turn a hang of the block into a failure (POSIX: a real-time timer)."""
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs signal.setitimer to bound a possible endless loop")

    def interrupt(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_tiny_positive_weight_keeps_the_batch_stream_going(iris, dtype):
    # the stream is endless and skips batches of zero weight: it relies on
    # the weights, as training_weights checks and scales them, keeping one
    # positive (all zero is refused before training, see above), also when
    # the only positive weight would round to 0 in float32
    X, y = iris
    weights = np.zeros(len(y))
    weights[[0, 60, 120]] = 1e-300  # one row of each class
    net = SGDNetClassifier((4,), batch_size=50, random_state=0)
    with _interrupted_after(30.0), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lr_range_test(
            net,
            X.astype(dtype),
            y,
            n_steps=4,
            diverge_factor=np.inf,
            sample_weight=weights,
            random_state=0,
        )
    assert len(result.lrs) == 4
    weights = np.zeros(7)
    weights[6] = 1.0  # only the last, short batch of an ordered pass
    stream = range_test_module._batches(7, 3, False, np.random.default_rng(0), weights)
    assert [next(stream).tolist() for _ in range(2)] == [[6], [6]]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"min_lr": 0.0}, "'min_lr' parameter of lr_range_test"),
        ({"min_lr": -1e-3}, "'min_lr' parameter of lr_range_test"),
        ({"max_lr": 1e-7}, "max_lr"),
        ({"max_lr": 1e-6}, "max_lr"),
        ({"max_lr": np.inf}, "max_lr"),
        ({"n_steps": 1}, "'n_steps' parameter of lr_range_test"),
        ({"n_steps": 10.5}, "n_steps"),
        ({"smoothing": 0.0}, "smoothing"),
        ({"smoothing": 1.5}, "smoothing"),
        ({"diverge_factor": 1.0}, "diverge_factor"),
        ({"random_state": "seed"}, "random_state"),
        ({"sample_weight": -np.ones(150)}, "[Nn]egative"),
    ],
)
def test_invalid_arguments_name_the_parameter(iris, kwargs, name):
    X, y = iris
    net = SGDNetClassifier((4,))
    with pytest.raises(ValueError, match=name):
        lr_range_test(net, X, y, **kwargs)
    assert not hasattr(net, "coefs_")


@pytest.mark.parametrize(
    "estimator",
    [
        LinearRegression(),
        MLPClassifier(),
        make_pipeline(StandardScaler(), LogisticRegression()),
        make_pipeline(StandardScaler(), "passthrough"),
    ],
)
def test_other_estimators_are_rejected(iris, estimator):
    X, y = iris
    with pytest.raises(TypeError, match="SGDNetClassifier or SGDNetRegressor"):
        lr_range_test(estimator, X, y)


def test_invalid_estimator_parameters_are_the_estimators_errors(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), SGDNetClassifier(batch_size="big"))
    with pytest.raises(ValueError, match="'batch_size' parameter of SGDNetClassifier"):
        lr_range_test(pipe, X, y)


def test_mismatched_lengths_are_rejected(iris):
    X, y = iris
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        lr_range_test(SGDNetClassifier((4,)), X, y[:-1])


def test_suggestion_rules_on_known_curves():
    lrs = np.geomspace(1e-4, 1.0, 101)
    # a descent centred on 1e-2 (log10 α = -2), symmetric in log α
    losses = 2.0 - np.tanh(2.0 * (np.log10(lrs) + 2.0))
    assert _steepest_lr(lrs, losses, 101) == pytest.approx(1e-2)
    # two thirds down from 3.0 (the start) to the end: tanh(u) = 1/3 and more
    depth = 2.0 - (losses[0] - 2 / 3 * (losses[0] - losses[-1]))
    first = lrs[np.tanh(2.0 * (np.log10(lrs) + 2.0)) >= depth][0]
    assert _valley_lr(lrs, losses, 101) == first
    assert 1e-2 < first < 1e-1
    # the first point two thirds down, though the loss rises back above the
    # mark after it
    bounce = losses.copy()
    bounce[np.flatnonzero(lrs == first)[0] + 2] = 2.5
    assert _valley_lr(lrs, bounce, 101) == first
    # a rise after the minimum is ignored; a bump before the descent starts it
    rising = np.concatenate([losses[:80], losses[79] + np.arange(21.0)])
    assert _steepest_lr(lrs, rising, 101) == pytest.approx(1e-2)
    bump = losses.copy()
    bump[15] = 10.0  # the descent now runs from 10 down
    assert _valley_lr(lrs, bump, 101) < _valley_lr(lrs, losses, 101)
    # two thirds down from 10 is below all the points after the bump (but
    # also all those before it): the first point after the peak
    assert _valley_lr(lrs, bump, 101) == lrs[16]
    # but not from a spike among the first tenth of the steps, whose
    # few-batch average is noise
    early = losses.copy()
    early[5] = 10.0
    assert _valley_lr(lrs, early, 101) == _valley_lr(lrs, losses, 101)
    # a loss that never falls gives no suggestion; nor do too few points
    assert _steepest_lr(lrs, lrs, 101) is None and _valley_lr(lrs, lrs, 101) is None
    # nor one that only rises from where the search starts: the first tenth,
    # which is not searched, lends it no descent
    falls_unseen = np.concatenate([np.linspace(1.5, 1.05, 10), 1.0 + np.arange(91.0)])
    assert _steepest_lr(lrs, falls_unseen, 101) is None
    assert _valley_lr(lrs, falls_unseen, 101) is None
    assert _steepest_lr(lrs[:2], losses[:2], 2) is None
    # non-finite points at the end are not part of the curve
    broken = losses.copy()
    broken[-3:] = np.nan
    assert _valley_lr(lrs, broken, 101) == _valley_lr(lrs[:-3], losses[:-3], 101)
    # the curve ends at its first non-finite point, whatever follows it
    gap = losses.copy()
    gap[50] = np.nan
    assert _valley_lr(lrs, gap, 101) == _valley_lr(lrs[:50], losses[:50], 101)
    assert _steepest_lr(lrs, gap, 101) == _steepest_lr(lrs[:50], losses[:50], 101)


def test_steepest_descent_is_measured_on_the_descent_only():
    lrs = np.geomspace(1e-4, 1.0, 101)
    # a descent ever steeper down to its minimum at step 80, then a sharp
    # rise: the secants are clipped at the minimum, so the steepest is the
    # last point before it (not the minimum itself, nor one whose secant
    # reaches into the rise)
    steeper = 2.0 - (np.arange(101) / 80) ** 3
    steeper[81:] = 1.0 + np.arange(1, 21.0)
    assert _steepest_lr(lrs, steeper, 101) == lrs[79]
    # a spike and its fall after the minimum are not part of the descent
    losses = 2.0 - np.tanh(2.0 * (np.log10(lrs) + 2.0))
    rising = np.concatenate([losses[:80], losses[79] + np.arange(21.0)])
    rising[85] = 50.0
    assert _steepest_lr(lrs, rising, 101) == pytest.approx(1e-2)
    # a steep fall or a spike anywhere among the first tenth of the steps,
    # which are not searched, is ignored: the secants of the first searched
    # points do not reach back into them
    for start, stop in [(0, 3), (7, 8), (0, 10)]:
        early = losses.copy()
        early[start:stop] = 6.0
        assert _steepest_lr(lrs, early, 101) == pytest.approx(1e-2)
    # the first searched point's secant starts at itself
    dip = losses.copy()
    dip[5] = losses[15]  # had it reached back, 10 -> 5 would not fall steepest
    assert _steepest_lr(lrs, dip, 101) == pytest.approx(1e-2)


def test_secants_between_equal_rates_have_no_slope():
    # bounds a few ulps apart round to repeated rates: a secant between two
    # equal ones divides by zero, and is left out (no RuntimeWarning)
    distinct = [1e-3]
    for _ in range(5):
        distinct.append(np.nextafter(distinct[-1], 1.0))
    lrs = np.repeat(distinct, 20)[:101]
    lrs = np.append(lrs, [distinct[-1]] * (101 - len(lrs)))
    losses = np.linspace(2.0, 1.0, 101)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = _steepest_lr(lrs, losses, 101)
    assert found in distinct  # a secant across two of them
    flat = np.full(101, 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _steepest_lr(flat, losses, 101) is None


def test_close_bounds_run_without_runtime_warnings():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = X.sum(axis=1)
    net = SGDNetRegressor((4,), batch_size=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = lr_range_test(
            net, X, y, min_lr=1e-3, max_lr=np.nextafter(1e-3, 1.0), random_state=0
        )
    assert np.all((result.lrs >= 1e-3) & (result.lrs <= np.nextafter(1e-3, 1.0)))


def test_suggestions_on_a_curve_cut_short():
    lrs = np.geomspace(1e-4, 1.0, 101)
    # a 100-step test that ended after 12 steps, its last loss NaN: 11
    # points are too few to spare the first tenth of the steps, and the
    # secants start at the first point
    short = np.array([3, 2.95, 2.9, 2.8, 2.2, 1.6, 1.2, 1.1, 1.05, 1.02, 1.0, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steepest = _steepest_lr(lrs[:12], short, 100)
        valley = _valley_lr(lrs[:12], short, 100)
    assert steepest is not None and lrs[0] <= steepest < lrs[10]
    assert valley == lrs[5]  # the first point 2/3 down from 3 to 1
    # the first tenth of the steps that were planned (not of those run) is
    # not searched: a dip at step 6 of a test stopped after 50 of 100 steps
    half = (2.0 - np.tanh(2.0 * (np.log10(lrs) + 3.0)))[:50]
    dip = half.copy()
    dip[6] = 0.5
    assert _valley_lr(lrs[:50], dip, 100) == _valley_lr(lrs[:50], half, 100)
    assert _steepest_lr(lrs[:50], dip, 100) == _steepest_lr(lrs[:50], half, 100)
    # with five steps, the first point is still not searched
    five = np.array([3.0, 1.0, 2.0, 2.5, 3.0])
    assert _valley_lr(lrs[:5], five, 5) is None
    assert _steepest_lr(lrs[:5], five, 5) is None


def test_a_noise_dip_among_the_first_steps_is_not_the_bottom():
    # 60 steps: flat with noise, a dip at step 1 below the real descent's
    # bottom (the first steps' average rests on a few batches), then a
    # descent from 0.5 to 0.39 between α = 1e-3 and 1e-2
    lrs = np.geomspace(1e-6, 1.0, 60)
    losses = 0.5 - 0.11 * (1 + np.tanh(2.0 * (np.log10(lrs) + 2.5))) / 2
    losses[1] = 0.38
    steepest = _steepest_lr(lrs, losses, 60)
    valley = _valley_lr(lrs, losses, 60)
    assert 1e-3 < steepest < 1e-2
    assert 1e-3 < valley < 1e-1


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_a_loss_that_never_beats_a_constant_prediction_warns(digits):
    X, y = digits
    frequencies = np.bincount(y) / len(y)
    entropy = -np.sum(frequencies * np.log(frequencies))
    net = SGDNetClassifier(random_state=0)
    # labels shuffled: the network can only learn their frequencies
    shuffled = np.random.default_rng(0).permutation(y)
    with pytest.warns(UserWarning, match="best constant prediction"):
        result = lr_range_test(net, X, shuffled, random_state=0)
    assert_allclose(result.constant_loss, entropy, rtol=1e-12)
    assert result.suggested_lr is not None  # kept; the warning qualifies it
    # unsmoothed, the smoothed loss is as noisy as a batch
    with pytest.warns(UserWarning, match="best constant prediction"):
        lr_range_test(net, X, shuffled, smoothing=1.0, random_state=0)
    # unscaled features: the loss climbs above the constant level at once
    with pytest.warns(UserWarning, match="best constant prediction"):
        lr_range_test(net, 100.0 * X + 1000.0, y, random_state=0)
    # the real labels: the loss falls far below it, and nothing warns
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lr_range_test(net, X, y, random_state=0)
    assert_allclose(result.constant_loss, entropy, rtol=1e-12)
    assert result.losses.min() < 0.5 * result.constant_loss


def test_no_warning_without_a_suggestion_to_qualify(linear):
    # α too large from the first step: the loss never falls, nothing is
    # suggested, and there is no suggestion the warning could qualify
    X, y = linear
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lr_range_test(_linear_net(), X, y, min_lr=10.0, max_lr=1e4)
    assert result.stopped_early
    assert result.suggested_lr is None and result.valley_lr is None


def test_constant_loss_is_that_of_the_weighted_targets_the_net_sees(linear):
    X, y = linear
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    mean = np.average(y, weights=w)
    result = lr_range_test(_linear_net(), X, y, sample_weight=w, random_state=0)
    assert_allclose(
        result.constant_loss, 0.5 * np.average((y - mean) ** 2, weights=w), rtol=1e-10
    )
    # through a target transform, the transformed targets': 1/2 their variance
    tt = TransformedTargetRegressor(_linear_net(), transformer=StandardScaler())
    result = lr_range_test(tt, X, y, random_state=0)
    assert_allclose(result.constant_loss, 0.5, rtol=1e-10)


@pytest.mark.parametrize("n_classes", [2, 3, 40])
def test_constant_loss_of_labels_is_their_weighted_entropy(n_classes, monkeypatch):
    rng = np.random.default_rng(n_classes)
    X = rng.standard_normal((600, 4))
    y = np.array([f"c{i}" for i in rng.integers(0, n_classes, 600)])
    w = rng.uniform(0.0, 2.0, 600)
    net = SGDNetClassifier((4,), batch_size=50, random_state=0)
    encoded = []
    encode = SGDNetClassifier._encode_targets

    def recording(self, y, *args, **kwargs):
        encoded.append(len(y))
        return encode(self, y, *args, **kwargs)

    monkeypatch.setattr(SGDNetClassifier, "_encode_targets", recording)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = lr_range_test(net, X, y, sample_weight=w, n_steps=5, random_state=0)
    _, index = np.unique(y, return_inverse=True)
    p = np.bincount(index, weights=w) / w.sum()
    # the entropy of the class frequencies (binary: of one logistic output)
    assert_allclose(result.constant_loss, -(p * np.log(p)).sum(), rtol=1e-12)
    # the labels are encoded one row per class, never all n rows at once
    # (n x n_classes floats for a test of many classes)
    assert encoded[-1] == n_classes
    assert max(encoded[:-1]) <= 50


def test_learning_is_judged_against_the_noise_of_the_batch_losses():
    rng = np.random.default_rng(0)
    raw = 1.0 + 0.2 * rng.standard_normal(100)
    smoothed = np.full(100, 0.99)
    # 0.01 below the constant level, within the noise (3 sd of a smoothed
    # batch loss: 3 * 0.2 * sqrt(0.05 / 1.95) = 0.096)
    assert not _learned(smoothed, raw, 1.0, 0.05)
    assert _learned(smoothed - 0.1, raw, 1.0, 0.05)
    # no noise: any fall counts; no fall never does
    assert _learned(smoothed, np.full(100, 1.0), 1.0, 0.05)
    assert not _learned(np.full(100, 1.0), np.full(100, 1.0), 1.0, 0.05)
    # nor losses equal to the constant one whose average rounds below it
    assert np.convolve(np.ones(10), np.full(10, 0.1), mode="valid")[0] < 1.0
    assert not _learned(np.full(10, 1.0), np.full(10, 1.0), 1.0, 0.05)
    # a curve shorter than the 1 / smoothing window: the mean of all of it
    flat = 1.0 + 0.05 * np.tile([1.0, -1.0], 5)
    assert not _learned(_smoothed(flat, 0.05), flat, 1.0, 0.05)
    # points after the loss explodes are not part of the curve
    raw[50:] = np.inf
    smoothed[50:] = np.nan
    assert _learned(smoothed - 0.1, raw, 1.0, 0.05)


def test_the_noise_is_judged_at_the_constant_level():
    # a batch loss scatters about in proportion to its level (here 20%):
    # the steps far above the constant level, at the start and where α is
    # too large, must not lend their scatter to those below it
    rng = np.random.default_rng(0)
    levels = np.repeat([2.0, 0.8, 3.0], [30, 40, 30])
    raw = levels * (1.0 + 0.2 * rng.standard_normal(100))
    smoothed = _smoothed(raw, 0.05)
    assert smoothed.min() > 0.85  # the smoothed loss trails: windows decide
    assert _learned(smoothed, raw, 1.0, 0.05)
    # the same scatter around the constant level is no learning
    level = np.repeat([2.0, 1.0, 3.0], [30, 40, 30])
    raw = level * (1.0 + 0.2 * rng.standard_normal(100))
    assert not _learned(_smoothed(raw, 0.05), raw, 1.0, 0.05)


def _smoothed(raw, smoothing):
    average, out = 0.0, []
    for k, loss in enumerate(raw):
        average = (1 - smoothing) * average + smoothing * loss
        out.append(average / (1 - (1 - smoothing) ** (k + 1)))
    return np.array(out)


@pytest.mark.parametrize("smoothing", [0.05, 0.02, 0.3])
def test_pure_noise_is_seldom_judged_learned(smoothing):
    # batch losses that only scatter around the constant level: the first
    # smoothed values average a batch or two, as noisy as single batches,
    # and once made a third to a half of such tests count as learned
    rng = np.random.default_rng(0)
    judged = [
        _learned(_smoothed(raw, smoothing), raw, 1.0, smoothing)
        for raw in 1.0 + 0.2 * rng.standard_normal((400, 100))
    ]
    assert np.mean(judged) < 0.05
    # a first batch 2.5 standard deviations low is no learning, but a steep
    # fall in the last batches is, though the smoothed loss trails it
    if smoothing == 0.05:
        raw = 1.0 + 0.05 * np.tile([1.0, -1.0], 50)
        raw[-3:] = 0.5
        smoothed = _smoothed(raw, smoothing)
        assert smoothed[-1] > 0.92 and _learned(smoothed, raw, 1.0, smoothing)
    # a first batch 2.5 standard deviations low is no learning
    raw = np.full(100, 1.0) + 0.2 * np.tile([1.0, -1.0], 50)
    raw[0] = 0.5
    assert not _learned(_smoothed(raw, smoothing), raw, 1.0, smoothing)
    # nor one about 3.6 of them (the first smoothed value is one batch)
    raw = 1.0 + 0.05 * np.random.default_rng(1).standard_normal(100)
    raw[0] = 0.83
    assert not _learned(_smoothed(raw, smoothing), raw, 1.0, smoothing)


@pytest.mark.parametrize(("n_targets", "seed"), [(1, 13), (1, 14)])
def test_a_regression_learned_almost_exactly_does_not_warn(n_targets, seed):
    # R² near 1: the batch losses fall to a fraction of the constant level;
    # their noise there, not that of the first steps high above it or of
    # those where α is too large, decides (judged over the whole curve, it
    # warned for these seeds)
    X, y = make_regression(300, 5, n_targets=n_targets, noise=1, random_state=seed)
    X = StandardScaler().fit_transform(X)
    y = StandardScaler().fit_transform(y.reshape(len(y), -1)).squeeze()
    net = SGDNetRegressor((8,), batch_size=16, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        result = lr_range_test(net, X, y, random_state=seed)
    assert np.nanmin(result.raw_losses) < 0.5 * result.constant_loss


def test_ramp_policy_is_a_policy():
    ramp = _ExponentialRamp(min_lr=1e-3, max_lr=1.0, n_steps=4)
    schedule = ramp.start(max_epochs=1)
    assert [schedule.rate(t) for t in range(5)] == pytest.approx(
        [1e-3, 1e-2, 1e-1, 1.0, 1.0]
    )
    # exactly its bounds at both ends, and held at the top
    assert schedule.rate(0) == 1e-3 and schedule.rate(3) == schedule.rate(9) == 1.0
    assert schedule.rate(0.5) == pytest.approx(10**-2.5)
    # bounds whose ratio overflows a float still make a finite ramp
    for low, high in [(1e-310, 1.0), (1e-10, 1e300)]:
        wide = _ExponentialRamp(min_lr=low, max_lr=high, n_steps=3).start(1)
        rates = [wide.rate(t) for t in range(3)]
        assert rates[0] == low and rates[2] == high
        assert rates[1] == pytest.approx(np.sqrt(low) * np.sqrt(high))
    assert clone(ramp).get_params() == ramp.get_params()
    restored = pickle.loads(pickle.dumps(schedule))
    assert restored.rate(2) == schedule.rate(2)


def test_result_repr_and_fields(linear):
    X, y = linear
    result = lr_range_test(_linear_net(), X, y, max_lr=100.0, random_state=0)
    assert isinstance(result, RangeTestResult)
    text = repr(result)
    assert text.startswith(f"RangeTestResult(n_recorded={len(result.lrs)}, ")
    assert f"suggested_lr={result.suggested_lr:.3g}" in text
    assert "stopped_early=True" in text
    with pytest.raises(AttributeError):
        result.suggested_lr = 1.0  # frozen


def test_the_result_documents_its_fields_as_parameters():
    # numpydoc reads a dataclass's fields as its constructor's parameters
    from numpydoc.validate import validate

    errors = validate("sklearn_lr.range_test.RangeTestResult")["errors"]
    assert [e for e in errors if e[0] in ("PR01", "PR02", "PR08")] == []


def test_docstring_examples_run():
    result = doctest.testmod(range_test_module)
    assert result.failed == 0
    assert result.attempted >= 8


@pytest.mark.parametrize("cls", [SGDNetClassifier, SGDNetRegressor])
def test_a_missing_y_is_named_as_fit_names_it(cls):
    X = np.random.RandomState(0).rand(40, 3)
    with pytest.raises(
        ValueError, match="requires y to be passed, but the target y is None"
    ):
        lr_range_test(cls((4,)), X, None, n_steps=5)


def test_a_regressors_sparse_y_gets_fits_error():
    X = np.random.RandomState(0).rand(40, 3)
    y = sp.csr_matrix(X[:, :1])
    with pytest.raises(TypeError, match="Sparse data was passed for y"):
        SGDNetRegressor((4,)).fit(X, y)
    with pytest.raises(TypeError, match="Sparse data was passed for y"):
        lr_range_test(SGDNetRegressor((4,)), X, y, n_steps=5)


def _skewed_regression():
    # a standardized log-normal target, as prices or incomes are: a few
    # batches hold outliers, whose loss is many times the others'
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3000, 8))
    y = np.exp(0.6 * X[:, :3].sum(1) + 0.5 * rng.standard_normal(3000))
    return X, (y - y.mean()) / y.std()


def test_a_batch_of_outliers_among_the_first_steps_is_no_divergence():
    X, y = _skewed_regression()
    net = SGDNetRegressor((32,), batch_size=32, random_state=13)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = lr_range_test(net, X, y, random_state=13)
    # step 1's batch loss is 24 times step 0's, whose smoothed average it
    # takes more than 4-fold: fastai's rule stops there, at α = 1.2e-6
    assert result.raw_losses[1] > 20 * result.raw_losses[0]
    assert result.losses[1] > 4 * result.losses[0]
    # the test runs on to where the loss does explode
    assert result.stopped_early and result.lrs[-1] > 0.1
    assert result.valley_lr is not None
    # the rule applies from step 10 on, where it stopped the test
    best = np.minimum.accumulate(result.losses[10:])
    assert result.losses[-1] > 4 * best[-2]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_regression_target_is_refused_before_any_step(bad, linear):
    # in the last row, which 5 steps of 32 rows taken in order never reach
    X, y = linear
    y = y.copy()
    y[-1] = bad
    with pytest.raises(ValueError, match="Input y contains"):
        _linear_net().fit(X, y)  # as fit says it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="Input y contains"):
            lr_range_test(_linear_net(shuffle=False), X, y, n_steps=5)


def test_steepest_descent_is_not_a_dip_of_the_flat_start_before_the_peak():
    lrs = np.geomspace(1e-6, 1.0, 100)
    # noise up to step 60, then a real descent to step 90: a dip right after
    # the skipped start, before the curve's highest point (step 30), is
    # steeper than the descent itself
    losses = np.concatenate(
        [
            np.full(10, 1.0),
            np.linspace(1.1, 0.8, 6),  # steps 10 to 15: the dip
            np.linspace(0.8, 1.15, 16)[1:],  # to the peak at step 30
            np.linspace(1.15, 1.0, 31)[1:],  # step 60
            np.linspace(1.0, 0.5, 31)[1:],  # the descent, to step 90
            np.linspace(0.6, 2.0, 9),
        ]
    )
    assert np.argmax(losses[10:91]) == 20
    assert _steepest_lr(lrs, losses, 100) > lrs[60]
    assert _valley_lr(lrs, losses, 100) > lrs[60]


def test_the_suggestion_on_diabetes_trains():
    # on diabetes the smoothed loss is flat, with noise, for some 40 steps
    # before it falls; a dip there once gave a suggestion of 6e-6, at which
    # 20 epochs leave R^2 below 0 (at the valley: 0.58)
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    net = SGDNetRegressor((32,), batch_size=16, random_state=3)
    result = lr_range_test(net, X, y, random_state=3)
    assert result.suggested_lr > result.valley_lr / 30
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = clone(net).set_params(learning_rate=result.suggested_lr, max_iter=20)
        assert model.fit(X, y).score(X, y) > 0.3


def test_steepest_descent_secant_spans_five_percent_of_the_steps():
    """Mutant: the slope measured by a two-point central difference (h = 1)
    instead of the documented secant from step k - h to k + h with
    h = 5% of n_steps.

    The descent 2 - tanh(2 (log10 α + 2)) over 101 steps from 1e-4 to 1 is
    steepest at α = 1e-2 (step 50): its secant over steps 45-55 falls by
    tanh(0.4) - tanh(-0.4) = 0.76. A single noisy point 0.3 lower at step 30
    falls by 0.3 over steps 29-31, more than the true descent's 0.16 there
    (a two-point difference picks the noise), but only by 0.3 over any ±5
    step secant, less than 0.76: the suggestion stays at 1e-2.
    """
    n_steps = 101
    lrs = np.geomspace(1e-4, 1.0, n_steps)
    losses = 2.0 - np.tanh(2.0 * (np.log10(lrs) + 2.0))
    assert losses[45] - losses[55] == pytest.approx(2 * np.tanh(0.4))
    assert losses[49] - losses[51] < 0.3  # the dip is steeper point to point
    noisy = losses.copy()
    noisy[30] -= 0.3
    assert _steepest_lr(lrs, losses, n_steps) == pytest.approx(1e-2)
    assert _steepest_lr(lrs, noisy, n_steps) == pytest.approx(1e-2)

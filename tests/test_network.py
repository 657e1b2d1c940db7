"""Unit tests for the NumPy backprop core, ``sklearn_lr._network``.

Every loss and every gradient is held against something written here
independently of the module: a plain NumPy forward pass, closed-form losses
(scikit-learn's ``log_loss`` where it applies) and central finite differences
of that independent objective.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import logsumexp
from sklearn.metrics import log_loss

from sklearn_lr import _network as net

ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu"]
LOSSES = ["softmax_log_loss", "logistic_log_loss", "squared_error", "huber"]
OUT_ACTIVATION = {
    "softmax_log_loss": "softmax",
    "logistic_log_loss": "logistic",
    "squared_error": "identity",
    "huber": "identity",
}
SPARSE_FORMATS = [sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array]


# --------------------------------------------------------------------------
# Independent reference implementation (no code from _network is reused)


def _ref_hidden(z, activation):
    if activation == "identity":
        return z
    if activation == "logistic":
        return 1.0 / (1.0 + np.exp(-z))
    if activation == "tanh":
        return np.tanh(z)
    if activation == "relu":
        return np.where(z > 0, z, 0.0)
    if activation == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    raise AssertionError(activation)


def _ref_split(theta, shapes):
    """Slice theta into weights and biases by hand (weights first, C order)."""
    coefs, intercepts, pos = [], [], 0
    for fan_in, fan_out in shapes:
        coefs.append(
            np.array(theta[pos : pos + fan_in * fan_out]).reshape(fan_in, fan_out)
        )
        pos += fan_in * fan_out
    for _, fan_out in shapes:
        intercepts.append(np.array(theta[pos : pos + fan_out]))
        pos += fan_out
    assert pos == theta.shape[0]
    return coefs, intercepts


def _ref_logits(theta, shapes, X, activation):
    coefs, intercepts = _ref_split(theta, shapes)
    a = X.toarray() if sp.issparse(X) else np.asarray(X)
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        z = a @ coef + intercept
        a = _ref_hidden(z, activation) if i < len(shapes) - 1 else z
    return a


def _softplus(z):
    """log(1 + e^z), exact for any magnitude."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _ref_sample_losses(z, Y, loss, huber_delta=1.0):
    """Per-sample losses from the logits z, written from the definitions."""
    if loss == "softmax_log_loss":
        true_class = np.argmax(Y, axis=1)
        return logsumexp(z, axis=1) - z[np.arange(len(z)), true_class]
    if loss == "logistic_log_loss":
        # -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z))
        return (Y * _softplus(-z) + (1 - Y) * _softplus(z)).sum(axis=1)
    r = z - Y
    if loss == "squared_error":
        return 0.5 * np.mean(r**2, axis=1)
    if loss == "huber":
        quadratic = 0.5 * r**2
        linear = huber_delta * (np.abs(r) - 0.5 * huber_delta)
        return np.mean(np.where(np.abs(r) <= huber_delta, quadratic, linear), axis=1)
    raise AssertionError(loss)


def _ref_loss(z, Y, sample_weight, loss, huber_delta=1.0):
    per_sample = _ref_sample_losses(z, Y, loss, huber_delta)
    return float(np.sum(sample_weight * per_sample) / np.sum(sample_weight))


def _ref_objective(
    theta, shapes, X, Y, sample_weight, activation, loss, l2, huber_delta=1.0
):
    z = _ref_logits(theta, shapes, X, activation)
    coefs, _ = _ref_split(theta, shapes)
    l2_term = 0.5 * l2 * sum(float(np.sum(c * c)) for c in coefs)
    return _ref_loss(z, Y, sample_weight, loss, huber_delta) + l2_term


def _finite_difference_gradient(f, theta, eps=1e-6):
    theta = np.array(theta, dtype=np.float64)
    grad = np.empty_like(theta)
    for j in range(theta.shape[0]):
        old = theta[j]
        theta[j] = old + eps
        plus = f(theta)
        theta[j] = old - eps
        minus = f(theta)
        theta[j] = old
        grad[j] = (plus - minus) / (2 * eps)
    return grad


# --------------------------------------------------------------------------
# Problems


def _targets(rng, n_samples, n_outputs, loss):
    if loss == "softmax_log_loss":
        Y = np.zeros((n_samples, n_outputs))
        Y[np.arange(n_samples), rng.randint(n_outputs, size=n_samples)] = 1.0
        return Y
    if loss == "logistic_log_loss":
        return rng.randint(2, size=(n_samples, n_outputs)).astype(np.float64)
    return rng.normal(scale=1.5, size=(n_samples, n_outputs))


def _problem(
    loss,
    activation="tanh",
    hidden=(5, 4),
    n_samples=7,
    n_features=4,
    n_outputs=3,
    dtype=np.float64,
    seed=0,
):
    """A small random network and batch; sample weights all different."""
    rng = np.random.RandomState(seed)
    shapes = net.layer_shapes(n_features, hidden, n_outputs)
    theta = rng.normal(scale=0.7, size=net.n_params(shapes)).astype(dtype)
    X = rng.normal(size=(n_samples, n_features)).astype(dtype)
    Y = _targets(rng, n_samples, n_outputs, loss).astype(dtype)
    sample_weight = rng.uniform(0.2, 3.0, size=n_samples).astype(dtype)
    return shapes, theta, X, Y, sample_weight


def _call(
    theta,
    shapes,
    X,
    Y,
    sample_weight,
    activation,
    loss,
    l2=0.0,
    huber_delta=1.0,
    batch_size=None,
    workspace=None,
):
    """Run loss_and_gradient; return (loss, copy of the gradient, workspace)."""
    if workspace is None:
        batch_size = X.shape[0] if batch_size is None else batch_size
        workspace = net.Workspace.allocate(shapes, batch_size, theta.dtype)
    value = net.loss_and_gradient(
        theta,
        shapes,
        X,
        Y,
        sample_weight,
        activation,
        loss,
        l2,
        workspace,
        huber_delta=huber_delta,
    )
    return value, workspace.grad.copy(), workspace


def _poison(workspace):
    """Fill every buffer with NaN so reads of stale memory show up."""
    buffers = [
        *workspace.activations,
        *workspace.deltas,
        workspace.scratch,
        workspace.weights,
        workspace.grad,
    ]
    for buffer in buffers:
        buffer.fill(np.nan)


def _assert_workspace_dtype(workspace, dtype):
    buffers = [
        *workspace.activations,
        *workspace.deltas,
        workspace.scratch,
        *workspace.coef_grads,
        *workspace.intercept_grads,
        workspace.weights,
        workspace.grad,
    ]
    for buffer in buffers:
        assert buffer.dtype == dtype
    for view in [*workspace.coef_grads, *workspace.intercept_grads]:
        assert np.shares_memory(view, workspace.grad)


# --------------------------------------------------------------------------
# 1. Gradients against central finite differences


def _huber_delta_for(loss):
    # residuals of the problems are of order 1: 0.7 puts samples on both sides
    return 0.7 if loss == "huber" else 1.0


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_matches_finite_differences_float64(activation, loss):
    shapes, theta, X, Y, sw = _problem(loss, activation)
    l2, delta = 0.3, _huber_delta_for(loss)
    if loss == "huber":  # both pieces of the Huber loss are exercised
        r = np.abs(_ref_logits(theta, shapes, X, activation) - Y)
        assert (r < delta).any() and (r > delta).any()

    value, grad, ws = _call(theta, shapes, X, Y, sw, activation, loss, l2, delta)

    def objective(t):
        return _ref_objective(t, shapes, X, Y, sw, activation, loss, l2, delta)

    expected = _finite_difference_gradient(objective, theta)
    assert grad.dtype == np.float64
    assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    assert np.linalg.norm(grad - expected) <= 1e-6 * np.linalg.norm(expected)
    # the returned value is the data term only
    z = _ref_logits(theta, shapes, X, activation)
    assert_allclose(value, _ref_loss(z, Y, sw, loss, delta), rtol=1e-10)


@pytest.mark.parametrize("loss", LOSSES)
def test_gradient_without_hidden_layers_matches_finite_differences(loss):
    shapes, theta, X, Y, sw = _problem(loss, hidden=())
    l2, delta = 0.3, _huber_delta_for(loss)
    _, grad, _ = _call(theta, shapes, X, Y, sw, "tanh", loss, l2, delta)

    def objective(t):
        return _ref_objective(t, shapes, X, Y, sw, "tanh", loss, l2, delta)

    expected = _finite_difference_gradient(objective, theta)
    assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_float32_matches_float64_finite_differences(activation, loss):
    shapes, theta32, X32, Y32, sw32 = _problem(loss, activation, dtype=np.float32)
    l2, delta = 0.3, _huber_delta_for(loss)
    ws = net.Workspace.allocate(shapes, X32.shape[0], np.float32)
    grad_buffer = ws.grad

    value, grad, ws = _call(
        theta32, shapes, X32, Y32, sw32, activation, loss, l2, delta, workspace=ws
    )

    # no silent upcast anywhere: result, buffers and their identity
    assert isinstance(value, float)
    assert grad.dtype == np.float32
    assert ws.grad is grad_buffer
    _assert_workspace_dtype(ws, np.float32)
    assert theta32.dtype == np.float32

    # float64 finite differences at the same, float32-representable, point
    theta, X, Y, sw = (a.astype(np.float64) for a in (theta32, X32, Y32, sw32))

    def objective(t):
        return _ref_objective(t, shapes, X, Y, sw, activation, loss, l2, delta)

    expected = _finite_difference_gradient(objective, theta)
    assert np.linalg.norm(grad - expected) <= 1e-3 * np.linalg.norm(expected)
    assert_allclose(grad, expected, rtol=1e-3, atol=1e-4 * np.abs(expected).max())
    z = _ref_logits(theta, shapes, X, activation)
    assert_allclose(value, _ref_loss(z, Y, sw, loss, delta), rtol=1e-5)


def test_gradient_float32_is_computed_in_float32():
    """The float32 gradient carries float32 rounding, not float64 cast down."""
    shapes, theta32, X32, Y32, sw32 = _problem(
        "softmax_log_loss", "tanh", dtype=np.float32
    )
    _, grad32, _ = _call(
        theta32, shapes, X32, Y32, sw32, "tanh", "softmax_log_loss", 0.1
    )
    theta, X, Y, sw = (a.astype(np.float64) for a in (theta32, X32, Y32, sw32))
    _, grad64, _ = _call(theta, shapes, X, Y, sw, "tanh", "softmax_log_loss", 0.1)
    assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-6)
    assert not np.array_equal(grad32, grad64.astype(np.float32))


# --------------------------------------------------------------------------
# 2. Loss values against closed forms


def _linear_net(n_features, dtype=np.float64):
    """No hidden layer, W = I and b = 0: the logits are X itself."""
    shapes = net.layer_shapes(n_features, (), n_features)
    theta = np.concatenate([np.eye(n_features).ravel(), np.zeros(n_features)])
    return shapes, theta.astype(dtype)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_softmax_loss_matches_sklearn_log_loss(activation, dtype, rtol):
    shapes, theta, X, Y, sw = _problem(
        "softmax_log_loss", activation, n_samples=9, dtype=dtype
    )
    value, _, _ = _call(theta, shapes, X, Y, sw, activation, "softmax_log_loss")
    z = _ref_logits(theta.astype(np.float64), shapes, X.astype(np.float64), activation)
    proba = np.exp(z - logsumexp(z, axis=1, keepdims=True))
    y_true = np.argmax(Y, axis=1)
    expected = log_loss(
        y_true, proba, sample_weight=sw.astype(np.float64), labels=np.arange(Y.shape[1])
    )
    assert_allclose(value, expected, rtol=rtol)
    assert_allclose(
        net.data_loss(theta, shapes, X, Y, sw, activation, "softmax_log_loss"),
        expected,
        rtol=rtol,
    )


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_logistic_loss_matches_sklearn_log_loss_per_output(dtype, rtol):
    shapes, theta, X, Y, sw = _problem(
        "logistic_log_loss", "relu", n_samples=12, dtype=dtype
    )
    value, _, _ = _call(theta, shapes, X, Y, sw, "relu", "logistic_log_loss")
    z = _ref_logits(theta.astype(np.float64), shapes, X.astype(np.float64), "relu")
    proba = 1 / (1 + np.exp(-z))
    # the per-sample loss sums over outputs, so its mean is a sum of log-losses
    expected = sum(
        log_loss(
            Y[:, k], proba[:, k], sample_weight=sw.astype(np.float64), labels=[0, 1]
        )
        for k in range(Y.shape[1])
    )
    assert_allclose(value, expected, rtol=rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("huber_delta", [0.3, 1.0, 2.5])
def test_regression_losses_match_closed_forms(huber_delta, n_outputs, dtype, rtol):
    shapes, theta, X, Y, sw = _problem(
        "squared_error", "leaky_relu", n_samples=40, n_outputs=n_outputs, dtype=dtype
    )
    z = _ref_logits(
        theta.astype(np.float64), shapes, X.astype(np.float64), "leaky_relu"
    )
    r = z - Y
    w = sw / sw.sum()

    squared, _, _ = _call(theta, shapes, X, Y, sw, "leaky_relu", "squared_error")
    assert_allclose(squared, np.sum(w * 0.5 * np.mean(r**2, axis=1)), rtol=rtol)

    abs_r = np.abs(r)
    assert (abs_r < huber_delta).any() and (abs_r > huber_delta).any()
    piecewise = np.empty_like(r)
    for idx in np.ndindex(r.shape):  # the textbook definition, one entry at a time
        if abs_r[idx] <= huber_delta:
            piecewise[idx] = 0.5 * r[idx] ** 2
        else:
            piecewise[idx] = huber_delta * (abs_r[idx] - 0.5 * huber_delta)
    huber, _, _ = _call(
        theta, shapes, X, Y, sw, "leaky_relu", "huber", huber_delta=huber_delta
    )
    assert_allclose(huber, np.sum(w * piecewise.mean(axis=1)), rtol=rtol)
    assert_allclose(
        net.data_loss(theta, shapes, X, Y, sw, "leaky_relu", "huber", huber_delta),
        huber,
        rtol=rtol,
    )


def test_huber_equals_squared_error_for_small_residuals():
    shapes, theta, X, Y, sw = _problem("squared_error", "tanh")
    r = _ref_logits(theta, shapes, X, "tanh") - Y
    big = 2 * np.abs(r).max()
    huber, g_huber, _ = _call(theta, shapes, X, Y, sw, "tanh", "huber", 0.2, big)
    squared, g_squared, _ = _call(theta, shapes, X, Y, sw, "tanh", "squared_error", 0.2)
    assert_allclose(huber, squared, rtol=1e-12)
    assert_allclose(g_huber, g_squared, rtol=1e-12, atol=1e-15)


EXTREME = 1e4


def _extreme_logits(rng, n_samples, n_outputs):
    z = rng.choice([-EXTREME, EXTREME, 0.0], size=(n_samples, n_outputs))
    z += rng.uniform(-3, 3, size=z.shape)
    return z


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_softmax_loss_extreme_logits_finite_and_exact(dtype, rtol):
    rng = np.random.RandomState(1)
    n_samples, n_classes = 30, 4
    z = _extreme_logits(rng, n_samples, n_classes).astype(dtype)
    Y = _targets(rng, n_samples, n_classes, "softmax_log_loss").astype(dtype)
    sw = rng.uniform(0.5, 2, n_samples).astype(dtype)
    shapes, theta = _linear_net(n_classes, dtype)

    value, grad, _ = _call(theta, shapes, z, Y, sw, "identity", "softmax_log_loss")
    z64, Y64, sw64 = (a.astype(np.float64) for a in (z, Y, sw))
    expected = _ref_loss(z64, Y64, sw64, "softmax_log_loss")
    assert np.isfinite(value) and np.isfinite(grad).all()
    assert expected > 1000  # some samples are confidently wrong
    assert_allclose(value, expected, rtol=rtol)
    # gradient w.r.t. the biases = weighted mean of softmax - Y, bounded by 1
    _, intercept_grads = net.unpack(grad, shapes)
    p = np.exp(z64 - logsumexp(z64, axis=1, keepdims=True))
    assert_allclose(intercept_grads[0], sw64 / sw64.sum() @ (p - Y64), atol=1e-6)

    # confidently right: zero loss, computed exactly rather than as inf - inf
    right = np.where(Y == 1, EXTREME, -EXTREME).astype(dtype)
    value, grad, _ = _call(theta, shapes, right, Y, sw, "identity", "softmax_log_loss")
    assert value == 0.0
    assert_array_equal(grad, 0.0)
    proba = net.forward(*net.unpack(theta, shapes), z, "identity", "softmax")
    assert np.isfinite(proba).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_logistic_loss_extreme_logits_finite_and_exact(dtype, rtol):
    rng = np.random.RandomState(2)
    n_samples, n_outputs = 30, 3
    z = _extreme_logits(rng, n_samples, n_outputs).astype(dtype)
    Y = _targets(rng, n_samples, n_outputs, "logistic_log_loss").astype(dtype)
    sw = rng.uniform(0.5, 2, n_samples).astype(dtype)
    shapes, theta = _linear_net(n_outputs, dtype)

    value, grad, _ = _call(theta, shapes, z, Y, sw, "identity", "logistic_log_loss")
    z64, Y64, sw64 = (a.astype(np.float64) for a in (z, Y, sw))
    expected = _ref_loss(z64, Y64, sw64, "logistic_log_loss")
    assert np.isfinite(value) and np.isfinite(grad).all()
    assert expected > 1000  # some outputs are confidently wrong
    assert_allclose(value, expected, rtol=rtol)
    _, intercept_grads = net.unpack(grad, shapes)
    p = 0.5 * (1 + np.tanh(z64 / 2))  # the sigmoid, overflow-free
    assert_allclose(intercept_grads[0], sw64 / sw64.sum() @ (p - Y64), atol=1e-6)
    proba = net.forward(*net.unpack(theta, shapes), z, "identity", "logistic")
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()


# The logistic log-loss must not lose precision when confident outputs have
# |z| >> 1 (no cancellation between large sums), in either precision.
_BOTH_PRECISIONS = [np.float64, np.float32]


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
def test_logistic_loss_confident_batch_is_exactly_zero(dtype):
    rng = np.random.RandomState(2)
    n_samples, n_outputs = 30, 3
    Y = _targets(rng, n_samples, n_outputs, "logistic_log_loss").astype(dtype)
    sw = rng.uniform(0.5, 2, n_samples).astype(dtype)
    shapes, theta = _linear_net(n_outputs, dtype)
    # every output confidently right: the true loss is ~e^-1e4 = 0
    right = np.where(Y == 1, 1, -1) * rng.uniform(1e3, EXTREME, size=Y.shape)
    value, grad, _ = _call(
        theta, shapes, right.astype(dtype), Y, sw, "identity", "logistic_log_loss"
    )
    assert_array_equal(grad, 0.0)
    # float64 gives ~2e-12 here (the same cancellation, harmless); float32 ~1e-3
    assert 0.0 <= value <= 1e-10


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
def test_logistic_loss_never_negative_with_extreme_logits(dtype):
    # found by a random search; float32 returns -0.000244140625
    shapes, theta = _linear_net(1, dtype)
    z = np.array([[2887.03], [-3840.7876], [7494.2065], [8785.737], [1037.605]])
    Y = np.array([[1.0], [0.0], [1.0], [1.0], [1.0]])
    sw = np.array([0.2755104, 0.7726887, 1.1484509, 0.16388768, 1.9410274])
    value, _, _ = _call(
        theta,
        shapes,
        z.astype(dtype),
        Y.astype(dtype),
        sw.astype(dtype),
        "identity",
        "logistic_log_loss",
    )
    assert value >= 0.0


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
def test_logistic_loss_small_loss_next_to_extreme_logits(dtype):
    """A moderate sample keeps its precision beside confidently right ones."""
    shapes, theta = _linear_net(1, dtype)
    z = np.array([[EXTREME], [-EXTREME], [0.5]], dtype=dtype)
    Y = np.array([[1.0], [0.0], [1.0]], dtype=dtype)
    sw = np.array([1.0, 2.0, 1.5], dtype=dtype)
    value, _, _ = _call(theta, shapes, z, Y, sw, "identity", "logistic_log_loss")
    expected = 1.5 / 4.5 * np.log1p(np.exp(-0.5))
    assert_allclose(value, expected, rtol=1e-9 if dtype == np.float64 else 1e-5)


# --------------------------------------------------------------------------
# 3. Sparse input


@pytest.mark.parametrize("hidden", [(5, 4), ()], ids=["hidden", "no-hidden"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse_format", SPARSE_FORMATS)
@pytest.mark.parametrize("loss", LOSSES)
def test_sparse_input_matches_dense(loss, sparse_format, dtype, hidden):
    # without hidden layers the input feeds the (Fortran-ordered) output layer
    shapes, theta, X, Y, sw = _problem(
        loss, "relu", hidden=hidden, n_samples=8, n_features=6, dtype=dtype
    )
    X[np.random.RandomState(3).rand(*X.shape) < 0.6] = 0.0
    X_sparse = sparse_format(X)
    assert sp.issparse(X_sparse) and X_sparse.nnz < X.size

    dense_value, dense_grad, _ = _call(
        theta, shapes, X, Y, sw, "relu", loss, 0.1, batch_size=11
    )
    ws = net.Workspace.allocate(shapes, 11, dtype)
    _poison(ws)
    sparse_value, sparse_grad, ws = _call(
        theta, shapes, X_sparse, Y, sw, "relu", loss, 0.1, workspace=ws
    )
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert_allclose(sparse_value, dense_value, rtol=rtol)
    assert_allclose(sparse_grad, dense_grad, rtol=rtol, atol=rtol * 1e-2)
    assert sparse_grad.dtype == dtype
    _assert_workspace_dtype(ws, dtype)

    dense_out = net.forward(*net.unpack(theta, shapes), X, "relu", OUT_ACTIVATION[loss])
    sparse_out = net.forward(
        *net.unpack(theta, shapes), X_sparse, "relu", OUT_ACTIVATION[loss]
    )
    assert isinstance(sparse_out, np.ndarray) and sparse_out.dtype == dtype
    assert_allclose(sparse_out, dense_out, rtol=rtol)
    assert_allclose(
        net.data_loss(theta, shapes, X_sparse, Y, sw, "relu", loss),
        dense_value,
        rtol=rtol,
    )


# --------------------------------------------------------------------------
# 4. Workspace reuse


@pytest.mark.parametrize("loss", LOSSES)
def test_batch_smaller_than_workspace(loss):
    shapes, theta, X, Y, sw = _problem(loss, "logistic", n_samples=5)
    exact_value, exact_grad, _ = _call(theta, shapes, X, Y, sw, "logistic", loss, 0.2)
    big = net.Workspace.allocate(shapes, 16, np.float64)
    _poison(big)  # stale rows beyond the batch must never be read
    value, grad, _ = _call(
        theta, shapes, X, Y, sw, "logistic", loss, 0.2, workspace=big
    )
    assert_allclose(value, exact_value, rtol=1e-13)
    assert_allclose(grad, exact_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_agree_for_every_memory_layout(loss, dtype):
    # training hands the losses Fortran-ordered outputs, data_loss C-ordered
    rng = np.random.RandomState(0)
    z = rng.normal(scale=3.0, size=(9, 4)).astype(dtype)
    Y = _targets(rng, 9, 4, loss).astype(dtype)
    w = rng.uniform(0.1, 1.0, size=9).astype(dtype)
    w /= w.sum()
    results = []
    for order in "CF":
        z_o, Y_o = np.array(z, order=order), np.array(Y, order=order)
        value = net.LOSSES[loss].function(
            z_o, Y_o, w, np.empty_like(z_o), huber_delta=0.7
        )
        results.append((value, z_o))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(results[0][0], results[1][0], rtol=rtol)
    assert_allclose(results[0][1], results[1][1], rtol=rtol, atol=rtol * 1e-3)


def test_workspace_outputs_are_fortran_ordered_for_every_batch_size():
    shapes = net.layer_shapes(3, (5,), 4)
    theta = np.zeros(net.n_params(shapes))
    workspace = net.Workspace.allocate(shapes, 8, np.float64)
    for n in (8, 5, 1):
        _, _, acts, _, masks, scratch, _ = workspace.batch_views(theta, shapes, n)
        assert acts[-1].shape == scratch.shape == (n, 4)
        assert acts[-1].flags.f_contiguous and scratch.flags.f_contiguous
        assert acts[0].shape == (n, 5) and acts[0].flags.c_contiguous
        assert masks[0].shape == (n, 5) and masks[0].dtype == bool


@pytest.mark.parametrize("loss", LOSSES)
def test_repeated_calls_are_identical(loss):
    shapes, theta, X, Y, sw = _problem(loss, "leaky_relu", n_samples=6)
    _, theta_b, X_b, Y_b, sw_b = _problem(loss, "leaky_relu", n_samples=9, seed=5)
    theta_before, X_before, Y_before, sw_before = (a.copy() for a in (theta, X, Y, sw))
    ws = net.Workspace.allocate(shapes, 9, np.float64)

    first = _call(theta, shapes, X, Y, sw, "leaky_relu", loss, 0.1, workspace=ws)
    second = _call(theta, shapes, X, Y, sw, "leaky_relu", loss, 0.1, workspace=ws)
    # a different, larger batch and different parameters in between
    _call(theta_b, shapes, X_b, Y_b, sw_b, "leaky_relu", loss, 0.5, workspace=ws)
    third = _call(theta, shapes, X, Y, sw, "leaky_relu", loss, 0.1, workspace=ws)

    assert first[0] == second[0] == third[0]
    assert_array_equal(first[1], second[1])
    assert_array_equal(first[1], third[1])
    # inputs are never written to
    for after, before in zip(
        (theta, X, Y, sw), (theta_before, X_before, Y_before, sw_before), strict=True
    ):
        assert_array_equal(after, before)


@pytest.mark.parametrize("loss", LOSSES)
def test_workspace_reused_with_other_parameters_of_the_same_batch_size(loss):
    # the cached views belong to one theta: another parameter vector, same
    # batch size, must be read from, not the one the views were built for
    shapes, theta, X, Y, sw = _problem(loss, "relu", n_samples=6)
    other = np.random.RandomState(7).normal(scale=0.7, size=theta.shape)
    ws = net.Workspace.allocate(shapes, 6, np.float64)
    _call(theta, shapes, X, Y, sw, "relu", loss, 0.1, workspace=ws)
    value, grad, _ = _call(other, shapes, X, Y, sw, "relu", loss, 0.1, workspace=ws)
    fresh_value, fresh_grad, _ = _call(other, shapes, X, Y, sw, "relu", loss, 0.1)
    assert value == fresh_value
    assert_array_equal(grad, fresh_grad)


def test_gradient_is_written_to_workspace_grad_with_views():
    shapes, theta, X, Y, sw = _problem("squared_error", "tanh")
    ws = net.Workspace.allocate(shapes, X.shape[0], np.float64)
    net.loss_and_gradient(theta, shapes, X, Y, sw, "tanh", "squared_error", 0.1, ws)
    coef_grads, intercept_grads = net.unpack(ws.grad, shapes)
    for mine, theirs in zip(
        coef_grads + intercept_grads, ws.coef_grads + ws.intercept_grads, strict=True
    ):
        assert_array_equal(mine, theirs)
        assert np.shares_memory(theirs, ws.grad)


def test_use_grad_makes_another_array_the_gradient():
    # a training loop trades the gradient array for an optimizer's state
    # array and back: the gradient is written into the array in use, with
    # views of it, and the views of the array set aside are kept for it
    shapes, theta, X, Y, sw = _problem("softmax_log_loss", "relu")
    ws = net.Workspace.allocate(shapes, X.shape[0], np.float64)
    args = (theta, shapes, X, Y, sw, "relu", "softmax_log_loss", 0.1, ws)
    first = ws.grad
    first_views = (ws.coef_grads, ws.intercept_grads)
    net.loss_and_gradient(*args)
    expected = first.copy()

    other = np.full_like(first, np.nan)
    ws.use_grad(other)
    assert ws.grad is other
    first.fill(np.nan)
    net.loss_and_gradient(*args)
    assert_array_equal(other, expected)
    assert np.isnan(first).all()  # the array set aside was not written
    for view in [*ws.coef_grads, *ws.intercept_grads]:
        assert np.shares_memory(view, other)
    other_views = (ws.coef_grads, ws.intercept_grads)

    ws.use_grad(first)  # back: its own views again, not rebuilt
    assert ws.grad is first
    assert ws.coef_grads is first_views[0]
    assert ws.intercept_grads is first_views[1]
    net.loss_and_gradient(*args)
    assert_array_equal(first, expected)
    ws.use_grad(other)
    assert ws.coef_grads is other_views[0]
    assert ws.intercept_grads is other_views[1]
    ws.use_grad(other)  # the array in use: nothing changes
    assert ws.grad is other and ws.coef_grads is other_views[0]

    third = np.empty_like(first)  # a new array gets views of its own
    ws.use_grad(third)
    net.loss_and_gradient(*args)
    assert_array_equal(third, expected)
    assert all(np.shares_memory(v, third) for v in ws.intercept_grads)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_in_place_parameter_updates_are_seen_by_the_next_call(activation):
    # the workspace keeps views of theta between calls: an optimizer writes
    # into theta in place, and the next call must use the new values
    shapes, theta, X, Y, sw = _problem("softmax_log_loss", activation)
    ws = net.Workspace.allocate(shapes, X.shape[0], np.float64)
    _call(theta, shapes, X, Y, sw, activation, "softmax_log_loss", 0.1, workspace=ws)
    theta -= 0.3 * ws.grad  # the in-place update a training step makes
    value, grad, _ = _call(
        theta, shapes, X, Y, sw, activation, "softmax_log_loss", 0.1, workspace=ws
    )
    fresh_value, fresh_grad, _ = _call(
        theta.copy(), shapes, X, Y, sw, activation, "softmax_log_loss", 0.1
    )
    assert value == fresh_value
    assert_array_equal(grad, fresh_grad)


def test_workspace_of_another_precision_is_refused():
    shapes, theta, X, Y, sw = _problem("squared_error")
    ws = net.Workspace.allocate(shapes, X.shape[0], np.float32)
    with pytest.raises(TypeError, match="float64.*float32"):
        net.loss_and_gradient(theta, shapes, X, Y, sw, "tanh", "squared_error", 0, ws)


# --------------------------------------------------------------------------
# 5. and 6. The l2 term


@pytest.mark.parametrize("l2", [0.37, 1e-4, 1e-9])  # small ones count as well
@pytest.mark.parametrize("loss", LOSSES)
def test_l2_penalises_weights_only(loss, l2):
    shapes, theta, X, Y, sw = _problem(loss, "tanh")
    value0, grad0, _ = _call(theta, shapes, X, Y, sw, "tanh", loss, 0.0)
    value, grad, _ = _call(theta, shapes, X, Y, sw, "tanh", loss, l2)
    n_w = net.n_weights(shapes)

    assert value == value0  # the returned loss is the data term only
    assert_array_equal(grad[n_w:], grad0[n_w:])  # biases untouched
    assert_allclose(grad[:n_w], grad0[:n_w] + l2 * theta[:n_w], rtol=1e-12, atol=1e-15)
    assert not np.array_equal(grad[:n_w], grad0[:n_w])


@pytest.mark.parametrize(
    "loss", ["softmax_log_loss", "logistic_log_loss", "squared_error", "huber"]
)
def test_zero_output_loss_is_the_loss_of_zero_logits(loss):
    rng = np.random.default_rng(0)
    if loss == "softmax_log_loss":
        Y = np.eye(4)[rng.integers(0, 4, 50)]
    elif loss == "logistic_log_loss":
        Y = rng.integers(0, 2, (50, 3)).astype(float)
    else:
        Y = rng.normal(0.0, 30.0, (50, 2))
    w = rng.uniform(0.0, 2.0, 50)
    z = np.zeros_like(Y)
    expected = net.LOSSES[loss].function(z, Y, w / w.sum(), np.empty_like(z), 1.5)
    assert_allclose(net.zero_output_loss(Y, w, loss, 1.5), expected, rtol=1e-12)


def _constant_targets(loss, rng, n=60):
    if loss == "softmax_log_loss":
        return np.eye(4)[rng.choice(4, n, p=[0.1, 0.2, 0.3, 0.4])]
    if loss == "logistic_log_loss":
        return (rng.random((n, 3)) < [0.1, 0.5, 0.8]).astype(float)
    return rng.standard_t(2.0, (n, 2)) * 3.0 + [5.0, -1.0]


@pytest.mark.parametrize(
    "loss", ["softmax_log_loss", "logistic_log_loss", "squared_error", "huber"]
)
def test_constant_output_loss_matches_closed_forms(loss):
    rng = np.random.default_rng(1)
    Y = _constant_targets(loss, rng)
    w = rng.uniform(0.0, 2.0, len(Y))
    p = (w @ Y) / w.sum()
    if loss == "softmax_log_loss":
        expected = -np.sum(p * np.log(p))  # the entropy of the frequencies
    elif loss == "logistic_log_loss":
        expected = -np.sum(p * np.log(p) + (1 - p) * np.log1p(-p))
    elif loss == "squared_error":
        expected = 0.5 * np.mean(w @ (Y - p) ** 2 / w.sum())
    else:  # the best constant of each output, by a fine grid search
        grid = np.linspace(Y.min(), Y.max(), 20001)
        r = np.abs(Y.T[:, :, None] - grid)
        c = np.minimum(r, 1.5)
        per_output = np.einsum("i,kig->kg", w / w.sum(), (r - 0.5 * c) * c)
        expected = per_output.min(axis=1).mean()
    assert_allclose(net.constant_output_loss(Y, w, loss, 1.5), expected, rtol=1e-7)


@pytest.mark.parametrize(
    "loss", ["softmax_log_loss", "logistic_log_loss", "squared_error", "huber"]
)
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_no_constant_output_beats_the_constant_output_loss(loss, seed):
    rng = np.random.default_rng(seed)
    Y = _constant_targets(loss, rng, n=20)
    w = rng.uniform(0.0, 2.0, len(Y))
    best = net.constant_output_loss(Y, w, loss, 1.5)
    z = np.repeat(rng.normal(0.0, 3.0, (1, Y.shape[1])), len(Y), axis=0)
    other = net.LOSSES[loss].function(z, Y, w / w.sum(), np.empty_like(z), 1.5)
    assert best <= other + 1e-9


def test_constant_output_loss_of_a_target_without_spread_is_zero():
    ones = np.ones(5)
    onehot = np.zeros((5, 3))
    onehot[:, 1] = 1.0
    assert net.constant_output_loss(onehot, ones, "softmax_log_loss") == 0.0
    assert net.constant_output_loss(np.ones((5, 1)), ones, "huber") == 0.0
    assert net.constant_output_loss(np.ones((5, 2)), ones, "logistic_log_loss") < 1e-15


def test_penalty_is_half_l2_squared_weight_norm():
    shapes, theta, *_ = _problem("squared_error")
    coefs, intercepts = _ref_split(theta, shapes)
    expected = 0.5 * 0.25 * sum(np.sum(c**2) for c in coefs)
    assert_allclose(net.penalty(theta, shapes, 0.25), expected, rtol=1e-12)
    assert net.penalty(theta, shapes, 0.0) == 0.0

    # biases play no part
    moved = theta.copy()
    moved[net.n_weights(shapes) :] += 10.0
    assert net.penalty(moved, shapes, 0.25) == net.penalty(theta, shapes, 0.25)


@pytest.mark.parametrize("loss", LOSSES)
def test_duplicated_batch_gives_same_loss_and_gradient(loss):
    shapes, theta, X, Y, sw = _problem(loss, "relu")
    value, grad, _ = _call(theta, shapes, X, Y, sw, "relu", loss, 0.5)
    X2, Y2, sw2 = np.vstack([X, X]), np.vstack([Y, Y]), np.concatenate([sw, sw])
    value2, grad2, _ = _call(theta, shapes, X2, Y2, sw2, "relu", loss, 0.5)
    assert_allclose(value2, value, rtol=1e-12)
    assert_allclose(grad2, grad, rtol=1e-11, atol=1e-14)


def test_sample_weight_scale_is_irrelevant_and_zero_weight_ignored():
    shapes, theta, X, Y, sw = _problem("logistic_log_loss", "tanh")
    value, grad, _ = _call(theta, shapes, X, Y, sw, "tanh", "logistic_log_loss")
    value_scaled, grad_scaled, _ = _call(
        theta, shapes, X, Y, 7.0 * sw, "tanh", "logistic_log_loss"
    )
    assert_allclose(value_scaled, value, rtol=1e-12)
    assert_allclose(grad_scaled, grad, rtol=1e-11, atol=1e-15)

    # an extra sample of weight zero changes nothing
    X3 = np.vstack([X, 100 * np.ones((1, X.shape[1]))])
    Y3 = np.vstack([Y, 1 - Y[:1]])
    value3, grad3, _ = _call(
        theta, shapes, X3, Y3, np.append(sw, 0.0), "tanh", "logistic_log_loss"
    )
    assert_allclose(value3, value, rtol=1e-12)
    assert_allclose(grad3, grad, rtol=1e-11, atol=1e-15)


# --------------------------------------------------------------------------
# 7. init_params


def _bound(fan_in, fan_out, activation):
    if activation == "logistic":
        return np.sqrt(2 / (fan_in + fan_out))
    return np.sqrt(6 / (fan_in + fan_out))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_init_params_bounds_biases_and_dtype(activation, dtype):
    shapes = net.layer_shapes(30, (60, 20), 5)
    theta = net.init_params(shapes, activation, np.random.RandomState(0), dtype)
    assert theta.dtype == dtype
    assert theta.shape == (net.n_params(shapes),)
    coefs, intercepts = _ref_split(theta, shapes)
    for (fan_in, fan_out), coef in zip(shapes, coefs, strict=True):
        bound = _bound(fan_in, fan_out, activation)
        assert np.abs(coef).max() <= bound
        # uniform over the full interval, not a narrower one
        assert np.abs(coef).max() > 0.9 * bound
        assert coef.min() < -0.5 * bound and coef.max() > 0.5 * bound
        assert abs(coef.mean()) < 0.1 * bound
    for intercept in intercepts:
        assert_array_equal(intercept, 0.0)


def test_init_params_deterministic_and_precisions_agree():
    shapes = net.layer_shapes(7, (6, 5), 3)
    a = net.init_params(shapes, "relu", np.random.RandomState(42), np.float64)
    b = net.init_params(shapes, "relu", np.random.RandomState(42), np.float64)
    c = net.init_params(shapes, "relu", np.random.RandomState(43), np.float64)
    single = net.init_params(shapes, "relu", np.random.RandomState(42), np.float32)
    assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert single.dtype == np.float32
    assert_array_equal(single, a.astype(np.float32))  # drawn in float64, cast

    generator = net.init_params(shapes, "tanh", np.random.default_rng(0), np.float64)
    again = net.init_params(shapes, "tanh", np.random.default_rng(0), np.float64)
    assert_array_equal(generator, again)


def test_init_params_leaves_global_random_state_alone():
    state = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(0)  # noqa: NPY002 -- the legacy global state is the subject
        expected = np.random.rand()  # noqa: NPY002
        np.random.seed(0)  # noqa: NPY002
        net.init_params(
            net.layer_shapes(3, (4,), 2), "tanh", np.random.RandomState(1), np.float64
        )
        assert np.random.rand() == expected  # noqa: NPY002
    finally:
        np.random.set_state(state)  # noqa: NPY002


# --------------------------------------------------------------------------
# 8. Parameter layout


def test_layer_shapes_and_counts():
    shapes = net.layer_shapes(3, (5, 4), 2)
    assert shapes == [(3, 5), (5, 4), (4, 2)]
    assert net.n_weights(shapes) == 15 + 20 + 8
    assert net.n_params(shapes) == 43 + 5 + 4 + 2
    assert net.layer_shapes(6, (), 1) == [(6, 1)]
    assert net.n_params(net.layer_shapes(6, (), 1)) == 7
    assert net.layer_shapes(2, [3], 4) == [(2, 3), (3, 4)]


def test_unpack_layout_and_views():
    shapes = net.layer_shapes(3, (5, 4), 2)
    theta = np.arange(net.n_params(shapes), dtype=np.float64)
    coefs, intercepts = net.unpack(theta, shapes)

    assert [c.shape for c in coefs] == shapes
    assert [b.shape for b in intercepts] == [(5,), (4,), (2,)]
    # all weights first, C order, then all biases
    assert_array_equal(coefs[0], np.arange(15).reshape(3, 5))
    assert_array_equal(coefs[1], np.arange(15, 35).reshape(5, 4))
    assert_array_equal(coefs[2], np.arange(35, 43).reshape(4, 2))
    assert_array_equal(intercepts[0], np.arange(43, 48))
    assert_array_equal(intercepts[1], np.arange(48, 52))
    assert_array_equal(intercepts[2], np.arange(52, 54))

    for view in coefs + intercepts:
        assert np.shares_memory(view, theta)
    coefs[1][2, 3] = -1.0
    intercepts[2][1] = -2.0
    assert theta[15 + 2 * 4 + 3] == -1.0
    assert theta[53] == -2.0
    theta[0] = -3.0
    assert coefs[0][0, 0] == -3.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pack_unpack_round_trip(dtype):
    shapes = net.layer_shapes(4, (3,), 2)
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=s) for s in shapes]
    intercepts = [rng.normal(size=s[1]) for s in shapes]
    theta = net.pack(coefs, intercepts, dtype)
    assert theta.dtype == dtype and theta.shape == (net.n_params(shapes),)
    coefs2, intercepts2 = net.unpack(theta, shapes)
    for a, b in zip(coefs + intercepts, coefs2 + intercepts2, strict=True):
        assert_array_equal(b, a.astype(dtype))

    again = net.pack(coefs2, intercepts2, dtype)
    assert_array_equal(again, theta)
    assert not np.shares_memory(again, theta)  # pack copies
    again[0] += 1
    assert theta[0] != again[0]


# --------------------------------------------------------------------------
# 9. forward


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out_activation", ["softmax", "logistic", "identity"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_plain_numpy(activation, out_activation, dtype):
    shapes, theta, X, *_ = _problem(
        "squared_error", activation, n_samples=11, dtype=dtype
    )
    theta = theta * 3  # large enough to saturate some units
    X_before = X.copy()
    out = net.forward(*net.unpack(theta, shapes), X, activation, out_activation)
    assert out.dtype == dtype and out.shape == (11, 3)
    assert_array_equal(X, X_before)

    z = _ref_logits(theta.astype(np.float64), shapes, X.astype(np.float64), activation)
    if out_activation == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        expected = e / e.sum(axis=1, keepdims=True)
        assert_allclose(
            out.sum(axis=1), 1.0, rtol=1e-6 if dtype == np.float32 else 1e-13
        )
        assert (out >= 0).all() and (out <= 1).all()
    elif out_activation == "logistic":
        expected = 1 / (1 + np.exp(-z))
        assert (out >= 0).all() and (out <= 1).all()
    else:
        expected = z
    rtol, atol = (1e-4, 1e-5) if dtype == np.float32 else (1e-12, 1e-13)
    assert_allclose(out, expected, rtol=rtol, atol=atol)
    assert_allclose(
        net.logits(*net.unpack(theta, shapes), X, activation),
        z,
        rtol=rtol,
        atol=atol * np.abs(z).max(),
    )


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_and_gradient_agrees_with_data_loss(loss):
    shapes, theta, X, Y, sw = _problem(loss, "relu")
    value, _, _ = _call(theta, shapes, X, Y, sw, "relu", loss, 0.3)
    assert_allclose(
        net.data_loss(theta, shapes, X, Y, sw, "relu", loss), value, rtol=1e-12
    )


# --------------------------------------------------------------------------
# 10. Property: finite, non-negative loss and finite gradient


@settings(max_examples=150, deadline=None)
@given(
    n_samples=st.integers(1, 6),
    n_features=st.integers(1, 4),
    hidden=st.lists(st.integers(1, 4), min_size=0, max_size=2),
    n_outputs=st.integers(1, 3),
    activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(LOSSES),
    dtype=st.sampled_from([np.float32, np.float64]),
    scale=st.floats(1e-3, 30.0),
    l2=st.floats(0.0, 10.0),
    huber_delta=st.floats(0.01, 10.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_loss_finite_non_negative_gradient_finite(
    n_samples,
    n_features,
    hidden,
    n_outputs,
    activation,
    loss,
    dtype,
    scale,
    l2,
    huber_delta,
    seed,
):
    rng = np.random.RandomState(seed)
    shapes = net.layer_shapes(n_features, hidden, n_outputs)
    theta = (scale * rng.normal(size=net.n_params(shapes))).astype(dtype)
    X = (scale * rng.normal(size=(n_samples, n_features))).astype(dtype)
    Y = _targets(rng, n_samples, n_outputs, loss).astype(dtype)
    sw = rng.uniform(0.0, 2.0, size=n_samples).astype(dtype)
    sw[rng.randint(n_samples)] += 0.1  # positive sum
    ws = net.Workspace.allocate(shapes, n_samples + rng.randint(3), dtype)

    value = net.loss_and_gradient(
        theta, shapes, X, Y, sw, activation, loss, l2, ws, huber_delta=huber_delta
    )
    assert np.isfinite(value)
    assert value >= 0.0
    assert np.isfinite(ws.grad).all()
    assert ws.grad.dtype == dtype
    assert np.isfinite(net.penalty(theta, shapes, l2))
    assert net.penalty(theta, shapes, l2) >= 0.0


# --------------------------------------------------------------------------
# flush_subnormal


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
def test_flush_subnormal_zeroes_subnormals_and_keeps_everything_else(dtype):
    info = np.finfo(dtype)
    theta = np.array(
        [
            info.tiny,  # the smallest normal number: kept
            -info.tiny,
            info.tiny * (1 - info.eps),  # the largest subnormal
            -info.smallest_subnormal,
            0.0,
            -0.0,
            1.5,
            -info.max,
            np.inf,
            -np.inf,
            np.nan,
        ],
        dtype=dtype,
    )
    expected = theta.copy()
    expected[2:4] = 0.0
    scratch = np.empty_like(theta)
    net.flush_subnormal(theta, scratch)
    assert theta.dtype == dtype
    assert_array_equal(theta, expected)  # nan in the same place


@settings(max_examples=50, deadline=None)
@given(
    exponents=st.lists(st.integers(-330, 40), min_size=1, max_size=40),
    float32=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_flush_subnormal_changes_exactly_the_subnormals(exponents, float32, seed):
    dtype = np.float32 if float32 else np.float64
    rng = np.random.RandomState(seed)
    with np.errstate(over="ignore", under="ignore"):
        values = rng.uniform(-10, 10, len(exponents)) * 10.0 ** np.array(exponents)
        theta = values.astype(dtype)
    subnormal = (theta != 0) & (np.abs(theta) < np.finfo(dtype).tiny)
    expected = np.where(subnormal, dtype(0), theta)
    net.flush_subnormal(theta, np.empty_like(theta))
    assert_array_equal(theta, expected)


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
def test_a_subnormal_output_error_is_flushed(dtype):
    # no hidden layer and X = 0: the logits are the biases; class 1's
    # probability e^-95 / 2 is subnormal in float32, normal in float64
    shapes = net.layer_shapes(1, (), 3)
    theta = np.zeros(net.n_params(shapes), dtype=dtype)
    _, intercepts = net.unpack(theta, shapes)
    intercepts[0][:] = [0.0, -95.0, 0.0]
    ws = net.Workspace.allocate(shapes, 1, dtype)
    X = np.zeros((1, 1), dtype=dtype)
    Y = np.array([[1.0, 0.0, 0.0]], dtype=dtype)
    net.loss_and_gradient(
        theta, shapes, X, Y, np.ones(1, dtype), "relu", "softmax_log_loss", 0.0, ws
    )
    grad = ws.intercept_grads[0]
    p1 = np.exp(-95.0) / (2 + np.exp(-95.0))
    assert p1 < np.finfo(np.float32).tiny
    expected_1 = 0.0 if dtype == np.float32 else p1
    # atol=0: float32's must be 0 exactly
    assert_allclose(grad, [-0.5, expected_1, 0.5], rtol=1e-6, atol=0)


@pytest.mark.parametrize("dtype", _BOTH_PRECISIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_a_step_allocates_nothing_the_size_of_a_layer(loss, dtype):
    # every buffer of a batch lives in the workspace, allocated once per fit,
    # the loss's too; NumPy's own iteration buffers (8192 elements each) and vectors
    # of one value per sample stay far below a layer, the output layer included
    rng = np.random.RandomState(0)
    n, k = 512, 256
    shapes = net.layer_shapes(20, (512, 512), k)
    theta = net.init_params(shapes, "relu", rng, dtype)
    ws = net.Workspace.allocate(shapes, n, dtype)
    X = rng.normal(size=(n, 20)).astype(dtype)
    Y = _targets(rng, n, k, loss).astype(dtype)
    w = np.ones(n, dtype=dtype)
    args = (theta, shapes, X, Y, w, "relu", loss, 1e-4, ws)
    net.loss_and_gradient(*args)  # the first call of a batch size builds views
    tracemalloc.start()
    try:
        for _ in range(3):
            net.loss_and_gradient(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    smallest_layer = n * k * np.dtype(dtype).itemsize
    assert peak < smallest_layer / 4


def test_constant_output_loss_works_through_the_rows_in_parts():
    # the loss of the class frequencies is their entropy; it is computed a
    # few thousand rows at a time, with no n x n_outputs array besides Y
    rng = np.random.RandomState(0)
    n, k = 100_000, 50
    labels = rng.randint(0, k, n)
    Y = np.zeros((n, k))
    Y[np.arange(n), labels] = 1.0
    w = rng.uniform(0.5, 2.0, n)
    p = np.bincount(labels, weights=w, minlength=k) / w.sum()
    tracemalloc.start()
    try:
        loss = net.constant_output_loss(Y, w, "softmax_log_loss")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loss == pytest.approx(-(p * np.log(p)).sum(), rel=1e-12)
    assert peak < Y.nbytes / 4

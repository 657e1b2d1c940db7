"""The NumPy core of the multilayer perceptron.

Pure functions: parameters, a batch and preallocated buffers go in; a loss and
gradients come out. Nothing here knows about scikit-learn or about learning
rates.

All parameters of a network live in one contiguous 1-D array ``theta``: every
weight matrix first (layer by layer, C order), then every bias vector. The
matrices the estimators expose as ``coefs_`` and ``intercepts_`` are views
into it, and gradients use the same layout, so an optimizer updates the whole
network with a handful of vectorised calls and the l2 penalty touches one
contiguous slice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import get_blas_funcs
from scipy.optimize import minimize_scalar
from scipy.special import expit

LEAKY_SLOPE = 0.01


# --------------------------------------------------------------------------
# Hidden activations: each applies f in place to z. ``zeros`` is an all-zero
# array shaped like z: np.maximum with it instead of with the scalar 0 takes
# NumPy's vectorised same-shape loop (1.5-4x faster). ``scratch`` is a buffer
# shaped like z; outside training it may be None and ``zeros`` the scalar 0.
#
# Each derivative multiplies ``delta`` in place by f'(z), written through the
# activation's output a, which the backward pass no longer needs after this:
# a may be overwritten on the way, so no buffer is needed for f'(z). ``mask``
# is a boolean buffer shaped like a.


def _identity(z, scratch, zeros):
    pass


def _logistic(z, scratch, zeros):
    expit(z, out=z)


def _tanh(z, scratch, zeros):
    np.tanh(z, out=z)


def _relu(z, scratch, zeros):
    np.maximum(z, zeros, out=z)


def _leaky_relu(z, scratch, zeros):
    scratch = np.multiply(z, LEAKY_SLOPE, out=scratch)  # None: a new array
    np.maximum(z, scratch, out=z)


def _identity_derivative(a, delta, mask):
    pass


def _logistic_derivative(a, delta, mask):
    delta *= a  # f' = a (1 - a)
    np.subtract(1, a, out=a)
    delta *= a


def _tanh_derivative(a, delta, mask):
    np.multiply(a, a, out=a)  # f' = 1 - a^2
    np.subtract(1, a, out=a)
    delta *= a


def _relu_derivative(a, delta, mask):
    # through a boolean mask rather than a 0/1 float array written over a:
    # an eighth of the bytes to write (in float64), and a stays as it is.
    # At batch 256 in float64, where a and delta have left the cache of the
    # core that reads them, a step took about 3% less (1-2% of an epoch)
    np.greater(a, 0, out=mask)
    np.multiply(delta, mask, out=delta)


def _leaky_relu_derivative(a, delta, mask):
    np.greater(a, 0, out=a)
    a *= 1 - LEAKY_SLOPE
    a += LEAKY_SLOPE
    delta *= a


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
}

DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
    "leaky_relu": _leaky_relu_derivative,
}


# --------------------------------------------------------------------------
# Output layers. Each loss takes the output logits ``z`` (n, k), the targets
# ``Y`` (n, k), the normalised sample weights ``w`` (n,) summing to one and a
# scratch array shaped like z. It returns the weighted mean sample loss and
# overwrites z with the gradient of that mean with respect to the logits.
# They work on the transposed (k, n) views, where the reductions over a
# sample's outputs run along rows: fast for the Fortran-ordered outputs of
# training (see Workspace.batch_views), correct for any layout.


def _softmax(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)


def _logistic_out(z):
    expit(z, out=z)


def _identity_out(z):
    pass


OUT_ACTIVATIONS = {
    "softmax": _softmax,
    "logistic": _logistic_out,
    "identity": _identity_out,
}


def _softmax_log_loss(z, Y, w, scratch, huber_delta):
    # log-softmax through the shifted logits: -log p_ik = log(sum_j e^zs_ij) - zs_ik
    zT, weighted = z.T, np.multiply(Y.T, w, out=scratch.T)  # w_i Y_ik
    zT -= zT.max(axis=0)
    linear = float(np.vdot(weighted, zT))
    np.exp(zT, out=zT)
    norm = zT.sum(axis=0)
    zT /= norm
    loss = float(w @ np.log(norm, out=norm)) - linear
    zT *= w
    zT -= weighted  # w_i (p_ik - Y_ik)
    return loss


def _logistic_log_loss(z, Y, w, scratch, huber_delta):
    # for y in {0, 1} the log-loss of sigmoid(z) is log(1 + e^{(1 - 2y) z}):
    # each term non-negative and computed without cancellation
    zT, terms = z.T, np.multiply(Y.T, -2, out=scratch.T)
    terms += 1
    terms *= zT
    np.logaddexp(0, terms, out=terms)
    loss = float(w @ terms.sum(axis=0))
    expit(zT, out=zT)
    zT -= Y.T
    zT *= w
    return loss


def _squared_error(z, Y, w, scratch, huber_delta):
    # 1/2 mean over outputs of the squared residual, per sample
    n_outputs = z.shape[1]
    zT = z.T
    zT -= Y.T
    loss = 0.5 * float(np.einsum("i,ki,ki->", w, zT, zT)) / n_outputs
    zT *= w
    if n_outputs > 1:
        zT /= n_outputs
    return loss


def _huber(z, Y, w, scratch, huber_delta):
    # quadratic r^2/2 within |r| <= delta, linear delta (|r| - delta/2) beyond
    n_outputs = z.shape[1]
    zT, clipped = z.T, scratch.T
    zT -= Y.T
    np.clip(zT, -huber_delta, huber_delta, out=clipped)  # c, the gradient
    # loss = |r| |c| - c^2/2 = r c - c^2/2 with c = clip(r, -delta, delta):
    # r^2/2 inside, delta (|r| - delta/2) beyond; the first sum is at least
    # twice the second, so their difference keeps all but a bit of it
    loss = float(np.einsum("i,ki,ki->", w, zT, clipped))
    loss -= 0.5 * float(np.einsum("i,ki,ki->", w, clipped, clipped))
    loss /= n_outputs
    np.multiply(clipped, w, out=zT)
    if n_outputs > 1:
        zT /= n_outputs
    return loss


def _huber_terms(r, delta):
    """The Huber loss of residuals ``r``, elementwise: c (|r| - c/2) with
    c = min(|r|, delta) (allocating; for use outside training)."""
    clipped = np.minimum(np.abs(r), delta)
    return (np.abs(r) - 0.5 * clipped) * clipped


# The loss of a zero output (the targets' own scale) and the logits of the
# best constant prediction (the weighted class frequencies, mean or Huber
# location): ``w`` normalised float64 weights, ``Y`` the encoded targets
# (in float64 for the constant logits).


def _softmax_zero(Y, w, huber_delta):
    return float(np.log(Y.shape[1]) * (w @ Y.sum(axis=1)))


def _softmax_constant(Y, w, huber_delta):
    # log p for p the class frequencies; an absent class gets a finite
    # floor, so that its zero-weight terms stay 0 * finite
    mean = w @ Y
    return np.log(np.maximum(mean / mean.sum(), np.finfo(np.float64).tiny))


def _logistic_zero(Y, w, huber_delta):
    return float(np.log(2.0) * Y.shape[1])


def _logistic_constant(Y, w, huber_delta):
    tiny, epsneg = np.finfo(np.float64).tiny, np.finfo(np.float64).epsneg
    p = np.clip(w @ Y, tiny, 1.0 - epsneg)
    return np.log(p) - np.log1p(-p)


def _squared_error_zero(Y, w, huber_delta):
    return 0.5 * float(np.einsum("i,ik,ik->", w, Y, Y)) / Y.shape[1]


def _squared_error_constant(Y, w, huber_delta):
    return w @ Y


def _huber_zero(Y, w, huber_delta):
    return float(w @ _huber_terms(Y, huber_delta).sum(axis=1)) / Y.shape[1]


def _huber_constant(Y, w, huber_delta):
    return np.array([_huber_location(y, w, huber_delta) for y in Y.T])


@dataclass(frozen=True)
class Loss:
    """A loss with the output activation it is paired with; ``real_targets``:
    the targets are real values (a regression), whose scale sets the loss's
    (a log-loss's targets are 0 and 1); ``zero_output`` and
    ``constant_logits``: see `zero_output_loss` and `constant_output_loss`."""

    out_activation: str
    function: object
    zero_output: object
    constant_logits: object
    real_targets: bool = False


LOSSES = {
    "softmax_log_loss": Loss(
        "softmax", _softmax_log_loss, _softmax_zero, _softmax_constant
    ),
    "logistic_log_loss": Loss(
        "logistic", _logistic_log_loss, _logistic_zero, _logistic_constant
    ),
    "squared_error": Loss(
        "identity",
        _squared_error,
        _squared_error_zero,
        _squared_error_constant,
        real_targets=True,
    ),
    "huber": Loss("identity", _huber, _huber_zero, _huber_constant, real_targets=True),
}


# --------------------------------------------------------------------------
# Parameter layout


def layer_shapes(n_features, hidden_layer_sizes, n_outputs):
    """Return the (fan_in, fan_out) shape of every weight matrix."""
    sizes = [n_features, *hidden_layer_sizes, n_outputs]
    return [(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]


def n_weights(shapes):
    """Number of weight entries (the l2-penalised part of theta)."""
    return sum(fan_in * fan_out for fan_in, fan_out in shapes)


def n_params(shapes):
    """Total number of parameters: weights then biases."""
    return n_weights(shapes) + sum(fan_out for _, fan_out in shapes)


def unpack(theta, shapes):
    """Views of ``theta`` as weight matrices and bias vectors.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
        Flat parameter (or gradient) vector.
    shapes : list of (int, int)
        Weight shapes as returned by :func:`layer_shapes`.

    Returns
    -------
    coefs, intercepts : list of ndarray
        Views sharing memory with ``theta``.
    """
    coefs, intercepts = [], []
    start = 0
    for fan_in, fan_out in shapes:
        stop = start + fan_in * fan_out
        coefs.append(theta[start:stop].reshape(fan_in, fan_out))
        start = stop
    for _, fan_out in shapes:
        intercepts.append(theta[start : start + fan_out])
        start += fan_out
    return coefs, intercepts


def pack(coefs, intercepts, dtype):
    """Copy weight matrices and bias vectors into a new flat vector."""
    parts = [np.ravel(c) for c in coefs] + [np.ravel(b) for b in intercepts]
    return np.concatenate(parts).astype(dtype, copy=False)


def init_params(shapes, activation, random_state, dtype):
    """Draw initial parameters.

    Weights are uniform in ``[-b, b]`` with Glorot's bound
    ``b = sqrt(6 / (fan_in + fan_out))`` for every activation
    (``sqrt(2 / (fan_in + fan_out))`` for logistic units, as Glorot & Bengio
    recommend), as scikit-learn's MLP does. For the shallow relu networks
    these estimators are used with, Glorot generalises better than He's
    ``sqrt(6 / fan_in)`` (median test accuracy on digits 0.977 against
    0.973 over ten seeds). Biases start at zero. Values are drawn in float64
    and then cast, so one seed gives the same network in both precisions up
    to rounding.

    Parameters
    ----------
    shapes : list of (int, int)
        Weight shapes as returned by :func:`layer_shapes`.
    activation : str
        Hidden activation name.
    random_state : numpy.random.RandomState or numpy.random.Generator
        Source of randomness.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    theta : ndarray of shape (n_params,)
    """
    theta = np.zeros(n_params(shapes), dtype=dtype)
    coefs, _ = unpack(theta, shapes)
    for (fan_in, fan_out), coef in zip(shapes, coefs, strict=True):
        factor = 2.0 if activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef[...] = random_state.uniform(-bound, bound, size=(fan_in, fan_out))
    return theta


# --------------------------------------------------------------------------
# Training step


@dataclass
class Workspace:
    """Buffers for one batch size, allocated once per fit.

    ``activations[i]`` holds the output of hidden layer i, its last entry
    the output logits (overwritten with the output delta), ``deltas[i]`` the
    gradient with respect to the pre-activation of hidden layer i (and the
    scratch space of that layer's activation in the forward pass),
    ``mask`` a flat boolean buffer the derivative of every hidden layer
    uses in turn (:meth:`batch_views` shapes it per layer),
    ``scratch`` room for an array shaped like the output layer, for the loss.
    The output logits and ``scratch`` are flat: :meth:`batch_views` shapes
    them per batch size. ``grad`` is the flat gradient, laid out like theta,
    with ``coef_grads``/``intercept_grads`` views into it; a training loop
    may trade it for an optimizer's state array (see :meth:`use_grad`),
    which ``shapes`` (the weight shapes) lays out. ``zeros`` and ``ones``
    are constant buffers (flat, large enough for any layer of a batch) the
    step compares with and multiplies by; ``axpy``
    (``y += a * x``) and ``ger`` (``A += a * x y^T``) are BLAS routines of
    theta's precision.
    """

    activations: list
    deltas: list
    mask: np.ndarray
    scratch: np.ndarray
    weights: np.ndarray
    grad: np.ndarray
    coef_grads: list
    intercept_grads: list
    n_weights: int
    zeros: np.ndarray
    ones: np.ndarray
    shapes: list
    axpy: object
    ger: object
    _views: tuple = (None, None, None)
    # (grad, coef_grads, intercept_grads) as they were before use_grad
    _spare_grad: tuple | None = None

    @classmethod
    def allocate(cls, shapes, batch_size, dtype):
        """Allocate every buffer needed for batches of up to ``batch_size``."""
        widths = [fan_out for _, fan_out in shapes]
        # hidden layers row by row; the output layer (and the loss's scratch)
        # flat, viewed class-major per batch (see batch_views)
        activations = [np.empty((batch_size, k), dtype=dtype) for k in widths[:-1]]
        activations.append(np.empty(batch_size * widths[-1], dtype=dtype))
        deltas = [np.empty((batch_size, k), dtype=dtype) for k in widths[:-1]]
        largest = batch_size * max(widths[:-1], default=0)
        grad = np.empty(n_params(shapes), dtype=dtype)
        coef_grads, intercept_grads = unpack(grad, shapes)
        axpy, ger = get_blas_funcs(("axpy", "ger"), dtype=dtype)
        return cls(
            activations=activations,
            deltas=deltas,
            mask=np.empty(largest, dtype=bool),
            scratch=np.empty(batch_size * widths[-1], dtype=dtype),
            weights=np.empty(batch_size, dtype=dtype),
            grad=grad,
            coef_grads=coef_grads,
            intercept_grads=intercept_grads,
            n_weights=n_weights(shapes),
            zeros=np.zeros(largest, dtype=dtype),
            ones=np.ones(batch_size, dtype=dtype),
            shapes=list(shapes),
            axpy=axpy,
            ger=ger,
        )

    def use_grad(self, array):
        """Make ``array``, shaped and typed like ``grad``, the gradient buffer.

        An optimizer that keeps the gradient array as its new state hands
        back its old state array instead (see ``_Optimizer._step``): the
        gradient then alternates between two arrays, and the views of the
        one set aside are kept for its return.
        """
        if array is self.grad:
            return
        spare = self._spare_grad
        if spare is None or spare[0] is not array:
            spare = (array, *unpack(array, self.shapes))
        self._spare_grad = (self.grad, self.coef_grads, self.intercept_grads)
        self.grad, self.coef_grads, self.intercept_grads = spare

    def batch_views(self, theta, shapes, n):
        """Views for a batch of ``n`` rows, built once per (theta, n).

        Returns ``(coefs, intercepts, activations, deltas, masks, scratch,
        zeros)``: lists over layers of theta's weight matrices and bias
        vectors and of the first ``n`` rows of every buffer (``masks[i]``
        and ``zeros[i]``, views of one buffer each, shaped like hidden
        layer i), and ``scratch`` shaped like the output. A training loop
        calls the step hundreds of times with the same theta and batch size;
        caching saves rebuilding some twenty views per call.

        The output layer and ``scratch`` are (n, k) Fortran-ordered views:
        the loss reduces over the k outputs of every sample, which NumPy does
        several times faster along the rows of a C-ordered (k, n) array than
        along the short rows of an (n, k) one.
        """
        cached_theta, cached_n, views = self._views
        if cached_theta is theta and cached_n == n:
            return views
        coefs, intercepts = unpack(theta, shapes)
        zeros = [self.zeros[: n * k].reshape(n, k) for _, k in shapes[:-1]]
        k = shapes[-1][1]
        outputs = self.activations[-1][: n * k].reshape(k, n).T
        views = (
            coefs,
            intercepts,
            [a[:n] for a in self.activations[:-1]] + [outputs],
            [d[:n] for d in self.deltas],
            [self.mask[: n * k].reshape(n, k) for _, k in shapes[:-1]],
            self.scratch[: n * k].reshape(k, n).T,
            zeros,
        )
        self._views = (theta, n, views)
        return views


#: Training flushes subnormal weights and optimizer state (see
#: `flush_subnormal`) every this many optimizer steps; `loss_and_gradient`
#: flushes the output layer's error at every step.
FLUSH_EVERY = 64


def flush_subnormal(array, scratch):
    """Set the entries smaller in magnitude than the dtype's smallest normal
    number to zero, in place.

    Arithmetic on subnormal numbers (below 1.2e-38 in float32, 2.2e-308 in
    float64) takes a slow path on x86 CPUs, some hundred cycles per
    operation. Training meets them three ways:

    - an adaptive rule with ``l2`` can leave the weights of units the data
      no longer reaches there (a few percent of float32 weights made the
      matrix products four times slower);
    - a confident output's error, the probability of a class the network
      rules out, can be subnormal;
    - state that decays geometrically while its gradient is 0 (momentum,
      moments) ends stuck on a subnormal number, as the smallest one times
      0.9 rounds back to itself (a quarter of Adam's float32 first moment
      made its update four times slower).

    Every other value, inf and nan included, is left exactly as it is.
    ``scratch`` is an array shaped like ``array``, overwritten.
    """
    np.abs(array, out=scratch)
    np.greater_equal(scratch, np.finfo(array.dtype).tiny, out=scratch)
    # times 1 where normal (exact), times 0 where subnormal or zero; nan
    # stays nan (its comparison is false and nan * 0 is nan)
    array *= scratch


def _first_layer(X, coef, out):
    if sp.issparse(X):
        out[...] = X @ coef
    else:
        np.matmul(X, coef, out=out)


def _first_layer_grad(X, delta, out):
    if sp.issparse(X):
        out[...] = X.T @ delta
    else:
        np.matmul(X.T, delta, out=out)


def loss_and_gradient(
    theta,
    shapes,
    X,
    Y,
    sample_weight,
    activation,
    loss,
    l2,
    workspace,
    huber_delta=1.0,
):
    """Weighted mean loss of one batch and its gradient.

    The objective is ``sum_i w_i l_i / sum_i w_i + l2 / 2 * sum ||W||^2``
    over the weight matrices (not the biases). The gradient, laid out like
    ``theta``, is written to ``workspace.grad``.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
        Flat parameters, of the workspace's dtype.
    shapes : list of (int, int)
        Weight shapes.
    X : ndarray or sparse matrix of shape (n, n_features)
        The batch, n no larger than the workspace's batch size.
    Y : ndarray of shape (n, n_outputs)
        Encoded targets, same dtype as theta.
    sample_weight : ndarray of shape (n,)
        Non-negative weights with a positive sum.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    loss : str
        A key of ``LOSSES``.
    l2 : float
        Strength of the squared-norm penalty.
    workspace : Workspace
        Buffers from :meth:`Workspace.allocate`.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.

    Returns
    -------
    data_loss : float
        Weighted mean sample loss of the batch (without the l2 term).
    """
    if theta.dtype != workspace.grad.dtype:
        raise TypeError(
            f"theta is {theta.dtype} but the workspace is {workspace.grad.dtype}."
        )
    n = X.shape[0]
    coefs, intercepts, acts, deltas, masks, scratch, zeros = workspace.batch_views(
        theta, shapes, n
    )
    ones = workspace.ones[:n]
    ger = workspace.ger
    forward_activation = ACTIVATIONS[activation]
    derivative = DERIVATIVES[activation]
    last = len(shapes) - 1

    # forward; the bias is added by a BLAS rank-one update of the
    # Fortran-ordered view: z^T += b 1^T, in place (2-3x faster than NumPy's
    # broadcast add)
    _first_layer(X, coefs[0], acts[0])
    for i in range(len(shapes)):
        if i > 0:
            np.matmul(acts[i - 1], coefs[i], out=acts[i])
        if i < last:
            ger(1.0, intercepts[i], ones, a=acts[i].T, overwrite_a=True)
            forward_activation(acts[i], deltas[i], zeros[i])
        else:  # Fortran-ordered: z += 1 b^T
            ger(1.0, ones, intercepts[i], a=acts[i], overwrite_a=True)

    # output delta and loss
    w = workspace.weights[:n]
    np.divide(sample_weight, sample_weight.sum(), out=w)
    data_loss = LOSSES[loss].function(acts[last], Y, w, scratch, huber_delta)
    # a confident output's error can be subnormal (a probability below
    # 1.2e-38 in float32), which slows every product it enters
    flush_subnormal(acts[last].T, scratch.T)

    # backward; bias gradients as 1^T delta (a BLAS product, not a reduction)
    delta = acts[last]
    for i in range(last, -1, -1):
        np.matmul(ones, delta, out=workspace.intercept_grads[i])
        if i == 0:
            _first_layer_grad(X, delta, workspace.coef_grads[0])
            break
        np.matmul(acts[i - 1].T, delta, out=workspace.coef_grads[i])
        previous = deltas[i - 1]
        np.matmul(delta, coefs[i].T, out=previous)
        derivative(acts[i - 1], previous, masks[i - 1])  # may overwrite acts[i - 1]
        delta = previous

    # l2 on the weights only
    if l2:
        n_w = workspace.n_weights
        workspace.axpy(theta[:n_w], workspace.grad[:n_w], a=l2)
    return data_loss


def zero_output_loss(Y, sample_weight, loss, huber_delta=1.0):
    """Weighted mean loss of a network whose output logits are all zero.

    The loss the targets alone set, used as the scale a diverging loss is
    measured against: log k (softmax over k classes), k log 2 (k logistic
    outputs), the loss of predicting 0 (squared error, Huber).

    Parameters
    ----------
    Y : ndarray of shape (n, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n,)
        Non-negative weights with a positive sum.
    loss : str
        A key of ``LOSSES``.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.

    Returns
    -------
    loss : float
    """
    w = np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight)
    return LOSSES[loss].zero_output(Y, w, huber_delta)


def constant_output_loss(Y, sample_weight, loss, huber_delta=1.0):
    """Weighted mean loss of the best constant prediction.

    What a network that ignores its input can reach: predicting the
    weighted class frequencies (log-losses), the weighted mean (squared
    error) or the weighted Huber location (Huber) of every output. A
    training loss that does not fall below it has learned nothing from X.

    Parameters
    ----------
    Y : ndarray of shape (n, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n,)
        Non-negative weights with a positive sum.
    loss : str
        A key of ``LOSSES``.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.

    Returns
    -------
    loss : float
    """
    Y = np.asarray(Y, dtype=np.float64)
    w = np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight)
    logits = LOSSES[loss].constant_logits(Y, w, huber_delta)
    # the rows a few thousand at a time: the constant logits and the loss's
    # scratch for all rows at once would be two more n x n_outputs arrays (a
    # range test on many classes); the losses sum w_i l_i, so the parts add up
    total = 0.0
    for start in range(0, Y.shape[0], 4096):
        rows = slice(start, start + 4096)
        z = np.repeat(logits[np.newaxis], Y[rows].shape[0], axis=0)
        total += LOSSES[loss].function(
            z, Y[rows], w[rows], np.empty_like(z), huber_delta
        )
    return total


def _huber_location(y, w, delta):
    """The constant c minimising the weighted Huber loss of y - c."""
    if y.min() == y.max():
        return float(y[0])

    def objective(c):
        return float(w @ _huber_terms(y - c, delta))

    # convex in c, and its minimum lies within the range of y
    span = float(y.max() - y.min())
    found = minimize_scalar(
        objective,
        bounds=(float(y.min()), float(y.max())),
        method="bounded",
        options={"xatol": 1e-9 * span},
    )
    return float(found.x)


def penalty(theta, shapes, l2):
    """The l2 term ``l2 / 2 * sum ||W||^2`` over weight matrices."""
    if not l2:
        return 0.0
    weights = theta[: n_weights(shapes)]
    return 0.5 * l2 * float(weights @ weights)


def logits(coefs, intercepts, X, activation):
    """Output-layer pre-activations for X (allocating; used outside training).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Weight matrices and bias vectors, as :func:`unpack` returns them.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input, of the weights' dtype.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.

    Returns
    -------
    z : ndarray of shape (n_samples, n_outputs)
    """
    forward_activation = ACTIVATIONS[activation]
    a = X
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        z = np.asarray(a @ coef)
        z += intercept
        if i < len(coefs) - 1:
            # no scratch buffer handed in: an unused one of this size would
            # cost more than the layer (fresh pages on every call)
            forward_activation(z, None, 0)
        a = z
    return a


def forward(coefs, intercepts, X, activation, out_activation):
    """Network output for X (allocating; used for prediction).

    Parameters are those of :func:`logits`, and ``out_activation``, a key of
    ``OUT_ACTIVATIONS``.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
        Probabilities for softmax/logistic outputs, values for identity.
    """
    z = logits(coefs, intercepts, X, activation)
    OUT_ACTIVATIONS[out_activation](z)
    return z


def data_loss(theta, shapes, X, Y, sample_weight, activation, loss, huber_delta=1.0):
    """Weighted mean sample loss over a whole data set (allocating)."""
    z = logits(*unpack(theta, shapes), X, activation)
    w = np.asarray(sample_weight, dtype=z.dtype) / np.sum(sample_weight)
    Y = np.asarray(Y, dtype=z.dtype)
    return LOSSES[loss].function(z, Y, w, np.empty_like(z), huber_delta)

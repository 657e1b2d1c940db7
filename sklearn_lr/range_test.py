r"""Smith's learning-rate range test.

:func:`lr_range_test` trains a copy of an estimator for about a hundred
mini-batch steps while α grows exponentially, records the loss of every
batch and suggests a learning rate from where the loss falls fastest.

It drives the estimator through its public API only: the copy gets a
private policy whose clock maps to the step index, and is trained with one
``partial_fit`` call per mini-batch (one call is one epoch of the
estimator's clock, so epoch ``k`` is step ``k``), reading each batch's loss
from ``loss_curve_``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    validate_parameter_constraints,
)
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from . import _network
from ._base import BaseSGDNet
from ._checks import training_weights
from ._classifier import _check_targets
from ._policies.base import _POSITIVE
from ._training import caller_stacklevel
from .schedules import _Policy, _Schedule

__all__ = ["RangeTestResult", "lr_range_test"]

# what lr_range_test looks through to find the network it tests
_WRAPPERS = (Pipeline, TransformedTargetRegressor)

_CONSTRAINTS = {
    "min_lr": [_POSITIVE],
    "max_lr": [_POSITIVE],
    "n_steps": [Interval(Integral, 2, None, closed="left")],
    "smoothing": [Interval(Real, 0, 1, closed="right")],
    "diverge_factor": [Interval(Real, 1, None, closed="right")],
    "sample_weight": ["array-like", None],
    "random_state": ["random_state"],
}
# Share of the steps ignored at the start by the suggestion rules and by the
# divergence ratio: there the bias-corrected average rests on only a few
# noisy batches.
_SKIP_START = 0.1
# Half-width of the secant of the steepest-descent rule, as a share of the steps.
_SLOPE_SPAN = 0.05
# The valley rule picks the point this far down the descent, in loss.
_VALLEY_DEPTH = 2.0 / 3.0
# batch losses averaged to judge whether the loss fell below the constant
# prediction's (see _learned)
_WINDOW = 5
# standard deviations of its noise the loss must fall below the constant
# prediction's (see _learned)
_SIGMAS = 4.0


# --------------------------------------------------------------------------
# The ramp, as a policy the estimators accept.


class _ExponentialRampSchedule(_Schedule):
    def __init__(self, min_lr, max_lr, n_steps):
        self.min_lr, self.max_lr, self.n_steps = min_lr, max_lr, n_steps

    def rate(self, t: float) -> float:
        pct = min(max(float(t), 0.0) / (self.n_steps - 1), 1.0)
        if pct == 0.0:
            return self.min_lr
        if pct == 1.0:
            return self.max_lr
        # in log space: the ratio of bounds far apart overflows a float
        low, high = math.log(self.min_lr), math.log(self.max_lr)
        return math.exp(low + pct * (high - low))


class _ExponentialRamp(_Policy):
    r"""α growing from `min_lr` to `max_lr` over `n_steps` epochs, then held.

    .. math::
        \alpha_t = \alpha_{min} (\alpha_{max} / \alpha_{min})^{\min(t/(n-1), 1)}

    With one ``partial_fit`` call per batch the clock reads ``t = k`` at
    step ``k``, so step ``k`` runs at ``α_k``.
    """

    _parameter_constraints = {
        name: _CONSTRAINTS[name] for name in ("min_lr", "max_lr", "n_steps")
    }

    def __init__(self, min_lr=1e-6, max_lr=10.0, n_steps=100):
        self.min_lr = min_lr
        self.max_lr = max_lr
        self.n_steps = n_steps

    def _start(self, max_epochs):
        return _ExponentialRampSchedule(
            float(self.min_lr), float(self.max_lr), int(self.n_steps)
        )


# --------------------------------------------------------------------------
# The result and the suggestion rules.


def _fmt(value):
    return "None" if value is None else f"{value:.3g}"


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult:
    """Record of a learning-rate range test, made by :func:`lr_range_test`.

    A frozen dataclass: each parameter is kept as the attribute of the same
    name.

    Parameters
    ----------
    lrs : ndarray of shape (n_recorded,)
        Learning rate α of every step run, growing geometrically.
    losses : ndarray of shape (n_recorded,)
        Smoothed (bias-corrected exponential average) loss after every step;
        the curve to plot against ``lrs`` on a log axis.
    raw_losses : ndarray of shape (n_recorded,)
        Training loss of every batch before its update, plus the l2 term of
        the weights after it (the estimator's ``loss_curve_`` entry).
    suggested_lr : float or None
        The α where the smoothed loss falls fastest in log α, or None if it
        never falls.
    valley_lr : float or None
        The α two thirds down the loss's descent to its minimum, or None if it
        never falls.
    stopped_early : bool
        True if the test stopped because the loss diverged (see
        :func:`lr_range_test`); the step that triggered the stop is the last
        one recorded.
    constant_loss : float or None, default=None
        Loss of the best constant prediction, whatever X: the targets'
        class frequencies (log-losses), weighted mean (squared error) or
        Huber location (Huber). The level a network that learns nothing from
        X reaches. None when not computed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr.range_test import RangeTestResult
    >>> RangeTestResult(
    ...     lrs=np.geomspace(1e-3, 1.0, 4), losses=np.array([2.0, 1.5, 0.5, 9.0]),
    ...     raw_losses=np.array([2.0, 1.0, 0.2, 30.0]), suggested_lr=0.01,
    ...     valley_lr=0.1, stopped_early=True,
    ... )
    RangeTestResult(n_recorded=4, lrs=[0.001 .. 1], suggested_lr=0.01, \
valley_lr=0.1, stopped_early=True)
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggested_lr: float | None
    valley_lr: float | None
    stopped_early: bool
    constant_loss: float | None = None

    def __repr__(self):
        span = (
            f"[{_fmt(self.lrs[0])} .. {_fmt(self.lrs[-1])}]" if len(self.lrs) else "[]"
        )
        return (
            f"RangeTestResult(n_recorded={len(self.lrs)}, lrs={span}, "
            f"suggested_lr={_fmt(self.suggested_lr)}, "
            f"valley_lr={_fmt(self.valley_lr)}, stopped_early={self.stopped_early})"
        )


def _finite_prefix(values):
    """The number of leading finite values: a curve ends where it explodes."""
    finite = np.isfinite(values)
    return len(values) if finite.all() else int(np.argmin(finite))


def _descent(losses, n_steps):
    """``(peak, low)``: where the descent starts, the highest loss before
    ``low``, the lowest among the leading finite points; None without a
    descent (then ``losses[peak] > losses[low]``).

    The first `_SKIP_START` of the `n_steps` are not searched when later
    points remain: a dip of their few-batch average is noise, not the bottom
    (nor the way down) of the descent.
    """
    n = _finite_prefix(losses)
    if n < 3:
        return None
    skip = _noisy_start(n_steps)
    if skip >= n - 1:
        skip = 0  # too few points to spare any
    low = skip + int(np.argmin(losses[skip:n]))
    if low == skip:  # a minimum where the search starts: no fall to it
        return None
    return skip + int(np.argmax(losses[skip : low + 1])), low


def _noisy_start(n_steps):
    """The number of first steps (`_SKIP_START` of `n_steps`, at least one)
    whose smoothed loss averages too few batches to be more than noise."""
    return max(1, round(_SKIP_START * n_steps))


def _steepest_lr(lrs, losses, n_steps):
    """α of the most negative slope of the loss in log α before its minimum.

    The slope at point i is the secant from point i - h to i + h (clipped to
    the points searched, so that the skipped start weighs on none), h = 5%
    of `n_steps`: a plain central difference of a noisy curve picks noise, a
    wider secant averages it out. A secant between equal α (bounds a few
    ulps apart) has no slope.
    """
    descent = _descent(losses, n_steps)
    if descent is None:
        return None
    # on the descent only: before its peak, a dip of a flat, noisy start can
    # be steeper than the real descent
    start, low = descent
    h = max(1, round(_SLOPE_SPAN * n_steps))
    points = np.arange(start, low)
    ahead = np.minimum(points + h, low)
    behind = np.maximum(points - h, start)
    log_lrs = np.log(lrs)
    run = log_lrs[ahead] - log_lrs[behind]
    slopes = np.full(len(points), np.inf)
    np.divide(losses[ahead] - losses[behind], run, out=slopes, where=run > 0)
    index = int(np.argmin(slopes))
    return float(lrs[points[index]]) if slopes[index] < 0 else None


def _valley_lr(lrs, losses, n_steps):
    """First α at which the loss has gone two thirds down its descent."""
    descent = _descent(losses, n_steps)
    if descent is None:
        return None
    peak, low = descent
    drop = losses[peak] - losses[low]
    target = losses[peak] - _VALLEY_DEPTH * drop
    index = peak + int(np.argmax(losses[peak : low + 1] <= target))
    return float(lrs[index])


def _constant_loss(net, y, weights):
    """The loss of the best constant prediction, for targets `y` as the
    fitted `net` encodes them."""
    if weights is None:
        weights = np.ones(len(y))
    if is_classifier(net) and np.ndim(y) == 1:
        # class labels: a constant prediction's loss depends on the classes'
        # total weights alone, so each class stands for its samples in one
        # row (n rows of many classes, encoded, were an n x k array); the
        # net has been told every class (sorted) at the test's first step
        classes = net.classes_
        index = np.searchsorted(classes, y)
        y = classes
        weights = np.bincount(index, weights=weights, minlength=len(classes))
    Y, target_state = net._encode_targets(y, reset=False)
    return _network.constant_output_loss(
        Y, weights, net._loss_name(target_state), net._huber_delta()
    )


def _learned(losses, raw_losses, constant_loss, smoothing):
    """Whether the loss fell below `constant_loss` by more than its noise.

    The smoothed loss at some step, or the mean of `_WINDOW` or
    ``1 / smoothing`` successive batch losses (the smoothed loss trails a
    steep descent, and a test can end a few steps past its bottom), must
    fall four of its standard deviations below. The batch losses' deviation
    sigma at the constant level is estimated robustly from their second
    differences, which a steady trend does not affect, relative to the level
    of the losses around each: a batch loss scatters about in proportion to
    its level, and the noisy steps far above the constant level (the first,
    and those where α is too large) would otherwise set the deviation of
    those below it. A window mean has variance sigma^2 / w, the
    bias-corrected average of step k (k + 1 batches)
    sigma^2 (1 - beta) (1 - beta^(2k+2)) / ((1 + beta) (1 - beta^(k+1))^2):
    its first steps are as noisy as single batches.
    """
    n = _finite_prefix(raw_losses)
    if n == 0:
        return False
    raw = raw_losses[:n]
    deviation = 0.0
    if n >= 3:
        second = np.diff(raw, 2)
        # the level around each second difference: the median of its points
        level = np.median(np.stack([raw[:-2], raw[1:-1], raw[2:]]), axis=0)
        relative = second / np.maximum(level, np.finfo(float).tiny)
        spread = float(np.median(np.abs(relative - np.median(relative))))
        deviation = 1.4826 * spread / math.sqrt(6) * constant_loss
    beta = 1.0 - smoothing
    terms = np.arange(1, n + 1)  # batches in the average of each step
    variance = (
        (1 - beta) * (1 - beta ** (2 * terms)) / ((1 + beta) * (1 - beta**terms) ** 2)
    )
    # averaging rounds: losses all equal to the constant one can average a
    # unit in the last place below it, which is no fall
    rounding = 16 * np.finfo(float).eps * abs(constant_loss)
    margins = np.maximum(_SIGMAS * deviation * np.sqrt(variance), rounding)
    if np.any(losses[:n] < constant_loss - margins):
        return True
    for width in {_WINDOW, max(1, round(1 / smoothing))}:
        w = min(width, n)
        means = np.convolve(raw, np.full(w, 1.0 / w), mode="valid")
        margin = max(_SIGMAS * deviation / math.sqrt(w), rounding)
        if np.any(means < constant_loss - margin):
            return True
    return False


def _lowest(losses):
    return float(np.min(losses, initial=np.inf, where=np.isfinite(losses)))


# --------------------------------------------------------------------------
# The test.


def _inner(estimator, fitted=False):
    """The estimator a Pipeline ends with or a target transformer wraps.

    For a target transformer, its ``regressor`` parameter, or with
    ``fitted`` the fitted copy ``regressor_`` (NotFittedError if absent).
    """
    if isinstance(estimator, Pipeline):
        return estimator.steps[-1][1]
    if fitted:
        check_is_fitted(estimator, "regressor_")
        return estimator.regressor_
    if estimator.regressor is None:  # its default
        return LinearRegression()
    return estimator.regressor


def _final_estimator(estimator, fitted=False):
    """The estimator at the end of (nested) Pipelines and target transformers
    (see :func:`_inner` for ``fitted``); with ``fitted``, a fitted search
    (anything with ``cv_results_``) stands for its ``best_estimator_``."""
    while True:
        if isinstance(estimator, _WRAPPERS):
            estimator = _inner(estimator, fitted)
        elif fitted and hasattr(estimator, "cv_results_"):
            if not hasattr(estimator, "best_estimator_"):
                raise ValueError(
                    f"This {type(estimator).__name__} was fitted with "
                    "refit=False, so it holds no fitted estimator. Refit it, or "
                    "plot its candidates with LearningRateSearchDisplay."
                    "from_search."
                )
            estimator = estimator.best_estimator_
        else:
            return estimator


def _transformed_target(estimator, y):
    """y as a TransformedTargetRegressor hands it to its regressor.

    Like its ``fit``: a clone of ``transformer``, or else a
    FunctionTransformer of ``func``/``inverse_func`` (the identity when both
    are None; one without the other is refused), fitted on y as a column;
    the result of a 1-D y is flattened again when it has one column.
    """
    func, inverse_func = estimator.func, estimator.inverse_func
    if estimator.transformer is not None and (
        func is not None or inverse_func is not None
    ):
        raise ValueError(
            "TransformedTargetRegressor: 'transformer' and 'func'/'inverse_func' "
            "cannot both be set."
        )
    if (func is None) != (inverse_func is None):
        given, lacking = ("func", "inverse_func") if func else ("inverse_func", "func")
        raise ValueError(
            f"TransformedTargetRegressor: when '{given}' is provided, '{lacking}' "
            "must also be provided."
        )
    if estimator.transformer is not None:
        transformer = clone(estimator.transformer)
    else:
        transformer = FunctionTransformer(
            func=func, inverse_func=inverse_func, validate=True
        ).set_output(transform="default")
    y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
    y_trans = transformer.fit_transform(y.reshape(-1, 1) if y.ndim == 1 else y)
    # squeeze, not [:, 0]: under set_config(transform_output="pandas") a
    # transformer returns a DataFrame
    if y.ndim == 1 and y_trans.ndim == 2 and y_trans.shape[1] == 1:
        y_trans = y_trans.squeeze(axis=1)
    return y_trans


def _transformed(estimator, X, y):
    """X and y as the final estimator of Pipelines and target transformers
    sees them: copies of a Pipeline's steps before its last are fitted and
    transform X, a target transformer's transform is fitted and applied to y.
    """
    while isinstance(estimator, _WRAPPERS):
        if isinstance(estimator, TransformedTargetRegressor):
            y = _transformed_target(estimator, y)
        elif len(estimator.steps) > 1:
            X = clone(estimator[:-1]).fit_transform(X, y)
        estimator = _inner(estimator)
    return X, y


def _batches(n_samples, batch_size, shuffle, rng, sample_weight):
    """Endless row indices of mini-batches, reshuffled at every pass.

    Batches whose samples all weigh zero are skipped. Every pass covers all
    the rows, and `sample_weight` (checked by `training_weights`) has a
    positive weight, so the batch holding it keeps every pass non-empty.
    """
    while True:
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        for start in range(0, n_samples, batch_size):
            index = order[start : start + batch_size]
            if sample_weight is None or sample_weight[index].sum() > 0:
                yield index


def lr_range_test(
    estimator: BaseEstimator,
    X: ArrayLike | sp.spmatrix,
    y: ArrayLike,
    *,
    min_lr: float = 1e-6,
    max_lr: float = 10.0,
    n_steps: int = 100,
    smoothing: float = 0.05,
    diverge_factor: float = 4.0,
    sample_weight: ArrayLike | None = None,
    random_state: int | np.random.RandomState | None = None,
) -> RangeTestResult:
    r"""Run Smith's learning-rate range test on a copy of an estimator.

    A clone of `estimator` trains on mini-batches of its own ``batch_size``
    while α grows exponentially from `min_lr` to `max_lr` over `n_steps`
    update steps. The loss of every batch is recorded and smoothed; the test
    stops early once the smoothed loss explodes. `estimator` itself is not
    changed.

    Parameters
    ----------
    estimator : estimator instance
        The model to test, fitted or not; only its parameters are used: an
        SGDNetClassifier or SGDNetRegressor, or a Pipeline or
        TransformedTargetRegressor around one. Every parameter but
        ``learning_rate`` and ``verbose`` (which would print every step as an
        epoch; callbacks set on it are not run either) is kept: optimizer,
        momentum, l2, batch size, architecture, ``random_state`` for the
        initial weights. For a
        :class:`~sklearn.pipeline.Pipeline`, clones of the steps before the
        last are fitted on `X` and transform it, and the test runs on a clone
        of the last step. For a
        :class:`~sklearn.compose.TransformedTargetRegressor`, a clone of its
        target transform is fitted on `y` and transforms it, as its ``fit``
        does, and the test runs on its regressor. The two nest either way.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    min_lr : float, default=1e-6
        Learning rate α of the first step, > 0.
    max_lr : float, default=10.0
        Learning rate α of the last step (step `n_steps` - 1, counting
        from 0), finite and > `min_lr`.
    n_steps : int, default=100
        Number of update steps (>= 2). The data is cycled, reshuffled at
        every pass, when one pass has fewer batches. The suggestions need a
        curve: with a few dozen steps or fewer they rest on a handful of
        noisy points (and the smoothing, whose weight is per step, still
        spans some twenty of them), so keep the default or more.
    smoothing : float in (0, 1], default=0.05
        Weight of the newest batch in the smoothed loss; β = 1 − smoothing.
        1 means no smoothing. The smoothed curve trails the raw one by about
        ``1 / smoothing`` steps.
    diverge_factor : float > 1, default=4.0
        Stop once the smoothed loss exceeds this multiple of its lowest value
        so far (from the end of the first 10% of the steps on); with
        ``np.inf`` the test stops only when the loss is not finite or the
        estimator reports divergence (see Notes).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights, used by the tested estimator (not by the
        transformers of a Pipeline or the target transform). Batches of zero
        weight are skipped.
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the samples, shuffled before every pass if the
        estimator's ``shuffle`` is True (else they are taken in order).

    Returns
    -------
    result : RangeTestResult
        ``lrs``, smoothed ``losses``, ``raw_losses``, ``suggested_lr``,
        ``valley_lr``, ``stopped_early`` and ``constant_loss``.

    Raises
    ------
    TypeError
        If the (final) estimator is not an :class:`~sklearn_lr.SGDNetClassifier`
        or :class:`~sklearn_lr.SGDNetRegressor`.
    ValueError
        If an argument is out of range, naming it.

    Warns
    -----
    UserWarning
        If the loss never falls clearly below that of the best constant
        prediction: the suggestions then follow noise (see Notes).

    See Also
    --------
    sklearn_lr.plotting.RangeTestDisplay : Plot of the result.

    Notes
    -----
    Step :math:`k = 0, \dots, n-1` runs at

    .. math:: \alpha_k = \alpha_{min} (\alpha_{max}/\alpha_{min})^{k/(n-1)}

    Its loss :math:`\ell_k` is the batch's mean training loss before the
    update plus the l2 term of the weights after it, as the estimator reports
    it in ``loss_curve_`` (each step is one ``partial_fit`` call on one batch,
    and the l2 term is taken at the end of the epoch). The smoothed loss is
    fastai's bias-corrected exponential average, with
    :math:`\beta = 1 - \text{smoothing}`:

    .. math::
        a_k = \beta a_{k-1} + (1 - \beta) \ell_k, \quad a_{-1} = 0, \qquad
        \bar\ell_k = a_k / (1 - \beta^{k+1})

    The test stops after step k if :math:`\bar\ell_k` is not finite, exceeds
    ``diverge_factor`` times :math:`\min_{s \le j \le k} \bar\ell_j`, or the
    estimator itself reports divergence (:class:`~sklearn_lr.DivergenceWarning`,
    silenced here). The ratio rule starts at step s, after the first 10% of
    the steps (at least one), whose smoothed loss averages only a few batches:
    there, a batch of outliers is noise, not a divergence (fastai compares
    from the first step). The suggestions ignore those steps too; they look at
    the descent, from the highest smoothed loss after them down to the lowest
    one among the leading finite points, and are None if there is no descent:

    - ``suggested_lr`` (steepest descent): the α where
      :math:`d\bar\ell / d\log\alpha` is most negative on the descent, the
      slope at step k measured by the secant from step :math:`k - h` to
      :math:`k + h` (clipped to the descent) with h = 5% of `n_steps` (a
      two-point difference of a noisy curve picks noise);
    - ``valley_lr``: the first α at which the loss has covered two thirds of
      the descent's drop. It needs no derivative, so it is less noisy, and it
      stays below the minimum, which sits close to divergence. (fastai's
      ``valley`` instead takes the middle of the longest decreasing
      subsequence.)

    A batch of outliers among the first steps leaves a tail in the smoothed
    loss as it is averaged out, which can look like a descent: on data with
    heavy-tailed targets, compare the suggestions with the raw losses
    (``raw_losses``).

    A good constant α, or the peak of a cyclical or one-cycle policy, is
    usually near these values; the α of the minimum is too large.

    The suggestions mean something only if the network learned: a
    ``UserWarning`` says that the test cannot tell when the loss never falls
    clearly below ``constant_loss``, the loss of the best constant prediction,
    that is by more than four standard deviations of its noise: the smoothed
    loss at some step (whose first steps average few batches, so are as
    noisy), or the mean of 5 or of ``1 / smoothing`` successive batch losses.
    The standard deviation of a batch loss is estimated robustly from the
    second differences of the raw losses, relative to their level (a batch
    loss scatters about in proportion to it), at the constant level. On pure
    noise it warns in about 99%
    of tests; a weak signal (a held-out R² below about 0.2, rare classes) can
    need more than 100 steps to show.

    References
    ----------
    .. [1] L. N. Smith, "Cyclical Learning Rates for Training Neural Networks",
       WACV 2017.
    .. [2] fastai, ``Learner.lr_find`` and ``valley``,
       https://docs.fast.ai/callback.schedule.html

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr import SGDNetRegressor
    >>> from sklearn_lr.range_test import lr_range_test
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((500, 5))
    >>> y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(500)
    >>> net = SGDNetRegressor((), momentum=0.0, batch_size=32, random_state=0)
    >>> result = lr_range_test(net, X, y, max_lr=100.0, random_state=0)
    >>> result.stopped_early  # plain SGD diverges beyond about 2 here
    True
    >>> bool(0.01 < result.suggested_lr < 2 and 0.01 < result.valley_lr < 2)
    True
    """
    validate_parameter_constraints(
        _CONSTRAINTS,
        {
            "min_lr": min_lr,
            "max_lr": max_lr,
            "n_steps": n_steps,
            "smoothing": smoothing,
            "diverge_factor": diverge_factor,
            "sample_weight": sample_weight,
            "random_state": random_state,
        },
        caller_name="lr_range_test",
    )
    if not math.isfinite(max_lr) or max_lr <= min_lr:
        raise ValueError(
            f"max_lr must be finite and greater than min_lr={min_lr!r}; "
            f"got max_lr={max_lr!r}."
        )
    final = _final_estimator(estimator)
    if not isinstance(final, BaseSGDNet):
        raise TypeError(
            "lr_range_test needs an SGDNetClassifier or SGDNetRegressor (or a "
            "Pipeline ending with one, or a TransformedTargetRegressor around "
            f"one); got {type(final).__name__}."
        )

    net = clone(final).set_params(
        learning_rate=_ExponentialRamp(min_lr, max_lr, n_steps), verbose=0
    )
    # nor the callbacks the clone keeps: each step is a partial_fit call, a
    # fit of its own to them (a progress bar per step)
    if hasattr(net, "set_callbacks"):
        net.set_callbacks()
    net._validate_params()  # the estimator's own errors, before any fitting

    X, y = _transformed(estimator, X, y)
    X = check_array(X, accept_sparse="csr", dtype=[np.float64, np.float32])
    if y is None:  # scikit-learn's words, as fit says them
        raise ValueError(
            f"{type(final).__name__} requires y to be passed, but the target y is None."
        )
    if is_classifier(final):
        if sp.issparse(y):  # a multilabel indicator matrix, as fit takes it
            y = sp.csr_array(y).toarray()
        # the classifier's own checks, once rather than at every step (NaN
        # labels are a problem of y, not of the classes found in it)
        y = np.asarray(_check_targets(np.asarray(y)))
    else:  # dense and finite, as fit takes it: the steps may not reach all rows
        y = np.asarray(check_array(y, ensure_2d=False, dtype=None, input_name="y"))
    check_consistent_length(X, y)
    weights = None
    if sample_weight is not None:
        weights = training_weights(sample_weight, X)
    classes = None
    if is_classifier(final):
        classes = np.arange(y.shape[1]) if final._is_multilabel(y) else np.unique(y)

    n_samples = X.shape[0]
    batches = _batches(
        n_samples,
        net._effective_batch_size(n_samples),
        final.shuffle,
        check_random_state(random_state),
        weights,
    )

    beta = 1.0 - float(smoothing)
    average, best = 0.0, math.inf
    # the ratio rule starts after the noisy start: a batch of outliers among
    # the first few, averaged with little else, is no divergence at an α
    # that has not moved the weights
    calm = _noisy_start(n_steps)
    raw, smoothed = [], []
    stopped = False
    # a divergence ends the test, whose result says so: the net's warning is
    # silenced on the net itself, not by the process-wide warning filters,
    # which tests run at the same time in threads would leave changed
    net._warns_divergence = False
    for step, index in zip(range(n_steps), batches, strict=False):
        kwargs = {}
        if weights is not None:
            kwargs["sample_weight"] = weights[index]
        if step == 0 and classes is not None:
            kwargs["classes"] = classes
        net.partial_fit(X[index], y[index], **kwargs)
        loss = float(net.loss_curve_[-1])
        average = beta * average + (1.0 - beta) * loss
        value = average / (1.0 - beta ** (step + 1))
        raw.append(loss)
        smoothed.append(value)
        if step >= calm:
            best = min(best, value)
        if (
            net.divergence_epoch_ is not None
            or not math.isfinite(value)
            or value > diverge_factor * best
        ):
            stopped = True
            break

    lrs = np.asarray(net.lr_history_, dtype=np.float64)
    losses = np.asarray(smoothed, dtype=np.float64)
    raw_losses = np.asarray(raw, dtype=np.float64)
    result = RangeTestResult(
        lrs=lrs,
        losses=losses,
        raw_losses=raw_losses,
        suggested_lr=_steepest_lr(lrs, losses, n_steps),
        valley_lr=_valley_lr(lrs, losses, n_steps),
        stopped_early=stopped,
        constant_loss=_constant_loss(net, y, weights),
    )
    lowest = _lowest(losses)
    if (
        result.suggested_lr is not None or result.valley_lr is not None
    ) and not _learned(losses, raw_losses, result.constant_loss, smoothing):
        warnings.warn(
            f"The loss (smoothed: lowest {lowest:.4g}) never fell clearly below "
            f"{result.constant_loss:.4g}, the loss of the best constant "
            "prediction (the targets' class frequencies, weighted mean or Huber "
            "location). This test cannot tell whether the network learns from "
            "X, so suggested_lr and valley_lr may follow noise. Check that the "
            "features (and a regressor's targets) are scaled and bear on y, or "
            "run more steps (n_steps) or over a wider range of α.",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )
    return result

r"""Learning-rate policies and their run-time state.

Time is measured in **epochs**, as a float: within epoch ``e``, after batch
``b`` of ``B``, the clock reads ``t = e + b / B``. Every duration parameter is
in epochs (fractions allowed).

A *policy* (``StepDecay(...)``, ``Cyclic(...)``, ...) holds hyperparameters
only. It is a scikit-learn style object (``get_params``/``set_params``,
``clone``, repr, pickle) and is never changed by training. Its run-time state
is a separate object made by ``schedule = policy.start(max_epochs)``:

- ``schedule.rate(t)`` is the learning rate α at clock ``t``, a pure function
  of ``t`` and the state;
- ``schedule.observe(t, loss=..., score=...)`` is called at every epoch end
  (``t`` is the clock at that moment). Feedback policies (`ReduceOnPlateau`,
  `BoldDriver`) adapt there, the others ignore it.

Schedules hold plain Python numbers, strings, tuples and other schedules only,
so they pickle (and persist with skops) together with an estimator.

Where PyTorch has the same schedule, the values agree with the closed forms
of ``torch.optim.lr_scheduler`` once its step counts are converted to epochs
(``steps = epochs * steps_per_epoch``); the policies' Notes state the
exceptions. Boundaries (drops, restarts, milestones) reached up to a rounding
error of 1e-9 epochs count as reached, so ``every=0.1`` drops at step 3 of 10
per epoch, as the step-count formula does.
"""

import math
from bisect import bisect_left, bisect_right
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)

__all__ = [
    "BoldDriver",
    "Constant",
    "CosineAnnealing",
    "CosineWarmRestarts",
    "Cyclic",
    "ExponentialDecay",
    "InverseTimeDecay",
    "MultiStepDecay",
    "OneCycle",
    "PolynomialDecay",
    "ReduceOnPlateau",
    "Sequential",
    "StepDecay",
    "Warmup",
    "trace",
]

_EPS = 1e-9  # epochs: a boundary reached up to rounding error counts as reached
_PLATEAU_EPS = 1e-8  # PyTorch's ReduceLROnPlateau `eps`: smaller reductions are skipped

_POSITIVE = Interval(Real, 0, None, closed="neither")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_FACTOR = Interval(Real, 0, 1, closed="right")
_HORIZON = [_POSITIVE, None]
_POLICY = [HasMethods(["start"]), _POSITIVE]
_TRACE_CONSTRAINTS = {
    "policy": _POLICY,
    "n_epochs": [Interval(Integral, 1, None, closed="left")],
    "steps_per_epoch": [Interval(Integral, 1, None, closed="left")],
    "losses": ["array-like", None],
}


# --------------------------------------------------------------------------
# Formulas: pure functions of the clock t (epochs) and plain numbers.


def _floor(x):
    return math.floor(x + _EPS)


def _cos_anneal(start, end, pct):
    return end + 0.5 * (start - end) * (1.0 + math.cos(math.pi * pct))


def _linear_anneal(start, end, pct):
    return start + (end - start) * pct


_ANNEAL = {"cos": _cos_anneal, "linear": _linear_anneal}


def _constant(t, alpha):
    return alpha


def _inverse_time(t, alpha, decay, power):
    return alpha / (1.0 + decay * t) ** power


def _exponential(t, alpha, gamma, staircase):
    return alpha * gamma ** (_floor(t) if staircase else t)


def _step(t, alpha, drop, every):
    return alpha * drop ** _floor(t / every)


def _multi_step(t, alpha, milestones, drop):
    return alpha * drop ** bisect_right(milestones, t + _EPS)


def _polynomial(t, alpha, end_alpha, power, horizon):
    return end_alpha + (alpha - end_alpha) * max(1.0 - t / horizon, 0.0) ** power


def _cosine(t, alpha, min_alpha, horizon):
    return _cos_anneal(alpha, min_alpha, min(t / horizon, 1.0))


def _warm_restarts(t, alpha, min_alpha, period, mult):
    if mult == 1.0:
        n = _floor(t / period)
        begin, length = n * period, period
    else:  # cycle n starts at period * (mult**n - 1) / (mult - 1)
        n = _floor(math.log1p(t * (mult - 1.0) / period) / math.log(mult))
        begin = period * math.expm1(n * math.log(mult)) / (mult - 1.0)
        length = period * mult**n
    return _cos_anneal(alpha, min_alpha, min(max(t - begin, 0.0) / length, 1.0))


def _cyclic(t, min_alpha, max_alpha, step_size, mode, gamma):
    cycle = math.floor(1.0 + t / (2.0 * step_size))
    x = abs(t / step_size - 2.0 * cycle + 1.0)
    if mode == "triangular2":
        scale = 0.5 ** (cycle - 1)
    else:
        scale = gamma**t if mode == "exp_range" else 1.0
    return min_alpha + (max_alpha - min_alpha) * max(0.0, 1.0 - x) * scale


def _one_cycle(
    t, max_alpha, horizon, pct_start, div_factor, final_div_factor, anneal, three_phase
):
    initial = max_alpha / div_factor
    final = initial / final_div_factor
    peak = pct_start * horizon
    if three_phase:
        phases = [(peak, initial, max_alpha), (2 * peak, max_alpha, initial)]
        phases.append((horizon, initial, final))
    else:
        phases = [(peak, initial, max_alpha), (horizon, max_alpha, final)]
    begin = 0.0
    for end, start_alpha, end_alpha in phases[:-1]:
        if t <= end:
            return _ANNEAL[anneal](start_alpha, end_alpha, (t - begin) / (end - begin))
        begin = end
    end, start_alpha, end_alpha = phases[-1]
    pct = min((t - begin) / (end - begin), 1.0)
    return _ANNEAL[anneal](start_alpha, end_alpha, pct)


_FORMULAS = {
    "Constant": _constant,
    "InverseTimeDecay": _inverse_time,
    "ExponentialDecay": _exponential,
    "StepDecay": _step,
    "MultiStepDecay": _multi_step,
    "PolynomialDecay": _polynomial,
    "CosineAnnealing": _cosine,
    "CosineWarmRestarts": _warm_restarts,
    "Cyclic": _cyclic,
    "OneCycle": _one_cycle,
}


# --------------------------------------------------------------------------
# Run-time state.


class _Schedule:
    """Run-time state of a policy, made by ``policy.start(max_epochs)``."""

    def rate(self, t: float) -> float:
        """Learning rate α at clock `t` (epochs)."""
        raise NotImplementedError

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
        """Epoch-end feedback at clock `t`; open-loop schedules ignore it."""

    def _label(self):
        return type(self).__name__.lstrip("_")

    def _fields(self):
        return vars(self)

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self._fields().items())
        return f"{self._label()}({fields})"


class _FormulaSchedule(_Schedule):
    """State of an open-loop policy: the formula's name and its numbers."""

    def __init__(self, policy, **params):
        self.policy = policy
        self.params = params

    def rate(self, t: float) -> float:
        return float(_FORMULAS[self.policy](max(float(t), 0.0), **self.params))

    def _label(self):
        return f"{self.policy}Schedule"

    def _fields(self):
        return self.params


class _ReduceOnPlateauSchedule(_Schedule):
    def __init__(
        self, alpha, factor, patience, threshold, cooldown, min_alpha, monitor
    ):
        self.alpha, self.factor, self.min_alpha = alpha, factor, min_alpha
        self.patience, self.threshold, self.cooldown = patience, threshold, cooldown
        self.monitor = monitor  # "auto" is resolved at the first observation
        self.reductions = 0
        self.best = None
        self.bad_epochs = 0
        self.cooldown_left = 0

    def rate(self, t: float) -> float:
        return max(self.alpha * self.factor**self.reductions, self.min_alpha)

    def _improves(self, value):
        if self.best is None:
            return True
        if self.monitor == "score":
            return value > self.best * (1.0 + self.threshold)
        return value < self.best * (1.0 - self.threshold)

    def observe(self, t, *, loss=None, score=None):
        if self.monitor == "auto" and (loss is not None or score is not None):
            self.monitor = "loss" if score is None else "score"
        value = score if self.monitor == "score" else loss
        if value is None:
            return
        value = float(value)
        if self._improves(value):
            self.best, self.bad_epochs = value, 0
        else:
            self.bad_epochs += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad_epochs = 0
        if self.bad_epochs > self.patience:
            reduced = max(
                self.alpha * self.factor ** (self.reductions + 1), self.min_alpha
            )
            if self.rate(t) - reduced > _PLATEAU_EPS:
                self.reductions += 1
            self.cooldown_left, self.bad_epochs = self.cooldown, 0


class _BoldDriverSchedule(_Schedule):
    def __init__(self, alpha, increase, decrease, min_alpha, max_alpha):
        self.current_alpha = alpha
        self.increase, self.decrease = increase, decrease
        self.min_alpha, self.max_alpha = min_alpha, max_alpha
        self.last_loss = None

    def rate(self, t: float) -> float:
        return self.current_alpha

    def observe(self, t, *, loss=None, score=None):
        if loss is None:
            return
        loss, last = float(loss), self.last_loss
        if not math.isfinite(loss):
            factor = self.decrease
        elif last is None or loss == last:
            factor = 1.0
        else:
            factor = self.increase if loss < last else self.decrease
        alpha = min(max(self.current_alpha * factor, self.min_alpha), self.max_alpha)
        self.current_alpha = alpha
        if math.isfinite(loss):
            self.last_loss = loss


class _WarmupSchedule(_Schedule):
    def __init__(self, inner, epochs, start_factor):
        self.inner, self.epochs, self.start_factor = inner, epochs, start_factor

    def rate(self, t: float) -> float:
        if t < self.epochs:
            ramp = self.start_factor + (1.0 - self.start_factor) * t / self.epochs
            return self.inner.rate(0.0) * ramp
        return self.inner.rate(t - self.epochs)

    def observe(self, t, *, loss=None, score=None):
        if t - self.epochs > _EPS:
            self.inner.observe(t - self.epochs, loss=loss, score=score)


class _SequentialSchedule(_Schedule):
    def __init__(self, children, milestones):
        self.children, self.milestones = children, milestones

    def _local(self, t, index):
        begin = self.milestones[index - 1] if index else 0.0
        return self.children[index], max(t - begin, 0.0)

    def rate(self, t: float) -> float:
        child, local = self._local(t, bisect_right(self.milestones, t + _EPS))
        return child.rate(local)

    def observe(self, t, *, loss=None, score=None):
        # the child that ran just before t: milestone[i-1] < t <= milestone[i]
        child, local = self._local(t, bisect_left(self.milestones, t - _EPS))
        child.observe(local, loss=loss, score=score)


# --------------------------------------------------------------------------
# Policies.


def _fail(policy, name, value, allowed):
    raise InvalidParameterError(
        f"The {name!r} parameter of {type(policy).__name__} must be {allowed}. "
        f"Got {value!r} instead."
    )


def _check_order(policy, low, high):
    if getattr(policy, low) > getattr(policy, high):
        _fail(policy, low, getattr(policy, low), f"<= {high}={getattr(policy, high)!r}")


def _check_milestones(policy, milestones, name="milestones"):
    try:
        values = tuple(float(m) for m in milestones)
    except (TypeError, ValueError):
        values = (math.nan,)
    if not all(0 < v < math.inf for v in values) or any(
        a >= b for a, b in zip(values, values[1:], strict=False)
    ):
        _fail(policy, name, milestones, "a strictly increasing sequence of epochs > 0")
    return values


def _is_policy(value):
    return not isinstance(value, type) and callable(getattr(value, "start", None))


class _Policy(BaseEstimator):
    """Base class of the learning-rate policies (hyperparameters only)."""

    _parameter_constraints: dict = {}

    def start(self, max_epochs: float) -> _Schedule:
        """Validate the hyperparameters and make a fresh run-time state.

        Parameters
        ----------
        max_epochs : float
            Training horizon in epochs (> 0), used where ``n_epochs`` is None.

        Returns
        -------
        schedule : object
            New state with ``rate(t)`` and ``observe(t, *, loss, score)``.
        """
        if (
            not isinstance(max_epochs, Real)
            or isinstance(max_epochs, bool)
            or not 0 < max_epochs < math.inf
        ):
            _fail(self, "max_epochs", max_epochs, "a float in the range (0.0, inf)")
        self._validate_params()
        return self._start(float(max_epochs))

    def _start(self, max_epochs):
        raise NotImplementedError

    def _formula(self, **params):
        for key, value in params.items():
            if isinstance(value, Real) and not isinstance(value, bool):
                params[key] = float(value)  # plain floats, not numpy scalars
        return _FormulaSchedule(type(self).__name__, **params)

    def _horizon(self, max_epochs):
        return max_epochs if self.n_epochs is None else float(self.n_epochs)


class Constant(_Policy):
    r"""Constant learning rate.

    Parameters
    ----------
    alpha : float, default=0.01
        The learning rate, > 0.

    Notes
    -----
    .. math:: \alpha_t = \alpha

    Examples
    --------
    >>> from sklearn_lr.schedules import Constant, trace
    >>> trace(Constant(alpha=0.1), n_epochs=2, steps_per_epoch=2)
    array([0.1, 0.1, 0.1, 0.1])
    """

    _parameter_constraints = {"alpha": [_POSITIVE]}

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def _start(self, max_epochs):
        return self._formula(alpha=self.alpha)


class InverseTimeDecay(_Policy):
    r"""Inverse-time decay (Keras ``InverseTimeDecay``, continuous form).

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    decay : float, default=1.0
        Decay rate per epoch, >= 0.
    power : float, default=1.0
        Exponent, >= 0 (1 gives Keras' schedule with ``decay_steps`` = 1 epoch).

    Notes
    -----
    .. math:: \alpha_t = \frac{\alpha}{(1 + \mathrm{decay} \cdot t)^{\mathrm{power}}}

    Examples
    --------
    >>> from sklearn_lr.schedules import InverseTimeDecay, trace
    >>> trace(InverseTimeDecay(alpha=0.1, decay=1.0), n_epochs=4, steps_per_epoch=1)
    array([0.1       , 0.05      , 0.03333333, 0.025     ])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "decay": [_NON_NEGATIVE],
        "power": [_NON_NEGATIVE],
    }

    def __init__(self, alpha=0.01, decay=1.0, power=1.0):
        self.alpha = alpha
        self.decay = decay
        self.power = power

    def _start(self, max_epochs):
        return self._formula(alpha=self.alpha, decay=self.decay, power=self.power)


class ExponentialDecay(_Policy):
    r"""Exponential decay, continuous or per whole epoch.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    gamma : float, default=0.9
        Decay factor per epoch, in (0, 1].
    staircase : bool, default=False
        If True, decay once per whole epoch (PyTorch's ``ExponentialLR``
        stepped at epoch ends); else continuously within epochs.

    Notes
    -----
    .. math::
        \alpha_t = \alpha \, \gamma^{t}
        \quad\text{or, with staircase,}\quad
        \alpha_t = \alpha \, \gamma^{\lfloor t \rfloor}

    Examples
    --------
    >>> from sklearn_lr.schedules import ExponentialDecay, trace
    >>> policy = ExponentialDecay(alpha=0.1, gamma=0.5, staircase=True)
    >>> trace(policy, n_epochs=3, steps_per_epoch=2)
    array([0.1  , 0.1  , 0.05 , 0.05 , 0.025, 0.025])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "gamma": [_FACTOR],
        "staircase": ["boolean"],
    }

    def __init__(self, alpha=0.01, gamma=0.9, staircase=False):
        self.alpha = alpha
        self.gamma = gamma
        self.staircase = staircase

    def _start(self, max_epochs):
        return self._formula(
            alpha=self.alpha, gamma=self.gamma, staircase=bool(self.staircase)
        )


class StepDecay(_Policy):
    r"""Scheduled drop: multiply α by `drop` every `every` epochs.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    drop : float, default=0.5
        Factor applied at each drop, in (0, 1].
    every : float, default=10
        Epochs between drops, > 0 (fractions allowed).

    Notes
    -----
    .. math:: \alpha_t = \alpha \cdot \mathrm{drop}^{\lfloor t / \mathrm{every} \rfloor}

    PyTorch's ``StepLR`` with ``step_size = every * steps_per_epoch``.

    Examples
    --------
    >>> from sklearn_lr.schedules import StepDecay, trace
    >>> trace(StepDecay(alpha=0.1, drop=0.5, every=2), n_epochs=4, steps_per_epoch=1)
    array([0.1 , 0.1 , 0.05, 0.05])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "drop": [_FACTOR],
        "every": [_POSITIVE],
    }

    def __init__(self, alpha=0.01, drop=0.5, every=10):
        self.alpha = alpha
        self.drop = drop
        self.every = every

    def _start(self, max_epochs):
        return self._formula(alpha=self.alpha, drop=self.drop, every=self.every)


class MultiStepDecay(_Policy):
    r"""Drop α by `drop` at each milestone epoch.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    milestones : sequence of float, default=(50, 75)
        Strictly increasing epochs > 0 at which α drops.
    drop : float, default=0.1
        Factor applied at each milestone, in (0, 1].

    Notes
    -----
    .. math::
        \alpha_t = \alpha \cdot \mathrm{drop}^{\#\{m \in \mathrm{milestones}
        \,:\, m \le t\}}

    PyTorch's ``MultiStepLR`` with milestones multiplied by ``steps_per_epoch``.

    Examples
    --------
    >>> from sklearn_lr.schedules import MultiStepDecay, trace
    >>> policy = MultiStepDecay(alpha=1.0, milestones=(1, 3), drop=0.1)
    >>> trace(policy, n_epochs=4, steps_per_epoch=1)
    array([1.  , 0.1 , 0.1 , 0.01])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "milestones": ["array-like"],
        "drop": [_FACTOR],
    }

    def __init__(self, alpha=0.01, milestones=(50, 75), drop=0.1):
        self.alpha = alpha
        self.milestones = milestones
        self.drop = drop

    def _start(self, max_epochs):
        milestones = _check_milestones(self, self.milestones)
        return self._formula(alpha=self.alpha, milestones=milestones, drop=self.drop)


class PolynomialDecay(_Policy):
    r"""Polynomial decay from `alpha` to `end_alpha` over `n_epochs`, then hold.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    end_alpha : float, default=0.0
        Final learning rate, in [0, alpha].
    power : float, default=1.0
        Exponent, > 0 (1 is a linear decay).
    n_epochs : float or None, default=None
        Horizon T in epochs; None means the training horizon (``max_iter``).

    Notes
    -----
    .. math::
        \alpha_t = (\alpha - \alpha_{end})\,(1 - \min(t, T)/T)^{\mathrm{power}}
        + \alpha_{end}

    PyTorch's ``PolynomialLR`` (``end_alpha=0``) and Keras' ``PolynomialDecay``
    with ``total_iters = T * steps_per_epoch``.

    Examples
    --------
    >>> from sklearn_lr.schedules import PolynomialDecay, trace
    >>> trace(PolynomialDecay(alpha=0.1), n_epochs=4, steps_per_epoch=1)
    array([0.1  , 0.075, 0.05 , 0.025])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "end_alpha": [_NON_NEGATIVE],
        "power": [_POSITIVE],
        "n_epochs": _HORIZON,
    }

    def __init__(self, alpha=0.01, end_alpha=0.0, power=1.0, n_epochs=None):
        self.alpha = alpha
        self.end_alpha = end_alpha
        self.power = power
        self.n_epochs = n_epochs

    def _start(self, max_epochs):
        _check_order(self, "end_alpha", "alpha")
        return self._formula(
            alpha=self.alpha,
            end_alpha=self.end_alpha,
            power=self.power,
            horizon=self._horizon(max_epochs),
        )


class CosineAnnealing(_Policy):
    r"""Cosine annealing from `alpha` to `min_alpha` over `n_epochs`, then hold.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    min_alpha : float, default=0.0
        Final learning rate, in [0, alpha].
    n_epochs : float or None, default=None
        Horizon T in epochs; None means the training horizon (``max_iter``).

    Notes
    -----
    .. math::
        \alpha_t = \alpha_{min} + \tfrac12 (\alpha - \alpha_{min})
        \left(1 + \cos\left(\pi \min(t, T) / T\right)\right)

    PyTorch's ``CosineAnnealingLR`` with ``T_max = T * steps_per_epoch`` up to
    T; PyTorch's closed form rises again after ``T_max``, this one holds
    `min_alpha`.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent
       with Warm Restarts", ICLR 2017.

    Examples
    --------
    >>> from sklearn_lr.schedules import CosineAnnealing, trace
    >>> trace(CosineAnnealing(alpha=0.1, n_epochs=2), n_epochs=3, steps_per_epoch=1)
    array([0.1 , 0.05, 0.  ])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "min_alpha": [_NON_NEGATIVE],
        "n_epochs": _HORIZON,
    }

    def __init__(self, alpha=0.01, min_alpha=0.0, n_epochs=None):
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.n_epochs = n_epochs

    def _start(self, max_epochs):
        _check_order(self, "min_alpha", "alpha")
        return self._formula(
            alpha=self.alpha,
            min_alpha=self.min_alpha,
            horizon=self._horizon(max_epochs),
        )


class CosineWarmRestarts(_Policy):
    r"""SGDR: cosine annealing restarted every period, periods growing by `mult`.

    Parameters
    ----------
    alpha : float, default=0.01
        Learning rate at each restart, > 0.
    min_alpha : float, default=0.0
        Learning rate at the end of each period, in [0, alpha].
    period : float, default=10
        Length :math:`T_0` of the first period in epochs, > 0.
    mult : float, default=1
        Growth factor of the periods, >= 1 (need not be an integer).

    Notes
    -----
    Period n (from 0) has length :math:`T_n = T_0\,\mathrm{mult}^n` and starts at
    :math:`S_n = T_0 (\mathrm{mult}^n - 1)/(\mathrm{mult} - 1)` (:math:`n T_0` if
    mult = 1). With n the period containing t:

    .. math::
        \alpha_t = \alpha_{min} + \tfrac12 (\alpha - \alpha_{min})
        \left(1 + \cos\left(\pi \frac{t - S_n}{T_n}\right)\right)

    PyTorch's ``CosineAnnealingWarmRestarts`` stepped with the epoch clock
    ``scheduler.step(epoch + i / iters)``, extended to real `mult`.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent
       with Warm Restarts", ICLR 2017.

    Examples
    --------
    >>> from sklearn_lr.schedules import CosineWarmRestarts, trace
    >>> policy = CosineWarmRestarts(alpha=0.1, period=2, mult=2)
    >>> trace(policy, n_epochs=6, steps_per_epoch=1).round(4)
    array([0.1   , 0.05  , 0.1   , 0.0854, 0.05  , 0.0146])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "min_alpha": [_NON_NEGATIVE],
        "period": [_POSITIVE],
        "mult": [Interval(Real, 1, None, closed="left")],
    }

    def __init__(self, alpha=0.01, min_alpha=0.0, period=10, mult=1):
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.period = period
        self.mult = mult

    def _start(self, max_epochs):
        _check_order(self, "min_alpha", "alpha")
        return self._formula(
            alpha=self.alpha,
            min_alpha=self.min_alpha,
            period=self.period,
            mult=self.mult,
        )


class Cyclic(_Policy):
    r"""Smith's cyclical learning rate (CLR): a triangle between two bounds.

    Parameters
    ----------
    min_alpha : float, default=0.001
        Lower bound, >= 0 and <= `max_alpha`.
    max_alpha : float, default=0.1
        Upper bound, > 0.
    step_size : float, default=2.0
        Half-period s in epochs, > 0.
    mode : {"triangular", "triangular2", "exp_range"}, default="triangular"
        "triangular2" halves the amplitude after each cycle; "exp_range"
        scales it by :math:`\gamma^t`.
    gamma : float, default=1.0
        Decay of the amplitude per epoch in "exp_range" mode, in (0, 1].

    Notes
    -----
    With cycle :math:`c = \lfloor 1 + t / 2s \rfloor` (from 1) and
    :math:`x = |t/s - 2c + 1|`:

    .. math::
        \alpha_t = \alpha_{min} + (\alpha_{max} - \alpha_{min})
        \max(0, 1 - x)\, \sigma(t), \quad
        \sigma = 1,\ 2^{1 - c},\ \gamma^{t}

    for "triangular", "triangular2", "exp_range". PyTorch's ``CyclicLR`` with
    ``step_size_up = s * steps_per_epoch``; PyTorch's "exp_range" uses
    :math:`\gamma^{\text{iterations}}`, so its gamma is this
    :math:`\gamma^{1/\text{steps\_per\_epoch}}` (time in epochs keeps the
    meaning of `gamma` when the batch size changes).

    References
    ----------
    .. [1] L. N. Smith, "Cyclical Learning Rates for Training Neural
       Networks", WACV 2017.

    Examples
    --------
    >>> from sklearn_lr.schedules import Cyclic, trace
    >>> policy = Cyclic(min_alpha=0.0, max_alpha=0.1, step_size=1, mode="triangular2")
    >>> trace(policy, n_epochs=4, steps_per_epoch=2)
    array([0.   , 0.05 , 0.1  , 0.05 , 0.   , 0.025, 0.05 , 0.025])
    """

    _parameter_constraints = {
        "min_alpha": [_NON_NEGATIVE],
        "max_alpha": [_POSITIVE],
        "step_size": [_POSITIVE],
        "mode": [StrOptions({"triangular", "triangular2", "exp_range"})],
        "gamma": [_FACTOR],
    }

    def __init__(
        self,
        min_alpha=0.001,
        max_alpha=0.1,
        step_size=2.0,
        mode="triangular",
        gamma=1.0,
    ):
        self.min_alpha = min_alpha
        self.max_alpha = max_alpha
        self.step_size = step_size
        self.mode = mode
        self.gamma = gamma

    def _start(self, max_epochs):
        _check_order(self, "min_alpha", "max_alpha")
        return self._formula(
            min_alpha=self.min_alpha,
            max_alpha=self.max_alpha,
            step_size=self.step_size,
            mode=self.mode,
            gamma=self.gamma,
        )


class OneCycle(_Policy):
    r"""Smith's one-cycle policy, as PyTorch's ``OneCycleLR``.

    Parameters
    ----------
    max_alpha : float, default=0.1
        Peak learning rate, > 0.
    n_epochs : float or None, default=None
        Horizon T in epochs; None means the training horizon (``max_iter``).
    pct_start : float, default=0.3
        Fraction of T spent rising to the peak, in (0, 1) (< 0.5 with
        `three_phase`).
    div_factor : float, default=25.0
        Initial rate :math:`\alpha_0` = `max_alpha` / `div_factor`, >= 1.
    final_div_factor : float, default=1e4
        Final rate :math:`\alpha_{end} = \alpha_0` / `final_div_factor`, >= 1.
    anneal : {"cos", "linear"}, default="cos"
        Shape of each phase.
    three_phase : bool, default=False
        If True: up to the peak, back down to :math:`\alpha_0` (symmetric), then
        to :math:`\alpha_{end}`; else up to the peak then down to
        :math:`\alpha_{end}`.

    Notes
    -----
    Phases run between the points :math:`0, pT, T` (two phases) or
    :math:`0, pT, 2pT, T` (three), with p = `pct_start`; within a phase from
    :math:`a` to :math:`b` over :math:`[t_0, t_1]`, with
    :math:`u = (t - t_0)/(t_1 - t_0)`:

    .. math::
        \alpha_t = b + \tfrac12 (a - b)(1 + \cos \pi u)
        \quad\text{("cos")}, \qquad
        \alpha_t = a + (b - a)\, u \quad\text{("linear")}

    After T the final value is held. PyTorch's phases end one step early
    (at ``pct_start * total_steps - 1`` and ``total_steps - 1``) so that its
    last step lands exactly on the final value; that offset depends on the
    number of steps per epoch, which a policy does not know, so here the
    phases end at :math:`pT` and T: the values agree with PyTorch's to
    :math:`O(1/\text{total\_steps})`, and exactly with its formula written
    without the ``- 1`` offsets.

    References
    ----------
    .. [1] L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of
       Neural Networks Using Large Learning Rates", 2019.

    Examples
    --------
    >>> from sklearn_lr.schedules import OneCycle, trace
    >>> policy = OneCycle(max_alpha=0.1, pct_start=0.25, anneal="linear")
    >>> trace(policy, n_epochs=4, steps_per_epoch=1).round(4)
    array([0.004 , 0.1   , 0.0667, 0.0333])
    """

    _parameter_constraints = {
        "max_alpha": [_POSITIVE],
        "n_epochs": _HORIZON,
        "pct_start": [Interval(Real, 0, 1, closed="neither")],
        "div_factor": [Interval(Real, 1, None, closed="left")],
        "final_div_factor": [Interval(Real, 1, None, closed="left")],
        "anneal": [StrOptions({"cos", "linear"})],
        "three_phase": ["boolean"],
    }

    def __init__(
        self,
        max_alpha=0.1,
        n_epochs=None,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal="cos",
        three_phase=False,
    ):
        self.max_alpha = max_alpha
        self.n_epochs = n_epochs
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.anneal = anneal
        self.three_phase = three_phase

    def _start(self, max_epochs):
        if self.three_phase and self.pct_start >= 0.5:
            _fail(self, "pct_start", self.pct_start, "< 0.5 when three_phase=True")
        return self._formula(
            max_alpha=self.max_alpha,
            horizon=self._horizon(max_epochs),
            pct_start=self.pct_start,
            div_factor=self.div_factor,
            final_div_factor=self.final_div_factor,
            anneal=self.anneal,
            three_phase=bool(self.three_phase),
        )


class ReduceOnPlateau(_Policy):
    r"""Reduce α by `factor` when the monitored quantity stops improving.

    Semantics of PyTorch's ``ReduceLROnPlateau`` with ``threshold_mode="rel"``
    and ``eps=1e-8``, one observation per epoch.

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, > 0.
    factor : float, default=0.5
        Multiplier of α at each reduction, in (0, 1).
    patience : int, default=5
        Reduce once more than `patience` epochs in a row failed to improve.
    threshold : float, default=1e-4
        Relative improvement required, >= 0.
    cooldown : int, default=0
        Epochs after a reduction during which bad epochs are not counted.
    min_alpha : float, default=0.0
        Lower bound on α, in [0, alpha].
    monitor : {"auto", "loss", "score"}, default="auto"
        "loss": the epoch's training loss (lower is better); "score": the
        validation score (higher is better); "auto": the score if the first
        observation has one, else the loss (fixed from then on). An epoch whose
        monitored value is None changes nothing.

    Notes
    -----
    An epoch improves when :math:`v < b\,(1 - \mathrm{threshold})` ("loss") or
    :math:`v > b\,(1 + \mathrm{threshold})` ("score"), b the best value so far
    (the first value always improves). After each epoch end, the number of
    reductions k grows by one when the bad-epoch count exceeds `patience`
    (unless the drop is below 1e-8, i.e. α already sits at `min_alpha`); then
    the count resets and `cooldown` epochs are ignored. The rate is

    .. math:: \alpha_t = \max(\alpha \cdot \mathrm{factor}^{k}, \alpha_{min})

    Examples
    --------
    >>> from sklearn_lr.schedules import ReduceOnPlateau, trace
    >>> policy = ReduceOnPlateau(alpha=0.1, factor=0.5, patience=1)
    >>> trace(policy, n_epochs=5, steps_per_epoch=1, losses=[1.0, 1.0, 1.0, 0.5, 0.5])
    array([0.1 , 0.1 , 0.1 , 0.05, 0.05])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "factor": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "threshold": [_NON_NEGATIVE],
        "cooldown": [Interval(Integral, 0, None, closed="left")],
        "min_alpha": [_NON_NEGATIVE],
        "monitor": [StrOptions({"auto", "loss", "score"})],
    }

    def __init__(
        self,
        alpha=0.01,
        factor=0.5,
        patience=5,
        threshold=1e-4,
        cooldown=0,
        min_alpha=0.0,
        monitor="auto",
    ):
        self.alpha = alpha
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.min_alpha = min_alpha
        self.monitor = monitor

    def _start(self, max_epochs):
        _check_order(self, "min_alpha", "alpha")
        return _ReduceOnPlateauSchedule(
            float(self.alpha),
            float(self.factor),
            int(self.patience),
            float(self.threshold),
            int(self.cooldown),
            float(self.min_alpha),
            self.monitor,
        )


class BoldDriver(_Policy):
    r"""Bold driver: grow α while the training loss falls, cut it when it rises.

    Monitors the epoch's training loss only (validation scores are ignored).

    Parameters
    ----------
    alpha : float, default=0.01
        Initial learning rate, in [min_alpha, max_alpha].
    increase : float, default=1.05
        Multiplier after an epoch whose loss fell, >= 1.
    decrease : float, default=0.5
        Multiplier after an epoch whose loss rose (or was not finite), in (0, 1].
    min_alpha : float, default=1e-6
        Lower bound on α, >= 0.
    max_alpha : float, default=10.0
        Upper bound on α, > 0.

    Notes
    -----
    At each epoch end, with :math:`L_e` the loss and :math:`L_{e-1}` the last
    finite loss observed before it:

    .. math::
        \alpha \leftarrow \mathrm{clip}\left(\alpha \cdot
        \begin{cases} \mathrm{increase} & L_e < L_{e-1} \\
        \mathrm{decrease} & L_e > L_{e-1} \text{ or } L_e \text{ not finite} \\
        1 & \text{otherwise (equal, or first epoch)} \end{cases},
        \ \alpha_{min}, \alpha_{max}\right)

    The rate is constant within an epoch. The original method also undoes the
    step that raised the loss; here the estimator only changes α.

    References
    ----------
    .. [1] R. Battiti, "Accelerated backpropagation learning: two optimization
       methods", Complex Systems 3, 1989.

    Examples
    --------
    >>> from sklearn_lr.schedules import BoldDriver, trace
    >>> policy = BoldDriver(alpha=0.1, increase=1.5, decrease=0.5)
    >>> trace(policy, n_epochs=4, steps_per_epoch=1, losses=[1.0, 0.8, 0.9, 0.9])
    array([0.1  , 0.1  , 0.15 , 0.075])
    """

    _parameter_constraints = {
        "alpha": [_POSITIVE],
        "increase": [Interval(Real, 1, None, closed="left")],
        "decrease": [_FACTOR],
        "min_alpha": [_NON_NEGATIVE],
        "max_alpha": [_POSITIVE],
    }

    def __init__(
        self, alpha=0.01, increase=1.05, decrease=0.5, min_alpha=1e-6, max_alpha=10.0
    ):
        self.alpha = alpha
        self.increase = increase
        self.decrease = decrease
        self.min_alpha = min_alpha
        self.max_alpha = max_alpha

    def _start(self, max_epochs):
        _check_order(self, "min_alpha", "alpha")
        _check_order(self, "alpha", "max_alpha")
        return _BoldDriverSchedule(
            float(self.alpha),
            float(self.increase),
            float(self.decrease),
            float(self.min_alpha),
            float(self.max_alpha),
        )


class Warmup(_Policy):
    r"""Linear warm-up over `epochs`, then the wrapped policy.

    Parameters
    ----------
    policy : policy object or float
        The wrapped policy (a float means `Constant`). Its nested parameters
        are addressable as ``policy__<name>``, e.g.
        ``Warmup(StepDecay()).set_params(policy__alpha=0.1)``.
    epochs : float, default=1.0
        Length w of the warm-up in epochs, >= 0.
    start_factor : float, default=0.0
        Fraction of :math:`\alpha_0` at t = 0, in [0, 1].

    Notes
    -----
    With :math:`\alpha_0` the wrapped policy's rate at its own clock 0 and
    :math:`f` = `start_factor`:

    .. math::
        \alpha_t = \alpha_0 \left(f + (1 - f)\,\frac{t}{w}\right) \ (t < w),
        \qquad \alpha_t = \mathrm{policy}(t - w) \ (t \ge w)

    PyTorch's ``SequentialLR([LinearLR(start_factor=f, total_iters=w * B),
    policy], milestones=[w * B])``. The wrapped policy's horizon
    (``n_epochs=None``) is ``max_epochs - w``, which must be positive.
    Feedback (``observe``) reaches the wrapped policy only for epochs that end
    after the warm-up, on its own clock ``t - w``: the fast initial drop of the
    loss during warm-up does not count as progress of, e.g., `ReduceOnPlateau`.

    Examples
    --------
    >>> from sklearn_lr.schedules import StepDecay, Warmup, trace
    >>> policy = Warmup(StepDecay(alpha=0.1, every=2), epochs=2, start_factor=0.5)
    >>> trace(policy, n_epochs=6, steps_per_epoch=1)
    array([0.05 , 0.075, 0.1  , 0.1  , 0.05 , 0.05 ])
    """

    _parameter_constraints = {
        "policy": _POLICY,
        "epochs": [_NON_NEGATIVE],
        "start_factor": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(self, policy, epochs=1.0, start_factor=0.0):
        self.policy = policy
        self.epochs = epochs
        self.start_factor = start_factor

    def _start(self, max_epochs):
        if self.epochs >= max_epochs:
            _fail(self, "epochs", self.epochs, f"< max_epochs={max_epochs!r}")
        inner = _as_policy(self.policy, name="policy").start(max_epochs - self.epochs)
        return _WarmupSchedule(inner, float(self.epochs), float(self.start_factor))


class Sequential(_Policy):
    r"""Run policies one after another, each on its own clock.

    Parameters
    ----------
    policies : list of policy objects (or floats)
        The policies, in order (at least one).
    milestones : sequence of float
        ``len(policies) - 1`` strictly increasing epochs > 0 at which the next
        policy takes over; the last one must be below the training horizon.

    Notes
    -----
    With :math:`m_0 = 0` and milestones :math:`m_1 < \dots < m_{n-1}`, policy
    i runs on :math:`[m_i, m_{i+1})` and sees the clock :math:`t - m_i`:

    .. math:: \alpha_t = \mathrm{policy}_i(t - m_i), \quad m_i \le t < m_{i+1}

    Policy i's horizon (``n_epochs=None``) is :math:`m_{i+1} - m_i`, the
    last one's ``max_epochs`` :math:`- m_{n-1}`. An epoch-end observation at
    t goes to the policy that ran just before t (:math:`m_i < t \le m_{i+1}`),
    on its clock. PyTorch's ``SequentialLR`` with milestones times
    ``steps_per_epoch``.

    Nested parameters: child i and its parameters are named
    ``policies__<i>`` and ``policies__<i>__<name>`` in ``get_params(deep=True)``
    and ``set_params`` (so ``learning_rate__policies__1__alpha`` in a grid
    search); ``set_params(policies__1=...)`` replaces a child, building a new
    list.

    Examples
    --------
    >>> from sklearn_lr.schedules import Constant, Sequential, StepDecay, trace
    >>> policy = Sequential([Constant(0.01), StepDecay(0.1, every=1)], milestones=[2])
    >>> trace(policy, n_epochs=4, steps_per_epoch=1)
    array([0.01, 0.01, 0.1 , 0.05])
    >>> policy.set_params(policies__0__alpha=0.02).policies[0]
    Constant(alpha=0.02)
    """

    _parameter_constraints = {
        "policies": [list, tuple],
        "milestones": ["array-like"],
    }

    def __init__(self, policies, milestones):
        self.policies = policies
        self.milestones = milestones

    def get_params(self, deep=True):
        """Parameters; with `deep`, also ``policies__<i>[__<name>]`` of children."""
        params = super().get_params(deep=False)
        if deep and isinstance(self.policies, list | tuple):
            for i, child in enumerate(self.policies):
                params[f"policies__{i}"] = child
                if hasattr(child, "get_params") and not isinstance(child, type):
                    for key, value in child.get_params(deep=True).items():
                        params[f"policies__{i}__{key}"] = value
        return params

    def set_params(self, **params):
        """Set parameters, including ``policies__<i>`` and ``policies__<i>__<name>``."""
        nested = {k: params.pop(k) for k in list(params) if k.startswith("policies__")}
        super().set_params(**params)
        if not nested:
            return self
        policies, grouped = list(self.policies), {}
        for key, value in nested.items():
            index, _, sub_key = key.removeprefix("policies__").partition("__")
            if not (index.isdigit() and int(index) < len(policies)):
                raise ValueError(
                    f"Invalid parameter {key!r} for Sequential: the children are "
                    f"policies__0 to policies__{len(policies) - 1}."
                )
            if sub_key:
                grouped.setdefault(int(index), {})[sub_key] = value
            else:
                policies[int(index)] = value
        for index, sub_params in grouped.items():
            policies[index].set_params(**sub_params)
        self.policies = type(self.policies)(policies)
        return self

    def _start(self, max_epochs):
        if not self.policies:
            _fail(self, "policies", self.policies, "a non-empty list of policies")
        for i, child in enumerate(self.policies):
            if not (_is_policy(child) or _POSITIVE.is_satisfied_by(child)):
                _fail(self, f"policies[{i}]", child, "a policy object or a float > 0")
        milestones = _check_milestones(self, self.milestones)
        if len(milestones) != len(self.policies) - 1:
            allowed = f"of length len(policies) - 1 = {len(self.policies) - 1}"
            _fail(self, "milestones", self.milestones, allowed)
        if milestones and milestones[-1] >= max_epochs:
            _fail(self, "milestones", self.milestones, f"< max_epochs={max_epochs!r}")
        bounds = (0.0, *milestones, max_epochs)
        children = tuple(
            _as_policy(child, name=f"policies[{i}]").start(bounds[i + 1] - bounds[i])
            for i, child in enumerate(self.policies)
        )
        return _SequentialSchedule(children, milestones)


# --------------------------------------------------------------------------
# Helpers for the estimators, plots and docs.


def _as_policy(value, *, name="learning_rate"):
    """Turn a learning-rate specification into a policy object.

    A real number > 0 (not bool) becomes ``Constant(alpha=float(value))``; a
    policy (any object with a ``start`` method) is returned unchanged.
    """
    if _is_policy(value):
        return value
    if isinstance(value, Real) and not isinstance(value, bool):
        if not 0 < value < math.inf:
            raise ValueError(
                f"{name} must be a finite float > 0 or a policy; got {value!r}."
            )
        return Constant(alpha=float(value))
    hint = f"; did you mean {value.__name__}()?" if isinstance(value, type) else ""
    raise TypeError(
        f"{name} must be a float > 0 or a learning-rate policy from "
        f"sklearn_lr.schedules (e.g. StepDecay()); got {type(value).__name__} "
        f"{value!r}{hint}"
    )


def trace(
    policy: "_Policy | float", n_epochs: int, steps_per_epoch: int, losses=None
) -> np.ndarray:
    """Learning rate of every step of a training run, without training.

    Parameters
    ----------
    policy : policy object or float
        The learning-rate policy (a float means `Constant`).
    n_epochs : int
        Number of epochs, >= 1; also the policy's horizon ``max_epochs``.
    steps_per_epoch : int
        Number of update steps (batches) per epoch, >= 1.
    losses : array-like of shape (>= n_epochs,), default=None
        Training loss of each epoch, observed by feedback policies after the
        epoch's last step. None: no feedback (feedback policies stay put).

    Returns
    -------
    rates : ndarray of shape (n_epochs * steps_per_epoch,), dtype float64
        α of step b of epoch e at position ``e * steps_per_epoch + b``,
        evaluated at the clock ``t = e + b / steps_per_epoch``.

    Examples
    --------
    >>> from sklearn_lr.schedules import StepDecay, trace
    >>> trace(StepDecay(alpha=0.1, drop=0.5, every=1.5), n_epochs=2, steps_per_epoch=2)
    array([0.1 , 0.1 , 0.1 , 0.05])
    """
    validate_parameter_constraints(
        _TRACE_CONSTRAINTS,
        {
            "policy": policy,
            "n_epochs": n_epochs,
            "steps_per_epoch": steps_per_epoch,
            "losses": losses,
        },
        caller_name="trace",
    )
    if losses is not None:
        losses = np.asarray(losses, dtype=np.float64)
        if losses.ndim != 1 or losses.shape[0] < n_epochs:
            raise ValueError(
                f"losses must be 1-D with at least n_epochs={n_epochs} values; "
                f"got shape {losses.shape}."
            )
    schedule = _as_policy(policy, name="policy").start(max_epochs=n_epochs)
    rates = np.empty(n_epochs * steps_per_epoch, dtype=np.float64)
    for epoch in range(n_epochs):
        for batch in range(steps_per_epoch):
            rates[epoch * steps_per_epoch + batch] = schedule.rate(
                epoch + batch / steps_per_epoch
            )
        loss = None if losses is None else float(losses[epoch])
        schedule.observe(epoch + 1, loss=loss)
    return rates

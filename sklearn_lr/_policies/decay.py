"""Open-loop decays: constant, inverse-time, exponential, step, multi-step,
polynomial, cosine annealing and cosine warm restarts.
"""

import inspect
import math
from numbers import Real

from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
)

from .._checks import passed_params
from .base import (
    _FACTOR,
    _HORIZON,
    _NON_NEGATIVE,
    _POSITIVE,
    _check_milestones,
    _check_order,
    _is_policy,
    _one_line,
    _Policy,
)
from .runtime import _Schedule


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


def _as_policy(value, *, name="learning_rate"):
    """Turn a learning-rate specification into a policy object.

    A real number > 0 (not bool) becomes ``Constant(alpha=float(value))``; a
    policy (any object with a ``start`` method) is returned unchanged.
    """
    if _is_policy(value):
        return value
    expected = (
        f"The {name!r} parameter must be a float in the range (0.0, inf) or a "
        "learning-rate policy (an object implementing 'start', such as "
        "StepDecay())"
    )
    if isinstance(value, Real) and not isinstance(value, bool):
        if not 0 < value < math.inf:
            raise ValueError(f"{expected}. Got {value!r} instead.")
        policy = Constant(alpha=float(value))
        passed_params(policy)  # the check above is Constant's own
        return policy
    if isinstance(value, type):
        got = f"the class {value.__name__} instead; did you mean {value.__name__}()?"
    else:
        got = f"{value!r} instead."
    # scikit-learn's error for a parameter of a wrong type: a ValueError and
    # a TypeError, as every other bad hyperparameter
    raise InvalidParameterError(f"{expected}. Got {got}")


def _check_start_signature(policy, name):
    """Refuse a policy whose ``start`` cannot be called as the protocol
    calls it, ``start(max_epochs=...)``, with a message naming that call,
    instead of Python's own about an unexpected or a missing argument."""
    try:
        signature = inspect.signature(policy.start)
    except (TypeError, ValueError):  # not callable, or no signature to read
        return
    try:
        signature.bind(max_epochs=1)
    except TypeError:
        raise TypeError(
            f"{name}={_one_line(policy)}: start must be callable as "
            f"start(max_epochs=...), the policy protocol's call; got "
            f"start{signature}."
        ) from None


def _start_schedule(value, max_epochs, *, name="learning_rate", horizon=None):
    """Start the run-time state of a learning-rate specification.

    `value` is a float or a policy; a policy written by a user is held to the
    protocol: ``start(max_epochs=...)`` (that keyword) must return an object
    with the methods ``rate(t)`` and ``observe(t, *, loss, score)``.
    `horizon`, a `_Horizon`, says what `max_epochs` is when it is not the
    training length (the segment of a `Sequential`, say), for the built-in
    composite policies.
    """
    policy = _as_policy(value, name=name)
    own_start = getattr(type(policy), "start", None) is _Policy.start
    if horizon is not None and own_start:
        schedule = policy._start_within(max_epochs, horizon)
    else:
        if not own_start:  # a policy's own start, held to the protocol's call
            _check_start_signature(policy, name)
        schedule = policy.start(max_epochs=max_epochs)
    missing = [
        m for m in ("rate", "observe") if not callable(getattr(schedule, m, None))
    ]
    if missing:
        raise TypeError(
            f"{name}={_one_line(policy)}: start(max_epochs) must return a "
            "schedule with the methods rate(t) and observe(t, *, loss, score); "
            f"got {type(schedule).__name__}, without {' and '.join(missing)}."
        )
    if not isinstance(schedule, _Schedule):
        _check_schedule_signatures(schedule, policy, name)
    return schedule


def _check_schedule_signatures(schedule, policy, name):
    """Refuse a schedule of one's own whose ``rate`` or ``observe`` cannot be
    called as training calls them, before training changes anything (the
    first ``observe`` comes at the end of the first epoch)."""
    for method, args, kwargs in (
        ("rate", (0.0,), {}),
        ("observe", (1.0,), {"loss": 1.0, "score": None}),
    ):
        try:
            signature = inspect.signature(getattr(schedule, method))
        except (TypeError, ValueError):  # no signature to read
            continue
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            call = "rate(t)" if method == "rate" else "observe(t, loss=..., score=...)"
            raise TypeError(
                f"{name}={_one_line(policy)}: the schedule its start returned "
                f"must be callable as {call}, the policy protocol's call; got "
                f"{method}{signature}."
            ) from None

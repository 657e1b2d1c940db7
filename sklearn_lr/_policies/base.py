"""The base class of the learning-rate policies and their validation helpers."""

import math
from numbers import Real
from typing import NamedTuple

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
)

from .._checks import validate_params_once
from .runtime import (
    _FORMULAS,
    _PUBLIC_MODULE,
    _FormulaSchedule,
    _name_in_public_module,
    _rate_value,
    _Schedule,
)


class _FloatInterval(Interval):
    """An interval of real numbers that are floats: an int beyond the float
    range (``10**400``, below ``inf`` for Python) is refused, as inf is,
    rather than failing later where the number is turned into a float."""

    def is_satisfied_by(self, val):
        # the interval itself refuses inf and nan
        if not super().is_satisfied_by(val):
            return False
        try:
            return math.isfinite(float(val))
        except OverflowError:
            return False


class _ConstantRate(_FloatInterval):
    """A float > 0 standing for a policy (`Constant`), bools excluded.

    Plain numeric hyperparameters take True as 1, as scikit-learn's own
    Interval constraints do; where a policy is expected, True is a mistake
    (the estimators' ``learning_rate`` refuses it too).
    """

    def __init__(self):
        super().__init__(Real, 0, None, closed="neither")

    def is_satisfied_by(self, val):
        return not isinstance(val, bool) and super().is_satisfied_by(val)


_POSITIVE = _FloatInterval(Real, 0, None, closed="neither")
_NON_NEGATIVE = _FloatInterval(Real, 0, None, closed="left")
_FACTOR = Interval(Real, 0, 1, closed="right")
_HORIZON = [_POSITIVE, None]
_POLICY = [_ConstantRate(), HasMethods(["start"])]


def _fail(policy, name, value, allowed):
    raise InvalidParameterError(
        f"The {name!r} parameter of {type(policy).__name__} must be {allowed}. "
        f"Got {value!r} instead."
    )


def _check_order(policy, low, high):
    if getattr(policy, low) > getattr(policy, high):
        _fail(policy, low, getattr(policy, low), f"<= {high}={getattr(policy, high)!r}")


def _check_milestones(policy, milestones, name="milestones"):
    """`milestones` as a tuple of floats: real numbers (not bools, not strings
    that spell numbers), finite, > 0 and strictly increasing."""
    try:
        values = tuple(milestones)
    except TypeError:
        values = (math.nan,)
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in values):
        values = (math.nan,)
    try:
        values = tuple(float(v) for v in values)
    except OverflowError:  # an int beyond the float range
        values = (math.nan,)
    if not all(0 < v < math.inf for v in values) or any(
        a >= b for a, b in zip(values, values[1:], strict=False)
    ):
        allowed = "a strictly increasing sequence of real numbers > 0 (epochs)"
        _fail(policy, name, milestones, allowed)
    return values


class _Horizon(NamedTuple):
    """What a policy's ``max_epochs`` is: `text` names it in messages, e.g.
    "max_epochs=10.0, the training length (...)"; `handover` tells whether
    another policy takes over at its end (a milestone of a `Sequential`)
    rather than training ending there."""

    text: str
    handover: bool = False


def _training_length(max_epochs):
    """The horizon of a policy started directly: the training length."""
    text = f"max_epochs={max_epochs!r}, the training length (an estimator's max_iter)"
    return _Horizon(text)


def _needs_horizon(value):
    """Whether the policy `value` (or a float) depends on the horizon it is
    started with: a built-in policy with ``n_epochs=None``, a `Warmup` or
    `Sequential` (whose durations are checked against it), and a policy of
    one's own, which may read it."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return False
    if isinstance(value, _Policy):
        return value._needs_horizon()
    return True


def _check_nested_targets(name, value, params):
    """Refuse ``<name>__<param>`` keys of ``set_params``'s `params` when
    `value`, the policy `name` is or is being set to, has no parameters to
    set: a float, a string, or a policy class rather than an instance.
    scikit-learn's own set_params would fail halfway, with "'float' object
    has no attribute 'set_params'" or "missing 1 required positional
    argument: 'self'"."""
    nested = sorted(key for key in params if key.startswith(f"{name}__"))
    if not nested:
        return
    if isinstance(value, type):
        raise ValueError(
            f"Cannot set {nested[0]!r}: {name} is the class {value.__name__}, "
            f"not a policy; did you mean {value.__name__}()?"
        )
    if isinstance(value, Real):
        raise ValueError(
            f"Cannot set {nested[0]!r}: {name} is {value!r}, a constant without "
            "parameters. Make it a policy in the same call or grid, e.g. "
            f"{name}=Constant() with {nested[0]}."
        )
    if not hasattr(value, "set_params"):
        raise ValueError(
            f"Cannot set {nested[0]!r}: {name} is {value!r}, which has no "
            "parameters to set. Make it a policy object in the same call or "
            "grid."
        )


def _one_line(policy):
    """The policy's repr on one line, for messages."""
    return " ".join(repr(policy).split())


def _epoch_rates(schedule, epoch, n_steps, *, name, policy):
    """α of the `n_steps` update steps of epoch `epoch` (step k at the clock
    ``epoch + k / n_steps``), as floats; a ValueError names the `policy` (or
    the one-line text given for it) as `name` if one is not a real number in
    [0, inf)."""
    rates = [schedule.rate(epoch + k / n_steps) for k in range(n_steps)]
    values = [_rate_value(rate) for rate in rates]
    for k, (rate, value) in enumerate(zip(rates, values, strict=True)):
        if value is None:
            raise ValueError(
                f"The learning-rate policy {name}="
                f"{policy if isinstance(policy, str) else _one_line(policy)} gave "
                f"alpha={rate!r} at t={epoch + k / n_steps:g}; a learning rate "
                "must be a real number in [0, inf), within the float range."
            )
    return values


def _is_policy(value):
    return not isinstance(value, type) and callable(getattr(value, "start", None))


class _Policy(BaseEstimator):
    """Base class of the learning-rate policies (hyperparameters only)."""

    __module__ = _PUBLIC_MODULE
    _parameter_constraints: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _name_in_public_module(cls)

    def _validate_params(self):
        # every partial_fit call starts the policy again: hyperparameters
        # unchanged since they last passed are not checked again
        validate_params_once(self, super()._validate_params)

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
        return self._start_within(max_epochs, None)

    def _start_within(self, max_epochs, horizon):
        """`start`, with `horizon` (a `_Horizon`, or None for the training
        length) saying what `max_epochs` is, for composite policies."""
        if (
            not isinstance(max_epochs, Real)
            or isinstance(max_epochs, bool)
            or not 0 < max_epochs < math.inf
        ):
            _fail(self, "max_epochs", max_epochs, "a float in the range (0.0, inf)")
        self._validate_params()
        max_epochs = float(max_epochs)
        return self._start_in(max_epochs, horizon or _training_length(max_epochs))

    def _start_in(self, max_epochs, horizon):
        """Make the run-time state of validated hyperparameters; composite
        policies override this to check their durations against `horizon`."""
        return self._start(max_epochs)

    def _start(self, max_epochs):
        raise NotImplementedError

    def _needs_horizon(self):
        """Whether the run-time state depends on ``max_epochs``; see the
        module's `_needs_horizon`."""
        return getattr(self, "n_epochs", 0) is None

    def _formula(self, **params):
        for key, value in params.items():
            if isinstance(value, Real) and not isinstance(value, bool):
                params[key] = float(value)  # plain floats, not numpy scalars
        # the formula of the policy this one is or derives from: a user's
        # subclass has a name of its own (or, in its own module, one of ours)
        name = next(
            cls.__name__
            for cls in type(self).__mro__
            if cls.__module__ == _PUBLIC_MODULE and cls.__name__ in _FORMULAS
        )
        return _FormulaSchedule(name, **params)

    def _horizon(self, max_epochs):
        return max_epochs if self.n_epochs is None else float(self.n_epochs)

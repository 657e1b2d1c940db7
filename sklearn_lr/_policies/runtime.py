"""Run-time state of the learning-rate policies and the formulas it evaluates.

A schedule object is what ``policy.start(max_epochs)`` returns: plain numbers
and strings (and, for composite policies, other schedules) with
``rate(t)`` and ``observe(t, *, loss, score)``. Part of
:mod:`sklearn_lr.schedules`, which re-exports everything public.
"""

import math
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from numbers import Real


def _rate_value(rate):
    """``rate`` as a float if it is a learning rate, a real number in
    [0, inf) (not a bool), else None: a number beyond the float range (an
    int of 400 digits, a longdouble) is none either."""
    if isinstance(rate, bool) or not isinstance(rate, Real):
        return None
    try:
        value = float(rate)
    except (OverflowError, TypeError, ValueError):
        return None
    return value + 0.0 if 0.0 <= value < math.inf else None  # -0.0 as 0.0


_EPS = 1e-9  # epochs: a boundary reached up to rounding error counts as reached
_PLATEAU_EPS = 1e-8  # PyTorch's ReduceLROnPlateau `eps`: smaller reductions are skipped


# --------------------------------------------------------------------------
# Formulas: pure functions of the clock t (epochs) and plain numbers.
#
# Valid hyperparameters, however extreme, give a finite rate >= 0, never an
# OverflowError or ZeroDivisionError: a power that would overflow is written
# as its reciprocal, which underflows to 0 instead; a count that overflows
# (t over a duration too small for a float) is inf, after which a decay is 0
# and a cycle sits at its start; a phase whose length underflowed to 0 is over
# once t passes it.


def _decayed(alpha, factor, n):
    """``alpha * factor**n``, also where the power alone underflows while the
    product is a normal float (a large alpha, a tiny factor): then through
    logarithms. Wherever the power is a normal float, it is that product."""
    power = factor**n
    if power >= sys.float_info.min or alpha <= 1.0:
        return alpha * power
    return math.exp(math.log(alpha) + n * math.log(factor))


def _late(t):
    """The clock t moved later by its rounding tolerance, so that a boundary
    it reaches up to rounding error counts as reached: by ``_EPS`` epochs,
    or by ``_EPS`` times t before one epoch (nothing is reached early at
    t = 0, however short a duration)."""
    return t + _EPS * min(1.0, t)


def _early(t):
    """The clock t moved earlier by its rounding tolerance (see `_late`)."""
    return t - _EPS * min(1.0, t)


def _count(t, duration):
    """How many whole ``duration``s the clock t has reached (see `_late`),
    as a float: inf stays inf. The tolerance is on the clock, not on the
    count, so it stays within ``_EPS`` epochs however long the duration."""
    count = _late(t) / duration
    return float(math.floor(count)) if count < math.inf else count


def _progress(t, begin, end):
    """Fraction of [begin, end] done at t, in [0, 1]; a span that underflowed
    to nothing is 0 up to its start and 1 after it."""
    if end <= begin:
        return 0.0 if t <= begin else 1.0
    return min(max((t - begin) / (end - begin), 0.0), 1.0)


def _cos_anneal(start, end, pct):
    return end + 0.5 * (start - end) * (1.0 + math.cos(math.pi * pct))


def _linear_anneal(start, end, pct):
    return start + (end - start) * pct


_ANNEAL = {"cos": _cos_anneal, "linear": _linear_anneal}


def _constant(t, alpha):
    return alpha


def _inverse_time(t, alpha, decay, power):
    if power == 0.0:
        return alpha
    # (1 + decay t)^-power through log1p, which keeps a decay * t that 1 + ...
    # would round away (its power can be large); underflows to 0, never
    # overflows
    return alpha * math.exp(-power * math.log1p(decay * t))


def _exponential(t, alpha, gamma, staircase):
    return _decayed(alpha, gamma, _count(t, 1.0) if staircase else t)


def _step(t, alpha, drop, every):
    return _decayed(alpha, drop, _count(t, every))


def _multi_step(t, alpha, milestones, drop):
    return _decayed(alpha, drop, bisect_right(milestones, _late(t)))


def _polynomial(t, alpha, end_alpha, power, horizon):
    if _late(t) >= horizon:  # a power below 1 would magnify a rounding error
        return end_alpha
    return end_alpha + (alpha - end_alpha) * (1.0 - t / horizon) ** power


def _cosine(t, alpha, min_alpha, horizon):
    return _cos_anneal(alpha, min_alpha, min(t / horizon, 1.0))


def _warm_restarts(t, alpha, min_alpha, period, mult):
    if mult == 1.0:
        n = _count(t, period)
        begin, length = n * period, period
    else:  # cycle n starts at period * (mult**n - 1) / (mult - 1)
        log_mult = math.log(mult)

        def start(n):
            try:
                return period * math.expm1(n * log_mult) / (mult - 1.0)
            except OverflowError:  # mult**n beyond the float range
                return math.inf

        # the cycle's index from the logarithm, then set right by comparing
        # the clock with the cycles' starts, which the logarithm's rounding
        # can miss by more than the clock's tolerance
        reached = _late(t)
        n = math.log1p(t / period * (mult - 1.0)) / log_mult
        n = float(math.floor(n)) if n < math.inf else n
        if n < math.inf:
            if start(n + 1.0) <= reached:
                n += 1.0
            elif n > 0.0 and start(n) > reached:
                n -= 1.0
        begin = start(n)
        try:
            length = period * mult**n
        except OverflowError:
            begin = length = math.inf
    # with n = inf (t / period too large for a float) begin is inf: the start
    # of a period, as nothing tells where within one t lies
    return _cos_anneal(alpha, min_alpha, min(max(t - begin, 0.0) / length, 1.0))


def _cyclic(t, min_alpha, max_alpha, step_size, mode, gamma):
    if t / step_size == math.inf:  # infinitely many cycles: no position in one
        return min_alpha
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
            return _ANNEAL[anneal](start_alpha, end_alpha, _progress(t, begin, end))
        begin = end
    end, start_alpha, end_alpha = phases[-1]
    return _ANNEAL[anneal](start_alpha, end_alpha, _progress(t, begin, end))


_FORMULAS: dict[str, Callable[..., float]] = {
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


_PUBLIC_MODULE = "sklearn_lr.schedules"


def _name_in_public_module(cls):
    """Give a class defined in this package the module that re-exports it.

    Pickles, skops files and the API documentation then say
    ``sklearn_lr.schedules.<Name>`` whichever module holds the code. A class
    defined elsewhere (a user's subclass) keeps its own module.
    """
    if cls.__module__.startswith("sklearn_lr._policies."):
        cls.__module__ = _PUBLIC_MODULE


class _Schedule:
    """Run-time state of a policy, made by ``policy.start(max_epochs)``."""

    __module__ = _PUBLIC_MODULE

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _name_in_public_module(cls)

    def rate(self, t: float) -> float:
        """Learning rate α at clock `t` (epochs)."""
        raise NotImplementedError

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
        """Epoch-end feedback at clock `t`; open-loop schedules ignore it."""

    def _watches_score(self):
        """Whether an epoch without a validation score leaves this state as
        it is, because it watches the score (a feedback rule)."""
        return False

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
        return max(_decayed(self.alpha, self.factor, self.reductions), self.min_alpha)

    def _watches_score(self):
        return self.monitor == "score"

    def _improves(self, value):
        if self.best is None:  # as PyTorch, which starts from the worst, ±inf
            return value > -math.inf if self.monitor == "score" else value < math.inf
        if self.monitor == "score":
            return value > self.best * (1.0 + self.threshold)
        return value < self.best * (1.0 - self.threshold)

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
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
                _decayed(self.alpha, self.factor, self.reductions + 1), self.min_alpha
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

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
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
            alpha = self.inner.rate(0.0)
            if _rate_value(alpha) is None:
                # no learning rate (a policy of one's own gave a string, a
                # negative or infinite number): passed on as it is, for the
                # check of the rates to name, not scaled into another
                return alpha
            return alpha * ramp
        return self.inner.rate(t - self.epochs)

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
        if t - self.epochs > _EPS:
            self.inner.observe(t - self.epochs, loss=loss, score=score)

    def _watches_score(self):
        return schedule_watches_score(self.inner)


class _SequentialSchedule(_Schedule):
    def __init__(self, children, milestones):
        self.children, self.milestones = children, milestones

    def _local(self, t, index):
        begin = self.milestones[index - 1] if index else 0.0
        return self.children[index], max(t - begin, 0.0)

    def rate(self, t: float) -> float:
        child, local = self._local(t, bisect_right(self.milestones, _late(t)))
        return child.rate(local)

    def observe(
        self, t: float, *, loss: float | None = None, score: float | None = None
    ) -> None:
        # the child that ran just before t: milestone[i-1] < t <= milestone[i]
        child, local = self._local(t, bisect_left(self.milestones, _early(t)))
        child.observe(local, loss=loss, score=score)

    def _watches_score(self):
        return any(schedule_watches_score(child) for child in self.children)


def schedule_watches_score(schedule):
    """`_Schedule._watches_score` of any schedule (False for one of a user's
    own policy)."""
    method = getattr(schedule, "_watches_score", None)
    return bool(method()) if callable(method) else False

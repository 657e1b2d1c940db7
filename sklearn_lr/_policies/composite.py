"""Composite policies: a warm-up before any policy, policies in sequence."""

from __future__ import annotations

from numbers import Real
from typing import Any

from sklearn.utils._param_validation import Interval

from .base import (
    _NON_NEGATIVE,
    _POLICY,
    _check_milestones,
    _check_nested_targets,
    _fail,
    _Horizon,
    _needs_horizon,
    _one_line,
    _Policy,
)
from .decay import _as_policy, _start_schedule
from .runtime import _EPS, _SequentialSchedule, _WarmupSchedule


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
    (``n_epochs=None``) is ``max_epochs - w``: the training length (an
    estimator's ``max_iter``) minus w, or inside a `Sequential` the length of
    the Warmup's segment minus w; w must be below that length. One exception:
    in a segment that ends at a milestone, where the next policy takes over,
    the warm-up may fill the whole segment (w = its length) if the wrapped
    policy needs no horizon, being a float or a built-in policy other than
    `Warmup` and `Sequential` without ``n_epochs=None`` (not a policy of
    one's own, which may read it). The wrapped policy then only sets
    :math:`\alpha_0`, as PyTorch's ``LinearLR`` lasting its whole segment of
    a ``SequentialLR``: ``Sequential([Warmup(Constant(0.1), epochs=5),
    CosineAnnealing(0.1)], milestones=[5])`` is ``SequentialLR([LinearLR(...,
    total_iters=5 * B), CosineAnnealingLR(...)], milestones=[5 * B])``. A
    warm-up that lasts until training ends never hands over to its policy,
    and is refused as a likely mistake.

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

    def set_params(self, **params: Any) -> Warmup:
        """Set parameters, including the wrapped policy's as ``policy__<name>``.

        Parameters
        ----------
        **params : dict
            Parameters of this policy and of the wrapped one.

        Returns
        -------
        self : Warmup
            The policy.
        """
        _check_nested_targets("policy", params.get("policy", self.policy), params)
        return super().set_params(**params)

    def _needs_horizon(self):
        return True  # the warm-up must fit in it

    def _start_in(self, max_epochs, horizon):
        epochs, fills = float(self.epochs), False
        if epochs >= max_epochs:
            # a warm-up may fill a segment that hands over to the next policy,
            # if its own policy, which never runs, needs no horizon
            fills = (
                horizon.handover
                and epochs - max_epochs <= _EPS
                and not _needs_horizon(self.policy)
            )
            if not fills:
                allowed = f"< {horizon.text}"
                if horizon.handover and not _needs_horizon(self.policy):
                    allowed = f"<= {horizon.text}"
                elif horizon.handover:
                    allowed += ", as its policy needs the time left as its horizon"
                _fail(self, "epochs", self.epochs, allowed)
        if fills:
            left, inner_horizon = max_epochs, horizon  # the policy only sets alpha_0
        else:
            left = max_epochs - epochs
            inner_horizon = _Horizon(
                f"{left!r}, the time its Warmup leaves after the warm-up "
                f"({max_epochs!r} - {epochs!r} epochs)",
                horizon.handover,
            )
        inner = _start_schedule(self.policy, left, name="policy", horizon=inner_horizon)
        return _WarmupSchedule(inner, epochs, float(self.start_factor))


class Sequential(_Policy):
    r"""Run policies one after another, each on its own clock.

    Parameters
    ----------
    policies : list of policy objects (or floats)
        The policies, in order (at least one).
    milestones : sequence of float
        ``len(policies) - 1`` strictly increasing epochs > 0 at which the next
        policy takes over (real numbers: not bools, not strings); the last
        one must be below the horizon ``max_epochs``.

    Notes
    -----
    With :math:`m_0 = 0` and milestones :math:`m_1 < \dots < m_{n-1}`, policy
    i runs on :math:`[m_i, m_{i+1})` and sees the clock :math:`t - m_i`:

    .. math:: \alpha_t = \mathrm{policy}_i(t - m_i), \quad m_i \le t < m_{i+1}

    Policy i's horizon (``n_epochs=None``) is :math:`m_{i+1} - m_i`, the
    last one's ``max_epochs`` :math:`- m_{n-1}`. An epoch-end observation at
    t goes to the policy that ran just before t (:math:`m_i < t \le m_{i+1}`),
    on its clock. PyTorch's ``SequentialLR`` with milestones times
    ``steps_per_epoch``. A `Warmup` may last the whole of a segment that ends
    at a milestone, as a ``LinearLR`` in a ``SequentialLR`` does (see
    `Warmup`).

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

    def get_params(self, deep: bool = True) -> dict:
        """Parameters of this policy.

        Parameters
        ----------
        deep : bool, default=True
            Also return the children as ``policies__<i>`` and their
            parameters as ``policies__<i>__<name>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=False)
        if deep and isinstance(self.policies, list | tuple):
            for i, child in enumerate(self.policies):
                params[f"policies__{i}"] = child
                if hasattr(child, "get_params") and not isinstance(child, type):
                    for key, value in child.get_params(deep=True).items():
                        params[f"policies__{i}__{key}"] = value
        return params

    def set_params(self, **params: Any) -> Sequential:
        """Set parameters, including ``policies__<i>`` and ``policies__<i>__<name>``.

        ``policies__<i>`` replaces child i (in a new list or tuple, so the
        caller's is not modified); ``policies__<i>__<name>`` sets a parameter
        of child i; a float child has none, which is refused before
        anything is set.

        Parameters
        ----------
        **params : dict
            Parameters of this policy and of its children.

        Returns
        -------
        self : Sequential
            The policy.
        """
        nested = {k: params.pop(k) for k in list(params) if k.startswith("policies__")}
        if not nested:
            return super().set_params(**params)
        policies = list(params.get("policies", self.policies))
        grouped: dict[int, dict[str, Any]] = {}  # child index -> its parameters
        for key, value in nested.items():
            child, _, sub_key = key.removeprefix("policies__").partition("__")
            if not (child.isdigit() and int(child) < len(policies)):
                raise ValueError(
                    f"Invalid parameter {key!r} for Sequential: the children are "
                    f"policies__0 to policies__{len(policies) - 1}."
                )
            if sub_key:
                grouped.setdefault(int(child), {})[sub_key] = value
            else:
                policies[int(child)] = value
        for index, child in enumerate(policies):  # before anything is set
            _check_nested_targets(f"policies__{index}", child, nested)
        super().set_params(**params)
        for index, sub_params in grouped.items():
            policies[index].set_params(**sub_params)
        self.policies = type(self.policies)(policies)
        return self

    def _needs_horizon(self):
        return True  # the milestones must fall within it

    def _start_in(self, max_epochs, horizon):
        if not self.policies:
            _fail(self, "policies", self.policies, "a non-empty list of policies")
        for i, child in enumerate(self.policies):
            if not any(c.is_satisfied_by(child) for c in _POLICY):
                _fail(self, f"policies[{i}]", child, "a policy object or a float > 0")
        milestones = _check_milestones(self, self.milestones)
        if len(milestones) != len(self.policies) - 1:
            allowed = f"of length len(policies) - 1 = {len(self.policies) - 1}"
            _fail(self, "milestones", self.milestones, allowed)
        if milestones and milestones[-1] >= max_epochs:
            _fail(self, "milestones", self.milestones, f"< {horizon.text}")
        bounds = (0.0, *milestones, max_epochs)
        children = []
        for i, child in enumerate(self.policies):
            begin, end = bounds[i], bounds[i + 1]
            segment = _Horizon(
                f"{end - begin!r}, the length of its segment of the Sequential "
                f"(policies[{i}], from epoch {begin!r} to {end!r})",
                # the next policy takes over at a milestone; the last segment
                # ends where the Sequential's own horizon does
                handover=i < len(milestones) or horizon.handover,
            )
            children.append(
                _start_schedule(
                    child, end - begin, name=f"policies[{i}]", horizon=segment
                )
            )
        return _SequentialSchedule(tuple(children), milestones)


# --------------------------------------------------------------------------
# Names of policies, for legends and labels

#: The longest repr a label shows; a longer one gives way to the family.
_MAX_NAME = 60


def _policy_family(learning_rate):
    """The policy's class name, with those of the policies a `Warmup` or a
    `Sequential` wraps: ``Warmup(CosineAnnealing)``,
    ``Sequential(Constant, StepDecay)``. Any number is ``Constant`` (a failed
    search candidate may hold an invalid one)."""
    if isinstance(learning_rate, Real) and not isinstance(learning_rate, bool):
        return "Constant"
    name = type(learning_rate).__name__
    if isinstance(learning_rate, Warmup):
        inner = [learning_rate.policy]
    elif isinstance(learning_rate, Sequential):
        inner = list(learning_rate.policies)
    else:
        return name
    return f"{name}({', '.join(_policy_family(p) for p in inner)})"


def _policy_name(learning_rate, text=None):
    """A legend label telling runs apart: the policy's repr on one line (its
    non-default parameters, so ``StepDecay(alpha=0.1)`` and ``StepDecay()``
    differ), or its family (see `_policy_family`) when the repr is too long
    for a legend or is Python's default ``<... object at 0x...>`` (a user's
    own policy). ``text``: the policy's one-line repr, if already made."""
    policy = _as_policy(learning_rate)
    name = text if text is not None and policy is learning_rate else None
    if name is None:
        name = _one_line(policy)
    plain = type(policy).__repr__ is object.__repr__
    return _policy_family(policy) if plain or len(name) > _MAX_NAME else name

r"""Learning-rate policies and their run-time state.

Time is measured in **epochs**, as a float: within epoch ``e``, after batch
``b`` of ``B``, the clock reads ``t = e + b / B``. Every duration parameter is
in epochs (fractions allowed).

A *policy* (``StepDecay(...)``, ``Cyclic(...)``, ...) holds hyperparameters
only. It is a scikit-learn style object (``get_params``/``set_params``,
``clone``, repr, pickle) and is never changed by training. Its run-time state
is a separate object made by ``schedule = policy.start(max_epochs=...)``:

- ``schedule.rate(t)`` is the learning rate α at clock ``t``, a pure function
  of ``t`` and the state;
- ``schedule.observe(t, loss=..., score=...)`` is called at every epoch end
  (``t`` is the clock at that moment). Feedback policies (`ReduceOnPlateau`,
  `BoldDriver`) adapt there, the others ignore it.

Schedules hold plain Python numbers, strings, tuples, dicts of these and
other schedules only, so they pickle (and persist with skops) together with
an estimator.

Any object that follows this protocol is a policy: the estimators, `Warmup`,
`Sequential` and `trace` take one of a user's own as they take these (the
user guide's "Writing your own policy" shows one).

Where PyTorch has the same schedule, the values agree with the closed forms
of ``torch.optim.lr_scheduler`` once its step counts are converted to epochs
(``steps = epochs * steps_per_epoch``); the policies' Notes state the
exceptions. Boundaries (drops, restarts, milestones) reached up to a rounding
error of 1e-9 epochs (1e-9 t before the first epoch, so nothing is reached
early at t = 0) count as reached, so ``every=0.1`` drops at step 3 of 10 per
epoch, as the step-count formula does.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils._param_validation import (
    Interval,
    validate_parameter_constraints,
)

from ._policies.base import _POLICY, _epoch_rates, _Horizon
from ._policies.base import _check_nested_targets as _check_nested_targets
from ._policies.base import _one_line as _one_line
from ._policies.base import _Policy as _Policy
from ._policies.composite import Sequential, Warmup
from ._policies.composite import _policy_family as _policy_family
from ._policies.composite import _policy_name as _policy_name
from ._policies.cyclical import Cyclic, OneCycle
from ._policies.decay import (
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    MultiStepDecay,
    PolynomialDecay,
    StepDecay,
)
from ._policies.decay import _as_policy as _as_policy
from ._policies.decay import _start_schedule as _start_schedule
from ._policies.feedback import BoldDriver, ReduceOnPlateau

# the run-time states, named after this module (see _policies/__init__.py)
from ._policies.runtime import _BoldDriverSchedule as _BoldDriverSchedule
from ._policies.runtime import _FormulaSchedule as _FormulaSchedule
from ._policies.runtime import _ReduceOnPlateauSchedule as _ReduceOnPlateauSchedule
from ._policies.runtime import _Schedule as _Schedule
from ._policies.runtime import _SequentialSchedule as _SequentialSchedule
from ._policies.runtime import _WarmupSchedule as _WarmupSchedule
from ._policies.runtime import schedule_watches_score
from ._training import caller_stacklevel

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

_TRACE_CONSTRAINTS = {
    "policy": _POLICY,
    "n_epochs": [Interval(Integral, 1, None, closed="left")],
    "steps_per_epoch": [Interval(Integral, 1, None, closed="left")],
    "losses": ["array-like", None],
    "scores": ["array-like", None],
}


# --------------------------------------------------------------------------
# A policy's rates over a whole run, without training.


def trace(
    policy: _Policy | float,
    n_epochs: int,
    steps_per_epoch: int,
    losses: ArrayLike | None = None,
    scores: ArrayLike | None = None,
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
    scores : array-like of shape (>= n_epochs,), default=None
        Validation score of each epoch, observed with the loss; an
        estimator's ``validation_scores_`` with early stopping. None: none,
        as without early stopping (``ReduceOnPlateau(monitor="auto")`` then
        watches the loss; one with ``monitor="score"`` stays put, and a
        UserWarning says so).

    Returns
    -------
    rates : ndarray of shape (n_epochs * steps_per_epoch,), dtype float64
        The α of step b of epoch e at position ``e * steps_per_epoch + b``,
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
            "scores": scores,
        },
        caller_name="trace",
    )
    # plain ints: numpy's mixed signed and unsigned products are floats
    n_epochs, steps_per_epoch = int(n_epochs), int(steps_per_epoch)
    epoch_losses = _per_epoch(losses, "losses", n_epochs)
    epoch_scores = _per_epoch(scores, "scores", n_epochs)
    schedule = _start_schedule(
        policy,
        n_epochs,
        name="policy",
        horizon=_Horizon(f"n_epochs={n_epochs!r}, the length of the trace"),
    )
    if epoch_scores is None and schedule_watches_score(schedule):
        warnings.warn(
            "The policy watches the validation score, which this trace is not "
            "given (scores=None): α stays as it is. Pass the scores of every "
            "epoch, or use monitor='loss'.",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )
    rates = np.empty(n_epochs * steps_per_epoch, dtype=np.float64)
    for epoch in range(n_epochs):
        rates[epoch * steps_per_epoch : (epoch + 1) * steps_per_epoch] = _epoch_rates(
            schedule, epoch, steps_per_epoch, name="policy", policy=policy
        )
        loss = None if epoch_losses is None else float(epoch_losses[epoch])
        score = None if epoch_scores is None else float(epoch_scores[epoch])
        schedule.observe(epoch + 1, loss=loss, score=score)
    return rates


def _per_epoch(values, name, n_epochs):
    """`values` (one per epoch, at least `n_epochs`) as float64, or None."""
    if values is None:
        return None
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.shape[0] < n_epochs:
        raise ValueError(
            f"{name} must be 1-D with at least n_epochs={n_epochs} values; "
            f"got shape {values.shape}."
        )
    return values

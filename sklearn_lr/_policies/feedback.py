"""Feedback policies: α follows the training loss or the validation score."""

from numbers import Integral, Real

from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
)

from .base import (
    _FACTOR,
    _NON_NEGATIVE,
    _POSITIVE,
    _check_order,
    _Policy,
)
from .runtime import _BoldDriverSchedule, _ReduceOnPlateauSchedule


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
        monitored value is None changes nothing; the estimators warn when a
        call gives no score to a policy watching one (``partial_fit``, or
        ``fit`` without ``early_stopping``).

    Notes
    -----
    An epoch improves when :math:`v < b\,(1 - \mathrm{threshold})` ("loss") or
    :math:`v > b\,(1 + \mathrm{threshold})` ("score"), b the best value so far,
    which starts as +inf ("loss") or -inf ("score"), as in PyTorch: the first
    finite value improves, and a NaN never does. (PyTorch compares the first
    loss with inf (1 - threshold), NaN or -inf for a threshold of 1 or more,
    so that there no loss ever improves; here the first finite one still
    does.) As in PyTorch, a negative best score (an R² below 0) makes
    b (1 + threshold) smaller than b, so that a slightly worse score counts as
    an improvement: use ``threshold=0`` when the score can be negative.
    After each epoch end, the number of
    reductions k grows by one when the bad-epoch count exceeds `patience`,
    unless the drop would be 1e-8 or less (PyTorch's absolute ``eps``): at
    `min_alpha`, and also once α (1 - factor) <= 1e-8, so that α never falls
    much below 1e-8 / (1 - factor) (about 1e-7 for factor 0.9); then the
    count resets and `cooldown` epochs are ignored. The rate is

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

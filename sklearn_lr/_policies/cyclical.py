"""Cyclical policies: triangular cycles and the one-cycle policy."""

from numbers import Real

from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
)

from .base import (
    _FACTOR,
    _HORIZON,
    _NON_NEGATIVE,
    _POSITIVE,
    _check_order,
    _fail,
    _Policy,
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
    meaning of `gamma` when the batch size changes). Only α cycles: the
    momentum stays fixed, as with PyTorch's ``cycle_momentum=False``.

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

    After T the final value is held. PyTorch's phases end early, at step
    ``pct_start * total_steps - 1`` and ``total_steps - 1`` (two phases) or
    ``pct_start * total_steps - 1``, ``2 * pct_start * total_steps - 2`` and
    ``total_steps - 1`` (three), so that its last step lands exactly on the
    final value. Those offsets depend on the number of steps per epoch, which
    a policy does not know, so here the phases end at :math:`pT`
    (:math:`2pT`) and T. The values agree exactly with PyTorch's formula
    written without the offsets (``- 1`` and ``- 2``). As curves over the
    step count, this one lags PyTorch's by at most one step with two phases;
    with `three_phase` the lag grows from one step at the peak to two at the
    end of the middle phase, then shrinks back to one. At the steps
    themselves the values differ by at most what α moves in a step or two:
    :math:`O(1/\text{total\_steps})` when every phase spans many steps, but
    up to the whole rise when the warm-up lasts only a step or two (with
    ``pct_start * total_steps < 1``, PyTorch's first step is already past
    the peak, where this one starts at :math:`\alpha_0`).

    Only α cycles: the estimator's ``momentum`` (or ``beta_1``) stays fixed,
    as with PyTorch's ``cycle_momentum=False`` (its default cycles it).

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

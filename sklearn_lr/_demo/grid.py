"""The demo's grid: the policy families and their candidates."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
)
from .data import CLASSIFICATION, REGRESSION

DEFAULT_TARGET_SCORE = {CLASSIFICATION: 0.95, REGRESSION: 0.4}
DEFAULT_ALPHAS = (0.01, 0.03, 0.1)
# Peak alphas outside this range would break BoldDriver's default bounds.
ALPHA_RANGE = (1e-6, 10.0)
_DECIMALS = 12  # the mean scores compared and ranked
HIDDEN_LAYER_SIZES = (64,)
BATCH_SIZE = 32


@dataclass(frozen=True)
class Family:
    """A policy as the demo runs it: its name, peak-α parameter and builder.

    Attributes
    ----------
    name : str
        Name shown in the report.
    parameter : str
        Name of the peak-α parameter that the grid varies.
    build : callable
        ``build(alpha, epochs)`` returns the policy for peak α `alpha` in a
        run of `epochs` epochs (durations scale with the run).
    """

    name: str
    parameter: str
    build: Callable[[float, int], object]


FAMILIES = (
    Family("Constant", "alpha", lambda a, e: Constant(alpha=a)),
    # alpha / 10 at the end of the run
    Family(
        "InverseTimeDecay", "alpha", lambda a, e: InverseTimeDecay(alpha=a, decay=9 / e)
    ),
    # alpha / 100 at the end of the run
    Family(
        "ExponentialDecay",
        "alpha",
        lambda a, e: ExponentialDecay(alpha=a, gamma=0.01 ** (1 / e)),
    ),
    Family("StepDecay", "alpha", lambda a, e: StepDecay(alpha=a, every=e / 4)),
    Family(
        "MultiStepDecay",
        "alpha",
        lambda a, e: MultiStepDecay(alpha=a, milestones=(e / 2, 3 * e / 4)),
    ),
    Family("PolynomialDecay", "alpha", lambda a, e: PolynomialDecay(alpha=a)),
    Family("CosineAnnealing", "alpha", lambda a, e: CosineAnnealing(alpha=a)),
    # SGDR with periods e/7, 2e/7, 4e/7: the last restart ends with the run
    Family(
        "CosineWarmRestarts",
        "alpha",
        lambda a, e: CosineWarmRestarts(alpha=a, period=e / 7, mult=2),
    ),
    # three triangles between alpha / 10 and alpha
    Family(
        "Cyclic",
        "max_alpha",
        lambda a, e: Cyclic(min_alpha=a / 10, max_alpha=a, step_size=e / 6),
    ),
    Family("OneCycle", "max_alpha", lambda a, e: OneCycle(max_alpha=a)),
    # it watches the training loss (partial_fit computes no validation
    # score), which falls a little every epoch: with the default relative
    # threshold of 1e-4 it would never act, and equal the constant (on
    # digits the loss still falls some 8% an epoch when it levels off)
    Family(
        "ReduceOnPlateau",
        "alpha",
        lambda a, e: ReduceOnPlateau(alpha=a, patience=e // 10, threshold=0.1),
    ),
    Family("BoldDriver", "alpha", lambda a, e: BoldDriver(alpha=a)),
    Family(
        "Warmup(CosineAnnealing)",
        "alpha",
        lambda a, e: Warmup(CosineAnnealing(alpha=a), epochs=e / 10),
    ),
    # constant for the first half, then cosine annealing to 0
    Family(
        "Sequential(Constant, CosineAnnealing)",
        "alpha",
        lambda a, e: Sequential(
            [Constant(alpha=a), CosineAnnealing(alpha=a)], milestones=[e / 2]
        ),
    ),
)


@dataclass
class Candidate:
    """One grid point of one policy, with its CV results.

    Attributes
    ----------
    family : Family
        The policy family.
    alpha : float
        Peak α.
    policy : object
        The policy object.
    scores : ndarray of shape (n_folds, n_epochs)
        Held-out score of each fold after each epoch.
    seconds : float
        Training time (``partial_fit`` calls) summed over the folds.
    diverged : bool
        Whether training diverged in some fold.
    """

    family: Family
    alpha: float
    policy: object
    scores: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    seconds: float = 0.0
    diverged: bool = False

    @property
    def curve(self) -> np.ndarray:
        """Mean CV score after each epoch, to 12 decimals: the rounding of a
        sum must not tell equal fold scores apart (in another order) or put
        a mean of scores that all equal the target below it."""
        return _rounded(self.scores.mean(axis=0))

    @property
    def final(self) -> tuple[float, float]:
        """Mean and standard deviation over the folds of the last epoch's score."""
        last = self.scores[:, -1]
        # the spread of scores of any size (an R² of -1e170, whose square
        # overflows), computed on them scaled to at most 1
        scale = float(np.max(np.abs(last))) if last.size else 0.0
        if not math.isfinite(scale) or scale == 0.0:
            scale = 1.0
        with np.errstate(invalid="ignore"):  # inf - inf: a nan spread
            std = scale * float((last / scale).std())
        return float(_rounded(last.mean())), std

    @property
    def parameters(self) -> str:
        """The grid parameter, as ``name=value``."""
        # 12 digits: alphas close together stay apart (0.1 and 0.1000001)
        return f"{self.family.parameter}={self.alpha:.12g}"

    def epochs_to(self, target: float) -> int | None:
        """First epoch (1-based) whose mean CV score reaches `target`, or None."""
        reached = np.flatnonzero(self.curve >= target)
        return int(reached[0]) + 1 if reached.size else None

    def rank_key(self, target: float) -> tuple:
        """Sort key: higher final score first, then fewer epochs to target."""
        mean = self.final[0]
        epochs = self.epochs_to(target)
        return (
            -mean if math.isfinite(mean) else math.inf,
            math.inf if epochs is None else epochs,
        )


def _rounded(scores):
    """`scores` to `_DECIMALS` decimals; those too large in size to round (an
    R² of -1e300, which rounding would scale past the float range) as they
    are."""
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(scores, _DECIMALS)
    return np.where(np.isfinite(rounded), rounded, scores)


def make_grid(epochs: int, alphas: Sequence[float]) -> list[Candidate]:
    """Every policy family at every peak α.

    Parameters
    ----------
    epochs : int
        Length of the run; the policies' durations scale with it.
    alphas : sequence of float
        Peak learning rates.

    Returns
    -------
    candidates : list of Candidate
        Family by family, α by α, not yet run.
    """
    return [
        Candidate(family, alpha, family.build(alpha, epochs))
        for family in FAMILIES
        for alpha in alphas
    ]

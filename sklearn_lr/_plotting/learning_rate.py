"""LearningRateDisplay: the α of every update step, with loss and score."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._base import BaseSGDNet
from ..range_test import _final_estimator
from ..schedules import _policy_name, trace
from .common import (
    _axes_group,
    _cycled,
    _exploded_ylim,
    _keyword_run_name,
    _new_axes,
    _pyplot,
    _run_policy_name,
)

if TYPE_CHECKING:  # matplotlib is optional
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator

    from ..schedules import _Policy


# labels of the twin axes of the loss and of the validation score, which
# Displays drawn on the same axes share
_TWINS = ("training loss", "validation score")


def _step_clock(n_steps, per_epoch):
    """The x position of every step and of the end of the last one: the
    step's index, or its epoch clock e + k / B_e given the steps per epoch,
    one number or one count per epoch (n_steps + 1 positions)."""
    if per_epoch is None:
        return np.arange(n_steps + 1, dtype=float)
    if np.ndim(per_epoch) == 0:
        if not (np.isfinite(per_epoch) and per_epoch > 0):
            raise ValueError(
                f"steps_per_epoch must be a positive number; got {per_epoch!r}."
            )
        return np.arange(n_steps + 1, dtype=float) / per_epoch
    counts = np.asarray(per_epoch).ravel()
    # counts held as floats (2.0) are counts; 2.5 is none
    whole = counts.dtype.kind in "iu" or (
        counts.dtype.kind == "f"
        and np.isfinite(counts).all()
        and (counts == np.round(counts)).all()
    )
    if not whole or counts.sum() != n_steps or not (counts > 0).all():
        raise ValueError(
            f"steps_per_epoch, counted per epoch, must be whole numbers, "
            f"positive and sum to the {n_steps} steps of lr_history; got "
            f"{counts.tolist()!r} in {len(counts)} epochs."
        )
    counts = counts.astype(np.intp)
    epoch = np.repeat(np.arange(len(counts)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    return np.append(epoch + (np.arange(n_steps) - start) / counts[epoch], len(counts))


def _shown(axes):
    """The lines of `axes` that a legend lists (labels not starting with "_")."""
    return [x for x in axes.get_lines() if not x.get_label().startswith("_")]


def _named_run(line, twin):
    """Whether `line`, of the twin axes called `twin` (None for the α axes),
    has the label the Display gives it: the twin's name, with its run's."""
    text = line.get_label()
    return twin is not None and (text == twin or text.startswith(f"{twin} ("))


class LearningRateDisplay:
    """Learning rate α per step of a training run, with its loss per epoch.

    α is drawn on ``ax_`` as a step function against the epoch clock (step k
    of an epoch of B steps at ``k / B``), one point per step, each value held
    until the next step, and the last one until the end of its step (the
    line ends with one more point, there, at the last α); a run of a single
    step is also marked. The training loss and validation score of
    epoch e are drawn at its end, e + 1, on twin axes. A loss more than
    10^4 times the larger of 1 and the last loss before it that stays in
    view (an epoch that exploded at once, kept in ``loss_curve_``) leaves
    the loss axis through the top, so that the other epochs keep their
    scale; a large first loss stays in view. A loss that climbs over
    several epochs is drawn in full.

    Parameters
    ----------
    lr_history : array-like of shape (n_steps,)
        Learning rate α of every update step (an estimator's ``lr_history_``).
    loss_curve : array-like of shape (n_epochs,), default=None
        Training loss of every epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score of every epoch.
    steps_per_epoch : float or array-like of shape (n_epochs,), default=None
        Update steps per epoch: one number for every epoch, or the count of
        each epoch (say, a ``partial_fit`` stream of unequal chunks), whose
        steps then sit at e + k / B_e. None: ``n_steps / n_epochs`` when a
        loss curve (or else validation scores) gives the epochs, else the x
        axis counts steps.
    name : str, default=None
        Label of the α line in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The α line.
    loss_line_ : matplotlib Line2D or None
        The loss line.
    score_line_ : matplotlib Line2D or None
        The validation-score line.
    ax_ : matplotlib Axes
        The axes of the α line.
    ax_loss_ : matplotlib Axes or None
        Twin axes of the loss.
    ax_score_ : matplotlib Axes or None
        Twin axes of the validation score.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    sklearn_lr.schedules.trace : The α of every step of a policy, without training.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_lr.plotting import LearningRateDisplay
    >>> from sklearn_lr.schedules import StepDecay
    >>> display = LearningRateDisplay.from_policy(
    ...     StepDecay(alpha=0.1, drop=0.5, every=2), n_epochs=4, steps_per_epoch=2
    ... )
    >>> display.line_.get_xdata()
    array([0. , 0.5, 1. , 1.5, 2. , 2.5, 3. , 3.5, 4. ])
    >>> display.line_.get_ydata()
    array([0.1 , 0.1 , 0.1 , 0.1 , 0.05, 0.05, 0.05, 0.05, 0.05])
    """

    __module__ = "sklearn_lr.plotting"  # documented and shown there

    def __init__(
        self,
        lr_history,
        loss_curve=None,
        validation_scores=None,
        steps_per_epoch=None,
        name=None,
    ):
        self.lr_history = lr_history
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.steps_per_epoch = steps_per_epoch
        self.name = name

    def plot(
        self,
        ax: Axes | None = None,
        *,
        name: str | None = None,
        loss_kw: dict | None = None,
        score_kw: dict | None = None,
        **kwargs: Any,
    ) -> LearningRateDisplay:
        """Draw α, and the loss and validation score when known.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw α on; None makes a new figure. Displays drawn on the
            same axes compare runs: they share the twin loss and score axes,
            each line takes the next color of the property cycle of ``ax``
            (unless a ``color`` is given), the twins' lines included, and
            one legend lists them all (once several runs are drawn, the
            lines of the twins name their runs).
        name : str, default=None
            Label of the α line, also named in the labels of the loss and
            score lines once several runs are drawn; None uses the
            Display's `name`, or else a ``label`` among `kwargs`.
        loss_kw, score_kw : dict, default=None
            Keyword arguments of the loss and score lines.
        **kwargs : dict
            Keyword arguments of the α line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        display : LearningRateDisplay
            The Display, with the artists stored.
        """
        new_figure = ax is None
        lrs = np.asarray(self.lr_history, dtype=float).ravel()
        if not len(lrs):
            raise ValueError("lr_history is empty: there is no step to draw.")
        losses = self._optional(self.loss_curve)
        scores = self._optional(self.validation_scores)
        per_epoch = self.steps_per_epoch
        if per_epoch is None:
            # the epochs that the per-epoch values are drawn at the end of
            epochs = next((v for v in (losses, scores) if v is not None), None)
            if epochs is not None:
                per_epoch = len(lrs) / len(epochs)
        name = self.name if name is None else name
        if name is None:  # a line label given as a keyword names the run
            name = _keyword_run_name(kwargs)

        # the last step's α is held until the end of its step: one closing
        # point, else a steps-post line ends where that step starts
        x = _step_clock(len(lrs), per_epoch)
        y = np.append(lrs, lrs[-1:])
        ax = _new_axes(ax, "LearningRateDisplay.plot")  # once the input is valid
        style: dict[str, Any] = {
            "label": name or "learning rate",
            "drawstyle": "steps-post",
        }
        if len(lrs) == 1:
            style["marker"] = "o"
        self.line_ = ax.plot(x, y, **(style | kwargs))[0]
        ax.set_xlabel("step" if per_epoch is None else "epoch")
        ax.set_ylabel("learning rate α")

        self.ax_loss_ = self.loss_line_ = None
        self.ax_score_ = self.score_line_ = None
        if losses is not None:
            self.ax_loss_, self.loss_line_ = self._twin(
                ax, losses, _TWINS[0], name, loss_kw
            )
        if scores is not None:
            self.ax_score_, self.score_line_ = self._twin(
                ax, scores, _TWINS[1], name, score_kw
            )
            # room for the second right axis, which sits further out; a
            # layout engine (constrained or tight) makes its own room, and
            # would warn that it ignores subplots_adjust
            if (
                new_figure
                and losses is not None
                and ax.figure.get_layout_engine() is None
            ):
                ax.figure.subplots_adjust(right=0.75)
        # one legend for every Display drawn on these axes, on the top twin
        # so that no line hides it; the lines of the twins need no run name
        # while a single run (α line) is drawn, unless given a label of
        # their own (loss_kw, score_kw)
        group, lines, texts = _axes_group(ax), [], []
        single_run = len(_shown(ax)) == 1
        for axes in group:
            shown = _shown(axes)
            twin = axes.get_label() if axes.get_label() in _TWINS else None
            lines += shown
            texts += [
                twin if single_run and _named_run(x, twin) else x.get_label()
                for x in shown
            ]
            if axes.get_legend() is not None:
                axes.get_legend().remove()
        if len(lines) > 1 or name:
            group[-1].legend(lines, texts, loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @staticmethod
    def _optional(values):
        if values is None:
            return None
        values = np.asarray(values, dtype=float).ravel()
        return values if len(values) else None

    @staticmethod
    def _twin(ax, values, label, name, kw):
        """Draw per-epoch values on the twin axes called `label`, made the
        first time; the line's label names the run."""
        group = _axes_group(ax)
        twin = next((axes for axes in group if axes.get_label() == label), None)
        if twin is None:
            twin = ax.twinx()
            twin.set_label(label)
            twin.set_ylabel(label)
            if len(group) > 1:  # a second right axis, moved outwards
                twin.spines["right"].set_position(("axes", 1.15))
        epochs = np.arange(1, len(values) + 1, dtype=float)
        line_label = f"{label} ({name})" if name else label
        style = _cycled({"label": line_label, "marker": "."}, ax, kw)
        (line,) = twin.plot(epochs, values, **(style | (kw or {})))
        if label == _TWINS[0]:
            # an exploded loss, of this run or of one drawn before, leaves
            # through the top; without one, the axis scales itself again
            limits = _exploded_ylim(twin)
            if limits is None:
                twin.autoscale(axis="y")
            else:
                twin.set_ylim(*limits)
        return twin, line

    @classmethod
    def from_estimator(
        cls,
        estimator: BaseEstimator,
        *,
        ax: Axes | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> LearningRateDisplay:
        """Plot the α, loss and validation score of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted SGDNetClassifier or SGDNetRegressor, or a fitted
            Pipeline or TransformedTargetRegressor around one (nested either
            way): its ``lr_history_``, ``loss_curve_`` and
            ``validation_scores_``, each step at its epoch clock (also when
            ``partial_fit`` calls had unequal chunks). A fitted search
            (GridSearchCV, RandomizedSearchCV, ...) stands for its
            ``best_estimator_``, the refit on all its data.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the α line; None uses the repr of the policy that made
            the rates drawn (its family, such as
            ``Warmup(CosineAnnealing)``, if the repr is over 60 characters
            long): the ``learning_rate`` the run started with, also when
            ``set_params`` has changed ``learning_rate`` since, as
            ``partial_fit`` keeps the running schedule (``schedule_``)
            until the next ``fit``.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LearningRateDisplay
            The Display, plotted.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_lr import SGDNetClassifier
        >>> from sklearn_lr.plotting import LearningRateDisplay
        >>> from sklearn_lr.schedules import CosineAnnealing
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = SGDNetClassifier((8,), learning_rate=CosineAnnealing(alpha=0.05),
        ...                        batch_size=50, random_state=0)
        >>> for _ in range(4):
        ...     clf = clf.partial_fit(X, y, classes=[0, 1, 2])
        >>> display = LearningRateDisplay.from_estimator(clf)
        >>> len(display.line_.get_ydata()), len(display.loss_line_.get_ydata())
        (13, 4)
        """
        _pyplot(f"{cls.__name__}.from_estimator")
        estimator = _final_estimator(estimator, fitted=True)
        searching = hasattr(estimator, "param_grid") or hasattr(
            estimator, "param_distributions"
        )
        if not (searching or isinstance(estimator, BaseSGDNet)):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a fitted SGDNetClassifier "
                "or SGDNetRegressor (or a Pipeline, TransformedTargetRegressor or "
                f"search around one); got {type(estimator).__name__}."
            )
        # an unfitted network or search is a NotFittedError
        check_is_fitted(estimator, ["lr_history_", "loss_curve_", "n_iter_"])
        lrs = np.asarray(estimator.lr_history_, dtype=float)
        counts = estimator._epoch_steps  # update steps of each epoch
        per_epoch = counts[0] if len(set(counts)) == 1 else counts
        display = cls(
            lrs,
            loss_curve=estimator.loss_curve_,
            validation_scores=getattr(estimator, "validation_scores_", None),
            steps_per_epoch=per_epoch,
            name=_run_policy_name(estimator) if name is None else name,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_policy(
        cls,
        policy: _Policy | float,
        n_epochs: int,
        steps_per_epoch: int,
        *,
        losses: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        ax: Axes | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> LearningRateDisplay:
        """Plot the α a policy would give, from :func:`~sklearn_lr.schedules.trace`.

        Parameters
        ----------
        policy : policy object or float
            The learning-rate policy.
        n_epochs : int
            Number of epochs (also the policy's horizon).
        steps_per_epoch : int
            Update steps per epoch.
        losses : array-like of shape (>= n_epochs,), default=None
            Loss of each epoch, observed by feedback policies; the first
            `n_epochs` are drawn as the loss curve.
        scores : array-like of shape (>= n_epochs,), default=None
            Validation score of each epoch, observed with the loss; the first
            `n_epochs` are drawn as the score curve.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the α line; None uses the policy's repr (its family,
            such as ``Warmup(CosineAnnealing)``, if the repr is over 60
            characters long).
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LearningRateDisplay
            The Display, plotted.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn_lr.plotting import LearningRateDisplay
        >>> from sklearn_lr.schedules import ReduceOnPlateau
        >>> display = LearningRateDisplay.from_policy(
        ...     ReduceOnPlateau(alpha=0.1, factor=0.5, patience=0),
        ...     n_epochs=3, steps_per_epoch=1, losses=[1.0, 1.0, 1.0],
        ... )
        >>> display.line_.get_ydata(), display.loss_line_.get_ydata()
        (array([0.1 , 0.1 , 0.05, 0.05]), array([1., 1., 1.]))
        """
        _pyplot(f"{cls.__name__}.from_policy")
        rates = trace(policy, n_epochs, steps_per_epoch, losses=losses, scores=scores)
        display = cls(
            rates,
            loss_curve=None if losses is None else np.asarray(losses)[:n_epochs],
            validation_scores=None if scores is None else np.asarray(scores)[:n_epochs],
            steps_per_epoch=steps_per_epoch,
            name=_policy_name(policy) if name is None else name,
        )
        return display.plot(ax=ax, **kwargs)

"""RangeTestDisplay: the loss of a learning-rate range test against α."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..range_test import RangeTestResult, lr_range_test
from .common import _keyword_run_name, _loss_ylim, _new_axes, _pyplot

if TYPE_CHECKING:  # matplotlib is optional
    import scipy.sparse as sp
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator


class RangeTestDisplay:
    """Smoothed loss against α of a learning-rate range test.

    The x axis is logarithmic; dashed and dotted vertical lines in the
    curve's color mark the steepest-descent and valley suggestions (a test
    that recorded a single point is marked "o"). The y axis is cut a little
    above the highest loss before the minimum, so the diverging end of the
    test does not flatten the curve. Several tests drawn on the same axes, or
    on axes that share their y axis, share the limits: the top is the highest
    any of their curves needs, so a curve that starts lower does not cut off
    one drawn before it.

    Parameters
    ----------
    lrs : array-like of shape (n_recorded,)
        Learning rate α of every step.
    losses : array-like of shape (n_recorded,)
        Smoothed loss of every step.
    suggested_lr : float, default=None
        The steepest-descent suggestion, marked if not None.
    valley_lr : float, default=None
        The valley suggestion, marked if not None.
    name : str, default=None
        Label of the loss line in the legend, also named in the labels of the
        suggestion marks.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The loss line.
    suggested_line_ : matplotlib Line2D or None
        Vertical line at `suggested_lr`.
    valley_line_ : matplotlib Line2D or None
        Vertical line at `valley_lr`.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    sklearn_lr.range_test.lr_range_test : The test.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_lr.plotting import RangeTestDisplay
    >>> display = RangeTestDisplay(
    ...     [1e-3, 1e-2, 1e-1, 1.0], [2.0, 1.5, 0.5, 9.0], suggested_lr=0.1
    ... ).plot()
    >>> display.ax_.get_xscale(), display.suggested_line_.get_xdata()
    ('log', [0.1, 0.1])
    """

    __module__ = "sklearn_lr.plotting"  # documented and shown there

    def __init__(self, lrs, losses, suggested_lr=None, valley_lr=None, name=None):
        self.lrs = lrs
        self.losses = losses
        self.suggested_lr = suggested_lr
        self.valley_lr = valley_lr
        self.name = name

    def plot(
        self, ax: Axes | None = None, *, name: str | None = None, **kwargs: Any
    ) -> RangeTestDisplay:
        """Draw the loss against α and mark the suggestions.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure. Each test takes the
            next color of the axes' property cycle (unless a ``color`` is
            given), and on axes that already hold a range test the y limits
            cover the curves already drawn as well.
        name : str, default=None
            Label of the loss line, also named in the labels of the
            suggestion marks (``"steepest (adam): α = 0.00115"``); None uses
            the Display's `name`, or else a ``label`` among `kwargs`.
        **kwargs : dict
            Keyword arguments of the loss line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        display : RangeTestDisplay
            The Display, with the artists stored.
        """
        lrs = np.asarray(self.lrs, dtype=float).ravel()
        losses = np.asarray(self.losses, dtype=float).ravel()
        if len(lrs) != len(losses):
            raise ValueError(
                f"lrs and losses must have the same length, one loss per α; "
                f"got {len(lrs)} and {len(losses)}."
            )
        ax = _new_axes(ax, "RangeTestDisplay.plot")  # once the input is valid
        name = self.name if name is None else name
        if name is None:  # a line label given as a keyword names the run
            name = _keyword_run_name(kwargs)
        style: dict[str, Any] = {"label": name or "loss"}
        if len(lrs) == 1:
            # a line of one point draws nothing: a test that exploded at its
            # first step would leave an empty plot
            style["marker"] = "o"
        self.line_ = ax.plot(lrs, losses, **(style | kwargs))[0]
        ax.set_xscale("log")
        ax.set_xlabel("learning rate α")
        ax.set_ylabel("smoothed training loss")
        # the marks take the curve's color, told apart by their line style,
        # and name the test, so that several tests on one axes stay apart
        run, color = (f" ({name})" if name else ""), self.line_.get_color()
        self.suggested_line_ = self.valley_line_ = None
        if self.suggested_lr is not None:
            self.suggested_line_ = ax.axvline(
                self.suggested_lr,
                linestyle="--",
                label=f"steepest{run}: α = {self.suggested_lr:.3g}",
                color=color,
            )
        if self.valley_lr is not None:
            self.valley_line_ = ax.axvline(
                self.valley_lr,
                linestyle=":",
                label=f"valley{run}: α = {self.valley_lr:.3g}",
                color=color,
            )
        # also for the curves drawn there before, or on axes sharing y
        limits = _loss_ylim(ax)
        if limits is not None:
            ax.set_ylim(*limits)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_result(
        cls,
        result: RangeTestResult,
        *,
        ax: Axes | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> RangeTestDisplay:
        """Plot the result of :func:`~sklearn_lr.range_test.lr_range_test`.

        Parameters
        ----------
        result : RangeTestResult
            The test's result.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the loss line.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RangeTestDisplay
            The Display, plotted.
        """
        _pyplot(f"{cls.__name__}.from_result")
        display = cls(
            result.lrs,
            result.losses,
            suggested_lr=result.suggested_lr,
            valley_lr=result.valley_lr,
            name=name,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator: BaseEstimator,
        X: ArrayLike | sp.spmatrix,
        y: ArrayLike,
        *,
        ax: Axes | None = None,
        name: str | None = None,
        **range_test_kwargs: Any,
    ) -> RangeTestDisplay:
        """Run :func:`~sklearn_lr.range_test.lr_range_test` and plot it.

        Parameters
        ----------
        estimator : estimator instance
            The model to test (not changed): an SGDNetClassifier or
            SGDNetRegressor, or a Pipeline or TransformedTargetRegressor
            around one; see :func:`~sklearn_lr.range_test.lr_range_test`.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the loss line; None uses the estimator's class name.
        **range_test_kwargs : dict
            Passed to :func:`~sklearn_lr.range_test.lr_range_test`
            (``min_lr``, ``max_lr``, ``n_steps``, ...).

        Returns
        -------
        display : RangeTestDisplay
            The Display, plotted.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_lr import SGDNetClassifier
        >>> from sklearn_lr.plotting import RangeTestDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> model = make_pipeline(
        ...     StandardScaler(), SGDNetClassifier((16,), batch_size=16, random_state=0)
        ... )
        >>> display = RangeTestDisplay.from_estimator(model, X, y, random_state=0)
        >>> bool(1e-3 < display.valley_lr < 1.0)
        True
        """
        _pyplot(f"{cls.__name__}.from_estimator")  # fail before the test runs
        result = lr_range_test(estimator, X, y, **range_test_kwargs)
        name = type(estimator).__name__ if name is None else name
        return cls.from_result(result, ax=ax, name=name)

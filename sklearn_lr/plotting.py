"""Plots of learning rates, range tests and searches, as scikit-learn Displays.

Each Display holds the data to draw; ``plot(ax=None, ...)`` draws it on `ax`
(a new figure if None), stores the artists (``line_``, ...), ``ax_`` and
``figure_``, and returns the Display; classmethods (``from_estimator``, ...)
build the data and plot it. matplotlib is the optional ``plot`` extra
(``pip install "sklearn_lr[plot]"``) and is imported only when drawing.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .range_test import RangeTestResult, lr_range_test
from .schedules import _as_policy, trace

__all__ = ["LearningRateDisplay", "LearningRateSearchDisplay", "RangeTestDisplay"]


def _pyplot(caller):
    """Import matplotlib.pyplot, or fail with the install hint."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, the optional 'plot' extra of "
            'sklearn_lr: pip install "sklearn_lr[plot]"'
        ) from exc
    return plt


def _new_axes(ax, caller):
    plt = _pyplot(caller)
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _top_before_minimum(losses):
    """Upper y limit: 5% of the descent above the highest loss before the minimum.

    None when there is no descent or nothing after the minimum rises higher.
    """
    finite = np.isfinite(losses)
    losses = losses[: len(losses) if finite.all() else int(np.argmin(finite))]
    if len(losses) < 2:
        return None
    low = int(np.argmin(losses))
    top = losses[: low + 1].max()
    if not losses[low] < top < losses.max():
        return None
    return top + 0.05 * (top - losses[low])


def _policy_name(learning_rate):
    return type(_as_policy(learning_rate)).__name__


class LearningRateDisplay:
    """Learning rate α per step of a training run, with its loss per epoch.

    α is drawn on ``ax_`` as a step function against the epoch clock (step k
    of an epoch of B steps at ``k / B``); the training loss and validation
    score of epoch e are drawn at its end, e + 1, on twin axes.

    Parameters
    ----------
    lr_history : array-like of shape (n_steps,)
        Learning rate α of every update step (an estimator's ``lr_history_``).
    loss_curve : array-like of shape (n_epochs,), default=None
        Training loss of every epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score of every epoch.
    steps_per_epoch : float, default=None
        Update steps per epoch. None: ``n_steps / n_epochs`` when a loss curve
        is given, else the x axis counts steps.
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
    array([0. , 0.5, 1. , 1.5, 2. , 2.5, 3. , 3.5])
    >>> display.line_.get_ydata()
    array([0.1 , 0.1 , 0.1 , 0.1 , 0.05, 0.05, 0.05, 0.05])
    """

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
        self, ax=None, *, name=None, loss_kw=None, score_kw=None, **kwargs
    ) -> LearningRateDisplay:
        """Draw α, and the loss and validation score when known.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw α on; None makes a new figure.
        name : str, default=None
            Label of the α line; None uses the Display's `name`.
        loss_kw, score_kw : dict, default=None
            Keyword arguments of the loss and score lines.
        **kwargs : dict
            Keyword arguments of the α line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        display : LearningRateDisplay
            The Display, with the artists stored.
        """
        ax = _new_axes(ax, "LearningRateDisplay.plot")
        lrs = np.asarray(self.lr_history, dtype=float).ravel()
        losses = self._optional(self.loss_curve)
        scores = self._optional(self.validation_scores)
        per_epoch = self.steps_per_epoch
        if per_epoch is None and losses is not None:
            per_epoch = len(lrs) / len(losses)
        name = self.name if name is None else name

        x = np.arange(len(lrs), dtype=float)
        if per_epoch is not None:
            x /= per_epoch
        style = {
            "label": name or "learning rate",
            "color": "C0",
            "drawstyle": "steps-post",
        }
        (self.line_,) = ax.plot(x, lrs, **(style | kwargs))
        ax.set_xlabel("step" if per_epoch is None else "epoch")
        ax.set_ylabel("learning rate α")

        self.ax_loss_ = self.loss_line_ = None
        self.ax_score_ = self.score_line_ = None
        if losses is not None:
            self.ax_loss_, self.loss_line_ = self._twin(
                ax, losses, "training loss", "C1", loss_kw
            )
        if scores is not None:
            self.ax_score_, self.score_line_ = self._twin(
                ax, scores, "validation score", "C2", score_kw
            )
            if self.ax_loss_ is not None:  # a second right axis, moved outwards
                self.ax_score_.spines["right"].set_position(("axes", 1.15))
        lines = [self.line_, self.loss_line_, self.score_line_]
        lines = [line for line in lines if line is not None]
        if len(lines) > 1 or name:  # on the top twin, so no line hides it
            top = self.ax_score_ or self.ax_loss_ or ax
            top.legend(handles=lines, loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @staticmethod
    def _optional(values):
        if values is None:
            return None
        values = np.asarray(values, dtype=float).ravel()
        return values if len(values) else None

    @staticmethod
    def _twin(ax, values, label, color, kw):
        twin = ax.twinx()
        epochs = np.arange(1, len(values) + 1, dtype=float)
        style = {"label": label, "color": color, "marker": "."}
        (line,) = twin.plot(epochs, values, **(style | (kw or {})))
        twin.set_ylabel(label)
        return twin, line

    @classmethod
    def from_estimator(
        cls, estimator, *, ax=None, name=None, **kwargs
    ) -> LearningRateDisplay:
        """Plot the α, loss and validation score of a fitted estimator.

        Parameters
        ----------
        estimator : SGDNetClassifier, SGDNetRegressor or Pipeline
            A fitted estimator (or a Pipeline ending with one): its
            ``lr_history_``, ``loss_curve_`` and ``validation_scores_``, with
            ``len(lr_history_) / n_iter_`` steps per epoch.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the α line; None uses the policy's class name.
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
        (12, 4)
        """
        _pyplot(f"{cls.__name__}.from_estimator")
        if isinstance(estimator, Pipeline):
            estimator = estimator.steps[-1][1]
        check_is_fitted(estimator, ["lr_history_", "loss_curve_", "n_iter_"])
        lrs = np.asarray(estimator.lr_history_, dtype=float)
        per_epoch = len(lrs) / estimator.n_iter_
        if float(per_epoch).is_integer():
            per_epoch = int(per_epoch)
        display = cls(
            lrs,
            loss_curve=estimator.loss_curve_,
            validation_scores=getattr(estimator, "validation_scores_", None),
            steps_per_epoch=per_epoch,
            name=_policy_name(estimator.learning_rate) if name is None else name,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_policy(
        cls,
        policy,
        n_epochs: int,
        steps_per_epoch: int,
        *,
        losses=None,
        ax=None,
        name=None,
        **kwargs,
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
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the α line; None uses the policy's class name.
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
        (array([0.1 , 0.1 , 0.05]), array([1., 1., 1.]))
        """
        _pyplot(f"{cls.__name__}.from_policy")
        rates = trace(policy, n_epochs, steps_per_epoch, losses=losses)
        display = cls(
            rates,
            loss_curve=None if losses is None else np.asarray(losses)[:n_epochs],
            steps_per_epoch=steps_per_epoch,
            name=_policy_name(policy) if name is None else name,
        )
        return display.plot(ax=ax, **kwargs)


class RangeTestDisplay:
    """Smoothed loss against α of a learning-rate range test.

    The x axis is logarithmic; dashed and dotted vertical lines mark the
    steepest-descent and valley suggestions. The y axis is cut a little above
    the highest loss before the minimum, so the diverging end of the test
    does not flatten the curve.

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
        Label of the loss line in the legend.

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

    def __init__(self, lrs, losses, suggested_lr=None, valley_lr=None, name=None):
        self.lrs = lrs
        self.losses = losses
        self.suggested_lr = suggested_lr
        self.valley_lr = valley_lr
        self.name = name

    def plot(self, ax=None, *, name=None, **kwargs) -> RangeTestDisplay:
        """Draw the loss against α and mark the suggestions.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Label of the loss line; None uses the Display's `name`.
        **kwargs : dict
            Keyword arguments of the loss line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        display : RangeTestDisplay
            The Display, with the artists stored.
        """
        ax = _new_axes(ax, "RangeTestDisplay.plot")
        lrs = np.asarray(self.lrs, dtype=float)
        losses = np.asarray(self.losses, dtype=float)
        name = self.name if name is None else name
        (self.line_,) = ax.plot(lrs, losses, **({"label": name or "loss"} | kwargs))
        ax.set_xscale("log")
        ax.set_xlabel("learning rate α")
        ax.set_ylabel("smoothed training loss")
        self.suggested_line_ = self.valley_line_ = None
        if self.suggested_lr is not None:
            self.suggested_line_ = ax.axvline(
                self.suggested_lr,
                color="C1",
                linestyle="--",
                label=f"steepest: α = {self.suggested_lr:.3g}",
            )
        if self.valley_lr is not None:
            self.valley_line_ = ax.axvline(
                self.valley_lr,
                color="C2",
                linestyle=":",
                label=f"valley: α = {self.valley_lr:.3g}",
            )
        top = _top_before_minimum(losses)
        if top is not None:
            ax.set_ylim(top=top)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_result(
        cls, result: RangeTestResult, *, ax=None, name=None, **kwargs
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
        cls, estimator, X, y, *, ax=None, name=None, **range_test_kwargs
    ) -> RangeTestDisplay:
        """Run :func:`~sklearn_lr.range_test.lr_range_test` and plot it.

        Parameters
        ----------
        estimator : SGDNetClassifier, SGDNetRegressor or Pipeline
            The model to test (not changed).
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


def _is_float(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _find_policy_param(keys):
    """The one parameter named ``learning_rate`` or ``...__learning_rate``."""
    found = sorted(
        k for k in keys if k == "learning_rate" or k.endswith("__learning_rate")
    )
    if len(found) != 1:
        raise ValueError(
            "Could not tell which parameter is the learning rate: found "
            f"{found or 'none'}. Pass policy_param (and alpha_param) explicitly."
        )
    return found[0]


def _alpha_of(params, policy, policy_param, alpha_param):
    """The α of one candidate (see LearningRateSearchDisplay.from_search)."""
    if alpha_param is not None and alpha_param in params:
        return params[alpha_param]
    if _is_float(policy):
        return policy
    for suffix in ("alpha", "max_alpha"):
        if f"{policy_param}__{suffix}" in params:
            return params[f"{policy_param}__{suffix}"]
    nested = policy.get_params() if hasattr(policy, "get_params") else {}
    names = ["alpha", "max_alpha"]
    if alpha_param is not None and alpha_param.startswith(policy_param + "__"):
        names = [alpha_param[len(policy_param) + 2 :]]
    for key in names:
        if key in nested:
            return nested[key]
    raise ValueError(
        f"Could not find the α of the candidate {params!r}: pass alpha_param, "
        f"the name of the searched parameter that holds it."
    )


class LearningRateSearchDisplay:
    """Mean cross-validated score against α, one line per policy.

    Parameters
    ----------
    alphas : list of array-like
        Learning rate α of the points of each line.
    mean_scores : list of array-like
        Mean test score of each point.
    std_scores : list of array-like, default=None
        Standard deviation of the test scores of each point, drawn as a band.
    labels : list of str, default=None
        Name of each line (the policy's class name).
    score_name : str, default=None
        Label of the y axis; None means "mean CV score".

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One line per policy.
    bands_ : list of matplotlib PolyCollection or None
        The ±1 standard deviation band of each line.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_lr import SGDNetClassifier
    >>> from sklearn_lr.plotting import LearningRateSearchDisplay
    >>> from sklearn_lr.schedules import CosineAnnealing
    >>> X, y = load_iris(return_X_y=True)
    >>> grid = [
    ...     {"learning_rate": [0.01, 0.1]},
    ...     {"learning_rate": [CosineAnnealing()],
    ...      "learning_rate__alpha": [0.01, 0.1]},
    ... ]
    >>> net = SGDNetClassifier((8,), max_iter=5, random_state=0)
    >>> search = GridSearchCV(net, grid, cv=2).fit(X, y)
    >>> display = LearningRateSearchDisplay.from_search(search)
    >>> [line.get_label() for line in display.lines_]
    ['Constant', 'CosineAnnealing']
    >>> display.lines_[1].get_xdata()
    array([0.01, 0.1 ])
    """

    def __init__(
        self, alphas, mean_scores, std_scores=None, labels=None, score_name=None
    ):
        self.alphas = alphas
        self.mean_scores = mean_scores
        self.std_scores = std_scores
        self.labels = labels
        self.score_name = score_name

    def plot(self, ax=None, *, band_alpha=0.2, **kwargs) -> LearningRateSearchDisplay:
        """Draw one line (with its band) per policy, α on a log axis.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        band_alpha : float, default=0.2
            Opacity of the ±1 standard deviation bands.
        **kwargs : dict
            Keyword arguments of every line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        display : LearningRateSearchDisplay
            The Display, with the artists stored.
        """
        ax = _new_axes(ax, "LearningRateSearchDisplay.plot")
        n_lines = len(self.alphas)
        labels = self.labels or [None] * n_lines
        stds = self.std_scores or [None] * n_lines
        self.lines_, self.bands_ = [], []
        for alphas, means, std, label in zip(
            self.alphas, self.mean_scores, stds, labels, strict=True
        ):
            alphas = np.asarray(alphas, dtype=float)
            means = np.asarray(means, dtype=float)
            (line,) = ax.plot(
                alphas, means, **({"marker": "o", "label": label} | kwargs)
            )
            band = None
            if std is not None:
                std = np.asarray(std, dtype=float)
                band = ax.fill_between(
                    alphas,
                    means - std,
                    means + std,
                    color=line.get_color(),
                    alpha=band_alpha,
                    linewidth=0,
                )
            self.lines_.append(line)
            self.bands_.append(band)
        ax.set_xscale("log")
        ax.set_xlabel("learning rate α")
        ax.set_ylabel(self.score_name or "mean CV score")
        if any(label is not None for label in labels):
            ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_search(
        cls, search, *, alpha_param=None, policy_param=None, ax=None, **kwargs
    ) -> LearningRateSearchDisplay:
        """Plot a fitted search over learning rates and policies.

        Every candidate of ``search.cv_results_`` becomes a point (α, mean
        test score ± std) on the line of its policy: the class name of its
        learning rate, ``Constant`` for a float. Where several candidates
        share a policy and an α (other parameters were searched too), the one
        with the best mean score is drawn.

        Parameters
        ----------
        search : GridSearchCV or RandomizedSearchCV
            A fitted search (any object with ``cv_results_``).
        alpha_param : str, default=None
            Name of the searched parameter holding α, for example
            ``"learning_rate__policy__alpha"``. None detects it.
        policy_param : str, default=None
            Name of the learning-rate parameter, for example
            ``"sgdnetclassifier__learning_rate"``. None detects it: the one
            parameter of the search or of its estimator named
            ``learning_rate`` or ending in ``__learning_rate``.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LearningRateSearchDisplay
            The Display, plotted.

        Notes
        -----
        The learning rate of a candidate is its value of `policy_param`, or the
        search estimator's when it was not searched. Its α is the first found
        of: the candidate's `alpha_param`; the learning rate itself if it is a
        float; the candidate's ``<policy_param>__alpha`` or
        ``<policy_param>__max_alpha``; the policy's own `alpha_param` (the part
        after ``<policy_param>__``), ``alpha`` or ``max_alpha``.

        The test score is ``mean_test_score``, or ``mean_test_<refit>`` for a
        multi-metric search refitted on a named metric.
        """
        _pyplot(f"{cls.__name__}.from_search")
        if not hasattr(search, "cv_results_"):
            raise NotFittedError(
                f"This {type(search).__name__} instance is not fitted yet; call "
                "'fit' before plotting it."
            )
        results = search.cv_results_
        candidates = results["params"]
        base = search.estimator.get_params(deep=True)
        searched = set().union(*candidates)
        if policy_param is None:
            policy_param = _find_policy_param(searched | set(base))
        elif policy_param not in searched | set(base):
            raise ValueError(
                f"policy_param={policy_param!r} is not a parameter of the search "
                f"or of its estimator {type(search.estimator).__name__}."
            )

        metric = "score"
        if "mean_test_score" not in results:
            refit = getattr(search, "refit", None)
            if not isinstance(refit, str):
                raise ValueError(
                    "A multi-metric search has no mean_test_score; refit it on a "
                    "named metric (refit='<name>') to choose the score to plot."
                )
            metric = refit
        means = np.asarray(results[f"mean_test_{metric}"], dtype=float)
        stds = np.asarray(results[f"std_test_{metric}"], dtype=float)

        best = {}  # (label, alpha) -> index of the best candidate
        for i, params in enumerate(candidates):
            policy = params.get(policy_param, base.get(policy_param))
            if not (_is_float(policy) or hasattr(policy, "start")):
                raise ValueError(
                    f"{policy_param}={policy!r} is neither a float nor a "
                    "learning-rate policy; pass policy_param explicitly."
                )
            label = "Constant" if _is_float(policy) else type(policy).__name__
            alpha = float(_alpha_of(params, policy, policy_param, alpha_param))
            key = (label, alpha)
            score = -np.inf if np.isnan(means[i]) else means[i]
            if key not in best or score > means[best[key]]:
                best[key] = i
        labels = list(dict.fromkeys(label for label, _ in best))
        alphas, mean_scores, std_scores = [], [], []
        for label in labels:
            points = sorted((a, i) for (name, a), i in best.items() if name == label)
            alphas.append(np.array([a for a, _ in points]))
            mean_scores.append(means[[i for _, i in points]])
            std_scores.append(stds[[i for _, i in points]])
        score_name = "mean CV score" if metric == "score" else f"mean CV {metric}"
        display = cls(alphas, mean_scores, std_scores, labels, score_name)
        return display.plot(ax=ax, **kwargs)

"""LearningRateSearchDisplay: cross-validated score against α per policy."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from .._base import BaseSGDNet
from ..schedules import _policy_family
from .common import _new_axes, _pyplot

if TYPE_CHECKING:  # matplotlib is optional
    from matplotlib.axes import Axes
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV


def _round(search, iteration):
    """Rows of ``cv_results_`` to plot and, for successive halving, the
    round's budget as text (None otherwise); see ``from_search``."""
    results = search.cv_results_
    if "iter" not in results:
        if iteration is not None:
            raise ValueError(
                f"iteration={iteration!r} applies to successive-halving searches; "
                f"{type(search).__name__} has a single round."
            )
        return np.arange(len(results["params"])), None
    rounds = np.asarray(results["iter"])
    n_rounds = int(rounds.max()) + 1
    chosen = 0 if iteration is None else iteration
    if not (
        isinstance(chosen, Integral)
        and not isinstance(chosen, bool)
        and -n_rounds <= chosen < n_rounds
    ):
        raise ValueError(
            f"iteration must be an int in [{-n_rounds}, {n_rounds - 1}] for this "
            f"search of {n_rounds} rounds; got {iteration!r}."
        )
    rows = np.flatnonzero(rounds == chosen % n_rounds)
    resource = getattr(search, "resource", "n_resources")
    return rows, f"{resource}={results['n_resources'][rows[0]]}"


def _is_float(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _ranks_above(score, other):
    """Whether mean test `score` beats `other`; NaN (a failed fit) beats none."""
    return not np.isnan(score) and (np.isnan(other) or score > other)


def _policy_params(keys):
    """The parameters named ``learning_rate`` or ``...__learning_rate``."""
    return sorted(
        k for k in keys if k == "learning_rate" or k.endswith("__learning_rate")
    )


def _find_policy_param(keys):
    """The one parameter named ``learning_rate`` or ``...__learning_rate``."""
    found = _policy_params(keys)
    if len(found) != 1:
        raise ValueError(
            "Could not tell which parameter is the learning rate: found "
            f"{found or 'none'}. Pass policy_param (and alpha_param) explicitly."
        )
    return found[0]


def _of_a_network(policy_param, model, effective):
    """Whether `policy_param` of a candidate `model` (its parameters
    `effective`) is a network's ``learning_rate`` or a part of it (say,
    ``learning_rate__policy``, the policy a Warmup wraps)."""
    parts = policy_param.split("__")
    for i, part in enumerate(parts):
        if part == "learning_rate":
            path = "__".join(parts[:i])
            owner = effective.get(path) if path else model
            if isinstance(owner, BaseSGDNet):
                return True
    return False


def _alpha_of(effective, policy, policy_param, alpha_param):
    """The α of one candidate, from its `effective` parameters (see
    LearningRateSearchDisplay.from_search)."""
    if alpha_param is not None and alpha_param in effective:
        return effective[alpha_param]
    # the learning rate (`policy` is its value), then, for a Warmup, the
    # policy it warms up, whose alpha is the Warmup's
    prefix, value = policy_param, policy
    while True:
        if _is_float(value):
            return value
        for suffix in ("alpha", "max_alpha"):
            if f"{prefix}__{suffix}" in effective:
                return effective[f"{prefix}__{suffix}"]
        prefix = f"{prefix}__policy"
        if prefix not in effective:
            break
        value = effective[prefix]
    raise ValueError(
        f"Could not find the α of the candidate with learning rate {policy!r}: "
        "pass alpha_param, the name of the parameter that holds it."
    )


class LearningRateSearchDisplay:
    """Mean cross-validated score against α, one line per policy.

    Parameters
    ----------
    alphas : list of array-like or 2-D array
        Learning rate α of the points of each line.
    mean_scores : list of array-like or 2-D array
        Mean test score of each point.
    std_scores : list of array-like or 2-D array, default=None
        Standard deviation of the test scores of each point, drawn as a band;
        an entry None draws its line without one.
    labels : list of str or array of str, default=None
        Name of each line (the policy's family: its class name, with those
        of the policies a ``Warmup`` or ``Sequential`` wraps, as in
        ``Warmup(CosineAnnealing)``).
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

    __module__ = "sklearn_lr.plotting"  # documented and shown there

    def __init__(
        self, alphas, mean_scores, std_scores=None, labels=None, score_name=None
    ):
        self.alphas = alphas
        self.mean_scores = mean_scores
        self.std_scores = std_scores
        self.labels = labels
        self.score_name = score_name

    def plot(
        self, ax: Axes | None = None, *, band_alpha: float = 0.2, **kwargs: Any
    ) -> LearningRateSearchDisplay:
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
        alphas, means, stds, labels = self._lines()
        ax = _new_axes(ax, "LearningRateSearchDisplay.plot")  # once they are valid
        self.lines_, self.bands_ = [], []
        for x, mean, std, label in zip(alphas, means, stds, labels, strict=True):
            (line,) = ax.plot(x, mean, **({"marker": "o", "label": label} | kwargs))
            band = None
            if std is not None:
                band = ax.fill_between(
                    x,
                    mean - std,
                    mean + std,
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

    def _lines(self):
        """The data of every line, as float arrays (``None`` for a missing
        std, a missing label), checked to match in length."""
        n_lines = len(self.alphas)
        columns = {
            "mean_scores": self.mean_scores,
            "std_scores": self.std_scores,
            "labels": self.labels,
        }
        for name, column in columns.items():
            # lists or arrays (whose truth value is ambiguous): test for None
            if column is not None and len(column) != n_lines:
                raise ValueError(
                    f"{name} must hold one entry per line of alphas; got "
                    f"{len(column)} for {n_lines} lines."
                )
        alphas = [np.asarray(x, dtype=float).ravel() for x in self.alphas]
        means = [np.asarray(m, dtype=float).ravel() for m in self.mean_scores]
        stds = (
            [None] * n_lines
            if self.std_scores is None
            else [  # a line may come without a spread: no band
                None if s is None else np.asarray(s, dtype=float).ravel()
                for s in self.std_scores
            ]
        )
        for i, (x, mean, std) in enumerate(zip(alphas, means, stds, strict=True)):
            if len(mean) != len(x) or (std is not None and len(std) != len(x)):
                sizes = f"{len(x)} alphas and {len(mean)} mean_scores" + (
                    "" if std is None else f" and {len(std)} std_scores"
                )
                raise ValueError(f"Line {i} has {sizes}: each point needs one of each.")
        labels = [None] * n_lines if self.labels is None else list(self.labels)
        return alphas, means, stds, labels

    @classmethod
    def from_search(
        cls,
        search: GridSearchCV | RandomizedSearchCV,
        *,
        alpha_param: str | None = None,
        policy_param: str | None = None,
        metric: str | None = None,
        iteration: int | None = None,
        ax: Axes | None = None,
        **kwargs: Any,
    ) -> LearningRateSearchDisplay:
        """Plot a fitted search over learning rates and policies.

        Every candidate of ``search.cv_results_`` becomes a point (α, mean
        test score ± std) on the line of its policy: the class name of its
        learning rate (with those of the policies a ``Warmup`` or
        ``Sequential`` wraps, as in ``Warmup(CosineAnnealing)``), ``Constant``
        for a float. Where several candidates
        share a policy and an α (other parameters were searched too), the one
        with the best mean score is drawn; a failed candidate (a NaN score,
        with ``error_score=np.nan``) only when all of them failed.

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
        metric : str, default=None
            The score to plot, by its name in ``cv_results_``: the ``<name>``
            of ``mean_test_<name>``, one of the names of a multi-metric
            search's ``scoring``. None plots ``mean_test_score``, or the
            metric a multi-metric search was refitted on.
        iteration : int, default=None
            For a successive-halving search (``HalvingGridSearchCV``,
            ``HalvingRandomSearchCV``), the round to plot, as ``iter`` in
            ``cv_results_`` (negative counts from the last). None plots the
            first round, the only one where every candidate had the same
            budget: later rounds hold only the candidates kept, trained with
            more resources. Other searches have a single round.
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
        A candidate's parameters are those of a clone of the search's
        estimator with the candidate's values set, so a learning rate set
        through another searched parameter (a whole pipeline step, the inner
        policy of a Warmup) is the one it trained with. A candidate whose
        `policy_param` is not a network's learning rate (another model
        searched in the same step, even one with a ``learning_rate`` of its
        own) is left out.
        Its learning rate is its value of `policy_param`; its α the first found
        of: its value of `alpha_param`; the learning rate itself if it is a
        float; its ``<policy_param>__alpha`` or ``<policy_param>__max_alpha``;
        for a ``Warmup``, the α of the policy it wraps, found the same way
        (``<policy_param>__policy__alpha``, say).

        The test score is ``mean_test_<metric>``; without `metric`,
        ``mean_test_score``, or ``mean_test_<refit>`` for a multi-metric
        search refitted on a named metric. For a
        successive-halving search the axis label names the round's budget,
        e.g. ``max_iter=6``.
        """
        _pyplot(f"{cls.__name__}.from_search")
        is_search = any(
            hasattr(search, name)
            for name in ("cv_results_", "param_grid", "param_distributions")
        )
        if not is_search:
            raise TypeError(
                f"{cls.__name__}.from_search needs a fitted search, such as "
                "GridSearchCV or RandomizedSearchCV (an object with cv_results_); "
                f"got {type(search).__name__}. For one model, use "
                "LearningRateDisplay.from_estimator."
            )
        if not hasattr(search, "cv_results_"):
            raise NotFittedError(
                f"This {type(search).__name__} instance is not fitted yet; call "
                "'fit' before plotting it."
            )
        results = search.cv_results_
        rows, budget = _round(search, iteration)
        candidates = [results["params"][i] for i in rows]
        # what each candidate trained with: a searched parameter may set the
        # learning rate without being named after it (a whole pipeline step,
        # a Warmup's inner policy); the values are cloned as the search
        # does, so that setting a nested parameter (learning_rate__alpha)
        # does not change the policy object the grid and cv_results_ hold
        models = [
            clone(search.estimator).set_params(**clone(params, safe=False))
            for params in candidates
        ]
        effective_params = [model.get_params(deep=True) for model in models]
        named = set(search.estimator.get_params(deep=True)).union(*candidates)
        known = named.union(*effective_params)
        if policy_param is None:
            # the search's and its estimator's own names first: a candidate
            # may wrap a network in a model of its own (a bagging ensemble)
            policy_param = _find_policy_param(named if _policy_params(named) else known)
        elif policy_param not in known:
            raise ValueError(
                f"policy_param={policy_param!r} is not a parameter of the search, "
                f"of its estimator {type(search.estimator).__name__} or of its "
                "candidates."
            )

        scored = [
            key[len("mean_test_") :] for key in results if key.startswith("mean_test_")
        ]
        if metric is not None:
            if metric not in scored:
                raise ValueError(
                    f"metric={metric!r} is not a score of the search; its "
                    f"cv_results_ has mean_test_<metric> for the metrics {scored}."
                )
        else:
            # the metric a multi-metric search was refitted on, even when
            # another of its scorers is named "score"
            refit = getattr(search, "refit", None)
            if isinstance(refit, str) and f"mean_test_{refit}" in results:
                metric = refit
            elif "mean_test_score" in results:
                metric = "score"
            else:
                raise ValueError(
                    "A multi-metric search has no mean_test_score; name the score "
                    f"to plot with metric=, one of {scored}."
                )
        means = np.asarray(results[f"mean_test_{metric}"], dtype=float)[rows]
        stds = np.asarray(results[f"std_test_{metric}"], dtype=float)[rows]

        best: dict[tuple, int] = {}  # (label, alpha) -> the best candidate
        for i, (model, effective) in enumerate(
            zip(models, effective_params, strict=True)
        ):
            if policy_param not in effective or not _of_a_network(
                policy_param, model, effective
            ):
                continue  # another model (say, a LogisticRegression searched
                # as the same pipeline step), or one whose learning_rate is
                # its own (a gradient boosting's, an MLPClassifier's)
            policy = effective[policy_param]
            # a candidate that failed (error_score=np.nan) on a value that is
            # no learning rate (a string, a policy class) has no α: it is
            # left out, as it scored nothing
            failed = np.isnan(means[i])
            if not (_is_float(policy) or hasattr(policy, "start")):
                if failed:
                    continue
                raise ValueError(
                    f"{policy_param}={policy!r} is neither a float nor a "
                    "learning-rate policy; pass policy_param explicitly."
                )
            try:
                alpha = float(_alpha_of(effective, policy, policy_param, alpha_param))
            except ValueError:
                if failed:
                    continue
                raise
            # the family, so that Warmup(CosineAnnealing) and Warmup(StepDecay)
            # stay two lines
            label = _policy_family(policy)
            key = (label, alpha)
            # a failed candidate (NaN score, error_score=np.nan) loses to any
            # other, and is drawn only when all of its key failed
            if key not in best or _ranks_above(means[i], means[best[key]]):
                best[key] = i
        if not best:
            raise ValueError(
                f"No candidate of the search has the parameter {policy_param!r} "
                "as part of a network's learning rate."
            )
        labels = list(dict.fromkeys(label for label, _ in best))
        alphas, mean_scores, std_scores = [], [], []
        for label in labels:
            points = sorted((a, i) for (name, a), i in best.items() if name == label)
            alphas.append(np.array([a for a, _ in points]))
            mean_scores.append(means[[i for _, i in points]])
            std_scores.append(stds[[i for _, i in points]])
        score_name = "mean CV score" if metric == "score" else f"mean CV {metric}"
        if budget is not None:
            score_name = f"{score_name}, {budget}"
        display = cls(alphas, mean_scores, std_scores, labels, score_name)
        return display.plot(ax=ax, **kwargs)

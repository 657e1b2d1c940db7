"""The machinery behind ``python -m sklearn_lr``: data, grid, CV runs, report.

Every learning-rate policy is cross-validated on one data set with a small
grid over its peak α. Each candidate is trained with ``partial_fit``, one
call per epoch, on each CV fold; the held-out part of the fold is scored
after every epoch, which gives both the final CV score and the first epoch
at which the mean CV score reaches a target.

Features are standardized inside each fold (the scaler is fitted on the
training part only, as ``Pipeline([StandardScaler(), net])`` would do). For
regression the target is standardized the same way, with the training
part's mean and standard deviation (as ``TransformedTargetRegressor`` with a
``StandardScaler`` would do); R² is unchanged by that affine map, so the
scores are those of the original target.
"""

from __future__ import annotations

import csv
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import threadpool_limits

from ._classifier import SGDNetClassifier
from ._regressor import SGDNetRegressor
from .schedules import (
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

CLASSIFICATION = "classification"
REGRESSION = "regression"

DATASETS: dict[str, tuple[Callable, str]] = {
    "digits": (load_digits, CLASSIFICATION),
    "breast_cancer": (load_breast_cancer, CLASSIFICATION),
    "wine": (load_wine, CLASSIFICATION),
    "iris": (load_iris, CLASSIFICATION),
    "diabetes": (load_diabetes, REGRESSION),
}
DEFAULT_TARGET_SCORE = {CLASSIFICATION: 0.95, REGRESSION: 0.4}
DEFAULT_ALPHAS = (0.01, 0.03, 0.1)
# Peak alphas outside this range would break BoldDriver's default bounds.
ALPHA_RANGE = (1e-6, 10.0)
HIDDEN_LAYER_SIZES = (64,)
BATCH_SIZE = 32
# A CSV target whose values are all integers is read as class labels when it
# has at most this many distinct values.
MAX_INTEGER_CLASSES = 20
NEVER = "—"
# Parallel runs pay for starting worker processes (a few seconds) only when
# the work is larger than this, in sample-epochs (see `auto_n_jobs`).
PARALLEL_MIN_WORK = 500_000
# Per-epoch overhead of a partial_fit call and a held-out score, in samples.
EPOCH_OVERHEAD = 300


class DemoError(Exception):
    """A bad input (option or data file); its message is one line for the user."""


@dataclass
class Data:
    """A data set ready for the demo.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric features (float64).
    y : ndarray of shape (n_samples,)
        Class labels or regression targets.
    task : {"classification", "regression"}
        What is learned from `y`.
    name : str
        Name shown in the report.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    name: str

    def describe(self) -> str:
        """One line: name, shape and task."""
        n, d = self.X.shape
        what = (
            f"{len(np.unique(self.y))} classes, accuracy"
            if self.task == CLASSIFICATION
            else "regression, R²"
        )
        return f"{self.name}: {n} samples, {d} features, {what}"


# --------------------------------------------------------------------- data


def load_dataset(name: str) -> Data:
    """Load one of the data sets bundled with scikit-learn.

    Parameters
    ----------
    name : str
        A key of `DATASETS`.

    Returns
    -------
    data : Data
        The data set.
    """
    if name not in DATASETS:
        raise DemoError(f"unknown dataset {name!r} (choose from {', '.join(DATASETS)})")
    loader, task = DATASETS[name]
    X, y = loader(return_X_y=True)
    return Data(np.asarray(X, dtype=np.float64), np.asarray(y), task, name)


def _parse_float(text: str) -> float | None:
    """`text` as a float, or None if it is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


def load_csv(path: str | Path, target: str, task: str = "auto") -> Data:
    """Read a CSV file with a header row: numeric features and one target column.

    Parameters
    ----------
    path : str or Path
        The file (comma-separated, UTF-8, first row = column names).
    target : str
        Name of the target column; every other column is a feature and must
        hold finite numbers.
    task : {"auto", "classification", "regression"}, default="auto"
        "auto": classification if any target value is not a number, or if
        all are integers with at most `MAX_INTEGER_CLASSES` distinct values;
        regression otherwise.

    Returns
    -------
    data : Data
        The data set.

    Raises
    ------
    DemoError
        If the file can't be read or its contents are unusable.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            # (line number where the record ends, fields), blank lines skipped
            rows = [
                (reader.line_num, row)
                for row in reader
                if any(field.strip() for field in row)
            ]
    except FileNotFoundError:
        raise DemoError(f"CSV file not found: {str(path)!r}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DemoError(f"cannot read CSV file {str(path)!r}: {reason}") from None
    if not rows:
        raise DemoError(f"CSV file {str(path)!r} is empty")
    header = [name.strip() for name in rows[0][1]]
    if target not in header:
        shown = ", ".join(repr(name) for name in header[:10])
        more = ", ..." if len(header) > 10 else ""
        raise DemoError(
            f"target column {target!r} not found in {str(path)!r} "
            f"(columns: {shown}{more})"
        )
    if header.count(target) > 1:
        raise DemoError(f"column name {target!r} appears more than once in the header")
    if len(header) < 2:
        raise DemoError(f"{str(path)!r} has no feature columns besides {target!r}")
    t = header.index(target)
    features = [i for i in range(len(header)) if i != t]
    X = np.empty((len(rows) - 1, len(features)))
    labels = []
    for r, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DemoError(
                f"line {line} of {str(path)!r} has {len(row)} fields, "
                f"the header has {len(header)}"
            )
        for j, i in enumerate(features):
            text = row[i].strip()
            value = _parse_float(text)
            if value is None or not math.isfinite(value):
                if not text:
                    problem = "missing value"
                elif value is None:
                    problem = f"non-numeric value {text!r}"
                else:
                    problem = f"non-finite value {text!r}"
                raise DemoError(
                    f"{problem} in feature column {header[i]!r} "
                    f"(line {line}); features must be finite numbers"
                )
            X[r, j] = value
        label = row[t].strip()
        if not label:
            raise DemoError(f"missing target value in column {target!r} (line {line})")
        labels.append(label)
    if not labels:
        raise DemoError(f"{str(path)!r} has a header but no data rows")
    y, task = _target(labels, task, target)
    return Data(X, y, task, path.name)


def _target(labels: list[str], task: str, column: str) -> tuple[np.ndarray, str]:
    """Decode the target column and decide the task (see `load_csv`)."""
    values = [_parse_float(label) for label in labels]
    numeric = all(v is not None and math.isfinite(v) for v in values)
    if task == "auto":
        integral = numeric and all(float(v).is_integer() for v in values)
        few = len(set(values)) <= MAX_INTEGER_CLASSES
        task = CLASSIFICATION if not numeric or (integral and few) else REGRESSION
    if task == REGRESSION:
        if not numeric:
            bad = next(
                label
                for label, v in zip(labels, values, strict=True)
                if v is None or not math.isfinite(v)
            )
            raise DemoError(
                f"regression needs a numeric target; column {column!r} holds {bad!r}"
            )
        y = np.asarray(values, dtype=np.float64)
        if np.ptp(y) == 0:
            raise DemoError(f"target column {column!r} has a single value")
        return y, task
    if numeric and all(float(v).is_integer() for v in values):
        return np.asarray(values, dtype=np.float64).astype(np.int64), task
    return np.asarray(labels, dtype=str), task


def check_folds(data: Data, cv: int) -> None:
    """Make sure `cv`-fold CV can train and score every fold.

    Classification needs two classes or more, each with at least `cv`
    samples (stratified folds then hold every class); regression needs at
    least two samples per fold.

    Parameters
    ----------
    data : Data
        The data set.
    cv : int
        Number of folds.

    Raises
    ------
    DemoError
        If there are too few rows.
    """
    n = len(data.y)
    if data.task == CLASSIFICATION:
        classes, counts = np.unique(data.y, return_counts=True)
        classes = classes.tolist()  # plain Python labels for the messages
        if len(classes) < 2:
            raise DemoError(
                f"classification needs at least 2 classes; the target has only "
                f"{classes[0]!r}"
            )
        if counts.min() < cv:
            rare = classes[int(np.argmin(counts))]
            raise DemoError(
                f"too few rows: class {rare!r} has {counts.min()} sample(s), and "
                f"{cv}-fold CV needs at least {cv} per class"
            )
    elif n < 2 * cv:
        raise DemoError(
            f"too few rows: {n} sample(s), and {cv}-fold CV needs at least {2 * cv}"
        )


# ------------------------------------------------------------------- grid


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
    Family(
        "ReduceOnPlateau",
        "alpha",
        lambda a, e: ReduceOnPlateau(alpha=a, patience=e // 10),
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
    scores: np.ndarray | None = None
    seconds: float = 0.0
    diverged: bool = False

    @property
    def curve(self) -> np.ndarray:
        """Mean CV score after each epoch."""
        return self.scores.mean(axis=0)

    @property
    def final(self) -> tuple[float, float]:
        """Mean and standard deviation over the folds of the last epoch's score."""
        last = self.scores[:, -1]
        return float(last.mean()), float(last.std())

    @property
    def parameters(self) -> str:
        """The grid parameter, as ``name=value``."""
        return f"{self.family.parameter}={self.alpha:g}"

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


# -------------------------------------------------------------------- runs


def _make_estimator(
    task: str, policy: object, epochs: int, random_state: int
) -> SGDNetClassifier | SGDNetRegressor:
    """The demo's network for `task`, trained with `policy` over `epochs`."""
    cls = SGDNetClassifier if task == CLASSIFICATION else SGDNetRegressor
    # max_iter sets the horizon of policies with n_epochs=None
    return cls(
        HIDDEN_LAYER_SIZES,
        learning_rate=policy,
        batch_size=BATCH_SIZE,
        max_iter=epochs,
        random_state=random_state,
    )


def _fold_data(data: Data, cv: int, random_state: int) -> list[tuple]:
    """Standardized (X_train, y_train, X_val, y_val) of each CV fold."""
    if data.task == CLASSIFICATION:
        splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(cv, shuffle=True, random_state=random_state)
    folds = []
    for train, val in splitter.split(data.X, data.y):
        scaler = StandardScaler().fit(data.X[train])
        y_train, y_val = data.y[train], data.y[val]
        if data.task == REGRESSION:
            mean, std = y_train.mean(), y_train.std()
            std = std if std > 0 else 1.0
            y_train, y_val = (y_train - mean) / std, (y_val - mean) / std
        folds.append(
            (
                scaler.transform(data.X[train]),
                y_train,
                scaler.transform(data.X[val]),
                y_val,
            )
        )
    return folds


def _train_fold(
    estimator: SGDNetClassifier | SGDNetRegressor,
    fold: tuple,
    epochs: int,
    classes: np.ndarray | None,
) -> tuple[np.ndarray, float, bool]:
    """Train on one fold, one ``partial_fit`` call per epoch, scoring each epoch.

    Parameters
    ----------
    estimator : SGDNetClassifier or SGDNetRegressor
        Unfitted network; its ``max_iter`` is `epochs`.
    fold : tuple
        ``(X_train, y_train, X_val, y_val)``, standardized.
    epochs : int
        Number of ``partial_fit`` calls.
    classes : ndarray or None
        All class labels (classification), or None (regression).

    Returns
    -------
    scores : ndarray of shape (epochs,)
        Held-out accuracy or R² after each epoch (-inf for non-finite
        regression predictions).
    seconds : float
        Time spent in ``partial_fit``.
    diverged : bool
        Whether some epoch diverged. The weights from before the divergence
        were then put back (see ``DivergenceWarning``), so the candidate
        simply scores low.
    """
    X_train, y_train, X_val, y_val = fold
    classifier = classes is not None
    kwargs = {"classes": classes} if classifier else {}
    scores = np.empty(epochs)
    seconds = 0.0
    with warnings.catch_warnings():
        # the demo deliberately runs a fixed number of epochs
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(epochs):
            start = time.perf_counter()
            estimator.partial_fit(X_train, y_train, **kwargs)
            seconds += time.perf_counter() - start
            y_pred = estimator.predict(X_val)
            if classifier:
                scores[epoch] = accuracy_score(y_val, y_pred)
            elif np.all(np.isfinite(y_pred)):
                scores[epoch] = r2_score(y_val, y_pred)
            else:
                scores[epoch] = -np.inf
    return scores, seconds, estimator.divergence_epoch_ is not None


def auto_n_jobs(n_samples: int, *, cv: int, epochs: int, n_settings: int) -> int:
    """Two jobs when the run is long enough to repay starting workers, else one.

    Parameters
    ----------
    n_samples : int
        Rows of the data set.
    cv : int
        Number of folds.
    epochs : int
        Epochs per run.
    n_settings : int
        Number of grid points.

    Returns
    -------
    n_jobs : int
        1 or 2.
    """
    n_train = n_samples * (cv - 1) // cv
    work = n_settings * cv * epochs * (n_train + EPOCH_OVERHEAD)
    return 2 if work >= PARALLEL_MIN_WORK else 1


def run(
    data: Data,
    *,
    epochs: int,
    cv: int,
    alphas: Sequence[float],
    n_jobs: int | None,
    random_state: int,
) -> list[Candidate]:
    """Cross-validate every candidate, recording the score after every epoch.

    Parameters
    ----------
    data : Data
        The data set (checked with `check_folds`).
    epochs : int
        Epochs per run (``partial_fit`` calls).
    cv : int
        Number of folds (stratified for classification).
    alphas : sequence of float
        Peak learning rates of the grid.
    n_jobs : int or None
        Parallel jobs over (candidate, fold) pairs, as in scikit-learn.
    random_state : int
        Seed of the folds and of every network.

    Returns
    -------
    candidates : list of Candidate
        The grid, with scores, seconds and divergence filled in.
    """
    folds = _fold_data(data, cv, random_state)
    classes = np.unique(data.y) if data.task == CLASSIFICATION else None
    candidates = make_grid(epochs, alphas)
    # Batches of 32 and small held-out sets run fastest on one BLAS thread
    # (the estimator's own rule below 512 samples per batch); limiting here,
    # once, also spares every partial_fit call from switching thread counts.
    # Worker processes already start with one thread per job.
    with threadpool_limits(limits=1, user_api="blas"):
        results = Parallel(n_jobs=n_jobs)(
            delayed(_train_fold)(
                _make_estimator(data.task, c.policy, epochs, random_state),
                fold,
                epochs,
                classes,
            )
            for c in candidates
            for fold in folds
        )
    for i, candidate in enumerate(candidates):
        mine = results[i * cv : (i + 1) * cv]
        candidate.scores = np.vstack([scores for scores, _, _ in mine])
        candidate.seconds = sum(seconds for _, seconds, _ in mine)
        candidate.diverged = any(diverged for _, _, diverged in mine)
    return candidates


def best_per_family(candidates: Sequence[Candidate], target: float) -> list[Candidate]:
    """The best grid point of each family, best family first.

    Best means the highest final mean CV score; ties go to fewer epochs to
    `target`, then to the earlier grid point (smaller α) or family.

    Parameters
    ----------
    candidates : sequence of Candidate
        Run candidates, as returned by `run`.
    target : float
        Target score for the epochs-to-target tie-break.

    Returns
    -------
    ranked : list of Candidate
        One per family, ranked.
    """
    best = {}
    for candidate in candidates:  # stable: earlier grid points win ties
        name = candidate.family.name
        if name not in best or candidate.rank_key(target) < best[name].rank_key(target):
            best[name] = candidate
    return sorted(best.values(), key=lambda c: c.rank_key(target))


# ------------------------------------------------------------------ report


def format_table(ranked: Sequence[Candidate], target: float) -> str:
    """The ranked table as text.

    Parameters
    ----------
    ranked : sequence of Candidate
        Best candidate of each family, ranked (see `best_per_family`).
    target : float
        Target score of the epochs-to-target column.

    Returns
    -------
    table : str
        Header, rule and one row per family (no trailing newline). A ``*``
        after the parameters marks a run that diverged in some fold.
    """
    header = (
        "#",
        "policy",
        "best parameters",
        f"epochs to {target:g}",
        "final CV score",
        "seconds",
    )
    rows = []
    for rank, c in enumerate(ranked, start=1):
        epochs = c.epochs_to(target)
        mean, std = c.final
        rows.append(
            (
                str(rank),
                c.family.name,
                c.parameters + ("*" if c.diverged else ""),
                NEVER if epochs is None else str(epochs),
                f"{mean:.4f} ± {std:.4f}",
                f"{c.seconds:.2f}",
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    right = (True, False, False, True, True, True)

    def line(cells):
        return "  ".join(
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def check_plot_file(path: str) -> str:
    """Check that matplotlib is installed and `path` can take a figure.

    Parameters
    ----------
    path : str
        Where the figure will be saved; its extension picks the format (no
        extension: PNG).

    Returns
    -------
    format : str
        The file format.

    Raises
    ------
    DemoError
        If matplotlib is missing, the folder doesn't exist or the format is
        unknown.
    """
    try:
        import matplotlib  # noqa: F401  (the top-level package: plot extra installed?)
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise DemoError(
            "--plot needs matplotlib: pip install 'sklearn_lr[plot]'"
        ) from None
    folder = Path(path).parent
    if Path(path).is_dir():
        raise DemoError(f"--plot: {path!r} is a folder, not a file name")
    if not folder.is_dir():
        raise DemoError(f"--plot: folder {str(folder)!r} does not exist")
    suffix = Path(path).suffix.lower().lstrip(".")
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in supported:
        raise DemoError(
            f"--plot: unknown file type {suffix!r} (use one of "
            f"{', '.join(sorted(supported))})"
        )
    return suffix or "png"


def plot(
    ranked: Sequence[Candidate], path: str, target: float, title: str, score: str
) -> None:
    """Save a figure of the mean CV score per epoch of each ranked candidate.

    Parameters
    ----------
    ranked : sequence of Candidate
        Best candidate of each family, ranked.
    path : str
        Output file, checked with `check_plot_file`.
    target : float
        Target score, drawn as a dashed line.
    title : str
        Figure title.
    score : str
        Name of the score (y axis label).

    Raises
    ------
    DemoError
        If matplotlib can't write the file.
    """
    fmt = check_plot_file(path)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13, 5.5), layout="constrained")
    full, zoom = figure.subplots(1, 2)
    styles = ("-", "--", "-.", ":")
    colors = [f"C{i}" for i in range(10)]
    for ax in (full, zoom):
        for i, c in enumerate(ranked):
            curve = c.curve
            ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                color=colors[i % len(colors)],
                linestyle=styles[(i // len(colors)) % len(styles)],
                marker="o" if len(curve) <= 5 else None,
                label=f"{c.family.name} ({c.parameters})",
            )
        ax.axhline(target, color="0.5", linestyle="--", linewidth=1, label="target")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    full.set_ylabel(f"mean CV {score}")
    full.set_title("all epochs")
    # the right panel zooms on the top: from just below the worst final score
    finals = [c.curve[-1] for c in ranked if math.isfinite(c.curve[-1])]
    if finals:
        finite = np.concatenate([c.curve[np.isfinite(c.curve)] for c in ranked])
        low, high = min(*finals, target), max(float(finite.max()), target)
        margin = 0.05 * max(high - low, 0.01)
        zoom.set_ylim(low - margin, high + margin)
    zoom.set_title("zoom on the final scores")
    figure.suptitle(title)
    zoom.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    try:
        figure.savefig(path, format=fmt, dpi=110)
    except (OSError, ValueError) as exc:
        raise DemoError(f"--plot: cannot write {path!r}: {exc}") from None

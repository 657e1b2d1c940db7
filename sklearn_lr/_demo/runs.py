"""Cross-validated runs of the candidates, serial or in parallel."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import threadpool_limits

from .._classifier import SGDNetClassifier
from .._regressor import SGDNetRegressor
from .data import CLASSIFICATION, REGRESSION, Data
from .grid import BATCH_SIZE, HIDDEN_LAYER_SIZES, Candidate, make_grid

# Parallel runs pay for starting worker processes (a few seconds) only when
# the work is larger than this, in sample-epochs (see `auto_n_jobs`).
PARALLEL_MIN_WORK = 500_000
# Per-epoch overhead of a partial_fit call and a held-out score, in samples.
EPOCH_OVERHEAD = 300


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
        were then put back (see ``DivergenceWarning``) and training went on.
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
        1 or 2 (1 on a single usable CPU).
    """
    n_train = n_samples * (cv - 1) // cv
    work = n_settings * cv * epochs * (n_train + EPOCH_OVERHEAD)
    # on one usable CPU a second job only competes with the first
    return 2 if work >= PARALLEL_MIN_WORK and _usable_cpus() > 1 else 1


def _usable_cpus():
    """CPUs this process may run on (its affinity, where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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
    # Batches of 32 and small held-out sets run fastest on one BLAS thread,
    # and the jobs share the cores; limiting here, once, also spares every
    # partial_fit call from switching thread counts. Worker processes
    # already start with one thread per job.
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
    best: dict[str, Candidate] = {}
    for candidate in candidates:  # stable: earlier grid points win ties
        name = candidate.family.name
        if name not in best or candidate.rank_key(target) < best[name].rank_key(target):
            best[name] = candidate
    return sorted(best.values(), key=lambda c: c.rank_key(target))

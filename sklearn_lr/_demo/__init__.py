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

from .data import (
    CLASSIFICATION,
    DATASETS,
    MAX_INTEGER_CLASSES,
    REGRESSION,
    Data,
    DemoError,
    check_folds,
    load_csv,
    load_dataset,
)
from .grid import (
    ALPHA_RANGE,
    BATCH_SIZE,
    DEFAULT_ALPHAS,
    DEFAULT_TARGET_SCORE,
    FAMILIES,
    HIDDEN_LAYER_SIZES,
    Candidate,
    Family,
    make_grid,
)
from .report import check_plot_file, format_table, plot, ranks
from .runs import auto_n_jobs, best_per_family, run

__all__ = [
    "ALPHA_RANGE",
    "BATCH_SIZE",
    "CLASSIFICATION",
    "DATASETS",
    "DEFAULT_ALPHAS",
    "DEFAULT_TARGET_SCORE",
    "FAMILIES",
    "HIDDEN_LAYER_SIZES",
    "MAX_INTEGER_CLASSES",
    "REGRESSION",
    "Candidate",
    "Data",
    "DemoError",
    "Family",
    "auto_n_jobs",
    "best_per_family",
    "check_folds",
    "check_plot_file",
    "format_table",
    "load_csv",
    "load_dataset",
    "make_grid",
    "plot",
    "ranks",
    "run",
]

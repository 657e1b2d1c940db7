"""Multilayer perceptrons whose learning rate is a pluggable, searchable policy.

The estimators :class:`SGDNetClassifier` and :class:`SGDNetRegressor` take a
``learning_rate`` that is a float or a policy from
:mod:`sklearn_lr.schedules`; :mod:`sklearn_lr.optimizers` holds the update
rules.
"""

from ._classifier import SGDNetClassifier
from ._regressor import SGDNetRegressor
from ._training import DivergenceWarning

__version__ = "0.1.0"

__all__ = [
    "DivergenceWarning",
    "SGDNetClassifier",
    "SGDNetRegressor",
    "__version__",
]

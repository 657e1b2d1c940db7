"""Plots of learning rates, range tests and searches, as scikit-learn Displays.

Each Display holds the data to draw; ``plot(ax=None, ...)`` draws it on `ax`
(a new figure if None), stores the artists (``line_``, ...), ``ax_`` and
``figure_``, and returns the Display; classmethods (``from_estimator``, ...)
build the data and plot it. matplotlib is the optional ``plot`` extra
(``pip install "sklearn_lr[plot]"``) and is imported only when drawing.
"""

from ._plotting.learning_rate import LearningRateDisplay
from ._plotting.range_test import RangeTestDisplay
from ._plotting.search import LearningRateSearchDisplay

__all__ = ["LearningRateDisplay", "LearningRateSearchDisplay", "RangeTestDisplay"]

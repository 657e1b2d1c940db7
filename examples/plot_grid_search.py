"""
=====================================================
Grid-searching α and the schedule in a pipeline
=====================================================

A learning-rate policy is an ordinary hyperparameter: ``learning_rate`` takes
a float or a policy object, and the policy's own parameters are reachable as
``learning_rate__<name>`` (``learning_rate__policy__<name>`` inside
:class:`~sklearn_lr.schedules.Warmup`). A list of grids searches several
policies, each over its own α, in one :class:`~sklearn.model_selection.GridSearchCV`.

:meth:`LearningRateSearchDisplay.from_search
<sklearn_lr.plotting.LearningRateSearchDisplay.from_search>` then draws the
mean cross-validated score against α, one line per policy.
"""

# %%
# The pipeline and the grid
# -------------------------
# Scaling lives inside the pipeline, so each fold is standardized with its
# own training part. Every candidate trains for at most 15 epochs; the
# horizon of the cosine and one-cycle policies is ``max_iter``.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lr import DivergenceWarning, SGDNetClassifier
from sklearn_lr.plotting import LearningRateDisplay, LearningRateSearchDisplay
from sklearn_lr.schedules import CosineAnnealing, OneCycle, Warmup

X, y = load_digits(return_X_y=True)
pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("net", SGDNetClassifier((32,), batch_size=64, max_iter=15, random_state=0)),
    ]
)

alphas = [0.01, 0.03, 0.1, 0.3, 1.0]
grid = [
    {"net__learning_rate": alphas},  # a float is a constant α
    {"net__learning_rate": [CosineAnnealing()], "net__learning_rate__alpha": alphas},
    {"net__learning_rate": [OneCycle()], "net__learning_rate__max_alpha": alphas},
    {
        "net__learning_rate": [Warmup(CosineAnnealing(), epochs=2)],
        "net__learning_rate__policy__alpha": alphas,
    },
]

# %%
# The search
# ----------
# Some candidates train for all 15 epochs without meeting the stopping rule,
# and α = 1 is too large for SGD with momentum 0.9: those fits diverge. A
# diverged fit stops with a :class:`~sklearn_lr.DivergenceWarning`, keeps the
# weights from before the divergence, and simply scores low. Both warnings
# are expected here, so they are silenced.
search = GridSearchCV(pipe, grid, cv=3)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DivergenceWarning)
    warnings.filterwarnings(
        "ignore", "Stochastic optimizer: maximum iterations", ConvergenceWarning
    )
    search.fit(X, y)

print("best:", search.best_params_)
print(f"mean CV accuracy: {search.best_score_:.3f}")

# %%
# Score against α, one line per policy
# ------------------------------------
# The bands are ±1 standard deviation over the folds. The display finds the α
# of each candidate by itself (a float, a policy's ``alpha`` or
# ``max_alpha``, or those of the policy a warm-up wraps); ``alpha_param``
# names the searched one explicitly. The policies that end with a small α
# tolerate a larger peak α than the constant rate does, up to the point where
# the first epochs already diverge.
display = LearningRateSearchDisplay.from_search(
    search, alpha_param="net__learning_rate__policy__alpha"
)
display.ax_.set_title("digits, 3-fold CV, 15 epochs")
display.ax_.set_ylim(0.6, 1.0)
plt.show()

# %%
# The refitted best model
# -----------------------
# ``best_estimator_`` is a pipeline refitted on all the data with the best
# parameters. Its network records the α of every step and the loss of every
# epoch, which :class:`~sklearn_lr.plotting.LearningRateDisplay` draws.
display = LearningRateDisplay.from_estimator(search.best_estimator_)
display.ax_.set_title("the refitted best candidate")
plt.show()

"""
=====================================
A learning-rate policy of your own
=====================================

``learning_rate`` takes any object that follows the policies' protocol
(see :ref:`own_policy`): ``start(max_epochs)`` returns a run-time state
whose ``rate(t)`` gives α at the epoch clock ``t`` and whose
``observe(t, loss=..., score=...)`` hears how each epoch went. This example
writes two policies:

- an open-loop one, the inverse square root decay with linear warm-up of
  the Transformer paper, checked against the same schedule composed from
  built-in policies;
- a feedback one, a "bold driver" that follows the validation score instead
  of the training loss, searched against the built-in
  :class:`~sklearn_lr.schedules.BoldDriver` and a constant α.
"""

# %%
# An open-loop policy: inverse square root with warm-up
# -----------------------------------------------------
# α rises linearly to ``alpha`` over ``warmup`` epochs, then falls as
# :math:`\alpha \sqrt{w / t}`. Subclassing
# :class:`~sklearn.base.BaseEstimator` and storing the ``__init__`` arguments
# as they are gives the policy ``get_params``, ``set_params``, ``clone`` and
# a repr, so a search can reach ``learning_rate__alpha``. The run-time state
# is a separate object, and both classes live at module level so that they
# pickle with a fitted estimator.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier
from sklearn_lr.plotting import LearningRateDisplay
from sklearn_lr.schedules import BoldDriver, InverseTimeDecay, Warmup, trace


class InverseSqrtWarmup(BaseEstimator):
    def __init__(self, alpha=0.1, warmup=2.0):
        self.alpha = alpha
        self.warmup = warmup

    def start(self, max_epochs):
        return _InverseSqrtWarmupSchedule(self.alpha, self.warmup)


class _InverseSqrtWarmupSchedule:
    def __init__(self, alpha, warmup):
        self.alpha, self.warmup = alpha, warmup

    def rate(self, t):
        if t < self.warmup:
            return self.alpha * t / self.warmup
        return self.alpha * (self.warmup / t) ** 0.5

    def observe(self, t, *, loss=None, score=None):
        pass  # open loop


# %%
# :func:`~sklearn_lr.schedules.trace` gives the α of every step without
# training, which makes a new policy easy to test. This one happens to be
# composable from built-in policies: a :class:`~sklearn_lr.schedules.Warmup`
# of w epochs around an :class:`~sklearn_lr.schedules.InverseTimeDecay` with
# ``decay=1/w`` and ``power=0.5``, whose clock starts at the end of the
# warm-up, is :math:`\alpha / \sqrt{1 + (t - w)/w} = \alpha \sqrt{w/t}`.
ours = InverseSqrtWarmup(alpha=0.1, warmup=2.0)
composed = Warmup(InverseTimeDecay(alpha=0.1, decay=0.5, power=0.5), epochs=2.0)
difference = np.abs(trace(ours, 20, 10) - trace(composed, 20, 10)).max()
print(f"largest difference over 200 steps: {difference:.1e}")

fig, ax = plt.subplots()
LearningRateDisplay.from_policy(ours, n_epochs=20, steps_per_epoch=10, ax=ax)
ax.set_title("inverse square root decay after a two-epoch warm-up")
plt.show()

# %%
# A feedback policy: a bold driver on the validation score
# --------------------------------------------------------
# The built-in :class:`~sklearn_lr.schedules.BoldDriver` watches the training
# loss. This one watches the validation score that ``early_stopping=True``
# computes at every epoch end: α grows by ``increase`` after an epoch that
# raised the score and shrinks by ``decrease`` after one that lowered it.
# Without a validation score it keeps α as it is.


class ScoreBoldDriver(BaseEstimator):
    def __init__(self, alpha=0.01, increase=1.1, decrease=0.5):
        self.alpha = alpha
        self.increase = increase
        self.decrease = decrease

    def start(self, max_epochs):
        return _ScoreBoldDriverSchedule(self.alpha, self.increase, self.decrease)


class _ScoreBoldDriverSchedule:
    def __init__(self, alpha, increase, decrease):
        self.alpha, self.increase, self.decrease = alpha, increase, decrease
        self.last_score = None

    def rate(self, t):
        return self.alpha

    def observe(self, t, *, loss=None, score=None):
        if score is None:
            return
        if self.last_score is not None and score != self.last_score:
            better = score > self.last_score
            self.alpha *= self.increase if better else self.decrease
        self.last_score = score


# %%
# Searching it like any other policy
# ----------------------------------
# A list of grids compares a constant α, the built-in bold driver and the
# new one, each over its starting α. Every candidate validates on 10 % of its
# training folds and stops once the validation score has not improved for
# more than five epochs in a row.
X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    SGDNetClassifier(
        (32,),
        batch_size=64,
        max_iter=30,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ),
)
alphas = [0.01, 0.05, 0.2]
grid = [
    {"sgdnetclassifier__learning_rate": alphas},
    {
        "sgdnetclassifier__learning_rate": [BoldDriver(), ScoreBoldDriver()],
        "sgdnetclassifier__learning_rate__alpha": alphas,
    },
]
search = GridSearchCV(pipe, grid, cv=3)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    search.fit(X, y)

results = search.cv_results_
for params, mean, std in zip(
    results["params"],
    results["mean_test_score"],
    results["std_test_score"],
    strict=True,
):
    policy = params["sgdnetclassifier__learning_rate"]
    name = "Constant" if isinstance(policy, float) else type(policy).__name__
    alpha = params.get("sgdnetclassifier__learning_rate__alpha", policy)
    print(f"{name:>16}  α = {alpha:<5}  accuracy {mean:.3f} ± {std:.3f}")

# %%
# What the score-driven policy did
# --------------------------------
# The refitted model of the best score-driven setting records the α of every
# step in ``lr_history_`` and the validation score of every epoch in
# ``validation_scores_``: α steps up after each epoch that raised the score
# and halves after each one that lowered it.
scored = [
    i
    for i, params in enumerate(results["params"])
    if isinstance(params["sgdnetclassifier__learning_rate"], ScoreBoldDriver)
]
best = max(scored, key=lambda i: results["mean_test_score"][i])
model = pipe.set_params(**results["params"][best])
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    model.fit(X, y)
display = LearningRateDisplay.from_estimator(model)
display.ax_.set_title("ScoreBoldDriver, refitted on all the data")
plt.show()

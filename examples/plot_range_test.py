"""
=========================================
Choosing α with the range test
=========================================

Smith's learning-rate range test trains a copy of the model for a hundred
mini-batches while α grows exponentially, and records the loss. Where the
loss falls fastest is a good α; where it turns up, training diverges.
:func:`~sklearn_lr.range_test.lr_range_test` runs the test and suggests two
values; :class:`~sklearn_lr.plotting.RangeTestDisplay` draws it.

The test costs ``n_steps`` mini-batches (100 by default): a few epochs of
this small data set, where a grid search over α costs many full trainings.
"""

# %%
# The test on a pipeline
# ----------------------
# For a :class:`~sklearn.pipeline.Pipeline`, the steps before the network are
# fitted on the data first; the network is cloned, so ``pipe`` stays unfitted.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier
from sklearn_lr.plotting import RangeTestDisplay
from sklearn_lr.schedules import OneCycle

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)


def make_model(**params):
    net = SGDNetClassifier((64,), batch_size=64, max_iter=20, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    return pipe.set_params(**params)


pipe = make_model()
display = RangeTestDisplay.from_estimator(
    pipe, X_train, y_train, min_lr=1e-5, max_lr=10.0, random_state=0
)
display.ax_.set_title("SGD with momentum 0.9")
plt.show()

print(f"steepest descent at α = {display.suggested_lr:.3g}")
print(f"valley at α = {display.valley_lr:.3g}")

# %%
# The good α depends on the optimizer
# -----------------------------------
# Without momentum, SGD takes about ten times smaller steps for the same α
# (with momentum μ the velocity adds up about ``1 / (1 - μ)`` gradients), so
# its curve moves right by about a decade. Adam scales every step to about α
# per weight; its suggestions are a few times smaller than those of SGD with
# momentum. Each optimizer needs its own test.
variants = {
    "SGD, momentum 0.9": {},
    "SGD, no momentum": {"net__momentum": 0.0},
    "Adam": {"net__optimizer": "adam"},
}
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")
suggestions = {}
for (name, params), ax in zip(variants.items(), axes, strict=True):
    model = make_model().set_params(**params)
    display = RangeTestDisplay.from_estimator(
        model,
        X_train,
        y_train,
        min_lr=1e-5,
        max_lr=10.0,
        ax=ax,
        name=name,
        random_state=0,
    )
    ax.set_title(name)
    suggestions[name] = display.valley_lr
plt.show()

# %%
# Using the suggestion
# --------------------
# The valley is a reasonable constant α, or the peak of a one-cycle policy.
# Each model below trains for 20 epochs (runs that end at ``max_iter`` say so
# with a :class:`~sklearn.exceptions.ConvergenceWarning`, silenced here). On
# this small problem all three land within a point of each other: the test's
# worth is that it finds a working α, and shows where training breaks down,
# for the price of a hundred mini-batches instead of a search.
warnings.filterwarnings(
    "ignore", "Stochastic optimizer: maximum iterations", ConvergenceWarning
)
alpha = suggestions["SGD, momentum 0.9"]
for label, learning_rate in [
    ("default α = 0.01", 0.01),
    (f"constant α = {alpha:.3g}", alpha),
    (f"OneCycle(max_alpha={alpha:.3g})", OneCycle(max_alpha=alpha)),
]:
    model = make_model(net__learning_rate=learning_rate).fit(X_train, y_train)
    print(f"{label:28} test accuracy {model.score(X_test, y_test):.3f}")

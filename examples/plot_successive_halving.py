"""
====================================================
Successive halving over epochs: α, policy and budget
====================================================

Successive halving spends a small budget on many candidates and a growing
budget on the few that stay best. With ``resource="max_iter"`` the budget is
the number of epochs: every candidate first trains for a few epochs, the best
third trains three times longer, and so on.

A policy with a horizon (``n_epochs=None``) follows the ``max_iter`` each
candidate gets: a cosine schedule given 4 epochs anneals to its minimum in 4
epochs, given 36 epochs in 36. A short run is therefore a complete,
compressed schedule, not the first few epochs of a long one.
"""

# %%
# The candidates
# --------------
# Constant rates against cosine annealing and one-cycle, each over a few
# peak rates. ``n_iter_no_change`` is large so that every candidate trains for
# exactly the epochs its round grants.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingGridSearchCV

from sklearn_lr import SGDNetClassifier
from sklearn_lr.schedules import CosineAnnealing, OneCycle, trace

X, y = load_digits(return_X_y=True)
X = X / 16.0
alphas = [0.01, 0.05, 0.2, 0.8]
grid = [
    {"learning_rate": alphas},  # a float is a constant α
    {"learning_rate": [CosineAnnealing()], "learning_rate__alpha": alphas},
    {"learning_rate": [OneCycle()], "learning_rate__max_alpha": alphas},
]
net = SGDNetClassifier((32,), batch_size=128, n_iter_no_change=1000, random_state=0)

# %%
# The search
# ----------
# 12 candidates start with 4 epochs; each round keeps the best third and
# triples the epochs.
search = HalvingGridSearchCV(
    net,
    grid,
    resource="max_iter",
    min_resources=4,
    max_resources=36,
    factor=3,
    cv=3,
    random_state=0,
)
with warnings.catch_warnings():
    # every candidate stops at its budget, by design
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    search.fit(X, y)

for it, (n_epochs, n_candidates) in enumerate(
    zip(search.n_resources_, search.n_candidates_, strict=True)
):
    print(f"round {it}: {n_candidates:2d} candidates x {n_epochs:2d} epochs")
print("best:", search.best_params_)
print(f"mean CV accuracy: {search.best_score_:.3f}")

# %%
# Scores per round
# ----------------
# Each dot is a candidate's mean cross-validated accuracy in one round; the
# lines join the rounds of the survivors.
results = search.cv_results_
labels = np.array(
    [
        type(p["learning_rate"]).__name__
        if not isinstance(p["learning_rate"], float)
        else "constant"
        for p in results["params"]
    ]
)
colours = {"constant": "C0", "CosineAnnealing": "C1", "OneCycle": "C2"}
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for label, colour in colours.items():
    mask = labels == label
    ax.scatter(
        results["n_resources"][mask],
        results["mean_test_score"][mask],
        color=colour,
        label=label,
    )
# a candidate is the same parameters, but for the epochs, in every round
candidates = np.array(
    [repr({k: v for k, v in p.items() if k != "max_iter"}) for p in results["params"]]
)
for candidate in np.unique(candidates):
    rounds = candidates == candidate
    if rounds.sum() > 1:
        ax.plot(
            results["n_resources"][rounds],
            results["mean_test_score"][rounds],
            color=colours[labels[rounds][0]],
            alpha=0.5,
        )
ax.set_xscale("log")
ax.set_xticks(search.n_resources_, [str(n) for n in search.n_resources_])
ax.minorticks_off()
ax.set_xlabel("epochs granted (max_iter)")
ax.set_ylabel("mean CV accuracy")
ax.legend()
plt.show()

# %%
# The winner's schedule follows its budget
# ----------------------------------------
# The refitted best model trained for the last round's ``max_iter``; its
# ``lr_history_`` is the policy's :func:`~sklearn_lr.schedules.trace` over
# exactly that many epochs.
best = search.best_estimator_
steps = len(best.lr_history_) // best.n_iter_
expected = trace(best.learning_rate, best.max_iter, steps, best.loss_curve_)
print(
    f"refit: max_iter={best.max_iter}, n_iter_={best.n_iter_}, "
    f"lr_history_ matches trace: {np.allclose(best.lr_history_, expected)}"
)
fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.plot(np.arange(len(best.lr_history_)) / steps, best.lr_history_)
ax.set_xlabel("epoch")
ax.set_ylabel("α")
ax.set_title(f"refitted best: {best.learning_rate!r}")
plt.show()

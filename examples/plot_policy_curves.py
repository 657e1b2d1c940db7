"""
=========================================
Every learning-rate policy at a glance
=========================================

Each policy of :mod:`sklearn_lr.schedules` gives the learning rate α as a
function of the epoch clock ``t`` (epoch ``e`` after batch ``b`` of ``B``
reads ``e + b / B``). :meth:`LearningRateDisplay.from_policy
<sklearn_lr.plotting.LearningRateDisplay.from_policy>` draws the α of every
update step of a run without training anything, from
:func:`~sklearn_lr.schedules.trace`.

The two feedback policies, :class:`~sklearn_lr.schedules.ReduceOnPlateau` and
:class:`~sklearn_lr.schedules.BoldDriver`, react to the training loss of each
epoch: here they are fed a made-up loss curve (drawn in orange on the right
axis) that falls, stalls and wobbles.
"""

# %%
# The policies
# ------------
# Thirty epochs of ten update steps each. Policies with a horizon
# (``PolynomialDecay``, ``CosineAnnealing``, ``OneCycle``) take it from the run,
# as an estimator takes it from ``max_iter``.
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from sklearn_lr.plotting import LearningRateDisplay
from sklearn_lr.schedules import (
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
    trace,
)

n_epochs, steps_per_epoch = 30, 10

policies = [
    Constant(alpha=0.1),
    InverseTimeDecay(alpha=0.1, decay=0.3),
    ExponentialDecay(alpha=0.1, gamma=0.9),
    StepDecay(alpha=0.1, drop=0.5, every=8),
    MultiStepDecay(alpha=0.1, milestones=(15, 25), drop=0.1),
    PolynomialDecay(alpha=0.1, end_alpha=0.01, power=2.0),
    CosineAnnealing(alpha=0.1, min_alpha=0.001),
    CosineWarmRestarts(alpha=0.1, period=4, mult=2),
    Cyclic(min_alpha=0.01, max_alpha=0.1, step_size=3, mode="triangular2"),
    OneCycle(max_alpha=0.1),
    ReduceOnPlateau(alpha=0.1, factor=0.5, patience=2),
    BoldDriver(alpha=0.05, increase=1.1, decrease=0.5),
    Warmup(CosineAnnealing(alpha=0.1), epochs=5),
    Sequential(
        [Constant(alpha=0.1), ExponentialDecay(alpha=0.05, gamma=0.8)], milestones=[10]
    ),
]

# %%
# A loss curve for the feedback policies
# --------------------------------------
# It falls quickly, stalls from epoch 8, falls again from epoch 16, and is
# noisy throughout.
rng = np.random.default_rng(0)
epochs = np.arange(n_epochs)
losses = (
    1.5 * np.exp(-epochs / 3)
    + 0.3 * np.exp(-np.clip(epochs - 16, 0, None) / 4)
    + 0.2
    + 0.03 * rng.standard_normal(n_epochs)
)

# %%
# One panel per policy
# --------------------
# Each panel is titled with the policy's repr, which shows the parameters
# that differ from the defaults. α is drawn step by step against the epoch
# clock.
fig, axes = plt.subplots(5, 3, figsize=(12, 14), layout="constrained")
for policy, ax in zip(policies, axes.flat, strict=False):
    feedback = isinstance(policy, ReduceOnPlateau | BoldDriver)
    LearningRateDisplay.from_policy(
        policy,
        n_epochs=n_epochs,
        steps_per_epoch=steps_per_epoch,
        losses=losses if feedback else None,
        ax=ax,
        name="α" if feedback else "",
    )
    ax.set_title(textwrap.fill(repr(policy), 50), fontsize=9)
    ax.set_ylim(0, None)
axes.flat[-1].set_visible(False)
plt.show()

# %%
# The numbers behind a panel
# --------------------------
# :func:`~sklearn_lr.schedules.trace` returns the α of every update step: here
# the first two epochs of the one-cycle policy, warming up from
# ``max_alpha / div_factor``. A fitted estimator's ``lr_history_`` holds the
# same numbers for the run it made.
print(trace(OneCycle(max_alpha=0.1), n_epochs=n_epochs, steps_per_epoch=10)[:20])

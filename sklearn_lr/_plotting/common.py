"""Helpers the Displays share: importing pyplot lazily, axes, y limits."""

from __future__ import annotations

import numpy as np

from ..schedules import _as_policy


def _pyplot(caller):
    """Import matplotlib.pyplot, or fail with the install hint."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, the optional 'plot' extra of "
            'sklearn_lr: pip install "sklearn_lr[plot]"'
        ) from exc
    return plt


def _new_axes(ax, caller):
    plt = _pyplot(caller)
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _top_before_minimum(losses):
    """Upper y limit: 5% of the descent above the highest loss before the minimum.

    None when there is no descent or nothing after the minimum rises higher.
    """
    finite = np.isfinite(losses)
    losses = losses[: len(losses) if finite.all() else int(np.argmin(finite))]
    if len(losses) < 2:
        return None
    low = int(np.argmin(losses))
    top = losses[: low + 1].max()
    if not losses[low] < top < losses.max():
        return None
    return top + 0.05 * (top - losses[low])


def _policy_name(learning_rate):
    return type(_as_policy(learning_rate)).__name__

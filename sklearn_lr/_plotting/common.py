"""Helpers the Displays share: importing pyplot lazily, axes, colors, y limits."""

from __future__ import annotations

import numpy as np

from .._training import EXPLOSION_FACTOR
from ..range_test import _finite_prefix
from ..schedules import _policy_name


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


def _axes_group(ax):
    """`ax` and the axes twinned with it (same place, shared x), in drawing order."""
    shared = ax.get_shared_x_axes()
    place = ax.get_position().bounds
    return [
        other
        for other in ax.figure.axes
        if other is ax
        or (shared.joined(other, ax) and other.get_position().bounds == place)
    ]


# the properties of a cycle entry a twin's line takes, with their aliases
_CYCLED = {"color": ("c",), "linestyle": ("ls",), "linewidth": ("lw",)}


def _keyword_run_name(kwargs):
    """The run's name that a ``label`` among a line's keyword arguments
    gives; None for none, or for one matplotlib keeps out of legends (it
    starts with "_", as ``"_nolegend_"``)."""
    label = kwargs.get("label")
    if label is None or str(label).startswith("_"):
        return None
    return str(label)


def _cycled(style, ax, given):
    """`style` for a line drawn on a twin of `ax`, with the color, line style
    and width of the next entry of the property cycle of `ax` (its own, when
    set with ``set_prop_cycle``), which `ax` then moves past, as for a line
    drawn on it: the twins' own cycles would start over, and repeat the
    colors of the lines on `ax`. Keyword arguments `given` for the line that
    choose a color take nothing from the cycle, and those it gives (under
    any alias) are kept. (A line drawn on `ax` itself needs none of this:
    matplotlib styles it from the cycle.)"""
    given = given or {}
    if "color" in given or "c" in given:
        return style
    # an empty line takes the next entry and leaves the data limits alone
    (probe,) = ax.plot([], [])
    entry = {
        name: getattr(probe, f"get_{name}")()
        for name, aliases in _CYCLED.items()
        if name not in given and not any(alias in given for alias in aliases)
    }
    probe.remove()
    return style | entry


def _curves(ax):
    """The lines in data coordinates (not the vertical marks of an axvline,
    whose y is in axes coordinates) on `ax` and on the axes sharing its y
    axis, since limits set on one of them apply to all."""
    return [
        line
        for axes in ax.get_shared_y_axes().get_siblings(ax)
        for line in axes.get_lines()
        if line.get_transform() is axes.transData
    ]


def _with_bottom(ax, low, top):
    """(bottom, top) with the bottom 5% of the shown range below `low`, the
    lowest value shown (on a log axis, 5% of it in log scale)."""
    if ax.get_yscale() == "log" and low > 0:
        return low / (top / low) ** 0.05, top
    return low - 0.05 * (top - low), top


def _top_before_minimum(losses):
    """Upper y limit: 5% of the descent above the highest loss before the minimum.

    None when there is no descent or nothing after the minimum rises higher.
    """
    losses = losses[: _finite_prefix(losses)]
    if len(losses) < 2:
        return None
    low = int(np.argmin(losses))
    top = losses[: low + 1].max()
    if not losses[low] < top < losses.max():
        return None
    return top + 0.05 * (top - losses[low])


def _loss_ylim(ax):
    """Y limits that show every curve on `ax` up to its minimum: (bottom, top),
    or None when no curve needs cutting (the y axis then scales itself).

    A curve whose loss rises after its minimum past everything before it is
    cut at `_top_before_minimum`; another one is kept whole, with a margin of
    5% of its range. Curves are the lines in data coordinates (see
    `_curves`), also those of the axes sharing the y axis of `ax`, so a range
    test drawn on axes that already hold others, or next to them with
    ``sharey``, is cut no lower than any of them needs. The bottom lies 5% of
    the shown range below the lowest curve (see `_with_bottom`).
    """
    tops, lows = [], []
    cut = False
    for line in _curves(ax):
        losses = np.asarray(line.get_ydata(), dtype=float)
        finite = losses[np.isfinite(losses)]
        if not len(finite):
            continue
        top = _top_before_minimum(losses)
        cut = cut or top is not None
        if top is None:
            top = finite.max() + 0.05 * (finite.max() - finite.min())
        tops.append(top)
        lows.append(finite.min())
    if not cut:
        return None
    # the bottom from the curves alone: the axes' own limits were scaled to
    # the explosion that the top cuts off
    return _with_bottom(ax, min(lows), max(tops))


def _exploded_ylim(ax):
    """Y limits that leave exploded values off the top: (bottom, top), or
    None when no value exploded (the y axis then scales itself).

    Along each curve on `ax` (see `_curves`), in epoch order, a finite value
    has exploded when it exceeds ``EXPLOSION_FACTOR`` (10^4) times the
    largest of 1 and the last value before it that had not: the estimator's
    test of a diverged epoch, step by step. A curve's first value never has
    (a large first loss that falls fast is training, and stays in view), nor
    has a curve that climbs gradually, nor a run on another scale than the
    others on the axes. An exploded loss (a diverged epoch kept in
    ``loss_curve_``) would flatten every other one at the bottom; its line
    now leaves through the top. The top lies 5% of their range above the
    highest value kept, the bottom as in `_with_bottom`.
    """
    kept, exploded = [], False
    for line in _curves(ax):
        last = None
        for value in np.asarray(line.get_ydata(), dtype=float):
            if not np.isfinite(value):
                continue
            if last is not None and value > EXPLOSION_FACTOR * max(last, 1.0):
                exploded = True
                continue
            kept.append(value)
            last = value
    if not exploded:
        return None
    low, high = min(kept), max(kept)
    span = high - low or abs(high) or 1.0  # one value kept: a margin around it
    return _with_bottom(ax, low, high + 0.05 * span)


# longest repr a legend shows; longer ones are shortened to the policy's family
def _run_policy_name(estimator):
    """`_policy_name` of the policy that made a fitted estimator's rates.

    ``learning_rate`` may have been set to another policy since the run
    started (``partial_fit`` keeps the running schedule until the next
    ``fit``), so the estimator records the name at the run's start
    (``_run_label``). A model without that record (pickled by an older
    version) is named by its ``learning_rate``.
    """
    label = getattr(estimator, "_run_label", None)
    return label if isinstance(label, str) else _policy_name(estimator.learning_rate)

"""Helpers the Displays share: importing pyplot lazily, axes, colors, y limits."""

from __future__ import annotations

import ast
import re
from numbers import Real

import numpy as np

from .._training import EXPLOSION_FACTOR
from ..range_test import _finite_prefix
from ..schedules import Sequential, Warmup, _as_policy, _one_line


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
_MAX_NAME = 60


def _policy_family(learning_rate):
    """The policy's class name, with those of the policies a `Warmup` or a
    `Sequential` wraps: ``Warmup(CosineAnnealing)``,
    ``Sequential(Constant, StepDecay)``. Any number is ``Constant`` (a failed
    search candidate may hold an invalid one)."""
    if isinstance(learning_rate, Real) and not isinstance(learning_rate, bool):
        return "Constant"
    name = type(learning_rate).__name__
    if isinstance(learning_rate, Warmup):
        inner = [learning_rate.policy]
    elif isinstance(learning_rate, Sequential):
        inner = list(learning_rate.policies)
    else:
        return name
    return f"{name}({', '.join(_policy_family(p) for p in inner)})"


def _policy_name(learning_rate):
    """A legend label telling runs apart: the policy's repr on one line (its
    non-default parameters, so ``StepDecay(alpha=0.1)`` and ``StepDecay()``
    differ), or its family (see `_policy_family`) when the repr is too long
    for a legend or is Python's default ``<... object at 0x...>`` (a user's
    own policy)."""
    policy = _as_policy(learning_rate)
    name = _one_line(policy)
    plain = type(policy).__repr__ is object.__repr__
    return _policy_family(policy) if plain or len(name) > _MAX_NAME else name


def _run_policy_name(estimator):
    """`_policy_name` of the policy that made a fitted estimator's rates.

    ``learning_rate`` may have been set to another policy since the run
    started (``partial_fit`` keeps the running schedule until the next
    ``fit``); the estimator keeps the one-line repr of the run's policy
    (``_run_policy``), so the label is made from that text when it differs,
    shortened as `_policy_name` shortens a repr (see `_family_of_repr`). A
    model that has no such record (pickled by an older version) is labelled
    by its ``learning_rate``.
    """
    current = estimator.learning_rate
    run = getattr(estimator, "_run_policy", None)
    if not isinstance(run, str) or run == _one_line(current):
        return _policy_name(current)
    try:  # a float α: labelled as Constant(alpha=...)
        value = ast.literal_eval(run)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if isinstance(value, Real) and not isinstance(value, bool):
        return _policy_name(value)
    plain = re.fullmatch(r"<([\w.]+) object at 0x[0-9a-fA-F]+>", run)
    if plain:  # Python's default repr: the class name
        return plain.group(1).rsplit(".", 1)[-1]
    if len(run) <= _MAX_NAME:
        return run
    return _family_of_repr(run) or run[: _MAX_NAME - 1] + "\u2026"


def _family_of_repr(text):
    """`_policy_family` of a policy known by its repr alone, read with `ast`
    (nothing is run): ``Warmup(policy=StepDecay(alpha=0.1, every=3), ...)``
    is ``Warmup(StepDecay)``; None when the text is not a call of that form."""
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return _node_family(node)


def _node_family(node):
    """`_policy_family` of the parsed repr `node` (see `_family_of_repr`)."""
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    if isinstance(node, ast.Constant):
        number = isinstance(node.value, Real) and not isinstance(node.value, bool)
        return "Constant" if number else None
    if not isinstance(node, ast.Call):
        return None
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    keywords = {k.arg: k.value for k in node.keywords}
    if name == "Warmup":
        inner = node.args[:1] or [keywords.get("policy")]
    elif name == "Sequential":
        group = node.args[0] if node.args else keywords.get("policies")
        inner = group.elts if isinstance(group, (ast.List, ast.Tuple)) else [None]
    else:
        return name
    families = [None if n is None else _node_family(n) for n in inner]
    if None in families:
        return None
    return f"{name}({', '.join(families)})"

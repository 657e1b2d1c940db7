"""The demo's report: the ranked table and the figure."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .data import DemoError
from .grid import Candidate

NEVER = "—"


def ranks(ranked: Sequence[Candidate], target: float) -> list[int]:
    """The rank of each ranked candidate, shared by ties.

    Candidates equal on both keys of the ranking (the final score and the
    epochs to `target`) share the best rank among them, as scikit-learn's
    ``rank_test_score`` does ("min" ranking: 1, 1, 3).
    """
    keys = [c.rank_key(target) for c in ranked]
    return [keys.index(key) + 1 for key in keys]


def _score(value: float) -> str:
    """A score (or its spread) in four decimals; one too large for them (an
    R² of -1e170 on data with a wild outlier) in four significant digits."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"


def format_table(ranked: Sequence[Candidate], target: float) -> str:
    """The ranked table as text.

    Parameters
    ----------
    ranked : sequence of Candidate
        Best candidate of each family, ranked (see `best_per_family`).
    target : float
        Target score of the epochs-to-target column.

    Returns
    -------
    table : str
        Header, rule and one row per family (no trailing newline). A ``*``
        after the parameters marks a run that diverged in some fold.
    """
    header = (
        "#",
        "policy",
        "best parameters",
        f"epochs to {target:g}",
        "final CV score",
        "seconds",
    )
    rows = []
    for rank, c in zip(ranks(ranked, target), ranked, strict=True):
        epochs = c.epochs_to(target)
        mean, std = c.final
        rows.append(
            (
                str(rank),
                c.family.name,
                c.parameters + ("*" if c.diverged else ""),
                NEVER if epochs is None else str(epochs),
                f"{_score(mean)} ± {_score(std)}",
                f"{c.seconds:.2f}",
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    right = (True, False, False, True, True, True)

    def line(cells):
        return "  ".join(
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def check_plot_file(path: str) -> str:
    """Check that matplotlib is installed and `path` can take a figure.

    Parameters
    ----------
    path : str
        Where the figure will be saved; its extension picks the format (no
        extension: PNG).

    Returns
    -------
    format : str
        The file format.

    Raises
    ------
    DemoError
        If matplotlib is missing, the folder doesn't exist, the format is
        unknown or the file cannot be written.
    """
    try:
        import matplotlib  # noqa: F401  (the top-level package: plot extra installed?)
        from matplotlib.backend_bases import FigureCanvasBase
        from matplotlib.figure import Figure
    except ImportError:
        raise DemoError(
            "--plot needs matplotlib: pip install 'sklearn_lr[plot]'"
        ) from None
    except ValueError as error:  # a bad setting, such as MPLBACKEND=foo
        raise DemoError(f"--plot: matplotlib cannot start: {error}") from None
    folder = Path(path).parent
    try:
        if Path(path).is_dir():
            raise DemoError(f"--plot: {path!r} is a folder, not a file name")
        if folder.exists() and not folder.is_dir():
            raise DemoError(f"--plot: {str(folder)!r} is a file, not a folder")
        if not folder.is_dir():
            raise DemoError(f"--plot: folder {str(folder)!r} does not exist")
    except OSError as error:  # a name too long, say
        raise DemoError(f"--plot: cannot use {path!r}: {error.strerror}") from None
    suffix = Path(path).suffix.lower().lstrip(".")
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in supported:
        raise DemoError(
            f"--plot: unknown file type {suffix!r} (use one of "
            f"{', '.join(sorted(supported))})"
        )
    # a name with a trailing slash, a folder that takes no files: found by
    # opening the file now (and removing it again if it is new)
    existed = os.path.lexists(path)
    try:
        with open(path, "ab"):
            pass
    except OSError as error:
        raise DemoError(f"--plot: cannot write {path!r}: {error.strerror}") from None
    if not existed:
        os.remove(path)
    # a format may need more than matplotlib (pgf needs LaTeX for its text):
    # a tiny figure with a text, in memory, tells before the run
    probe = Figure(figsize=(1, 1))
    probe.text(0.5, 0.5, "α")
    try:
        probe.savefig(io.BytesIO(), format=suffix or "png")
    except Exception as error:  # noqa: BLE001  (whatever the backend raises)
        raise DemoError(
            f"--plot: cannot make {suffix or 'png'!r} files here: {error}"
        ) from None
    return suffix or "png"


def plot(
    ranked: Sequence[Candidate], path: str, target: float, title: str, score: str
) -> None:
    """Save a figure of the mean CV score per epoch of each ranked candidate.

    Parameters
    ----------
    ranked : sequence of Candidate
        Best candidate of each family, ranked.
    path : str
        Output file, checked with `check_plot_file`.
    target : float
        Target score, drawn as a dashed line.
    title : str
        Figure title.
    score : str
        Name of the score (y axis label).

    Raises
    ------
    DemoError
        If matplotlib can't write the file.
    """
    fmt = check_plot_file(path)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(13, 5.5), layout="constrained")
    full, zoom = figure.subplots(1, 2)
    styles = ("-", "--", "-.", ":")
    colors = [f"C{i}" for i in range(10)]
    for ax in (full, zoom):
        for i, c in enumerate(ranked):
            curve = c.curve
            ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                color=colors[i % len(colors)],
                linestyle=styles[(i // len(colors)) % len(styles)],
                marker="o" if len(curve) <= 5 else None,
                label=f"{c.family.name} ({c.parameters})",
            )
        ax.axhline(target, color="0.5", linestyle="--", linewidth=1, label="target")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(color="0.9")  # opaque: PostScript has no transparency
    full.set_ylabel(f"mean CV {score}")
    full.set_title("all epochs")
    # the right panel zooms on the top: from just below the worst final score
    finals = [c.curve[-1] for c in ranked if math.isfinite(c.curve[-1])]
    if finals:
        finite = np.concatenate([c.curve[np.isfinite(c.curve)] for c in ranked])
        low, high = min(*finals, target), max(float(finite.max()), target)
        margin = 0.05 * max(high - low, 0.01)
        zoom.set_ylim(low - margin, high + margin)
    zoom.set_title("zoom on the final scores")
    figure.suptitle(title)
    zoom.legend(
        loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", framealpha=1
    )
    try:
        figure.savefig(path, format=fmt, dpi=110)
    except (OSError, ValueError, RuntimeError) as exc:
        raise DemoError(f"--plot: cannot write {path!r}: {exc}") from None

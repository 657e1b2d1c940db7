"""``python -m sklearn_lr``: compare constant α with every learning-rate policy.

With no arguments, trains a small network on the digits data bundled with
scikit-learn, cross-validates constant α and every policy of
:mod:`sklearn_lr.schedules` over a small grid of peak α, and prints a table
ranked by final CV score. ``python -m sklearn_lr --help`` lists the options.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import math
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import NoReturn

from sklearn import config_context

from ._demo import (
    ALPHA_RANGE,
    BATCH_SIZE,
    CLASSIFICATION,
    DATASETS,
    DEFAULT_ALPHAS,
    DEFAULT_TARGET_SCORE,
    FAMILIES,
    HIDDEN_LAYER_SIZES,
    MAX_INTEGER_CLASSES,
    REGRESSION,
    DemoError,
    auto_n_jobs,
    best_per_family,
    check_folds,
    check_plot_file,
    format_table,
    load_csv,
    load_dataset,
    plot,
    ranks,
    run,
)

PROG = "python -m sklearn_lr"
#: --epochs at most: a run of more is a typo (its score table alone would
#: take gigabytes)
MAX_EPOCHS = 100_000

EPILOG = f"""\
how it works:
  Every policy is tried at each peak alpha of --alphas; its durations scale
  with --epochs (e.g. StepDecay halves alpha every epochs/4, Warmup ramps
  over epochs/10, Sequential switches from Constant to CosineAnnealing at
  epochs/2; ReduceOnPlateau halves alpha after more than epochs/10 epochs
  in a row whose training loss fell by less than 10%). Each setting is
  trained on each of the --cv folds (stratified for classification) with
  one partial_fit call per epoch
  (max_iter = --epochs sets the horizon of CosineAnnealing, OneCycle, ...),
  and the held-out part is scored after every epoch. Features are
  standardized inside each fold (scaler fitted on the training part). The
  network is {HIDDEN_LAYER_SIZES}, batch size {BATCH_SIZE}, SGD with momentum 0.9.

  The table shows, per policy, the setting with the best final score:
  the first epoch whose mean CV score reaches --target-score ("—" if
  none), the final mean CV score ± its standard deviation over the folds,
  and the training seconds summed over the folds. Rows are ranked by the
  final score, then by the epochs to the target; rows equal on both share
  a rank. A "*" marks a setting that diverged in some fold: the diverged
  epoch's weights were put back to the last finite ones and training went
  on (where α then falls, as with a decay or a feedback policy, the
  setting can still score well).

scores:
  classification: accuracy (default target {DEFAULT_TARGET_SCORE[CLASSIFICATION]});
  regression: R² (default target {DEFAULT_TARGET_SCORE[REGRESSION]}), the target
  standardized with the training fold's mean and standard deviation (R² is
  unchanged by that).

CSV files:
  Comma-separated, UTF-8, a header row naming every column. Every column but
  --target is a feature and must hold finite numbers. With --task auto the
  target is read as class labels if any value is not a number, or if all
  values are integers with at most {MAX_INTEGER_CLASSES} distinct values; otherwise it
  is a regression target.

exit status: 0 on success, 2 on a bad option or unusable data, 1 when the
  reader of the output leaves early (a closed pipe) or the output cannot be
  written (a full disk), 130 when the run is interrupted (Ctrl-C).
"""


class _UsageError(Exception):
    """A command-line error, reported in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors `main` reports in one line."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting."""
        raise _UsageError(message)

    def _print_message(self, message, file=None):
        # argparse ignores a failed write (of --help to a full disk, say):
        # let it reach main, which exits with status 1
        if message:
            (file or sys.stderr).write(message)


def _int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` accepting integers >= `low` (and <= `high`)."""
    expected = f"an integer >= {low}"
    if high is not None:
        expected = f"an integer in [{low}, {high}]"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {expected}, got {text!r}"
            ) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


def _finite_float(text: str) -> float:
    """Argparse ``type``: a finite float."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _target_score(text: str) -> float:
    """Argparse ``type``: a score to reach, within ±1e6 (accuracy and R² are
    at most 1; a value far beyond would only break the plot's axis)."""
    value = _finite_float(text)
    if not -1e6 <= value <= 1e6:
        raise argparse.ArgumentTypeError(
            f"expected a score in [-1e6, 1e6], got {text!r}"
        )
    return value


def _alphas(text: str) -> tuple[float, ...]:
    """Argparse ``type``: comma-separated peak alphas in `ALPHA_RANGE`, sorted."""
    values = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not ALPHA_RANGE[0] <= value <= ALPHA_RANGE[1]:
            raise argparse.ArgumentTypeError(
                "expected comma-separated numbers in "
                f"[{ALPHA_RANGE[0]:g}, {ALPHA_RANGE[1]:g}], got {text!r}"
            )
        values.append(value)
    return tuple(sorted(set(values)))


def _n_jobs(text: str) -> int:
    """Argparse ``type``: a non-zero number of jobs, as in scikit-learn."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(
            f"expected a non-zero integer (-1: all cores), got {text!r}"
        )
    return value


def make_parser() -> argparse.ArgumentParser:
    """The command-line parser of the demo.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its ``error`` raises instead of exiting, so `main` reports it.
    """
    parser = _Parser(
        prog=PROG,
        description=(
            "Cross-validate constant alpha against every learning-rate policy "
            "of sklearn_lr and print a table ranked by final CV score."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        choices=list(DATASETS),
        help="data set bundled with scikit-learn (default: digits; diabetes "
        "is regression)",
    )
    source.add_argument("--csv", metavar="FILE", help="read the data from a CSV file")
    parser.add_argument(
        "--target", metavar="COLUMN", help="target column of --csv (required with it)"
    )
    parser.add_argument(
        "--task",
        choices=("auto", CLASSIFICATION, REGRESSION),
        help="what the --csv target is (default: auto, see below)",
    )
    parser.add_argument(
        "--epochs",
        type=_int_at_least(1, MAX_EPOCHS),
        default=20,
        metavar="N",
        help=f"epochs per run (default: 20, at most {MAX_EPOCHS})",
    )
    parser.add_argument(
        "--cv",
        type=_int_at_least(2),
        default=3,
        metavar="K",
        help="number of CV folds (default: 3)",
    )
    parser.add_argument(
        "--target-score",
        type=_target_score,
        metavar="S",
        help="score for the epochs-to-target column (default: 0.95 accuracy, 0.4 R²)",
    )
    parser.add_argument(
        "--alphas",
        type=_alphas,
        default=DEFAULT_ALPHAS,
        metavar="A[,A...]",
        help="peak learning rates to try for each policy (default: "
        f"{','.join(f'{a:g}' for a in DEFAULT_ALPHAS)})",
    )
    parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        metavar="J",
        help="parallel jobs (-1: all cores; default: 2 when the run is long "
        "enough to repay starting worker processes, else 1)",
    )
    parser.add_argument(
        "--random-state",
        type=_int_at_least(0, 2**32 - 1),  # NumPy's seeds
        default=0,
        metavar="SEED",
        help="seed of the folds and the networks (default: 0)",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="also save a figure of the mean CV score per epoch of each "
        "policy's best setting (needs matplotlib: pip install 'sklearn_lr[plot]')",
    )
    parser.add_argument("--quiet", action="store_true", help="print the table only")
    return parser


def _run(args: argparse.Namespace) -> None:
    """Load the data, run the comparison, print the table (and save the plot).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed and checked command-line arguments.

    Raises
    ------
    DemoError
        On unusable data or plot file.
    """
    if args.plot is not None:
        check_plot_file(args.plot)  # before the long run, not after
        if args.csv is not None and _same_file(args.plot, args.csv):
            raise DemoError(
                f"--plot {args.plot!r} is the --csv data file; choose another name"
            )
    if args.csv is not None:
        data = load_csv(args.csv, args.target, args.task or "auto")
    else:
        data = load_dataset(args.dataset or "digits")
    check_folds(data, args.cv)
    target = (
        DEFAULT_TARGET_SCORE[data.task]
        if args.target_score is None
        else args.target_score
    )
    if not args.quiet:
        print(data.describe())
        print(
            f"network {HIDDEN_LAYER_SIZES}, batch {BATCH_SIZE}, SGD momentum 0.9, "
            f"{args.epochs} epoch{'s' * (args.epochs != 1)}, {args.cv}-fold CV, "
            "peak alpha in "
            f"{{{', '.join(f'{a:.12g}' for a in args.alphas)}}}",
            flush=True,
        )
    n_jobs = args.n_jobs
    if n_jobs is None:
        n_jobs = auto_n_jobs(
            len(data.y),
            cv=args.cv,
            epochs=args.epochs,
            n_settings=len(FAMILIES) * len(args.alphas),
        )
    start = time.perf_counter()
    candidates = run(
        data,
        epochs=args.epochs,
        cv=args.cv,
        alphas=args.alphas,
        n_jobs=n_jobs,
        random_state=args.random_state,
    )
    elapsed = time.perf_counter() - start
    ranked = best_per_family(candidates, target)
    if not args.quiet:
        print()
    print(format_table(ranked, target))
    if not args.quiet:
        if any(c.diverged for c in ranked):
            print(
                "* diverged in some fold; the last finite weights were put "
                "back and training went on"
            )
        tied = ranks(ranked, target).count(1)
        with config_context(print_changed_only=False):
            print(f"\nbest: {ranked[0].policy!r}")
        if tied > 1:
            print(
                f"  tied with the next {tied - 1} (same final score and epochs "
                f"to {target:g})"
            )
        print(
            f"{len(candidates)} settings x {args.cv} folds in {elapsed:.1f} s "
            f"(n_jobs={n_jobs})"
        )
    if args.plot is not None:
        score = "accuracy" if data.task == CLASSIFICATION else "R²"
        title = f"{data.name}: mean {args.cv}-fold CV {score} per epoch"
        plot(ranked, args.plot, target, title, score)
        if not args.quiet:
            print(f"figure saved to {args.plot}")


def main(argv: list[str] | None = None) -> int:
    """Run the demo.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments, without the program name; by default
        ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success; 1 when the output's reader has left (a closed pipe),
        or, after a one-line message on stderr, the output cannot be
        written; 2 on a bad option or unusable data, after a one-line
        message on stderr; 130 when the run is interrupted (Ctrl-C, a
        ``KeyboardInterrupt``), after a one-line message on stderr.
    """
    with _tolerant_output():
        return _main(argv)


def _main(argv):
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        if args.csv is not None and args.target is None:
            raise _UsageError("--csv needs --target COLUMN")
        if args.csv is None and args.target is not None:
            raise _UsageError("--target applies to --csv only")
        if args.csv is None and args.task is not None:
            raise _UsageError("--task applies to --csv only")
    except _UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        try:
            sys.stdout.flush()  # what the help left in the buffer
        except OSError as error:
            return _output_failed(error)
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:  # the reader of the help left: quietly
        _discard_stdout()
        return 1
    except OSError as exc:  # the help could not be written (_Parser)
        if exc.errno not in _WRITE_ERRORS:
            raise
        return _output_failed(exc)

    try:
        _run(args)
    except DemoError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader left (say, `| head`): quietly, as the Python docs advise
        _discard_stdout()
        return 1
    except OSError as exc:  # say, a full disk behind a redirection
        if exc.filename is not None or exc.errno not in _WRITE_ERRORS:
            raise  # a file the demo opened, or no failure to write
        return _output_failed(exc)
    return 0


def _output_failed(error):
    """Report that stdout cannot be written (exit status 1)."""
    _discard_stdout()
    print(f"{PROG}: error: cannot write the output: {error}", file=sys.stderr)
    return 1


# what writing to a full or failing device raises
_WRITE_ERRORS = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", -1)}


def _discard_stdout():
    """Send the output still buffered to devnull, so that flushing it at
    exit does not fail again (when stdout is a file descriptor at all)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _same_file(a, b):
    """Whether paths `a` and `b` name one existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


@contextmanager
def _tolerant_output():
    """Print what an output encoding other than UTF-8 lacks as "?" rather
    than fail (a redirection on a system whose locale encoding is not
    UTF-8: the demo's "—", "±", "α", "²", a file or column name), and put
    the streams back as they were afterwards."""
    changed = []
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            unicode = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            unicode = False
        if not unicode and hasattr(stream, "reconfigure"):
            changed.append((stream, stream.errors))
            stream.reconfigure(errors="replace")
    try:
        yield
    finally:
        for stream, errors in changed:
            stream.reconfigure(errors=errors)


if __name__ == "__main__":
    raise SystemExit(main())

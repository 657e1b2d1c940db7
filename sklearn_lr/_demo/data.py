"""The demo's data: the bundled data sets, CSV files, fold checks."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)

CLASSIFICATION = "classification"
REGRESSION = "regression"

DATASETS: dict[str, tuple[Callable, str]] = {
    "digits": (load_digits, CLASSIFICATION),
    "breast_cancer": (load_breast_cancer, CLASSIFICATION),
    "wine": (load_wine, CLASSIFICATION),
    "iris": (load_iris, CLASSIFICATION),
    "diabetes": (load_diabetes, REGRESSION),
}
# A CSV target whose values are all integers is read as class labels when it
# has at most this many distinct values.
MAX_INTEGER_CLASSES = 20
# Spellings of a missing value (pandas' default na_values), lowercased;
# "nan" also parses as a float, non-finite (see _check_non_finite)
MISSING = frozenset(
    {"#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan"}
    | {"<na>", "n/a", "na", "nan", "null", "none"}
)


class DemoError(Exception):
    """A bad input (option or data file); its message is one line for the user."""


@dataclass
class Data:
    """A data set ready for the demo.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric features (float64).
    y : ndarray of shape (n_samples,)
        Class labels or regression targets.
    task : {"classification", "regression"}
        What is learned from `y`.
    name : str
        Name shown in the report.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    name: str

    def describe(self) -> str:
        """One line: name, shape and task."""
        n, d = self.X.shape
        what = (
            f"{len(np.unique(self.y))} classes, accuracy"
            if self.task == CLASSIFICATION
            else "regression, R²"
        )
        features = "feature" if d == 1 else "features"
        return f"{self.name}: {n} samples, {d} {features}, {what}"


def load_dataset(name: str) -> Data:
    """Load one of the data sets bundled with scikit-learn.

    Parameters
    ----------
    name : str
        A key of `DATASETS`.

    Returns
    -------
    data : Data
        The data set.
    """
    if name not in DATASETS:
        raise DemoError(f"unknown dataset {name!r} (choose from {', '.join(DATASETS)})")
    loader, task = DATASETS[name]
    X, y = loader(return_X_y=True)
    return Data(np.asarray(X, dtype=np.float64), np.asarray(y), task, name)


def _parse_float(text: str) -> float | None:
    """`text` as a float, or None if it is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


def _parse_int(text: str) -> int | None:
    """`text` as an exact integer ("7", "7.0", "1e3"), or None if it is not
    one or its float spelling is beyond exact float64 integers (2**53)."""
    try:
        return int(text)
    except ValueError:
        value = _parse_float(text)
    if value is None or not value.is_integer() or abs(value) > 2**53:
        return None
    return int(value)


def _first_bad_byte(path):
    """Where a file stops being UTF-8: its first bad byte and its line."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"byte {data[exc.start]:#04x} on line {line}"
    return "the file changed while it was read"  # valid UTF-8 now


def load_csv(path: str | Path, target: str, task: str = "auto") -> Data:
    """Read a CSV file with a header row: numeric features and one target column.

    Parameters
    ----------
    path : str or Path
        The file (comma-separated, UTF-8, first row = column names).
    target : str
        Name of the target column; every other column is a feature and must
        hold finite numbers.
    task : {"auto", "classification", "regression"}, default="auto"
        "auto": classification if any target value is not a number, or if
        all are integers with at most `MAX_INTEGER_CLASSES` distinct values;
        regression otherwise. A missing value ("NA", ...) or "nan" or "inf"
        among numbers is an error; among other text labels, it is a class.

    Returns
    -------
    data : Data
        The data set.

    Raises
    ------
    DemoError
        If the file can't be read or its contents are unusable.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            # (line number where the record ends, fields), blank lines skipped
            rows = [
                (reader.line_num, row)
                for row in reader
                if any(field.strip() for field in row)
            ]
    except UnicodeDecodeError:
        # the decoder's position counts from the chunk it was given, not
        # from the start of the file: the bytes say where
        raise DemoError(
            f"cannot read CSV file {str(path)!r}: not UTF-8 text "
            f"({_first_bad_byte(path)})"
        ) from None
    except FileNotFoundError:
        raise DemoError(f"CSV file not found: {str(path)!r}") from None
    except (OSError, csv.Error) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DemoError(f"cannot read CSV file {str(path)!r}: {reason}") from None
    if not rows:
        raise DemoError(f"CSV file {str(path)!r} is empty")
    header = [name.strip() for name in rows[0][1]]
    # a first row of numbers, not all whole (names such as 0, 1, 2 are those
    # of a DataFrame made from an array), is data: there is no header row
    numbers = all(_parse_float(name) is not None for name in header) and any(
        _parse_int(name) is None for name in header
    )
    hint = "; the first row looks like data: the file needs a header row"
    if target not in header:
        shown = ", ".join(repr(name) for name in header[:10])
        more = ", ..." if len(header) > 10 else ""
        raise DemoError(
            f"target column {target!r} not found in {str(path)!r} "
            f"(columns: {shown}{more}){hint if numbers else ''}"
        )
    if numbers:
        raise DemoError(f"{str(path)!r} has no column names{hint}")
    if "" in header:
        column = header.index("") + 1
        raise DemoError(
            f"column {column} of {str(path)!r} has no name: name it to use it "
            "as a feature, or remove it"
            + (
                " (pandas' to_csv writes a DataFrame's index there unless index=False)"
                if column == 1
                else ""
            )
        )
    if header.count(target) > 1:
        raise DemoError(f"column name {target!r} appears more than once in the header")
    if len(header) < 2:
        raise DemoError(f"{str(path)!r} has no feature columns besides {target!r}")
    t = header.index(target)
    features = [i for i in range(len(header)) if i != t]
    X = np.empty((len(rows) - 1, len(features)))
    labels, lines = [], []
    for r, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DemoError(
                f"line {line} of {str(path)!r} has {len(row)} fields, "
                f"the header has {len(header)}"
            )
        for j, i in enumerate(features):
            text = row[i].strip()
            value = _parse_float(text)
            if value is None or not math.isfinite(value):
                if not text:
                    problem = "missing value"
                elif text.lower() in MISSING:
                    problem = f"missing value {text!r}"
                elif value is None:
                    problem = f"non-numeric value {text!r}"
                else:
                    problem = f"non-finite value {text!r}"
                raise DemoError(
                    f"{problem} in feature column {header[i]!r} "
                    f"(line {line}); features must be finite numbers"
                )
            X[r, j] = value
        label = row[t].strip()
        if not label:
            raise DemoError(f"missing target value in column {target!r} (line {line})")
        labels.append(label)
        lines.append(line)
    if not labels:
        raise DemoError(f"{str(path)!r} has a header but no data rows")
    if task != CLASSIFICATION:
        _check_non_finite(labels, lines, target, task)
        _check_numeric_holes(labels, lines, target)
    y, task = _target(labels, task, target)
    # finite values whose squares overflow cannot be standardized
    columns = [header[i] for i in features]
    for name, values in [*zip(columns, X.T, strict=True), (target, y)]:
        if name == target and task != REGRESSION:
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            spread = np.std(values)
        if not np.isfinite(spread):
            raise DemoError(
                f"column {name!r} holds values too large to standardize "
                f"(largest magnitude {np.abs(values).max():.3g}); rescale it"
            )
    return Data(X, y, task, path.name)


def _check_non_finite(
    labels: list[str], lines: list[int], column: str, task: str
) -> None:
    """Refuse "nan" or "inf" in a numeric target (a regression's, or with
    ``task="auto"`` a column whose other values are numbers or missing): a
    broken value, not a class of its own. Among other text labels, such a
    value is a class like any other."""
    numbers = [_parse_float(label) for label in labels]
    broken = [
        i for i, v in enumerate(numbers) if v is not None and not math.isfinite(v)
    ]
    if not broken:
        return
    numeric = task == REGRESSION or all(
        v is not None or label.lower() in MISSING
        for label, v in zip(labels, numbers, strict=True)
    )
    if numeric:
        i = broken[0]
        raise DemoError(
            f"non-finite target value {labels[i]!r} in column {column!r} "
            f"(line {lines[i]}); a numeric target must be finite"
        )


def _check_numeric_holes(labels: list[str], lines: list[int], column: str) -> None:
    """Refuse a numeric target with missing values spelled as text ("NA",
    "null", ...), which would otherwise make it class labels. Among other
    text labels, such a value is a class like any other."""
    holes = [i for i, label in enumerate(labels) if label.lower() in MISSING]
    if holes and all(
        _parse_float(label) is not None
        for i, label in enumerate(labels)
        if label.lower() not in MISSING
    ):
        i = holes[0]
        raise DemoError(
            f"missing target value {labels[i]!r} in column {column!r} "
            f"(line {lines[i]}); a numeric target must be complete"
        )


def _target(labels: list[str], task: str, column: str) -> tuple[np.ndarray, str]:
    """Decode the target column and decide the task (see `load_csv`)."""
    values = [_parse_float(label) for label in labels]
    numeric = all(v is not None and math.isfinite(v) for v in values)
    if task == "auto":
        integral = numeric and all(v is not None and v.is_integer() for v in values)
        few = len(set(values)) <= MAX_INTEGER_CLASSES
        task = CLASSIFICATION if not numeric or (integral and few) else REGRESSION
    if task == REGRESSION:
        if not numeric:
            bad = next(
                label
                for label, v in zip(labels, values, strict=True)
                if v is None or not math.isfinite(v)
            )
            raise DemoError(
                f"regression needs a numeric target; column {column!r} holds {bad!r}"
            )
        y = np.asarray(values, dtype=np.float64)
        if np.ptp(y) == 0:
            raise DemoError(f"target column {column!r} has a single value")
        return y, task
    # integer labels as integers, if int64 holds them exactly (through
    # Python's int, not float64, which merges labels beyond 2**53); other
    # numbers as text, one spelling per number (0.5 and 0.50 are one class;
    # scikit-learn would take non-integral floats for a regression target)
    if numeric and all(v is not None and v.is_integer() for v in values):
        integers = [_parse_int(label) for label in labels]
        if all(i is not None and -(2**63) <= i < 2**63 for i in integers):
            return np.asarray(integers, dtype=np.int64), task
    if numeric:
        return np.asarray([_spelling(label) for label in labels], dtype=str), task
    return np.asarray(labels, dtype=str), task


def _spelling(number: str) -> str:
    """The one spelling of a finite number, exact: "0.50" and "0.5" are
    "0.5", "3.0" and "3" are "3", "1e3" is "1000"."""
    value = Decimal(number.strip())
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def check_folds(data: Data, cv: int) -> None:
    """Make sure `cv`-fold CV can train and score every fold.

    Classification needs two classes or more, each with at least `cv`
    samples (stratified folds then hold every class); regression needs at
    least two samples per fold.

    Parameters
    ----------
    data : Data
        The data set.
    cv : int
        Number of folds.

    Raises
    ------
    DemoError
        If there are too few rows.
    """
    n = len(data.y)
    if data.task == CLASSIFICATION:
        classes, counts = np.unique(data.y, return_counts=True)
        classes = classes.tolist()  # plain Python labels for the messages
        # numbers taken for classes may be a quantity with few values
        hint = (
            ""
            if isinstance(classes[0], str)
            else " (if the target is a quantity, not a class, pass --task regression)"
        )
        if len(classes) < 2:
            raise DemoError(
                f"classification needs at least 2 classes; the target has only "
                f"one, {classes[0]!r}{hint}"
            )
        if counts.min() < cv:
            rare = classes[int(np.argmin(counts))]
            raise DemoError(
                f"too few rows: class {rare!r} has {counts.min()} sample(s), and "
                f"{cv}-fold CV needs at least {cv} per class{hint}"
            )
    elif n < 2 * cv:
        raise DemoError(
            f"too few rows: {n} sample(s), and {cv}-fold CV needs at least {2 * cv}"
        )

"""``python -m sklearn_lr``: train on the bundled digits data and report."""

from __future__ import annotations

import sys

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from . import SGDNetClassifier


def main(argv: list[str] | None = None) -> int:
    """Train a small network on digits, printing loss, α and test accuracy.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (none are accepted yet).

    Returns
    -------
    status : int
        The process exit status.
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        print(
            f"usage: python -m sklearn_lr (got unexpected {argv[0]!r})", file=sys.stderr
        )
        return 2
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    classes = sorted(set(y))
    clf = SGDNetClassifier((64,), learning_rate=0.01, batch_size=32, random_state=0)
    print(f"{'epoch':>5}  {'loss':>8}  {'alpha':>8}  {'test accuracy':>13}")
    for epoch in range(1, 21):
        clf.partial_fit(X_train, y_train, classes=classes)
        print(
            f"{epoch:>5}  {clf.loss_curve_[-1]:>8.4f}  {clf.lr_history_[-1]:>8.4g}"
            f"  {clf.score(X_test, y_test):>13.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

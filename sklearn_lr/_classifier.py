"""SGDNetClassifier: label handling and probabilities."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit, logsumexp
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._base import BaseSGDNet
from ._docstrings import (
    PARTIAL_FIT_SUMMARY,
    SAMPLE_WEIGHT_PARAMETER,
    SHARED_ATTRIBUTES,
    SHARED_PARAMETERS,
    fill_doc,
)
from ._training import caller_stacklevel


def _check_classes(classes):
    """``classes`` of partial_fit: a non-empty 1-D array of labels."""
    classes = np.asarray(classes)
    if classes.ndim != 1 or classes.size == 0:
        raise ValueError(
            "classes must be a non-empty 1-D array of labels; got shape "
            f"{classes.shape}."
        )
    if classes.dtype.kind == "f" and not np.isfinite(classes).all():
        raise ValueError("classes contains NaN or infinity.")
    return classes


def _check_targets(y):
    """Labels ``y`` as training takes them: a column vector raveled (with
    scikit-learn's DataConversionWarning), checked as classification targets;
    a y of several columns that is no indicator of 0s and 1s (multiclass-
    multioutput, or -1/1), which the classifier cannot encode, refused."""
    if np.ndim(y) == 2 and np.shape(y)[1] == 1:
        # scikit-learn's warning, pointed at the user's line rather than this
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please "
            "change the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=caller_stacklevel(),
        )
        y = column_or_1d(y)
    if (
        np.ndim(y) == 2
        and not sp.issparse(y)
        and np.asarray(y).dtype.kind in "biuf"
        and _zeros_and_ones(np.asarray(y))
    ):
        # numbers all 0 or 1 in several columns: a multilabel indicator, as
        # scikit-learn's check would find with a sort of all of them
        return y
    check_classification_targets(y)
    # several columns: a multilabel indicator of 0s and 1s, nothing else
    # (scikit-learn calls any two-valued matrix an indicator, and may take a
    # sparse one for a binary y by its first row)
    if np.ndim(y) != 2:
        return y
    entries = y.data if sp.issparse(y) else np.asarray(y)
    if _zeros_and_ones(entries):
        return y
    values = np.unique(entries)  # the distinct values, for the message
    if sp.issparse(y) and y.nnz < np.prod(y.shape):
        values = np.union1d(values, [0])  # the zeros it does not store
    if len(values) > 2:
        raise ValueError(
            "y is multiclass-multioutput (several columns, not all 0/1): "
            "Multioutput target data is not supported with label "
            "binarization. Fit one classifier per column, e.g. "
            "sklearn.multioutput.MultiOutputClassifier(SGDNetClassifier())."
        )
    if not np.isin(values, [0, 1]).all():
        raise ValueError(
            "y has several columns, so it is read as a multilabel indicator, "
            f"whose entries are 0 and 1; got {values.tolist()!r}. Encode each "
            "label's absence as 0 and its presence as 1, e.g. (y > 0)."
        )
    return y


def _zeros_and_ones(values):
    """Whether every entry of `values` is 0 or 1, in one pass."""
    return bool(((values == 0) | (values == 1)).all())


def _indicator(y, classes, dtype=np.float64):
    """Targets as LabelBinarizer encodes them, for labels all within ``classes``,
    in ``dtype``.

    One column (1 for ``classes[1]``) for two classes, one column per class
    otherwise. Equal to ``LabelBinarizer.transform`` for such labels, without
    its validation, which a ``partial_fit`` stream would pay on every call.
    """
    y = np.asarray(y)
    if y.dtype == classes.dtype:
        index = np.searchsorted(classes, y)
    else:
        # searchsorted would compare in a common dtype, and int64 against
        # uint64 is float64, where labels from 2**53 on collide; Python
        # values compare exactly
        labels, inverse = np.unique(y, return_inverse=True)
        position = {label: i for i, label in enumerate(classes.tolist())}
        unseen = [label for label in labels.tolist() if label not in position]
        if unseen:  # equal to a class only in a common floating dtype
            raise ValueError(
                f"y contains labels {unseen!r} that are not in classes "
                f"{classes.tolist()!r}."
            )
        index = np.array([position[label] for label in labels.tolist()])[inverse]
    if len(classes) == 2:
        return (index == 1).astype(dtype)[:, None]
    Y = np.zeros((index.shape[0], len(classes)), dtype=dtype)
    Y[np.arange(index.shape[0]), index] = 1.0
    return Y


class SGDNetClassifier(ClassifierMixin, BaseSGDNet):
    __doc__ = f"""Multilayer perceptron classifier trained by mini-batch SGD.

The learning rate is a pluggable policy (see :mod:`sklearn_lr.schedules`):
a constant, a decay, a cyclical or one-cycle schedule, warm restarts or a
feedback rule, searchable with ``GridSearchCV`` like any hyperparameter.
Multiclass targets use a softmax output and log-loss; binary and multilabel
targets use one logistic output per label.

Parameters
----------
{SHARED_PARAMETERS}
Attributes
----------
classes_ : ndarray of shape (n_classes,)
    Class labels (for multilabel targets, the label indices).

{SHARED_ATTRIBUTES}
See Also
--------
SGDNetRegressor : The same network for regression.
sklearn_lr.schedules : Learning-rate policies.

Examples
--------
>>> from sklearn.datasets import load_iris
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sklearn_lr import SGDNetClassifier
>>> from sklearn_lr.schedules import CosineAnnealing
>>> X, y = load_iris(return_X_y=True)
>>> clf = make_pipeline(
...     StandardScaler(),
...     SGDNetClassifier((16,), learning_rate=CosineAnnealing(alpha=0.1),
...                      max_iter=30, random_state=0),
... ).fit(X, y)
>>> round(clf.score(X, y), 2) >= 0.9
True
"""

    @fill_doc(summary=PARTIAL_FIT_SUMMARY, sample_weight=SAMPLE_WEIGHT_PARAMETER)
    def partial_fit(
        self,
        X: ArrayLike | sp.spmatrix,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> SGDNetClassifier:
        """{summary}

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            All labels that will ever be seen (for a multilabel indicator y,
            its column indices ``0`` to ``n_labels - 1``). Required on the
            first call, optional (and checked) afterwards.
        {sample_weight}

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight, classes=classes)

    def predict_proba(self, X: ArrayLike | sp.spmatrix) -> np.ndarray:
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities (rows sum to one except for multilabel
            targets, where each column is its label's probability).
        """
        X = self._validate_X(X)
        if self._label_binarizer.y_type_ == "binary":
            # each column from the logit (not 1 - p, which loses the
            # negative class's probability where p rounds near one)
            z = self._logits(X)
            return np.hstack([expit(-z), expit(z)])
        return self._output(X)

    def predict_log_proba(self, X: ArrayLike | sp.spmatrix) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        z = self._logits(self._validate_X(X))
        if self.out_activation_ == "softmax":
            return z - logsumexp(z, axis=1, keepdims=True)
        log_p = -np.logaddexp(0, -z)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([-np.logaddexp(0, z), log_p])
        return log_p

    # ------------------------------------------------------------------ hooks

    def _check_partial_fit_classes(self, classes):
        if not hasattr(self, "coefs_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return None if classes is None else _check_classes(classes)

    def _encode_targets(self, y, *, reset, classes=None, dtype=np.float64):
        y = _check_targets(y)
        multilabel = self._is_multilabel(y)
        # the labels of a 1-D y, found once; the binarizer is fitted on them
        # rather than on y (same classes and target type, less work per call)
        labels = None if multilabel else np.unique(np.asarray(y))
        if reset:
            # an indicator y defines its own labels; `classes` only checks them
            if multilabel:
                # fitted on an indicator of y's width and storage, which
                # gives it the same classes, type and output format, rather
                # than on all of y's rows (passes of np.unique over n x k)
                proxy = np.eye(2, y.shape[1], dtype=np.int8)
                binarizer = LabelBinarizer().fit(
                    sp.csr_matrix(proxy) if sp.issparse(y) else proxy
                )
            else:
                binarizer = LabelBinarizer().fit(labels if classes is None else classes)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    "The classifier can't train when only one class is present "
                    f"(class {binarizer.classes_[:1].tolist()[0]!r})."
                )
        else:
            binarizer = self._label_binarizer
            if (
                classes is not None
                and binarizer.y_type_ != "multilabel-indicator"
                and not np.array_equal(np.unique(classes), binarizer.classes_)
            ):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()!r} differs from the "
                    f"classes of the fitted model {binarizer.classes_.tolist()!r}."
                )
        if binarizer.y_type_ == "multilabel-indicator":
            if np.ndim(y) != 2 or np.shape(y)[1] != len(binarizer.classes_):
                raise ValueError(
                    f"y must be a multilabel indicator matrix with "
                    f"{len(binarizer.classes_)} columns."
                )
            if classes is not None and len(classes) != y.shape[1]:
                raise ValueError(
                    f"classes has {len(classes)} labels but the multilabel y has "
                    f"{y.shape[1]} columns."
                )
            # the labels of an indicator matrix are its column indices
            if classes is not None and not _are_indices(classes, y.shape[1]):
                raise ValueError(
                    "The labels of a multilabel indicator y are its column "
                    f"indices, classes=list(range({y.shape[1]})); got "
                    f"classes={np.asarray(classes).tolist()!r}."
                )
            # the indicator is the encoding (checked by _check_targets): cast
            # once, where LabelBinarizer.transform would make an int64 copy
            # (and pass over it again) before the cast
            Y = np.ascontiguousarray(
                y.astype(dtype).toarray() if sp.issparse(y) else y, dtype=dtype
            )
        elif multilabel:
            raise ValueError(
                "y is a multilabel indicator matrix, but the model was fitted on "
                f"the labels {binarizer.classes_.tolist()!r}."
            )
        else:
            unseen = np.setdiff1d(labels, binarizer.classes_)
            if unseen.size:
                raise ValueError(
                    f"y contains labels {unseen.tolist()!r} that are not in "
                    f"classes {binarizer.classes_.tolist()!r}."
                )
            # in the data's dtype at once: no float64 copy of an
            # n x n_classes array beside a float32 one
            Y = _indicator(y, binarizer.classes_, dtype)
        return Y, {"classes_": binarizer.classes_, "_label_binarizer": binarizer}

    def _check_weighted_targets(self, Y, sample_weight, target_state):
        if target_state["_label_binarizer"].y_type_ == "multilabel-indicator":
            return
        if Y.shape[1] == 1:
            weighted = [sample_weight[Y[:, 0] == v].sum() > 0 for v in (0, 1)]
        else:
            weighted = (sample_weight @ Y) > 0
        if sum(weighted) < 2:
            raise ValueError(
                "The classifier can't train when only one class has samples "
                "with positive sample_weight."
            )

    def _loss_name(self, target_state):
        if target_state["_label_binarizer"].y_type_ == "multiclass":
            return "softmax_log_loss"
        return "logistic_log_loss"

    def _split_stratify(self, y):
        return None if self._is_multilabel(y) else y

    def _predict_validated(self, X):
        return self._label_binarizer.inverse_transform(self._output(X))

    def _metric(self, y, y_pred, sample_weight):
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    @staticmethod
    def _is_multilabel(y):
        return np.ndim(y) == 2 and np.shape(y)[1] > 1

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _are_indices(classes, n_labels):
    """Whether ``classes`` are the integers 0 to ``n_labels - 1``, in any
    order (numbers equal to them, as ``np.arange`` or floats, count)."""
    values = np.asarray(classes)
    if values.dtype.kind not in "biuf":
        return False
    return np.array_equal(np.sort(values), np.arange(n_labels))

"""Behaviour of SGDNetClassifier: targets, probabilities, the log-loss.

The training loop shared with the regressor is tested in ``test_base.py``.
"""

import doctest
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from numpydoc.docscrape import NumpyDocString
from scipy.special import expit, softmax
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelBinarizer, StandardScaler

import sklearn_lr._classifier
from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr._classifier import _indicator
from sklearn_lr._docstrings import PARTIAL_FIT_SUMMARY, SAMPLE_WEIGHT_PARAMETER
from sklearn_lr.range_test import lr_range_test
from sklearn_lr.schedules import Constant, StepDecay

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(8,), random_state=0)


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _binary():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, random_state=0
    )
    return X, np.where(y == 1, "yes", "no")


def _multilabel():
    X, Y = make_multilabel_classification(
        n_samples=200, n_features=8, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


_TARGETS = {"multiclass": _iris, "binary": _binary, "multilabel": _multilabel}


# --------------------------------------------------------------------------
# The three kinds of targets


def test_multiclass():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, learning_rate=0.05, batch_size=16, max_iter=30)
    clf.fit(X, y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 3
    assert clf.coefs_[-1].shape == (8, 3)
    pred = clf.predict(X)
    assert pred.shape == (150,)
    assert set(pred) <= {0, 1, 2}
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    assert np.all((proba >= 0) & (proba <= 1))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12)
    assert clf.score(X, y) == accuracy_score(y, pred)
    assert clf.score(X, y) >= 0.9


def test_multiclass_string_labels_keep_their_order():
    X, y = _iris()
    names = np.array(["virginica", "setosa", "versicolor"])[y]
    clf = SGDNetClassifier(**SMALL, learning_rate=0.05, max_iter=30).fit(X, names)
    assert_array_equal(clf.classes_, ["setosa", "versicolor", "virginica"])
    proba = clf.predict_proba(X)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    # the column of a class is its probability: high on its own samples
    for k, label in enumerate(clf.classes_):
        assert proba[names == label, k].mean() > 0.5


def test_binary_with_string_labels():
    X, y = _binary()
    clf = SGDNetClassifier(**SMALL, learning_rate=0.05, max_iter=30).fit(X, y)
    assert_array_equal(clf.classes_, ["no", "yes"])
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 1
    assert clf.coefs_[-1].shape == (8, 1)
    assert clf.intercepts_[-1].shape == (1,)
    pred = clf.predict(X)
    assert pred.dtype.kind in "UO"
    assert set(pred) <= {"no", "yes"}
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 2)
    assert np.all((proba >= 0) & (proba <= 1))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(pred, np.where(proba[:, 1] > 0.5, "yes", "no"))
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12)
    assert clf.score(X, y) == accuracy_score(y, pred)
    assert clf.score(X, y) > 0.85


def test_multilabel_indicator_targets():
    X, Y = _multilabel()
    clf = SGDNetClassifier(
        hidden_layer_sizes=(16,),
        learning_rate=0.05,
        batch_size=20,
        max_iter=30,
        random_state=0,
    ).fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 3
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert set(np.unique(pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert np.all((proba >= 0) & (proba <= 1))
    # one independent probability per label: rows need not sum to one
    assert np.abs(proba.sum(axis=1) - 1).max() > 0.1
    assert_array_equal(pred, (proba > 0.5).astype(int))
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12)
    assert clf.score(X, Y) == accuracy_score(Y, pred)  # subset accuracy
    assert (pred == Y).mean() > 0.8  # each label is learned


def test_column_vector_y_is_treated_as_1d():
    X, y = _iris()
    flat = SGDNetClassifier(**SMALL, max_iter=3).fit(X, y)
    with pytest.warns(DataConversionWarning):
        column = SGDNetClassifier(**SMALL, max_iter=3).fit(X, y.reshape(-1, 1))
    assert column.out_activation_ == "softmax"
    assert_array_equal(column.coefs_[0], flat.coefs_[0])
    assert column.predict(X).shape == (150,)


@pytest.mark.parametrize("call", ["fit", "partial_fit", "lr_range_test"])
def test_column_vector_y_warning_points_at_the_callers_line(call):
    # scikit-learn's DataConversionWarning, with the line of the caller, as
    # every other warning of the package, not the line inside that raveled y
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, max_iter=2)
    column = y.reshape(-1, 1)
    with pytest.warns(DataConversionWarning, match="column-vector y") as record:
        if call == "fit":
            clf.fit(X, column)
        elif call == "partial_fit":
            clf.partial_fit(X, column, classes=[0, 1, 2])
        else:
            lr_range_test(clf, X, column, n_steps=5)
    conversions = [w for w in record if w.category is DataConversionWarning]
    assert [w.filename for w in conversions] == [__file__]


@pytest.mark.parametrize("low, high", [(-1, 1), (0, 2)])
@pytest.mark.parametrize("sparse", [False, True])
def test_a_multilabel_indicator_of_other_values_than_0_and_1_is_refused(
    low, high, sparse
):
    # scikit-learn reads any two-valued matrix as an indicator; -1 or 2 in
    # the 0/1 log-loss has no minimum, and predict could never give them back
    X, Y = _multilabel()
    Y = np.where(Y == 1, high, low)
    Y = sp.csr_matrix(Y) if sparse else Y
    clf = SGDNetClassifier(**SMALL, max_iter=2)
    with pytest.raises(ValueError, match=r"entries are 0 and 1; got \[-?\d, \d\]"):
        clf.fit(X, Y)
    with pytest.raises(ValueError, match="entries are 0 and 1"):
        clf.partial_fit(X, Y, classes=[0, 1, 2, 3, 4][: Y.shape[1]])
    assert not hasattr(clf, "coefs_")


def test_a_sparse_multiclass_multioutput_y_is_named_as_the_dense_one():
    # a sparse y whose first row holds fewer than two values is "binary" to
    # scikit-learn's type_of_target; its values tell it apart
    X = np.random.RandomState(0).randn(4, 2)
    Y = np.array([[0, 0, 0], [1, 2, 1], [0, 1, 0], [2, 0, 1]])
    for y in (Y, sp.csr_matrix(Y)):
        with pytest.raises(ValueError, match="multiclass-multioutput"):
            SGDNetClassifier((2,), max_iter=1).fit(X, y)


def test_one_class_raises():
    X, y = _iris()
    with pytest.raises(ValueError, match="one class"):
        SGDNetClassifier(**SMALL).fit(X, np.zeros(len(y)))
    weight = (y == 1).astype(float)
    with pytest.raises(ValueError, match="one class"):
        SGDNetClassifier(**SMALL).fit(X, y, sample_weight=weight)


def test_predict_log_proba_is_stable_for_extreme_logits():
    X, y = _iris()
    clf = SGDNetClassifier(hidden_layer_sizes=(), max_iter=1, random_state=0)
    clf.fit(X, y)
    clf.coefs_ = [np.array([[1e3, -1e3, 0.0]] * 4)]  # logits of order 1e3
    clf.intercepts_ = [np.zeros(3)]
    log_proba = clf.predict_log_proba(X)
    assert np.all(np.isfinite(log_proba))
    assert log_proba.min() < -100  # not clipped at log(tiny)
    z = X @ clf.coefs_[0]
    expected = z - z.max(axis=1, keepdims=True)
    expected -= np.log(np.exp(expected).sum(axis=1, keepdims=True))
    assert_allclose(log_proba, expected, rtol=1e-10, atol=1e-12)


def test_float32_probabilities():
    for make in _TARGETS.values():
        X, y = make()
        clf = SGDNetClassifier(**SMALL, max_iter=3).fit(X.astype(np.float32), y)
        assert clf.predict_proba(X).dtype == np.float32
        assert clf.predict_log_proba(X).dtype == np.float32
        assert np.all(np.isfinite(clf.predict_log_proba(X)))


# --------------------------------------------------------------------------
# Learning quality


def test_digits_reach_95_percent_in_20_epochs():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    clf = make_pipeline(
        StandardScaler(),
        SGDNetClassifier(
            hidden_layer_sizes=(64,),
            learning_rate=0.02,
            momentum=0.9,
            batch_size=32,
            max_iter=20,
            random_state=0,
        ),
    ).fit(X_train, y_train)
    assert clf[-1].n_iter_ <= 20
    assert clf.score(X_test, y_test) >= 0.95


def test_grid_search_over_policies():
    X, y = _iris()
    grid = GridSearchCV(
        SGDNetClassifier(**SMALL, max_iter=15),
        [
            {"learning_rate": [Constant()], "learning_rate__alpha": [1e-5, 0.1]},
            {"learning_rate": [StepDecay(every=5)], "learning_rate__alpha": [1e-5]},
        ],
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["learning_rate__alpha"] == 0.1
    assert isinstance(grid.best_estimator_.learning_rate, Constant)
    assert grid.best_estimator_.learning_rate.alpha == 0.1


# --------------------------------------------------------------------------
# The reported loss: log-loss of the weights before the step


def _forward(coefs, intercepts, X):
    """Output logits of a relu network, written out independently."""
    a = X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        a = a @ W + b
        if i < len(coefs) - 1:
            a = np.maximum(a, 0)
    return a


def _log_loss(kind, y, z, weight, classes):
    if kind == "multiclass":
        return log_loss(y, softmax(z, axis=1), sample_weight=weight, labels=classes)
    if kind == "binary":
        return log_loss(y, expit(z[:, 0]), sample_weight=weight, labels=classes)
    # multilabel: one logistic loss per label, summed over labels
    return sum(
        log_loss(y[:, k], expit(z[:, k]), sample_weight=weight, labels=[0, 1])
        for k in range(y.shape[1])
    )


@pytest.mark.parametrize("kind", list(_TARGETS))
def test_loss_curve_is_the_weighted_log_loss_before_each_step(kind):
    # one full batch per epoch, no shuffling: epoch e takes exactly one step,
    # and loss_curve_[e] is the loss of the weights before that step plus
    # the l2 term of the weights at the end of the epoch
    X, y = _TARGETS[kind]()
    rng = np.random.RandomState(0)
    weight = rng.uniform(0.2, 2.0, size=len(y))
    n_out = {"multiclass": 3, "binary": 1, "multilabel": 3}[kind]
    # moderate logits, so that log_loss (which computes 1 - p) stays exact
    coefs0 = [
        rng.normal(scale=0.5, size=(X.shape[1], 5)),
        rng.normal(scale=0.5, size=(5, n_out)),
    ]
    intercepts0 = [rng.normal(scale=0.5, size=5), rng.normal(scale=0.5, size=n_out)]
    l2 = 0.01

    def run(max_iter):
        clf = SGDNetClassifier(
            hidden_layer_sizes=(5,),
            learning_rate=0.1,
            l2=l2,
            batch_size=10_000,
            shuffle=False,
            max_iter=max_iter,
            warm_start=True,
            random_state=0,
        )
        clf.coefs_ = [c.copy() for c in coefs0]
        clf.intercepts_ = [b.copy() for b in intercepts0]
        return clf.fit(X, y, sample_weight=weight)

    one, two = run(1), run(2)
    classes = one.classes_ if kind != "multilabel" else None

    def penalty(coefs):
        return 0.5 * l2 * sum(float((W**2).sum()) for W in coefs)

    expected0 = _log_loss(kind, y, _forward(coefs0, intercepts0, X), weight, classes)
    assert one.loss_curve_[0] == pytest.approx(
        expected0 + penalty(one.coefs_), rel=1e-9
    )
    assert two.loss_curve_[0] == one.loss_curve_[0]
    expected1 = _log_loss(
        kind, y, _forward(one.coefs_, one.intercepts_, X), weight, classes
    )
    assert two.loss_curve_[1] == pytest.approx(
        expected1 + penalty(two.coefs_), rel=1e-9
    )
    assert two.loss_curve_[1] < two.loss_curve_[0]  # the step was downhill


# --------------------------------------------------------------------------
# partial_fit and labels


def test_partial_fit_requires_classes_on_first_call():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "coefs_")
    clf.partial_fit(X, y, classes=[2, 0, 1])
    assert_array_equal(clf.classes_, [0, 1, 2])
    clf.partial_fit(X, y)  # later calls need no classes
    clf.partial_fit(X, y, classes=[0, 1, 2])  # ... but may repeat them
    assert clf.n_iter_ == 3


def test_partial_fit_rejects_labels_outside_classes():
    X, y = _iris()
    with pytest.raises(ValueError, match="not in classes"):
        SGDNetClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    clf = SGDNetClassifier(**SMALL).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, np.where(y == 2, 3, y))
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    # fewer classes than the model's are refused too, even with labels in them
    with pytest.raises(ValueError, match="differs from the classes"):
        clf.partial_fit(X[y != 2], y[y != 2], classes=[0, 1])
    assert clf.n_iter_ == 1


def test_partial_fit_with_a_subset_of_classes_per_batch():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, learning_rate=0.05)
    order = np.random.RandomState(0).permutation(len(y))
    X, y = X[order], y[order]
    clf.partial_fit(X, y, classes=[0, 1, 2])
    for _ in range(10):
        clf.partial_fit(X[y != 2], y[y != 2])  # a batch without class 2
        clf.partial_fit(X[y == 2], y[y == 2])  # a batch of class 2 only
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)
    assert clf.n_iter_ == 21


def test_first_partial_fit_batch_may_hold_a_single_class():
    # a stream's first batch may hold one of the declared classes only:
    # ``classes`` tells the model every label, as in scikit-learn's
    # SGDClassifier and MLPClassifier
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_iter_ == 1
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_probabilities_of_confident_predictions_keep_their_precision(dtype):
    # the negative class's probability comes from the logit, not as 1 - p:
    # it agrees with the stable log-probability where p rounds near one
    X, y = _binary()
    X = X.astype(dtype)
    clf = SGDNetClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    clf.fit(X, y)
    clf.coefs_[-1] = clf.coefs_[-1] * 20  # logits of tens
    z = clf._logits(X)
    assert np.abs(z).max() > 20
    proba = clf.predict_proba(X)
    assert proba.dtype == dtype
    assert_allclose(proba, np.exp(clf.predict_log_proba(X)), rtol=1e-5, atol=0)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_a_sparse_multilabel_indicator_trains_as_the_dense_one():
    # as scikit-learn's MLPClassifier: predictions come back sparse too
    X, Y = _multilabel()
    params = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    dense = SGDNetClassifier(**params).fit(X, Y)
    sparse = SGDNetClassifier(**params).fit(X, sp.csr_matrix(Y))
    sparse.partial_fit(X, sp.csr_matrix(Y))
    dense.partial_fit(X, Y)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        assert_array_equal(a, b)
    predicted = sparse.predict(X)
    assert sp.issparse(predicted)
    assert_array_equal(predicted.toarray(), dense.predict(X))


def test_partial_fit_multilabel():
    X, Y = _multilabel()
    clf = SGDNetClassifier(**SMALL, learning_rate=0.05)
    clf.partial_fit(X, Y, classes=np.arange(3))
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.out_activation_ == "logistic"
    for _ in range(3):
        clf.partial_fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    assert clf.n_iter_ == 4


def test_multilabel_partial_fit_checks_classes_against_the_columns():
    X, Y = _multilabel()
    with pytest.raises(ValueError, match="classes has 2 labels but the multilabel"):
        SGDNetClassifier(**SMALL).partial_fit(X, Y, classes=np.arange(2))
    # on every call, not only the first
    clf = SGDNetClassifier(**SMALL).partial_fit(X, Y, classes=np.arange(3))
    clf.partial_fit(X, Y, classes=np.arange(3))
    with pytest.raises(ValueError, match="classes has 7 labels but the multilabel"):
        clf.partial_fit(X, Y, classes=np.arange(7))
    # and the labels: an indicator's are its column indices, in any order
    for wrong in (["a", "b", "c"], [1, 2, 3], [0.0, 0.5, 2.0]):
        with pytest.raises(ValueError, match=r"classes=list\(range\(3\)\); got"):
            clf.partial_fit(X, Y, classes=wrong)
        with pytest.raises(ValueError, match=r"classes=list\(range\(3\)\); got"):
            SGDNetClassifier(**SMALL).partial_fit(X, Y, classes=wrong)
    clf.partial_fit(X, Y, classes=[2, 0, 1])
    clf.partial_fit(X, Y, classes=np.arange(3.0))
    assert clf.n_iter_ == 4


def test_multilabel_y_for_a_multiclass_model_is_named():
    X, Y = _multilabel()
    clf = SGDNetClassifier(**SMALL, max_iter=2).fit(X, Y.argmax(axis=1))
    with pytest.raises(ValueError, match="y is a multilabel indicator matrix, but"):
        clf.partial_fit(X, Y)


@pytest.mark.parametrize("fitted_on", [None, "multiclass", "multilabel"])
@pytest.mark.parametrize("call", ["fit", "partial_fit"])
def test_multiclass_multioutput_y_is_named_with_the_way_out(call, fitted_on):
    # several columns of several classes each: the message names the target
    # type and the meta-estimator that fits it, not only LabelBinarizer's text
    X, y = load_iris(return_X_y=True)
    clf = SGDNetClassifier((4,), max_iter=2, random_state=0)
    if fitted_on is not None:
        target = y if fitted_on == "multiclass" else np.c_[y == 0, y == 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, target)
    with pytest.raises(ValueError) as info:
        if call == "fit":
            clf.fit(X, np.c_[y, 2 - y])
        else:
            clf.partial_fit(X, np.c_[y, 2 - y], classes=[0, 1, 2])
    message = str(info.value)
    assert "multiclass-multioutput" in message
    assert "MultiOutputClassifier" in message
    assert "not supported with label binarization" in message


def test_multilabel_partial_fit_after_fit_checks_the_columns():
    X, Y = _multilabel()
    clf = SGDNetClassifier(**SMALL, max_iter=2).fit(X, Y)
    clf.partial_fit(X, Y)
    assert clf.n_iter_ == 3
    with pytest.raises(ValueError, match="3 columns"):
        clf.partial_fit(X, Y[:, :2])


def test_warm_start_rejects_new_classes():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, max_iter=2, warm_start=True).fit(X, y)
    coefs = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="not in classes"):
        clf.fit(X, np.where(y == 2, 5, y))
    assert_array_equal(clf.classes_, [0, 1, 2])
    for a, b in zip(coefs, clf.coefs_, strict=True):
        assert_array_equal(a, b)


def test_warm_start_keeps_the_classes_when_y_holds_some_of_them():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, max_iter=2, warm_start=True).fit(X, y)
    some = y < 2
    clf.fit(X[some], y[some])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (len(X), 3)


def test_fit_without_warm_start_accepts_new_classes():
    X, y = _iris()
    clf = SGDNetClassifier(**SMALL, max_iter=2).fit(X, y)
    clf.fit(X[y < 2], np.where(y[y < 2] == 0, "a", "b"))
    assert_array_equal(clf.classes_, ["a", "b"])
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 1


def test_early_stopping_validation_is_stratified_accuracy():
    X, y = _iris()
    clf = SGDNetClassifier(
        **SMALL,
        learning_rate=0.05,
        batch_size=16,
        max_iter=100,
        early_stopping=True,
        validation_fraction=0.2,
    ).fit(X, y)
    _, X_val, _, y_val = train_test_split(
        X, y, test_size=30, random_state=0, stratify=y
    )
    assert np.bincount(y_val).tolist() == [10, 10, 10]
    # every validation score is an accuracy on 30 samples
    scores = np.array(clf.validation_scores_) * 30
    assert_allclose(scores, np.round(scores), atol=1e-9)
    assert clf.score(X_val, y_val) == clf.best_validation_score_


def test_a_split_that_holds_out_a_whole_class_names_early_stopping():
    # the lone sample of class 1 cannot be stratified, and this seed holds it
    # out: the message must blame the split, not the (absent) sample weights
    X = np.arange(10.0).reshape(5, 2)
    y = np.array([0, 0, 0, 0, 1])
    clf = SGDNetClassifier(
        (3,), early_stopping=True, validation_fraction=0.4, random_state=2
    )
    with pytest.raises(ValueError, match="early_stopping's validation split"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")
    # without early stopping the same data trains
    clf.set_params(early_stopping=False, max_iter=2).fit(X, y)
    assert clf.n_iter_ == 2


def test_sample_weight_shifts_the_decision():
    X, y = _binary()
    # weighting the "yes" samples heavily makes the model say "yes" more often
    plain = SGDNetClassifier(**SMALL, max_iter=20).fit(X, y)
    weight = np.where(y == "yes", 10.0, 1.0)
    weighted = SGDNetClassifier(**SMALL, max_iter=20).fit(X, y, sample_weight=weight)
    assert (weighted.predict(X) == "yes").sum() > (plain.predict(X) == "yes").sum()


def test_predict_proba_of_warned_array_after_frame_fit():
    X, y = _iris()
    frame = pd.DataFrame(X, columns=list("abcd"))
    clf = SGDNetClassifier(**SMALL, max_iter=3).fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert_array_equal(clf.predict_proba(X), clf.predict_proba(frame))


# The target encoding used by fit and partial_fit must be LabelBinarizer's.

_LABEL_SETS = st.sampled_from(
    [
        np.array([0, 1]),
        np.array([-3, 2, 7]),
        np.array([0.0, 1.0, 2.0, 5.0]),
        np.array(["a", "b"]),
        np.array(["cat", "dog", "eel"]),
        np.array([False, True]),
        np.array(["x", "yy", "zzz"], dtype=object),
    ]
)


@given(classes=_LABEL_SETS, data=st.data())
@settings(max_examples=60, deadline=None)
def test_target_encoding_equals_label_binarizer(classes, data):
    picks = data.draw(
        st.lists(st.integers(0, len(classes) - 1), min_size=1, max_size=30)
    )
    y = classes[picks]
    binarizer = LabelBinarizer().fit(classes)
    expected = binarizer.transform(y).astype(np.float64)
    assert_array_equal(_indicator(y, binarizer.classes_), expected)
    # and through partial_fit: a chunk holding any subset of the labels
    X = np.arange(len(y), dtype=float)[:, None]
    clf = SGDNetClassifier((3,), random_state=0)
    clf.partial_fit(X, y, classes=classes)
    Y, state = clf._encode_targets(y, reset=False)
    assert_array_equal(Y, expected)
    assert_array_equal(state["classes_"], binarizer.classes_)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    ("classes_dtype", "y_dtype"),
    [(np.int64, np.uint64), (np.uint64, np.int64), (np.int64, np.float64)],
)
def test_target_encoding_across_label_dtypes_is_exact(
    n_classes, classes_dtype, y_dtype
):
    # int64 against uint64 compares in float64, where labels from 2**53 on
    # collide; the encoding must compare them exactly
    base = 2**53 if y_dtype != np.float64 else 2**40
    classes = np.arange(base, base + n_classes).astype(classes_dtype)
    y = classes[np.arange(12) % n_classes].astype(y_dtype)
    expected = (
        LabelBinarizer().fit(classes).transform(classes[np.arange(12) % n_classes])
    )
    assert_array_equal(_indicator(y, classes), expected)
    # labels equal to a class only in float64 are not in classes
    floats = np.array([0.0, 1.0, 2.0**60])
    with pytest.raises(ValueError, match="not in classes"):
        _indicator(np.array([2**60 + 1, 0], dtype=np.int64), floats)
    # a stream whose chunks come in another integer dtype than its classes
    X = np.eye(n_classes)[np.arange(12) % n_classes]
    clf = SGDNetClassifier((8,), learning_rate=0.1, random_state=0)
    for _ in range(40):
        clf.partial_fit(X, y, classes=classes)
    assert clf.score(X, y) == 1.0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_docstring_examples_run():
    result = doctest.testmod(sklearn_lr._classifier)
    assert result.failed == 0
    assert result.attempted >= 8


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_shared_docstring_texts_agree_with_the_regressors(method):
    # the classifier and the regressor document sample_weight, and partial_fit
    # its summary, with the same words: those of sklearn_lr._docstrings
    def section(cls, name):
        doc = NumpyDocString(getattr(cls, method).__doc__)
        if name == "Summary":
            return [*doc["Summary"], *doc["Extended Summary"]]
        (parameter,) = [p for p in doc["Parameters"] if p.name == name]
        return parameter

    weight = NumpyDocString(f"Parameters\n----------\n{SAMPLE_WEIGHT_PARAMETER}")
    assert section(SGDNetClassifier, "sample_weight") == weight["Parameters"][0]
    assert section(SGDNetRegressor, "sample_weight") == weight["Parameters"][0]
    if method == "partial_fit":
        summary = NumpyDocString(PARTIAL_FIT_SUMMARY)
        expected = [*summary["Summary"], *summary["Extended Summary"]]
        assert section(SGDNetClassifier, "Summary") == expected
        assert section(SGDNetRegressor, "Summary") == expected


@pytest.mark.parametrize("multilabel", [False, True])
def test_targets_are_encoded_in_the_datas_dtype_at_once(monkeypatch, multilabel):
    # an n x n_classes indicator in float64 beside its float32 copy doubled
    # the memory of targets with many classes; the encoding is made in the
    # training dtype directly, and trains as before
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = rng.randint(0, 2, size=(60, 4)) if multilabel else rng.randint(0, 5, 60)
    made = []
    real = sklearn_lr._classifier._indicator
    monkeypatch.setattr(
        sklearn_lr._classifier,
        "_indicator",
        lambda y, classes, dtype=np.float64: (
            made.append(dtype) or real(y, classes, dtype)
        ),
    )
    clf = SGDNetClassifier((4,), batch_size=20, max_iter=2, random_state=0)
    Y, _ = clf._encode_targets(y, reset=True, dtype=np.float32)
    assert Y.dtype == np.float32
    assert_array_equal(Y, clf._encode_targets(y, reset=True)[0])
    made.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    assert clf.coefs_[0].dtype == np.float32
    if not multilabel:
        assert made and all(dtype == np.float32 for dtype in made)


@pytest.mark.parametrize("sparse", [False, True])
def test_an_indicator_is_cast_to_the_training_dtype_without_other_copies(
    sparse, monkeypatch
):
    # LabelBinarizer.transform made an int64 copy of the n x k indicator
    # before the cast: 1.8 times the memory of the targets at 50k x 500
    y = (np.random.RandomState(0).rand(4000, 50) < 0.1).astype(np.int64)
    y = sp.csr_matrix(y) if sparse else y
    clf = SGDNetClassifier((4,)).fit(
        np.zeros((2, 1)), y[:2].toarray() if sparse else y[:2]
    )
    # scikit-learn's own check of the targets (whose copies vary with its
    # release) is left out of the measure: the encoding's own memory is
    tracemalloc.start()
    try:
        monkeypatch.setattr(
            sklearn_lr._classifier, "check_classification_targets", lambda y: None
        )
        Y, _ = clf._encode_targets(y, reset=False, dtype=np.float32)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Y.dtype == np.float32 and Y.flags.c_contiguous
    assert_array_equal(Y, y.toarray() if sparse else y)
    assert peak < 1.5 * Y.nbytes  # the result, and nothing as large beside it


@pytest.mark.parametrize("sparse", [False, True])
def test_an_indicator_is_checked_and_binarized_without_sorting_its_entries(
    sparse, monkeypatch
):
    # scikit-learn's target check and LabelBinarizer.fit each sort all n x k
    # entries (np.unique), some 0.7 s at 50k x 500; a dense indicator of
    # numbers is checked in one comparison pass, the binarizer fitted on one
    # of its width and storage: the same fitted binarizer
    y = (np.random.RandomState(0).rand(300, 6) < 0.3).astype(np.int64)
    y = sp.csr_matrix(y) if sparse else y
    expected = vars(LabelBinarizer().fit(y))
    if not sparse:  # a sparse y's check sorts its stored values only
        monkeypatch.setattr(
            sklearn_lr._classifier,
            "check_classification_targets",
            lambda y: pytest.fail("the indicator was sorted"),
        )
    fitted_on = []
    fit = LabelBinarizer.fit

    def recording_fit(self, y):
        fitted_on.append(y.shape)
        return fit(self, y)

    monkeypatch.setattr(LabelBinarizer, "fit", recording_fit)
    clf = SGDNetClassifier((4,), max_iter=1)
    Y, state = clf._encode_targets(y, reset=True)
    assert fitted_on == [(2, 6)]
    binarizer = state["_label_binarizer"]
    assert vars(binarizer).keys() == expected.keys()
    for key, value in expected.items():
        assert_array_equal(vars(binarizer)[key], value)
    assert_array_equal(Y, y.toarray() if sparse else y)

"""Checks of a training call's setup that need no estimator: the hidden layer
sizes, the sample weights, the shapes of weights to continue from, an
adaptive optimizer's epsilon in the training precision, the early-stopping
split, a pointer for scikit-learn's schedule names given as the learning
rate, and a record of parameters already checked.
"""

from __future__ import annotations

import weakref
from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import _check_sample_weight


def hidden_sizes(hidden_layer_sizes, owner="SGDNetClassifier"):
    """``hidden_layer_sizes`` (an int or a sequence) as a list of ints.

    Raises scikit-learn's InvalidParameterError (a ValueError), in the form
    of its parameter checks, naming the estimator class ``owner``, unless
    every size is a positive integer (bools are refused).
    """
    sizes = hidden_layer_sizes
    sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
    for size in sizes:
        integer = isinstance(size, Integral | np.integer)
        if not integer or isinstance(size, bool | np.bool_) or size < 1:
            raise InvalidParameterError(
                f"The 'hidden_layer_sizes' parameter of {owner} must be an int "
                "in the range [1, inf) or an array-like of such ints. Got "
                f"{hidden_layer_sizes!r} instead."
            )
    return [int(s) for s in sizes]


def training_weights(sample_weight, X):
    """``sample_weight`` checked for training on ``X``, in X's dtype.

    None gives ones. Raises ValueError for a wrong length, a negative or
    non-finite weight, or weights that are all zero (which scikit-learn
    refuses itself only from 1.7 on; training would then divide by zero).
    Training only uses the weights relative to each other, so weights whose
    largest lies outside [2^-64, 2^64] are multiplied by the power of two
    that brings it just inside, exactly (unless a weight becomes subnormal):
    their sum cannot overflow and float32 does not round them all to zero.
    """
    if sample_weight is None:
        return np.ones(X.shape[0], dtype=X.dtype)
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    largest = sample_weight.max(initial=0.0)
    if not largest > 0:
        raise ValueError("Sample weights must contain at least one non-zero number.")
    if not 2.0**-64 <= largest <= 2.0**64:
        # largest = m 2^e with m in [0.5, 1): to [2^63, 2^64) or [2^-64, 2^-63)
        target = 64 if largest > 1 else -63
        sample_weight = np.ldexp(sample_weight, target - np.frexp(largest)[1])
    return sample_weight.astype(X.dtype, copy=False)


def check_weight_shapes(coefs, intercepts, shapes, *, incremental=False):
    """Raise ValueError unless the weights fit the layer ``shapes``; the
    advice is for ``partial_fit`` when `incremental`, else for a warm fit."""
    expected = [s for s in shapes] + [(s[1],) for s in shapes]
    found = [np.shape(c) for c in coefs] + [np.shape(b) for b in intercepts]
    if len(found) != len(expected) or any(
        tuple(f) != tuple(e) for f, e in zip(found, expected, strict=True)
    ):
        raise ValueError(
            "The existing coefs_/intercepts_ have shapes "
            f"{found}, but the data and hidden_layer_sizes need {expected}. "
            + (
                "partial_fit continues the fitted network; fit with "
                "warm_start=False trains a new one."
                if incremental
                else "Set warm_start=False to train a new network."
            )
        )


def check_run_shapes(trained, shapes):
    """Raise ValueError when ``partial_fit`` would continue a run (optimizer
    state, restore points) on weights set by hand in a new layer ``shapes``;
    ``trained`` is the shapes of the network the run trained (None: unknown).
    """
    shapes = tuple(tuple(s) for s in shapes)
    if trained is None or tuple(trained) == shapes:
        return
    raise ValueError(
        f"coefs_ and intercepts_ were set to a network of layer shapes "
        f"{list(shapes)}, but the optimizer state partial_fit continues belongs "
        f"to the network of shapes {list(trained)} it trained. Fit with "
        "warm_start=True to start a new run from these weights."
    )


def check_epsilon(epsilon, dtype):
    """Refuse an adaptive optimizer's `epsilon` that is 0 in `dtype`: the
    rules would divide 0 by 0 for a gradient that has always been 0 (a dead
    unit's weights)."""
    dtype = np.dtype(dtype)
    if dtype.type(epsilon) == 0:
        raise ValueError(
            f"epsilon={epsilon!r} is 0 in {dtype}, the data's precision; use at "
            f"least {np.finfo(dtype).smallest_subnormal:.3g}."
        )


def check_huber_delta(huber_delta, dtype):
    """Refuse a Huber threshold below the smallest normal number of `dtype`,
    in which the loss is computed: the clipped residuals, the gradient,
    would be 0 or subnormal (which training flushes to 0), and nothing would
    be learned."""
    dtype = np.dtype(dtype)
    tiny = np.finfo(dtype).tiny
    if huber_delta < tiny:
        raise ValueError(
            f"huber_delta={huber_delta!r} is below the smallest normal "
            f"{dtype} number ({tiny:.3g}), the data's precision, in which no "
            "gradient would be left to learn from; use a larger huber_delta."
        )


def validation_split(X, y, Y, sample_weight, *, fraction, stratify, random_state):
    """Hold out ``ceil(fraction * n_samples)`` rows for early stopping.

    The split is stratified by ``stratify`` (labels, or None) when every
    class has at least two samples and fits on both sides.

    Returns
    -------
    X_train, X_val, Y_train, y_train, y_val, w_train, w_val
        The training and validation parts of the data, encoded targets and
        sample weights (``Y`` is needed for training only).
    """
    n_samples = X.shape[0]
    n_val = int(np.ceil(fraction * n_samples))
    if n_samples - n_val < 1:
        raise ValueError(
            f"early_stopping needs more samples: with n_samples = {n_samples} "
            f"and validation_fraction={fraction} no training samples are left."
        )
    if n_val < 2:  # a score of one sample: R^2 undefined, accuracy 0 or 1
        raise ValueError(
            f"early_stopping needs more samples: with n_samples = {n_samples} "
            f"and validation_fraction={fraction} the validation set has one "
            "sample; it needs two. Increase validation_fraction or the size of "
            "the data set."
        )
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or n_val < len(counts) or n_samples - n_val < len(counts):
            stratify = None  # too few samples per class to stratify
    X_train, X_val, Y_train, _, y_train, y_val, w_train, w_val = train_test_split(
        X,
        Y,
        y,
        sample_weight,
        test_size=n_val,
        random_state=check_random_state(random_state),
        stratify=stratify,
    )
    return X_train, X_val, Y_train, y_train, y_val, w_train, w_val


#: The strings scikit-learn's MLP takes as ``learning_rate``, and what does
#: each one's job here.
_SKLEARN_SCHEDULES = {
    "constant": "a float such as 0.001, or Constant(alpha=0.001)",
    "invscaling": "InverseTimeDecay(alpha=..., power=0.5)",
    "adaptive": "ReduceOnPlateau(alpha=..., factor=0.2)",
}


def sklearn_schedule_hint(learning_rate):
    """What replaces ``learning_rate`` if it names a schedule of scikit-learn's
    MLP, as a sentence for an error message; "" for any other value."""
    if not isinstance(learning_rate, str) or learning_rate not in _SKLEARN_SCHEDULES:
        return ""
    return (
        f"learning_rate={learning_rate!r} is a schedule of scikit-learn's MLP; "
        f"here use {_SKLEARN_SCHEDULES[learning_rate]} (see 'Migrating from "
        "scikit-learn's MLPClassifier' in the user guide)."
    )


# Values recorded by value: immutable, so a value equal to the one checked
# (and of the same type: True == 1) passes the same checks
_BY_VALUE = (int, float, complex, str, bytes, bool, type(None), np.number, np.bool_)
# estimator -> the record of its parameters at their last successful check
_checked: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# estimator class -> its parameter names (inspecting __init__ takes ~60 µs)
_names: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _record(estimator):
    """The parameters as their checks see them, or None when one of them could
    change in place unseen (a list, an array, a dict) or the estimator's
    class defines its own equality (the record is kept by identity).

    Any other object (a policy, a RandomState, a sequence of layer sizes of
    another type) is recorded by its type and identity: the parameter checks
    look at nothing else (that it has a ``start`` method, that it is a
    RandomState, that it is array-like), and what it holds is checked where
    it is used (a policy's hyperparameters when it starts, the layer sizes
    at every call).
    """
    cls = type(estimator)
    if cls.__hash__ is not object.__hash__:
        return None  # a subclass that compares by value: no record by identity
    names = _names.get(cls)
    if names is None:
        names = _names[cls] = tuple(cls._get_param_names())
    record = []
    for name in names:
        value = getattr(estimator, name, None)
        if isinstance(value, tuple):
            if not all(isinstance(v, _BY_VALUE) for v in value):
                return None
            record.append((tuple, tuple(map(type, value)), value))
        elif isinstance(value, _BY_VALUE):
            record.append((type(value), value))
        elif isinstance(value, list | dict | set | np.ndarray):
            return None
        else:
            record.append((type(value), id(value)))
    return record


def validate_params_once(estimator, validate):
    """Run ``validate()`` unless the estimator's parameters are those it last
    passed with.

    A stream of ``partial_fit`` calls on small chunks would otherwise spend a
    good part of each call (some 150 µs) checking parameters nobody changed.
    Parameters that may change in place unseen (a list, an array) are checked
    every time. Nothing is stored on the estimator: its pickles and clones
    are unchanged.
    """
    record = _record(estimator)  # None: an estimator not to be looked up
    # types compare by identity inside the tuples' ==; a record is kept only
    # for parameters that passed, so a refused value is checked every time
    if record is not None:
        if record == _checked.get(estimator):
            return
        _checked.pop(estimator, None)
    validate()
    if record is not None:
        _checked[estimator] = record


def passed_params(estimator):
    """Record the estimator's parameters as checked, for an object built from
    values its maker has just checked itself (a `Constant` made of a float
    learning rate, at every ``partial_fit`` call)."""
    record = _record(estimator)
    if record is not None:
        _checked[estimator] = record

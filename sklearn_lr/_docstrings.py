"""Docstring text shared by SGDNetClassifier and SGDNetRegressor.

The two estimators document their shared parameters with the same words;
keeping the words here makes that true by construction. Texts are written
from column 0: class docstrings take them in an f-string, methods through
`fill_doc`.
"""

import inspect
from collections.abc import Callable
from typing import TypeVar

_F = TypeVar("_F", bound=Callable)


def fill_doc(**texts: str) -> Callable[[_F], _F]:
    """Decorator filling the ``{name}`` fields of a method's docstring.

    The docstring is dedented first (as ``inspect.cleandoc`` does), so a
    field standing alone at the indentation of its section takes one of the
    texts below, written from column 0, with its own indentation intact.
    Fields are replaced by name only: other braces (``{array-like, sparse
    matrix}``) are left alone.
    """

    def decorate(method: _F) -> _F:
        if method.__doc__ is None:  # python -OO strips docstrings
            return method
        doc = inspect.cleandoc(method.__doc__)
        for name, text in texts.items():
            field = "{" + name + "}"
            if field not in doc:
                raise ValueError(f"{method.__qualname__}'s docstring has no {field}.")
            doc = doc.replace(field, text.rstrip("\n"))
        method.__doc__ = doc
        return method

    return decorate


PARTIAL_FIT_SUMMARY = """\
Train for exactly one epoch over the given data.

Every piece of state continues: the weights, the optimizer's
moments, the schedule's clock (one call is one epoch) and its
feedback state.
"""

SAMPLE_WEIGHT_PARAMETER = """\
sample_weight : array-like of shape (n_samples,), default=None
    Non-negative weights of the samples in the loss. A batch's loss
    is the weighted mean over its samples, so a weight counts
    within its batch and every batch steps alike, as in
    scikit-learn's MLP (with ``batch_size=1`` weights change
    nothing but which samples are skipped: those of weight 0).
"""

SHARED_PARAMETERS = """\
hidden_layer_sizes : int or array-like of int, default=(100,)
    Width of each hidden layer; ``(256, 128)`` gives two hidden layers,
    and an int is one hidden layer of that width (``5`` is ``(5,)``).

activation : {"identity", "logistic", "tanh", "relu", "leaky_relu"}, \
default="relu"
    Activation of the hidden layers (``leaky_relu`` uses slope 0.01).

learning_rate : float or policy, default=0.01
    The learning rate α. A positive float is a constant rate; any policy
    from :mod:`sklearn_lr.schedules` (for example
    ``CosineAnnealing(alpha=0.1)``), or a user's own object that follows the
    policy protocol (see :mod:`sklearn_lr.schedules`), gives α as a function
    of the epoch clock. The estimator never changes the policy: it asks it for a fresh
    run-time state (``schedule_``) whenever training starts anew. Nested
    policy parameters are searchable, e.g. ``learning_rate__alpha``.

optimizer : {"sgd", "adagrad", "rmsprop", "adam"}, default="sgd"
    Update rule. The policy's α multiplies every update, whatever the
    optimizer.

momentum : float in [0, 1), default=0.9
    Momentum of "sgd".

nesterov : bool, default=False
    Use Nesterov's momentum with "sgd".

beta_1 : float in [0, 1), default=0.9
    Decay of the first-moment average of "adam".

beta_2 : float in [0, 1), default=0.999
    Decay of the second-moment average of "adam" and "rmsprop".

epsilon : float > 0, default=1e-8
    Guards the divisions of the adaptive optimizers.

l2 : float >= 0, default=1e-4
    Strength of the penalty: the objective is the mean sample loss plus
    ``l2 / 2 * sum ||W||^2`` over the weight matrices (not the biases),
    independent of the batch size. (scikit-learn's MLP calls this
    ``alpha``.)

batch_size : int or "auto", default="auto"
    Mini-batch size; "auto" is ``min(200, n_samples)``. A size larger than
    the data is clipped to ``n_samples`` (one batch per epoch).

max_iter : int, default=200
    Maximum number of epochs of ``fit``; also the horizon of policies
    whose ``n_epochs`` is None.

shuffle : bool, default=True
    Shuffle the samples before every epoch.

tol : float, default=1e-4
    Improvement of the training loss (or validation score, with
    early stopping) below which an epoch counts as no improvement.

n_iter_no_change : int or numpy.inf, default=10
    ``fit`` stops after more than this many epochs in a row without
    improvement; ``numpy.inf`` never stops early.

early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the training data (stratified for
    single-label classification when every class has two samples or more
    and enough fit on both sides), stop when its score stops improving and
    restore the weights of the best validation score. The score weighs the
    held-out samples by ``sample_weight``, unless all of them weigh zero
    (then each counts the same). ``partial_fit`` neither holds out data nor
    stops.

validation_fraction : float in (0, 1), default=0.1
    Share of the training data held out with early stopping.

warm_start : bool, default=False
    ``fit`` starts from the existing ``coefs_``/``intercepts_`` (which may
    have been set by hand) instead of new random weights, in their
    precision (float32 weights train in float32 whatever the data's dtype,
    and float64 ones in float64); a classifier also keeps its ``classes_``
    (y may hold only some of them). The shuffling continues its random
    stream. Everything else starts anew: the
    schedule's clock, the optimizer's state and the histories. Use
    ``partial_fit`` to continue all of it (from weights set by hand too,
    but not in new layer shapes: the optimizer's state fits the network it
    trained, so such weights need a warm ``fit`` first).

random_state : int, RandomState instance or None, default=None
    Seeds the initial weights, the shuffling and the validation split.

verbose : int, default=0
    0 is silent; 1 prints one line per epoch: epoch, loss, validation
    score, the α of the epoch's last step and the epoch's duration.
"""

SHARED_ATTRIBUTES = """\
coefs_ : list of ndarray
    Weight matrices, ``coefs_[i]`` of shape (fan_in, fan_out).

intercepts_ : list of ndarray
    Bias vectors.

n_layers_ : int
    Number of layers, input and output included.

n_outputs_ : int
    Number of outputs of the network.

out_activation_ : str
    Output activation.

n_features_in_ : int
    Number of features seen in ``fit``.

feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of the features, when X had string column names.

n_iter_ : int
    Epochs run since (re)initialisation; every ``partial_fit`` call counts
    one.

t_ : int
    Training samples seen since (re)initialisation.

loss_curve_ : list of float
    Mean training loss of every epoch (weighted mean sample loss plus the
    l2 term at the epoch's end).

best_loss_ : float
    Lowest value of ``loss_curve_`` over the epochs that did not diverge
    (``inf`` when every epoch diverged).

validation_scores_ : list of float or None
    Validation score after every epoch of a ``fit`` with early stopping
    (``partial_fit`` calls that continue it score nothing, so they add no
    entry), else None.

best_validation_score_ : float or None
    Best validation score, with early stopping, over the epochs that did not
    diverge (``-inf`` when every epoch diverged: a diverged epoch's score,
    still in ``validation_scores_``, is that of the weights restored).

lr_history_ : ndarray of shape (n_steps,)
    The α of every update step since (re)initialisation. After a ``fit``
    that ran all ``max_iter`` epochs it equals
    :func:`sklearn_lr.schedules.trace` of the same policy over ``max_iter``
    epochs of the same number of batches, given ``losses=loss_curve_`` (and
    ``scores=validation_scores_`` with early stopping) for a feedback
    policy; after an early stop, it is the start of that trace. A batch
    whose samples all weigh zero is skipped (it has no gradient) but keeps
    its place and its α here.

schedule_ : object
    The run-time state of the learning-rate policy; its clock and
    feedback state continue across ``partial_fit`` calls.

optimizer_ : object
    The optimizer with its state (velocities or moments).

divergence_epoch_ : int or None
    The epoch (counted like ``n_iter_``) in which training last diverged,
    or None. That epoch stays on the record (``n_iter_``, its loss in
    ``loss_curve_``, which is finite, and can be low, when only its last
    step exploded; its steps in ``lr_history_``) and
    feedback policies observe it (as an infinite loss), but its weight and
    optimizer updates are undone. See :class:`~sklearn_lr.DivergenceWarning`.
"""

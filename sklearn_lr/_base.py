"""The estimator shared by SGDNetClassifier and SGDNetRegressor.

The base owns validation and the training loop; the classifier and the
regressor differ only through the hooks ``_encode_targets``,
``_check_weighted_targets``, ``_check_partial_fit_classes``, ``_loss_name``,
``_huber_delta``, ``_split_stratify``, ``_predict_validated`` and
``_metric``.
"""

from __future__ import annotations

import copy
import time
import warnings
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn import config_context, get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning, InconsistentVersionWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network
from ._checks import (
    check_epsilon,
    check_huber_delta,
    check_run_shapes,
    check_weight_shapes,
    hidden_sizes,
    sklearn_schedule_hint,
    training_weights,
    validate_params_once,
    validation_split,
)
from ._docstrings import SAMPLE_WEIGHT_PARAMETER, fill_doc
from ._policies.base import _FloatInterval
from ._policies.runtime import schedule_watches_score
from ._training import (
    DivergenceWarning,
    RestorePoints,
    batch_buffers,
    batch_rows,
    blas_threads,
    caller_stacklevel,
    epoch_batches,
    exploded,
    format_seconds,
    n_batches,
)
from .optimizers import _CONSTRAINTS as _OPTIMIZER_CONSTRAINTS
from .optimizers import make_optimizer
from .schedules import (
    _POLICY,
    _check_nested_targets,
    _epoch_rates,
    _one_line,
    _policy_name,
    _start_schedule,
)

try:  # scikit-learn >= 1.9: progress bars and monitors through callbacks
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # older scikit-learn: the feature is simply absent

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stand-in base class: no ``set_callbacks`` before scikit-learn 1.9."""

    def with_callbacks(method):
        return method


_ATTRIBUTES_TO_KEEP_ON_FAILURE = ("n_features_in_", "feature_names_in_")


def _package_version():
    """sklearn_lr's version (imported when asked: the package imports this
    module before it defines the version)."""
    from . import __version__

    return __version__


#: A regression's zero-output loss above which a divergence warning names
#: the targets' scale (standardised targets give about 0.5; 100 is an RMS of
#: about 14).
_LARGE_TARGETS_LOSS = 100.0

#: Rows of an epoch's last batch evaluated again after its last step.
_END_CHECK_ROWS = 32


def _run_lengths(values):
    """``(run_values, run_lengths)`` of the runs of equal entries of a 1-D
    float array, ``np.repeat`` of which gives it back bit for bit (entries
    are compared by their bits: 0.0 and -0.0 differ, nan equals nan)."""
    bits = values.view(np.uint64 if values.dtype.itemsize == 8 else np.uint32)
    starts = np.flatnonzero(np.concatenate(([True], bits[1:] != bits[:-1])))
    return values[starts], np.diff(np.append(starts, values.shape[0]))


class BaseSGDNet(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared implementation; use SGDNetClassifier or SGDNetRegressor."""

    # whether a diverged epoch warns (it is recorded either way); the range
    # test, which reports divergence itself, turns it off on its own copy
    _warns_divergence = True

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_network.ACTIVATIONS))],
        "learning_rate": _POLICY,
        "optimizer": [StrOptions({"sgd", "adagrad", "rmsprop", "adam"})],
        # the update rules' own ranges, but for epsilon, which they take
        # from 0 and the estimators from just above it
        "momentum": _OPTIMIZER_CONSTRAINTS["momentum"],
        "nesterov": _OPTIMIZER_CONSTRAINTS["nesterov"],
        "beta_1": _OPTIMIZER_CONSTRAINTS["beta_1"],
        "beta_2": _OPTIMIZER_CONSTRAINTS["beta_2"],
        "epsilon": [_FloatInterval(Real, 0, None, closed="neither")],
        "l2": [_FloatInterval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "tol": [_FloatInterval(Real, 0, None, closed="left")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        learning_rate=0.01,
        optimizer="sgd",
        momentum=0.9,
        nesterov=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        l2=1e-4,
        batch_size="auto",
        max_iter=200,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.l2 = l2
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks

    @abstractmethod
    def _encode_targets(self, y, *, reset, classes=None, dtype=np.float64):
        """Validate y; return (Y encoded as 2-D float array, fitted target state).

        ``dtype`` is the precision the caller trains in: an encoding that
        can be made in it directly (class indicators) is; others are float64.

        Must not set attributes: the returned state dict is applied by the
        caller once every check has passed.
        """

    @abstractmethod
    def _loss_name(self, target_state):
        """Name of the core loss for the encoded targets."""

    @abstractmethod
    def _split_stratify(self, y):
        """Labels to stratify the validation split by, or None."""

    def _check_weighted_targets(self, Y, sample_weight, target_state):
        """Reject targets a new model cannot learn from; by default none."""

    @abstractmethod
    def _predict_validated(self, X):
        """Predictions for X that has already been validated and cast."""

    @abstractmethod
    def _metric(self, y, y_pred, sample_weight):
        """The score ``score`` reports: accuracy or R^2."""

    # -------------------------------------------------------------- public API

    @fill_doc(sample_weight=SAMPLE_WEIGHT_PARAMETER)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: ArrayLike | sp.spmatrix,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> BaseSGDNet:
        """Train the network for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        {sample_weight}

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def set_params(self, **params: Any) -> BaseSGDNet:
        """Set the parameters of this estimator and of its policy.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and the policy's as
            ``learning_rate__<name>`` (``learning_rate__policy__<name>`` for a
            wrapped one).

        Returns
        -------
        self : object
            The estimator.
        """
        policy = params.get("learning_rate", self.learning_rate)
        _check_nested_targets("learning_rate", policy, params)
        return super().set_params(**params)

    def _validate_params(self):
        validate_params_once(self, self._check_params)

    def _check_params(self):
        try:
            super()._validate_params()
        except InvalidParameterError as error:
            # scikit-learn's MLP takes schedule names here: point to the policy
            hint = sklearn_schedule_hint(self.learning_rate)
            if not hint or "'learning_rate'" not in str(error):
                raise
            raise InvalidParameterError(f"{error} {hint}") from None

    @with_callbacks
    def _partial_fit(self, X, y, sample_weight, classes=None):
        # checked at every call, fitted or not, where scikit-learn's
        # _fit_context skips a fitted model's partial_fit: parameters may
        # change between the calls of a stream (l2, batch_size, ... act from
        # the next call), and a bad one must fail before it trains. As for
        # fit, the global skip_parameter_validation turns the check off, and
        # the functions called inside are not checked again.
        if not get_config()["skip_parameter_validation"]:
            self._validate_params()
        with config_context(skip_parameter_validation=True):
            classes = self._check_partial_fit_classes(classes)
            return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _check_partial_fit_classes(self, classes):
        """`classes` of a ``partial_fit`` call, checked (after the parameters:
        a bad parameter is reported first, as by ``fit``)."""
        return classes

    # -------------------------------------------------------------- training

    def _fit(self, X, y, sample_weight, *, incremental, classes=None):
        weighted = sample_weight is not None  # given by the user
        fitted = hasattr(self, "coefs_")
        # reset: new weights and new training state; warm: a warm-started fit,
        # which keeps the weights but starts a new run (schedule, optimizer)
        reset = not fitted or (not incremental and not self.warm_start)
        warm = (
            fitted
            and not reset
            and (not incremental or not hasattr(self, "optimizer_"))
        )
        # validates the policy (and a user's own policy's schedule)
        new_schedule = _start_schedule(self.learning_rate, int(self.max_iter))
        hidden = hidden_sizes(self.hidden_layer_sizes, type(self).__name__)

        with self._restored_on_failure():
            X, y, Y, sample_weight, target_state = self._validate_training_data(
                X,
                y,
                sample_weight,
                classes=classes,
                # an estimator never fitted may hold weights set by hand
                reset=reset or not hasattr(self, "n_features_in_"),
                keeps_weights=not reset,
                incremental=incremental,
            )
            dtype = X.dtype
            check_huber_delta(self._huber_delta(), dtype)
            shapes = _network.layer_shapes(X.shape[1], hidden, Y.shape[1])
            if not reset:
                check_weight_shapes(
                    self.coefs_, self.intercepts_, shapes, incremental=incremental
                )
            if not reset and not warm:
                check_run_shapes(getattr(self, "_layer_shapes", None), shapes)
            validation = None
            if self.early_stopping and not incremental:
                X, X_val, Y, y, y_val, sample_weight, w_val = validation_split(
                    X,
                    y,
                    Y,
                    sample_weight,
                    fraction=self.validation_fraction,
                    stratify=self._split_stratify(y),
                    random_state=self.random_state,
                )
                validation = (X_val, y_val, w_val)
                if not sample_weight.sum() > 0:
                    raise ValueError(
                        "early_stopping left only samples with zero sample_weight "
                        "in the training part; lower validation_fraction or give "
                        "more samples a positive weight."
                    )
                if reset:
                    try:
                        self._check_weighted_targets(Y, sample_weight, target_state)
                    except ValueError as error:  # the whole data passed it
                        raise ValueError(
                            "early_stopping's validation split left a single "
                            "class (with positive sample_weight) to train on. "
                            "The split is stratified by label, not by weight, "
                            "and not at all when a class has fewer than two "
                            "samples or too few fit on a side: lower "
                            "validation_fraction, give the rare classes more "
                            "samples (of positive weight), or turn "
                            "early_stopping off."
                        ) from error

            # the first epoch's α, so that a user's policy that gives a bad
            # one fails before anything changes
            batch_size = self._effective_batch_size(X.shape[0])
            new_run = reset or warm
            first_rates = self._rates(
                new_schedule if new_run else self.schedule_,
                0 if new_run else self.n_iter_,
                n_batches(X.shape[0], batch_size),
            )

            # everything training needs is allocated before anything changes,
            # so that a failure here (memory, an interrupt) changes nothing
            if reset or not hasattr(self, "_random_state"):
                random_state = check_random_state(self.random_state)
            else:
                random_state = self._random_state
            if reset:
                theta = _network.init_params(
                    shapes, self.activation, random_state, dtype
                )
            else:
                theta = _network.pack(self.coefs_, self.intercepts_, dtype)
            # before anything changes: an error raised from the warning
            # (warnings as errors) must leave a fitted model as it was
            schedule = new_schedule if new_run else self.schedule_
            if validation is None and schedule_watches_score(schedule):
                warnings.warn(
                    "The learning rate policy watches the validation score, "
                    "which this call does not compute (only fit with "
                    "early_stopping=True does): α stays as it is. Use "
                    "monitor='loss' for training without early stopping and "
                    "for partial_fit streams.",
                    UserWarning,
                    stacklevel=caller_stacklevel(),
                )

            if new_run:
                optimizer = self._make_optimizer(shapes, dtype)
            elif (
                self.optimizer_.dtype != dtype
                or not self.optimizer_._owns_writeable_state()
            ):
                # weights set by hand in the other precision: the state
                # follows them (a rule of one precision updating arrays of
                # the other would update a converted copy); state that is
                # read-only (a memory map) is copied, as the rules write into it
                check_epsilon(getattr(self.optimizer_, "epsilon", 1.0), dtype)
                optimizer = self.optimizer_._astype(dtype)
            else:
                optimizer = None
            run = dict(
                workspace=_network.Workspace.allocate(shapes, batch_size, dtype),
                buffers=batch_buffers(X, Y, batch_size) if self.shuffle else None,
                restore_points=RestorePoints(
                    theta,
                    self.optimizer_ if optimizer is None else optimizer,
                    0 if new_run else self.n_iter_,
                    None if new_run else getattr(self, "_previous_start", None),
                    None if new_run else getattr(self, "_spare_start", None),
                ),
            )

            loss = self._loss_name(target_state)
            max_epochs = 1 if incremental else int(self.max_iter)
            # metadata holds the sample weights only when the user gave some
            # (as LogisticRegression does: callable scorers need not take them)
            metadata = {"sample_weight": sample_weight} if weighted else None
            # callbacks are set up (which may fail: say, an unknown scoring of
            # a ScoringMonitor) before anything changes, and within the block
            # that puts back what validation recorded
            callbacks = self._begin_callbacks(X, y, metadata, max_epochs)

        # every check passed: from here on state is mutated
        for name, value in target_state.items():
            setattr(self, name, value)
        self._random_state = random_state
        self.coefs_, self.intercepts_ = _network.unpack(theta, shapes)
        self._layer_shapes = tuple(shapes)  # of the network the run trains
        if new_run:
            self._start_run(optimizer, new_schedule, incremental)
        elif optimizer is not None:
            self.optimizer_ = optimizer
        self.n_layers_ = len(shapes) + 1
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = _network.LOSSES[
            self._loss_name(target_state)
        ].out_activation

        with (
            blas_threads(),
            np.errstate(
                over="ignore", invalid="ignore", divide="ignore", under="ignore"
            ),
        ):
            self._train(
                theta,
                shapes,
                X,
                Y,
                sample_weight,
                loss,
                batch_size,
                max_epochs,
                first_rates,
                validation=validation,
                incremental=incremental,
                callbacks=callbacks,
                metadata=metadata,
                y=y,
                **run,
            )
        if callbacks is not None:
            callbacks.call_on_fit_task_end(
                estimator=self,
                X=X,
                y=y,
                metadata=metadata,
                reconstruction_attributes={},
            )
        return self

    def _begin_callbacks(self, X, y, metadata, max_epochs):
        """Root callback context of this call (one subtask per epoch), or None.

        None on scikit-learn < 1.9, which has no callbacks.
        """
        if not hasattr(self, "_init_callback_context"):
            return None
        context = self._init_callback_context(max_subtasks=max_epochs)
        context.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        return context

    def _epoch_state(self, theta, shapes):
        """Attributes of a model that stopped at this point (copied weights)."""
        coefs, intercepts = _network.unpack(theta.copy(), shapes)
        return {"coefs_": coefs, "intercepts_": intercepts}

    def _make_optimizer(self, shapes, dtype):
        if self.optimizer != "sgd":
            check_epsilon(self.epsilon, dtype)
        return make_optimizer(
            self.optimizer,
            _network.n_params(shapes),
            dtype,
            momentum=self.momentum,
            nesterov=self.nesterov,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
        )

    def _start_run(self, optimizer, schedule, incremental):
        """(Re)initialise every piece of training state but the weights."""
        self.optimizer_ = optimizer
        self.schedule_ = schedule
        # the policy the schedule came from, for the messages of later calls
        # and the legend of its rates (learning_rate may be set to another
        # meanwhile; the run goes on)
        self._run_policy = _one_line(self.learning_rate)
        self._run_label = _policy_name(self.learning_rate, self._run_policy)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.lr_history_ = np.empty(0)
        self._epoch_steps = []  # update steps of every epoch, for plots
        self.best_loss_ = np.inf
        self.divergence_epoch_ = None
        self._no_improvement_count = 0
        self._initial_loss = None
        self._previous_start = self._spare_start = None
        if self.early_stopping and not incremental:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _train(
        self,
        theta,
        shapes,
        X,
        Y,
        sample_weight,
        loss,
        batch_size,
        max_epochs,
        first_rates,
        *,
        validation,
        incremental,
        workspace,
        buffers,
        restore_points,
        callbacks=None,
        metadata=None,
        y=None,
    ):
        n_samples = X.shape[0]
        steps_per_epoch = n_batches(n_samples, batch_size)
        total_weight = float(sample_weight.sum(dtype=np.float64))
        baseline = _network.zero_output_loss(
            Y, sample_weight, loss, self._huber_delta()
        )
        # regression targets far off unit scale (whose zero-output loss is
        # about 0.5): the divergence warning names them as a likely cause
        targets_loss = (
            baseline
            if _network.LOSSES[loss].real_targets and baseline > _LARGE_TARGETS_LOSS
            else None
        )
        optimizer = self.optimizer_
        best_theta = None
        best_epoch = None  # the epoch best_theta ends (early stopping)
        mid_epoch = False  # weights changed by an epoch not yet recorded
        unrecorded = False  # an epoch begun (its shuffle drawn), not recorded
        # the restore points of a diverged epoch not yet recorded, as they
        # stood before its restore dropped them
        diverged_points = None
        rng_state = None
        stopped = False
        first_epoch = self.n_iter_
        # what the epoch hooks of callbacks get; the model as it stands (as
        # the epoch finds or leaves it) is built only if a callback asks
        hook_arguments = dict(
            estimator=self,
            X=X,
            y=y,
            metadata=metadata,
            reconstruction_attributes=lambda: self._epoch_state(theta, shapes),
        )

        try:
            for index in range(max_epochs):
                epoch_start = time.perf_counter()
                epoch = self.n_iter_
                if callbacks is not None:
                    epoch_context = callbacks.subcontext(task_name="epoch")
                    epoch_context.call_on_fit_task_begin(**hook_arguments)
                if epoch == first_epoch:
                    rates = first_rates
                else:
                    rates = self._rates(self.schedule_, epoch, steps_per_epoch)
                accumulated = 0.0
                first_loss = None
                # the run's first epoch: its start is the run's own
                starts_run = self._initial_loss is None
                rng_state = self._random_state.get_state() if self.shuffle else None
                mid_epoch = unrecorded = True
                order = (
                    self._random_state.permutation(n_samples) if self.shuffle else None
                )
                batches = epoch_batches(X, Y, sample_weight, batch_size, order, buffers)
                for b, X_batch, Y_batch, w_batch, batch_weight in batches:
                    batch_loss = _network.loss_and_gradient(
                        theta,
                        shapes,
                        X_batch,
                        Y_batch,
                        w_batch,
                        self.activation,
                        loss,
                        self.l2,
                        workspace,
                        self._huber_delta(),
                    )
                    if self._initial_loss is None:
                        self._initial_loss = batch_loss
                    if first_loss is None:
                        first_loss, first_batch = batch_loss, b
                    accumulated += batch_loss * float(batch_weight)
                    # the optimizer may keep the gradient's array as its
                    # state and give back another for the next gradient
                    workspace.use_grad(
                        optimizer._step(theta, workspace.grad, rates[b], keep=True)
                    )
                    if optimizer.n_steps % _network.FLUSH_EVERY == 0:
                        # the step left the gradient buffer free as scratch
                        for array in (theta, *optimizer._flushable_state()):
                            _network.flush_subnormal(array, workspace.grad)
                data_loss = accumulated / total_weight
                epoch_loss = data_loss + _network.penalty(theta, shapes, self.l2)

                # A diverged epoch still happened: it is recorded and observed
                # (as a non-finite loss, so that feedback policies back off),
                # but its weights are undone. Its loss is measured before
                # each step, so the last step is judged by its last batch,
                # seen again, before anything sees the epoch: the same in fit
                # as in a stream of partial_fit calls, whatever stops them.
                batch = (X_batch, Y_batch, w_batch)
                # judged by the data's loss, as every scale it is held to:
                # the l2 term of finite weights is no explosion (a large
                # l2 on a wide network alone can exceed those scales)
                diverged = self._diverged(data_loss, theta, baseline)
                if diverged and starts_run and np.isfinite(theta).all():
                    # a loss that large already at the weights the run began
                    # with is the data's (rows far off the scale of the first
                    # batch), not an explosion; it is the run's scale from now
                    known = self._loss_at(
                        restore_points.start[0], shapes, X, Y, sample_weight, loss
                    )
                    if np.isfinite(known) and not exploded(data_loss, known, baseline):
                        self._initial_loss = max(self._initial_loss, known)
                        diverged = False
                if diverged:
                    diverged_points = (restore_points.start, restore_points.before)
                    previous = self._exploded(first_loss, baseline)
                    if previous and restore_points.has_older:
                        # unless the batch's rows are that far off the scale
                        # already at the weights the epoch before began with:
                        # the data's doing, not the weights it left
                        rows = batch_rows(first_batch, batch_size, order)
                        older = self._loss_at(
                            restore_points.before[0],
                            shapes,
                            X[rows],
                            Y[rows],
                            sample_weight[rows],
                            loss,
                        )
                        previous = not self._explained_by(first_loss, older, baseline)
                    # nothing older to go back to (a run's first epoch, a
                    # loaded or copied model): the start it restores is the
                    # state that exploded
                    exploded_start = previous and not restore_points.has_older
                    restored_epoch = restore_points.restore(
                        theta, optimizer, previous_epoch=previous
                    )
                    divergence = dict(
                        loss=f"loss {epoch_loss:.4g}",
                        restored_epoch=restored_epoch,
                        exploded_start=exploded_start,
                        # partial_fit's first batch exploded: the last
                        # epoch of the call before, undone, may have been fine
                        previous_call=previous and incremental,
                    )
                elif message := self._last_step_diverged(
                    theta, shapes, batch, loss, baseline, restore_points.start[0]
                ):
                    diverged = True
                    diverged_points = (restore_points.start, restore_points.before)
                    restored_epoch = restore_points.restore(
                        theta, optimizer, previous_epoch=False
                    )
                    divergence = dict(loss=message, restored_epoch=restored_epoch)
                if diverged:
                    mid_epoch = False  # restored: nothing of it left to undo

                # the score too, before the record: an interrupt while scoring
                # the held-out data undoes the epoch like one in its steps
                score = None if validation is None else self._score(*validation)
                # and the policy's observation: a policy that raises there
                # (a user's own) leaves no epoch it did not see on the record
                self.schedule_.observe(
                    epoch + 1, loss=np.inf if diverged else epoch_loss, score=score
                )
                # the epoch's record, complete before callbacks see the model
                self._append_rates(np.asarray(rates, dtype=float))
                self._epoch_steps.append(steps_per_epoch)
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_curve_.append(epoch_loss)
                if score is not None:
                    self.validation_scores_.append(score)
                mid_epoch = unrecorded = False
                diverged_points = None
                # then the epoch's end becomes the next one's restore point (an
                # interrupt before this leaves the record and the state agreed)
                if not diverged:
                    restore_points.advance(
                        theta, optimizer, epoch + 1, last=index == max_epochs - 1
                    )
                # a diverged epoch's loss is no improvement
                if not diverged and self._track_improvement(epoch_loss, score):
                    if best_theta is None:
                        best_theta = theta.copy()
                    else:  # no second copy beside the one it replaces
                        np.copyto(best_theta, theta)
                    best_epoch = self.n_iter_

                if self.verbose:
                    message = f"Epoch {self.n_iter_}: loss {epoch_loss:.6g}"
                    if score is not None:
                        message += f", validation score {score:.6f}"
                    elapsed = format_seconds(time.perf_counter() - epoch_start)
                    print(f"{message}, alpha {rates[-1]:.6g}, {elapsed}")
                if diverged:
                    # warned once the epoch is on the record, which then
                    # holds even when the warning is raised as an error
                    self._warn_divergence(
                        epoch + 1,
                        rates,
                        **divergence,
                        targets_loss=targets_loss,
                        best_epoch=best_epoch,
                    )
                stop_requested = (
                    callbacks is not None
                    and epoch_context.call_on_fit_task_end(**hook_arguments)
                )
                if diverged:
                    break
                if (
                    not incremental
                    and self._no_improvement_count > self.n_iter_no_change
                ):
                    if self.verbose:
                        watched = (
                            "Training loss" if score is None else "Validation score"
                        )
                        print(
                            f"{watched} did not improve by at least "
                            f"tol={self.tol} for {self._no_improvement_count} "
                            "consecutive epochs (more than "
                            f"n_iter_no_change={self.n_iter_no_change}). Stopping."
                        )
                    stopped = True
                    break
                if stop_requested:  # a callback asked to stop
                    stopped = True
                    break
        except BaseException:
            # an interrupt (or an error) within an epoch: its steps are undone,
            # so that the weights and the optimizer match the record of the
            # epochs that ran, and its shuffle is drawn again; a diverged
            # epoch's restore (which may have gone back to the start of the
            # epoch before, already on the record) is undone too
            if mid_epoch and restore_points.start is not None:
                restore_points.undo_epoch(theta, optimizer)
            elif unrecorded and diverged_points is not None:
                restore_points.start, restore_points.before = diverged_points
                restore_points.undo_epoch(theta, optimizer)
            if unrecorded and rng_state is not None:
                self._random_state.set_state(rng_state)
            raise
        finally:
            self._previous_start = restore_points.before
            # a stream of partial_fit calls saves each call's start in the
            # arrays of the point the call before dropped (a fit leaves none)
            self._spare_start = restore_points.spare if incremental else None
            if best_theta is not None:
                theta[...] = best_theta
                # the best weights were never the start of an epoch that the
                # restore points know: none is older than them
                self._previous_start = None
                if self.verbose and best_epoch < self.n_iter_:
                    print(
                        f"Restored the weights of epoch {best_epoch}, the best "
                        f"validation score ({self.best_validation_score_:.6f})."
                    )
        if (
            not incremental
            and not stopped
            and self.divergence_epoch_ is None
            and self.n_iter_ == self.max_iter
        ):
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )

    def _rates(self, schedule, epoch, steps_per_epoch):
        """α of every batch of an epoch, checked (see `_epoch_rates`); a bad
        one of the running schedule names the policy it came from (its
        text, kept at the run's start; a policy's repr is made only for the
        message)."""
        policy = self.learning_rate
        if schedule is getattr(self, "schedule_", None):
            policy = getattr(self, "_run_policy", policy)
        return _epoch_rates(
            schedule, epoch, steps_per_epoch, name="learning_rate", policy=policy
        )

    def _track_improvement(self, epoch_loss, score):
        """Count the epoch as improving or not, as scikit-learn's MLP does.

        With a validation ``score`` (early stopping) the score must beat the
        best by ``tol``, else the training loss must fall ``tol`` below the
        best. Updates ``best_loss_``, ``best_validation_score_`` and the
        count of epochs without improvement; returns whether ``score`` is a
        new best, whose weights early stopping keeps.
        """
        if score is None:
            worse = epoch_loss > self.best_loss_ - self.tol
        else:
            worse = score < self.best_validation_score_ + self.tol
        self._no_improvement_count = self._no_improvement_count + 1 if worse else 0
        self.best_loss_ = min(self.best_loss_, epoch_loss)
        if score is None or not score > self.best_validation_score_:
            return False
        self.best_validation_score_ = score
        return True

    def _append_rates(self, rates):
        """Extend ``lr_history_`` in amortised constant time per rate.

        ``lr_history_`` is the filled part of a buffer with room to spare, so
        a long ``partial_fit`` stream does not copy the whole history on every
        call. Only the room beyond the current view is written, so arrays
        handed out earlier keep their values; copies of the estimator (which
        go through ``__getstate__``) leave the buffer behind and grow their
        own.
        """
        history = self.lr_history_
        n, k = history.shape[0], rates.shape[0]
        buffer = getattr(self, "_lr_buffer", None)
        if buffer is None or history.base is not buffer or n + k > buffer.shape[0]:
            buffer = np.empty(max(2 * (n + k), 64))
            buffer[:n] = history
            self._lr_buffer = buffer
        buffer[n : n + k] = rates
        self.lr_history_ = buffer[: n + k]

    #: what training changes in place: the optimizer and the running
    #: schedule, the random stream, the records it extends
    _MUTABLE_STATE = (
        "optimizer_",
        "schedule_",
        "_random_state",
        "loss_curve_",
        "validation_scores_",
        "_epoch_steps",
    )

    def __copy__(self):
        """A shallow copy whose training state is its own.

        Sharing every attribute, as a plain shallow copy does, would share
        the state training changes in place, so training either model (or
        keeping one as a snapshot, as scikit-learn's callbacks do) would
        change the other: that state is copied (see ``_MUTABLE_STATE``), and
        so are ``coefs_`` and ``intercepts_``, which a fit in progress (a
        callback's snapshot) updates in place. Arrays training replaces
        rather than changes, such as ``lr_history_``, are shared.
        """
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        # the spare room of lr_history_ and the restore point one call back
        # are written in place by their owner
        new.__dict__.pop("_lr_buffer", None)
        new.__dict__.pop("_previous_start", None)
        new.__dict__.pop("_spare_start", None)
        # one memo: a random_state given as a RandomState instance is the
        # stream training draws from (_random_state) and stays so in the copy
        memo = {}
        for name in (*self._MUTABLE_STATE, "random_state", "coefs_", "intercepts_"):
            if name in new.__dict__:
                new.__dict__[name] = copy.deepcopy(self.__dict__[name], memo)
        return new

    def __getstate__(self):
        # the spare room is not worth storing (a loaded model regrows it), and
        # a copy must not write into the buffer its original extends
        state = dict(super().__getstate__())  # a copy: never edit __dict__
        state.pop("_lr_buffer", None)
        # a restore point one epoch back, for divergence only: not worth a
        # second copy of the weights and optimizer state in every file
        state.pop("_previous_start", None)
        state.pop("_spare_start", None)  # room to copy into, not state
        # α of every step, 8 bytes a step (some megabytes after a long run
        # on a large data set): stored as runs of equal values where that is
        # smaller, as it is for a constant α or a scheduled drop; exact
        history = state.get("lr_history_")
        if history is not None and history.shape[0] > 1:
            values, counts = _run_lengths(history)
            if 2 * values.shape[0] < history.shape[0]:  # two numbers a run
                del state["lr_history_"]
                state["_lr_history_runs"] = (values, counts)
        # the version that saved the model, checked when it is loaded, as
        # scikit-learn records its own for its estimators
        state["_sklearn_lr_version"] = _package_version()
        return state

    def __setstate__(self, state):
        state = dict(state)
        runs = state.pop("_lr_history_runs", None)
        if runs is not None:
            state["lr_history_"] = np.repeat(*runs)
        saved = state.pop("_sklearn_lr_version", None)
        if saved is not None and saved != _package_version():
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=f"{type(self).__name__} of sklearn_lr",
                    current_sklearn_version=_package_version(),
                    original_sklearn_version=saved,
                ),
                stacklevel=2,
            )
        super().__setstate__(state)
        if "lr_history_" in state and "_epoch_steps" not in state:
            # saved before the steps of each epoch were recorded: spread them
            # evenly, which is exact for fit, whose epochs are all alike
            n_steps, n_epochs = len(self.lr_history_), self.n_iter_
            self._epoch_steps = [
                n_steps // n_epochs + (e < n_steps % n_epochs) for e in range(n_epochs)
            ]

    def _diverged(self, data_loss, theta, baseline):
        return not np.isfinite(theta).all() or self._exploded(data_loss, baseline)

    def _exploded(self, loss, baseline):
        return exploded(loss, self._initial_loss, baseline)

    def _loss_at(self, theta, shapes, X, Y, sample_weight, loss):
        """The weighted mean data loss of ``(X, Y)`` at the weights
        ``theta``, a few thousand rows at a time (for a rare check: it
        allocates)."""
        total = weight = 0.0
        for start in range(0, X.shape[0], 4096):
            rows = slice(start, start + 4096)
            w = sample_weight[rows]
            rows_weight = float(w.sum(dtype=np.float64))
            if not rows_weight > 0:
                continue
            rows_loss = _network.data_loss(
                theta,
                shapes,
                X[rows],
                Y[rows],
                w,
                self.activation,
                loss,
                self._huber_delta(),
            )
            total += rows_weight * rows_loss
            weight += rows_weight
        return total / weight

    def _last_step_diverged(self, theta, shapes, batch, loss, baseline, start):
        """Whether the weights after an epoch's last step exploded, judged by
        the first rows of its last batch, seen again; the loss for the
        message, or None.

        Every epoch is judged so: a few rows show an explosion as well as
        many, and cost less than the whole batch seen again; when those rows
        weigh nothing, the whole batch is used. Rows whose loss is that
        large already at the weights ``start`` the epoch began with (which
        its loss found sound) are far off the data's scale, not exploded.
        """
        X_batch, Y_batch, w_batch = batch
        rows = slice(0, _END_CHECK_ROWS)
        if not w_batch[rows].sum() > 0:
            rows = slice(None)
        X_rows, Y_rows, w_rows = X_batch[rows], Y_batch[rows], w_batch[rows]

        def rows_loss(weights):
            return _network.data_loss(
                weights,
                shapes,
                X_rows,
                Y_rows,
                w_rows,
                self.activation,
                loss,
                self._huber_delta(),
            )

        end_loss = rows_loss(theta)
        # a regression's rows are measured against their own targets too: a
        # few rows holding an outlier the model has not fitted yet make a
        # large loss that is no explosion (a log-loss's zero-output loss is
        # the same for every row); the weights were found finite with the
        # epoch's loss
        if _network.LOSSES[loss].real_targets:
            rows_baseline = _network.zero_output_loss(
                Y_rows, w_rows, loss, self._huber_delta()
            )
            baseline = max(baseline, rows_baseline)
        if not self._exploded(end_loss, baseline):
            return None
        if self._explained_by(end_loss, rows_loss(start), baseline):
            return None
        return f"loss {end_loss:.4g} after its last step"

    def _explained_by(self, loss, older, baseline):
        """Whether a batch's exploded ``loss`` is no explosion of the
        weights, its rows' loss ``older`` at older weights being that large
        too: rows far off the data's scale."""
        return bool(np.isfinite(older)) and not exploded(
            loss, max(self._initial_loss, older), baseline
        )

    def _warn_divergence(
        self,
        epoch,
        rates,
        loss,
        restored_epoch,
        *,
        targets_loss=None,
        exploded_start=False,
        previous_call=False,
        best_epoch=None,
    ):
        """Record the diverged epoch and warn (after its state is restored);
        `targets_loss`: the zero-output loss of regression targets far off
        unit scale, None for others; `exploded_start`: the restored state is
        itself the one that exploded (no older one is known);
        `previous_call`: the restored state is the start of the previous
        call's last epoch; `best_epoch`: the epoch whose weights early
        stopping returns instead."""
        self.divergence_epoch_ = epoch
        if not self._warns_divergence:
            return
        restored = (
            f"the weights from the start of epoch {restored_epoch + 1} were restored"
        )
        if exploded_start:
            restored += (
                ", but they had already exploded, or this call's data is on "
                "another scale, and no older state is known (there is none "
                "before a run's first epoch or the best weights early stopping "
                "returned, and a loaded or copied model keeps none from before "
                "its last call). Check the data and the learning rate, and refit"
            )
        elif previous_call:
            restored += (
                ", undoing the previous call's last epoch too: this call's "
                "first batch found the weights it left exploded. Lower the "
                "learning rate, or check that this call's data is on the scale "
                "of the earlier calls'"
            )
        else:
            restored += ". Lower the learning rate"
        if targets_loss is not None:
            restored += (
                f". The targets are far off unit scale (predicting 0 costs a "
                f"loss of {targets_loss:.3g}, about 0.5 for standardised "
                "ones), a common cause: scale them, e.g. with "
                "TransformedTargetRegressor(regressor, "
                "transformer=StandardScaler())"
            )
        if best_epoch is not None:
            restored += (
                ". With early_stopping, the weights returned are those of the "
                f"best validation score, from the end of epoch {best_epoch}"
            )
        warnings.warn(
            f"Training diverged in epoch {epoch} at learning rate "
            f"{max(rates):.4g} ({loss}); {restored}.",
            DivergenceWarning,
            stacklevel=caller_stacklevel(),
        )

    # ------------------------------------------------------------- validation

    @contextmanager
    def _restored_on_failure(self):
        """Put back what validation recorded if any check in the block fails.

        ``validate_data`` records ``n_features_in_`` and ``feature_names_in_``
        as it goes, and the validation split draws from a ``random_state``
        given as a RandomState instance; if a later check fails both are
        restored, so a failed call leaves a fitted model exactly as it was.
        """
        saved = {
            k: self.__dict__[k]
            for k in _ATTRIBUTES_TO_KEEP_ON_FAILURE
            if k in self.__dict__
        }
        order = list(self.__dict__)
        rng = self.random_state
        rng_state = rng.get_state() if isinstance(rng, np.random.RandomState) else None
        try:
            yield
        except BaseException:
            for key in _ATTRIBUTES_TO_KEEP_ON_FAILURE:
                self.__dict__.pop(key, None)
            self.__dict__.update(saved)
            # in their old order too, so that even a pickle is byte for byte
            # the same
            attributes = {
                key: self.__dict__.pop(key) for key in order if key in self.__dict__
            }
            attributes.update(self.__dict__)
            self.__dict__.clear()
            self.__dict__.update(attributes)
            if rng_state is not None:
                rng.set_state(rng_state)
            raise

    def _validate_training_data(
        self, X, y, sample_weight, *, reset, keeps_weights, classes, incremental
    ):
        """Validate the data of a training call; return it encoded.

        Call inside :meth:`_restored_on_failure`: ``validate_data`` with
        ``reset=True`` records the number and names of the features.
        ``keeps_weights``: the call trains the weights it finds (a fitted
        model's, or weights set by hand on an estimator never fitted, whose
        features are recorded now), in their precision.
        """
        dtype = self._training_dtype(keeps_weights)
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse="csr",
            dtype=dtype,
            # rows contiguous: a shuffled batch is gathered row by row, and
            # NumPy gathers from any other layout (a DataFrame's, a column
            # slice, a scaler's Fortran-ordered output) through a copy of all
            # of X, at every batch
            order="C",
            multi_output=True,
            y_numeric=False,
        )
        Y, target_state = self._encode_targets(
            y, reset=reset, classes=classes, dtype=X.dtype
        )
        if len(Y) != X.shape[0]:
            raise ValueError(f"y has {len(Y)} samples but X has {X.shape[0]}.")
        if Y.dtype != X.dtype:
            with np.errstate(over="ignore"):
                Y = Y.astype(X.dtype)
            if not np.isfinite(Y).all():  # finite in float64, beyond float32
                raise ValueError(
                    f"Input y contains infinity or a value too large for {X.dtype!r}."
                )
        Y = np.ascontiguousarray(Y)
        sample_weight = training_weights(sample_weight, X)
        if reset and not incremental:
            self._check_weighted_targets(Y, sample_weight, target_state)
        return X, y, Y, sample_weight, target_state

    def _training_dtype(self, keeps_weights):
        """float32 data trains in float32; weights kept keep their dtype."""
        if keeps_weights:
            return self._model_dtype()
        return [np.float64, np.float32]

    def _model_dtype(self):
        """The precision of a fitted model: float32 when ``coefs_[0]`` is
        float32, else float64 (weights set by hand as integers, float16 or
        longdouble compute in float64)."""
        if np.asarray(self.coefs_[0]).dtype == np.float32:
            return np.float32
        return np.float64

    def _effective_batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        # a plain int: a numpy unsigned one would overflow in the batch count
        return min(int(self.batch_size), n_samples)

    def _huber_delta(self):
        return 1.0

    # ------------------------------------------------------------- prediction

    def __sklearn_is_fitted__(self):
        """Fitted once a training call has run. Weights set by hand on an
        estimator never fitted are where ``fit`` (with ``warm_start``) or
        ``partial_fit`` starts, not yet a model: the encoding of the targets
        and the output layer come from training."""
        return hasattr(self, "coefs_") and hasattr(self, "n_features_in_")

    def _validate_X(self, X):
        """Validate X for prediction and cast it to the weights' dtype."""
        check_is_fitted(self)
        # cast before the finiteness check: a float64 value beyond the float32
        # range is rejected for a float32 model instead of becoming inf
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            reset=False,
            dtype=self._model_dtype(),
        )

    def _layers(self):
        """``coefs_`` and ``intercepts_`` in the model's precision.

        Views of the fitted weights, not copies: prediction reads them as
        they are (only weights a user set by hand in another dtype are cast).
        """
        dtype = self._model_dtype()
        coefs = [np.asarray(c, dtype=dtype) for c in self.coefs_]
        intercepts = [np.asarray(b, dtype=dtype) for b in self.intercepts_]
        return coefs, intercepts

    def _logits(self, X):
        """Output-layer pre-activations for validated X."""
        return _network.logits(*self._layers(), X, self.activation)

    def _output(self, X):
        """Network output (probabilities or values) for validated X."""
        return _network.forward(
            *self._layers(), X, self.activation, self.out_activation_
        )

    def _score(self, X, y, sample_weight):
        if not sample_weight.sum() > 0:
            sample_weight = None  # a held-out set of zero-weight samples
        predicted = self._predict_validated(X)
        if predicted.dtype.kind == "f" and not np.isfinite(predicted).all():
            # weights that exploded (restored from a state that had) score
            # worst, rather than making the metric refuse them
            return -np.inf
        return self._metric(y, predicted, sample_weight)

    def predict(self, X: ArrayLike | sp.spmatrix) -> np.ndarray:
        """Predict with the trained network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted labels (classifier) or values (regressor).
        """
        return self._predict_validated(self._validate_X(X))

    def _sk_visual_block_(self):
        """HTML repr: a policy object is a nested, expandable estimator block.

        scikit-learn only nests parameters that have ``fit``; policies don't,
        so they are named here, as meta-estimators name their estimators.
        scikit-learn falls back to the plain block if this raises.
        """
        try:
            from sklearn.utils._repr_html.estimator import _VisualBlock
        except ImportError:  # scikit-learn < 1.7
            from sklearn.utils._estimator_html_repr import _VisualBlock
        policy = self.learning_rate
        if not hasattr(policy, "get_params") or isinstance(policy, type):
            return _VisualBlock(
                "single", self, names=type(self).__name__, name_details=str(self)
            )
        return _VisualBlock(
            "parallel",
            [policy],
            names=[f"learning_rate: {type(policy).__name__}"],
            name_details=[str(policy)],
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

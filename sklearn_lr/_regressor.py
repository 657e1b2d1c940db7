"""SGDNetRegressor."""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array

from ._base import BaseSGDNet
from ._docstrings import (
    PARTIAL_FIT_SUMMARY,
    SAMPLE_WEIGHT_PARAMETER,
    SHARED_ATTRIBUTES,
    SHARED_PARAMETERS,
    fill_doc,
)
from ._policies.base import _FloatInterval


class SGDNetRegressor(RegressorMixin, BaseSGDNet):
    __doc__ = f"""Multilayer perceptron regressor trained by mini-batch SGD.

The learning rate is a pluggable policy (see :mod:`sklearn_lr.schedules`).
The output layer is linear; the loss is half the mean squared error or the
Huber loss, averaged over samples and outputs.

Parameters
----------
{SHARED_PARAMETERS}
loss : {{"squared_error", "huber"}}, default="squared_error"
    ``"squared_error"`` is ½·mean((y − ŷ)²); ``"huber"`` is quadratic
    (½·r²) for residuals up to ``huber_delta`` and linear beyond.

huber_delta : float > 0, default=1.0
    Threshold of the Huber loss.

Attributes
----------
{SHARED_ATTRIBUTES}
See Also
--------
SGDNetClassifier : The same network for classification.
sklearn_lr.schedules : Learning-rate policies.

Examples
--------
>>> from sklearn.datasets import load_diabetes
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sklearn_lr import SGDNetRegressor
>>> X, y = load_diabetes(return_X_y=True)
>>> reg = make_pipeline(
...     StandardScaler(),
...     SGDNetRegressor((32,), learning_rate=0.01, max_iter=50, random_state=0),
... ).fit(X, (y - y.mean()) / y.std())
>>> reg.score(X, (y - y.mean()) / y.std()) > 0.4
True
"""

    _parameter_constraints: dict = {
        **BaseSGDNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "huber"})],
        "huber_delta": [_FloatInterval(Real, 0, None, closed="neither")],
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
        loss="squared_error",
        huber_delta=1.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            learning_rate=learning_rate,
            optimizer=optimizer,
            momentum=momentum,
            nesterov=nesterov,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            l2=l2,
            batch_size=batch_size,
            max_iter=max_iter,
            shuffle=shuffle,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
        )
        self.loss = loss
        self.huber_delta = huber_delta

    @fill_doc(summary=PARTIAL_FIT_SUMMARY, sample_weight=SAMPLE_WEIGHT_PARAMETER)
    def partial_fit(
        self,
        X: ArrayLike | sp.spmatrix,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> SGDNetRegressor:
        """{summary}

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        {sample_weight}

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight)

    # ------------------------------------------------------------------ hooks

    def _encode_targets(self, y, *, reset, classes=None, dtype=np.float64):
        # float64 whatever the dtype: the caller casts, and checks that the
        # values fit it
        if (
            isinstance(y, np.ndarray)
            and y.dtype.kind in "biuf"
            and y.dtype.itemsize <= 8
            and y.ndim <= 2
        ):
            # validate_data has checked numeric y (finite, at most 2-D);
            # float64 holds these dtypes' values exactly or to rounding,
            # so the conversion is all that is left (checking y again cost
            # a small partial_fit call a tenth of its time)
            Y = y.astype(np.float64, copy=False)
        else:  # strings, objects, longdouble: converted with their checks
            Y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if not reset and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the fitted model has "
                f"{self.n_outputs_}."
            )
        return Y, {}

    def _loss_name(self, target_state):
        return self.loss

    def _huber_delta(self):
        # the threshold of the loss in use; squared error has none
        return self.huber_delta if self.loss == "huber" else 1.0

    def _split_stratify(self, y):
        return None

    def _predict_validated(self, X):
        y_pred = self._output(X)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def _metric(self, y, y_pred, sample_weight):
        return r2_score(y, y_pred, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

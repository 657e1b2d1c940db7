"""Fixtures shared by several test modules."""

import functools
import inspect

import pytest

import sklearn_lr._checks


@pytest.fixture
def lenient_sample_weight_check(monkeypatch):
    """scikit-learn's sample-weight check as before 1.7: all zeros pass.

    The package must refuse all-zero weights itself, whichever scikit-learn
    it runs on; this makes the newer releases behave like the older ones.
    """
    check = sklearn_lr._checks._check_sample_weight
    if "allow_all_zero_weights" in inspect.signature(check).parameters:
        lenient = functools.partial(check, allow_all_zero_weights=True)
        monkeypatch.setattr(sklearn_lr._checks, "_check_sample_weight", lenient)

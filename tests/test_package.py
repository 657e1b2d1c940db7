"""The installed package: version, PEP 561 marker, type hints and docstrings
of the public API."""

import importlib.metadata
import importlib.resources
import inspect

import pytest
from numpydoc.validate import validate

import sklearn_lr
import sklearn_lr.optimizers
import sklearn_lr.plotting
import sklearn_lr.range_test
import sklearn_lr.schedules

PUBLIC_MODULES = [
    sklearn_lr,
    sklearn_lr.optimizers,
    sklearn_lr.plotting,
    sklearn_lr.range_test,
    sklearn_lr.schedules,
]


def test_version_is_the_installed_distribution_version():
    assert sklearn_lr.__version__ == importlib.metadata.version("sklearn_lr")


def test_type_hints_ship_with_the_package():
    # in CI the package is installed from a wheel, so this checks the build
    assert importlib.resources.files("sklearn_lr").joinpath("py.typed").is_file()


def _public_functions():
    """Every function and method of the public API that the package defines."""
    seen = set()
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                candidates = [(name, obj)]
            elif inspect.isclass(obj):
                candidates = [
                    (f"{name}.{attr}", member)
                    for attr, member in vars(obj).items()
                    if not attr.startswith("_")
                ]
                # inherited from the package's own bases (fit, predict, ...)
                candidates += [
                    (f"{name}.{attr}", member)
                    for base in obj.__mro__[1:]
                    if base.__module__.startswith("sklearn_lr")
                    for attr, member in vars(base).items()
                    if not attr.startswith("_")
                ]
            else:
                continue
            for qualname, member in candidates:
                function = getattr(member, "fget", member)  # properties
                if isinstance(function, classmethod | staticmethod):
                    function = function.__func__
                if inspect.isfunction(function) and function not in seen:
                    seen.add(function)
                    yield qualname, function


PUBLIC_FUNCTIONS = dict(_public_functions())


def test_the_public_api_is_found():
    for name in [
        "SGDNetClassifier.partial_fit",
        "SGDNetClassifier.fit",
        "SGDNetClassifier.predict_proba",
        "lr_range_test",
        "trace",
        "LearningRateDisplay.from_estimator",
        "SGD.step",
        "make_optimizer",
        "Warmup.set_params",
    ]:
        assert any(key.endswith(name) for key in PUBLIC_FUNCTIONS), name


@pytest.mark.parametrize("name", sorted(PUBLIC_FUNCTIONS))
def test_public_functions_have_type_hints(name):
    signature = inspect.signature(PUBLIC_FUNCTIONS[name])
    missing = [
        parameter.name
        for parameter in signature.parameters.values()
        if parameter.name not in ("self", "cls")
        and parameter.annotation is inspect.Parameter.empty
    ]
    assert not missing, f"{name}: parameters without a type hint: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty, name


def _public_names():
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
    for name, function in PUBLIC_FUNCTIONS.items():
        module = next(m for m in PUBLIC_MODULES if name.split(".")[0] in m.__all__)
        yield f"{module.__name__}.{name}", function


# numpydoc's checks that a reader of the API reference would notice: no
# docstring, a parameter missing or unknown, no Returns section
DOCSTRING_CHECKS = {"GL08", "PR01", "PR02", "RT01"}


PUBLIC_NAMES = dict(_public_names())


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES))
def test_public_docstrings_document_parameters_and_returns(name):
    errors = [
        (code, text)
        for code, text in validate(name)["errors"]
        if code in DOCSTRING_CHECKS
    ]
    assert not errors, errors

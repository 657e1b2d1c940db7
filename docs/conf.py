"""Sphinx configuration of the sklearn_lr documentation.

Build from the repository root with warnings as errors::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build imports ``sklearn_lr``, runs the gallery scripts of ``examples/``
(sphinx-gallery) and draws the pictures of the user guide (matplotlib's plot
directive). Everything it needs is in this repository: nothing is fetched
over the network while building. (The pages load MathJax in the reader's
browser to typeset the formulas.)
"""

from sphinx_gallery.sorting import ExplicitOrder

import sklearn_lr

project = "sklearn_lr"
author = "The sklearn_lr developers"
copyright = "The sklearn_lr developers"
version = release = sklearn_lr.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
html_static_path = ["_static"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
# `text` in reStructuredText is code, as in the docstrings' parameter names
default_role = "literal"

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_lr {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_sidebars = {"index": []}
html_show_sourcelink = False

# -- API reference: autodoc, autosummary, numpydoc ----------------------------

autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc sections state the types
numpydoc_show_class_members = False  # autodoc lists the members
numpydoc_class_members_toctree = False


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document only what sklearn_lr defines.

    Methods inherited unchanged from scikit-learn (``get_params``, ``score``,
    ``set_fit_request``, ...) are scikit-learn's and documented there; their
    docstrings link to labels of scikit-learn's own documentation.
    """
    if what != "class":
        return skip
    defined = getattr(obj, "fget", obj)  # a property: its getter
    module = getattr(defined, "__module__", None) or ""
    if not module.startswith("sklearn_lr"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)


# -- Gallery: sphinx-gallery ----------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # from the policies themselves to the tools around them
    "within_subsection_order": ExplicitOrder(
        [
            "plot_policy_curves.py",
            "plot_policies_vs_constant.py",
            "plot_range_test.py",
            "plot_grid_search.py",
            "plot_optimizers.py",
            "plot_partial_fit_stream.py",
            "*",
        ]
    ),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
}

# -- Pictures of the user guide: matplotlib's plot directive -------------------

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6.4, 2.6), "figure.constrained_layout.use": True}
plot_pre_code = """
import numpy as np
import matplotlib.pyplot as plt
from sklearn_lr.plotting import LearningRateDisplay
from sklearn_lr.schedules import (
    BoldDriver, Constant, CosineAnnealing, CosineWarmRestarts, Cyclic,
    ExponentialDecay, InverseTimeDecay, MultiStepDecay, OneCycle,
    PolynomialDecay, ReduceOnPlateau, Sequential, StepDecay, Warmup,
)
"""

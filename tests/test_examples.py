"""The gallery scripts and the notebook run from start to end, cleanly.

Each ``examples/plot_*.py`` runs in a fresh interpreter, with matplotlib's
non-interactive Agg backend and a temporary working directory, and every
warning but scikit-learn's ``ConvergenceWarning`` (which short example runs
may raise) turned into an error. ``examples/notebooks/*.ipynb`` run in a
Jupyter kernel of this interpreter; their outputs must be cleared in the
repository, and no cell may fail or show a warning other than a
``ConvergenceWarning``. The examples assert nothing themselves: running
without an error or a stray warning is what is tested here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))
NOTEBOOKS = sorted((EXAMPLES / "notebooks").glob("*.ipynb"))

# Runs one script as __main__ with every warning an error, except
# ConvergenceWarning (DivergenceWarning is one too).
RUNNER = """
import runpy, sys, warnings
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter("error")
warnings.filterwarnings("ignore", category=ConvergenceWarning)
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def test_examples_are_found():
    assert len(SCRIPTS) >= 6
    assert NOTEBOOKS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_example_runs_cleanly(script, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # a warning would have been an error: stderr holds at most log messages,
    # such as matplotlib's note when it builds its font cache on first use
    assert result.returncode == 0, result.stderr
    assert result.stdout  # every example reports something
    assert list(tmp_path.iterdir()) == []  # and writes nothing to disk


def _warning_categories(text):
    """Categories of the warnings shown in `text`, as ``warnings`` formats them."""
    return re.findall(r"^\S.*:\d+: (\w+): ", text, flags=re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_cleanly(path, tmp_path, monkeypatch):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], "clear the notebook's outputs"
            assert cell.execution_count is None, "clear the notebook's outputs"

    # A kernel of this very interpreter, whatever kernels the machine has.
    kernels = tmp_path / "jupyter"
    write_kernel_spec(kernels / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(kernels))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend
    workdir = tmp_path / "work"
    workdir.mkdir()

    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                shown = set(_warning_categories(output.text))
                allowed = {"ConvergenceWarning", "DivergenceWarning"}
                assert shown <= allowed, output.text
    assert list(workdir.iterdir()) == []

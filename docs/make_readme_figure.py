"""Draw docs/_static/policy_comparison.png, the figure the README shows.

It is the figure of the gallery example "Policies against a constant α on
digits" (examples/plot_policies_vs_constant.py): this script runs the example
and saves its figure. From the repository root::

    python docs/make_readme_figure.py
"""

import runpy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS.parent / "examples" / "plot_policies_vs_constant.py"
OUTPUT = DOCS / "_static" / "policy_comparison.png"


def main():
    namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    figure = namespace["fig"]
    figure.savefig(OUTPUT, dpi=100)
    plt.close("all")
    size = OUTPUT.stat().st_size // 1024
    print(f"wrote {OUTPUT.relative_to(DOCS.parent)} ({size} KB)")


if __name__ == "__main__":
    main()

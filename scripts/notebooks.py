"""Notebooks are committed without outputs: the executed copies are build products (artifacts/,
the site). `check` fails on any output or execution count; `strip` removes them in place.

Usage: .venv/bin/python scripts/notebooks.py check|strip NOTEBOOK.ipynb ...
"""

import sys

import nbformat


def dirty_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("check", "strip"):
        sys.exit("usage: notebooks.py check|strip NOTEBOOK.ipynb ...")
    action, paths, bad = sys.argv[1], sys.argv[2:], []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cells = dirty_cells(nb)
        if not cells:
            continue
        if action == "strip":
            for c in nb.cells:
                if c.cell_type == "code":
                    c.outputs, c.execution_count = [], None
            nbformat.write(nb, path)
            print(f"stripped {path}")
        else:
            bad.append(f"{path}: cells {cells} have outputs")
    if bad:
        sys.exit("notebooks must be committed without outputs "
                 "(run: .venv/bin/python scripts/notebooks.py strip notebooks/*.ipynb)\n" + "\n".join(bad))


if __name__ == "__main__":
    main()

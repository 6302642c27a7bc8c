"""Execute a notebook headlessly with nbclient and the project's tslab kernel.

Usage: .venv/bin/python scripts/execute_notebook.py NOTEBOOK.ipynb [--out OUT.ipynb] [--timeout S]

Writes the executed notebook to OUT (default: beside the input under artifacts/notebooks/) and
prints one JSON line summarising it: cells run, error outputs, stderr text and, per output, the
MIME types produced (Plotly figures counted with how many traces carry data). Exit status 1 when a
cell raised, so callers can show the summary either way.
"""

import argparse
import json
import os
import sys

import nbclient
import nbformat

PLOTLY = "application/vnd.plotly.v1+json"


def summarise(nb):
    errors, stderr, figures, mimes = [], [], [], set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                errors.append({"cell": index, "ename": out.get("ename"), "evalue": out.get("evalue")})
            elif kind == "stream" and out.get("name") == "stderr":
                stderr.append({"cell": index, "text": out.get("text", "")})
            data = out.get("data", {})
            mimes.update(data.keys())
            fig = data.get(PLOTLY)
            if fig is not None:
                traces = fig.get("data", []) if isinstance(fig, dict) else []
                with_data = sum(
                    1 for t in traces
                    if any(isinstance(t.get(k), list) and len(t.get(k)) > 0 for k in ("x", "y", "z", "values", "cells"))
                    or isinstance(t.get("cells"), dict) or isinstance(t.get("header"), dict)
                )
                figures.append({"cell": index, "traces": len(traces), "tracesWithData": with_data,
                                "title": (fig.get("layout", {}).get("title") or {}).get("text")
                                if isinstance(fig.get("layout", {}).get("title"), dict)
                                else fig.get("layout", {}).get("title")})
    return {"errors": errors, "stderr": stderr, "figures": figures, "mimeTypes": sorted(mimes),
            "codeCells": sum(1 for c in nb.cells if c.cell_type == "code")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--out")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    nb = nbformat.read(args.notebook, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="tslab", timeout=args.timeout, allow_errors=False,
        resources={"metadata": {"path": root}},
    )
    failed = None
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        failed = str(error)
    out = args.out or os.path.join(root, "artifacts", "notebooks", os.path.basename(args.notebook))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, out)
    summary = summarise(nb)
    summary["executed"] = out
    summary["failed"] = failed[-4000:] if failed else None
    print(json.dumps(summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

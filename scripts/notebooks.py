"""Notebooks are committed without outputs: the executed copies are build products (artifacts/,
the site), and a notebook a reader runs in JupyterLab keeps its outputs only in the working tree.

- `check`: fails when a notebook's committed form has outputs, execution counts or run metadata.
  Inside a git clone whose clean filter is installed (see `install-filter`), the committed form is
  the staged blob (git strips the working file when it stages it); elsewhere, the file itself.
- `strip`: removes them in place.
- `clean`: reads a notebook on stdin and writes its stripped form on stdout (git's clean filter).
- `install-filter`: configures the clean filter `normlab-notebook` in this clone's .git/config
  (`.gitattributes` assigns it to `notebooks/*.ipynb`); scripts/setup.sh runs it.

The stripped form: no outputs, no execution counts, no per-run cell metadata (`execution`,
`collapsed`, `scrolled`), and the kernel's `language_info` reduced to its name and file extension;
written the way nbformat writes it, so a clean notebook passes through unchanged.

Usage: .venv/bin/python scripts/notebooks.py check|strip NOTEBOOK.ipynb ... | clean | install-filter
"""

import json
import os
import subprocess
import sys

FILTER = "normlab-notebook"
RUN_METADATA = ("execution", "collapsed", "scrolled")
LANGUAGE_INFO_KEPT = ("file_extension", "name")


def stripped(nb):
    """The notebook (parsed JSON) without what running it adds."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        meta = cell.get("metadata", {})
        for key in RUN_METADATA:
            meta.pop(key, None)
    info = nb.get("metadata", {}).get("language_info")
    if isinstance(info, dict):
        nb["metadata"]["language_info"] = {k: info[k] for k in LANGUAGE_INFO_KEPT if k in info}
    return nb


def dumps(nb):
    """JSON as nbformat writes notebooks (sorted keys, indent 1, UTF-8, final newline)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def is_clean(text):
    return dumps(stripped(json.loads(text))) == dumps(json.loads(text))


def git(*args, path="."):
    result = subprocess.run(["git", *args], cwd=path, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def committed_form(path):
    """The staged blob when git's clean filter is in charge of this file, else the file's text."""
    folder, name = os.path.split(os.path.abspath(path))
    filtered = (git("check-attr", "filter", "--", name, path=folder) or "").strip().endswith(f": {FILTER}")
    installed = git("config", "--get", f"filter.{FILTER}.clean", path=folder)
    if filtered and installed:
        staged = git("show", f":./{name}", path=folder)
        if staged is not None:
            return staged
    with open(path, encoding="utf-8") as f:
        return f.read()


def install_filter():
    root = (git("rev-parse", "--show-toplevel") or "").strip()
    if not root:
        sys.exit("install-filter: not inside a git clone")
    # Git runs filters from the top of the work tree: the clone's own .venv, by a relative path, so
    # that every work tree sharing this config uses its own environment and script.
    venv_python = os.path.join(".venv", "bin", "python")
    python = venv_python if os.path.exists(os.path.join(root, venv_python)) else sys.executable
    command = f"{python} scripts/notebooks.py clean"
    if (git("config", "--get", f"filter.{FILTER}.clean", path=root) or "").strip() == command:
        print(f"git filter '{FILTER}' already installed")
        return
    git("config", f"filter.{FILTER}.clean", command, path=root)
    git("config", f"filter.{FILTER}.smudge", "cat", path=root)
    print(f"git filter '{FILTER}' installed in {root}/.git/config (clean: {command})")


def main():
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "clean":
        sys.stdout.write(dumps(stripped(json.loads(sys.stdin.read()))))
        return
    if action == "install-filter":
        install_filter()
        return
    if action not in ("check", "strip") or len(sys.argv) < 3:
        sys.exit("usage: notebooks.py check|strip NOTEBOOK.ipynb ... | clean | install-filter")
    bad = []
    for path in sys.argv[2:]:
        if action == "strip":
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if not is_clean(text):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(dumps(stripped(json.loads(text))))
                print(f"stripped {path}")
        elif not is_clean(committed_form(path)):
            bad.append(f"{path}: has outputs, execution counts or run metadata")
    if bad:
        sys.exit("notebooks must be committed without outputs "
                 "(run: .venv/bin/python scripts/notebooks.py strip notebooks/*.ipynb, "
                 "or npm run setup to install the git filter that strips them on commit)\n" + "\n".join(bad))


if __name__ == "__main__":
    main()

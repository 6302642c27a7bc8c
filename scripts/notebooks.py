"""Notebooks are committed without outputs: the executed copies are build products (artifacts/,
the site), and a notebook a reader runs in JupyterLab keeps its outputs only in the working tree.

The stripping is nbstripout's (pinned in requirements.txt), run by git as the clean filter that
`.gitattributes` assigns to `notebooks/*.ipynb`, with the options in `NBSTRIPOUT` below. This file
does the two jobs nbstripout's own commands do not do the way the project needs:

- `install-filter` (scripts/setup.sh runs it): configures the filter in this clone's .git/config
  with the clone's own `.venv` by a relative path. `nbstripout --install` writes an absolute Python
  path (wrong in every other work tree that shares the config) and a `*.ipynb` attribute for the
  whole tree, without the project's options.
- `check` (npm run check): fails when a notebook's committed form is not what nbstripout makes of
  it. `nbstripout --verify` reads the files in the working tree, where a notebook a reader ran
  keeps its outputs; inside a clone with the filter installed the committed form is the staged
  blob, so that is what is checked (elsewhere, the file itself).
- `strip`: nbstripout with the project's options, in place.

Usage: .venv/bin/python scripts/notebooks.py check|strip NOTEBOOK.ipynb ... | install-filter
"""

import difflib
import os
import shlex
import subprocess
import sys

FILTER = "nbstripout"
# --keep-id: the cells' ids are part of the committed notebook (nbstripout would renumber them).
# --extra-keys: of the kernel's language_info, only its name and file extension are kept; the rest
# is what the kernel that last ran the notebook reports (tslab's version, mimetype, editor mode).
# nbstripout's defaults already drop outputs, execution counts and the run metadata of cells
# (`execution`, `collapsed`, `scrolled`, ...).
NBSTRIPOUT = [
    "--keep-id",
    "--extra-keys",
    " ".join(
        f"metadata.language_info.{key}"
        for key in ("version", "mimetype", "codemirror_mode", "pygments_lexer", "nbconvert_exporter")
    ),
]
OLD_FILTER = "normlab-notebook"  # the hand-written filter this replaces; install-filter removes it


def git(*args, path="."):
    result = subprocess.run(["git", *args], cwd=path, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def stripped(text):
    """What the clean filter makes of a notebook's text."""
    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", *NBSTRIPOUT],
        input=text.encode("utf-8"),
        capture_output=True,
    )
    if result.returncode != 0:
        why = result.stderr.decode("utf-8", "replace").strip().splitlines()
        hint = " (npm run setup installs it into .venv)" if "No module named nbstripout" in "".join(why) else ""
        raise SystemExit(f"nbstripout failed{hint}: {why[-1] if why else result.returncode}")
    return result.stdout.decode("utf-8")


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
    # that every work tree sharing this config uses its own environment.
    venv_python = os.path.join(".venv", "bin", "python")
    python = venv_python if os.path.exists(os.path.join(root, venv_python)) else sys.executable
    command = shlex.join([python, "-m", "nbstripout", *NBSTRIPOUT])
    if git("config", "--get-regexp", f"^filter\\.{OLD_FILTER}\\.", path=root):
        git("config", "--remove-section", f"filter.{OLD_FILTER}", path=root)
    if (git("config", "--get", f"filter.{FILTER}.clean", path=root) or "").strip() == command:
        print(f"git filter '{FILTER}' already installed")
        return
    git("config", f"filter.{FILTER}.clean", command, path=root)
    git("config", f"filter.{FILTER}.smudge", "cat", path=root)
    print(f"git filter '{FILTER}' installed in {root}/.git/config (clean: {command})")


def first_difference(text, clean):
    """The first lines where a notebook differs from its stripped form, as a short diff."""
    diff = difflib.unified_diff(text.splitlines(), clean.splitlines(), "committed", "stripped", n=0, lineterm="")
    lines = [line for line in diff if not line.startswith(("---", "+++"))]
    return "\n".join(f"    {line[:100]}" for line in lines[:6])


def main():
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "install-filter":
        install_filter()
        return
    if action not in ("check", "strip") or len(sys.argv) < 3:
        sys.exit("usage: notebooks.py check|strip NOTEBOOK.ipynb ... | install-filter")
    if action == "strip":
        subprocess.run([sys.executable, "-m", "nbstripout", *NBSTRIPOUT, *sys.argv[2:]], check=True)
        return
    bad = []
    for path in sys.argv[2:]:
        text = committed_form(path)
        clean = stripped(text)
        if clean != text:
            why = "has outputs, execution counts, run metadata or cells without an id"
            bad.append(f"{path}: {why}\n{first_difference(text, clean)}")
    if bad:
        sys.exit("notebooks must be committed without outputs "
                 "(run: .venv/bin/python scripts/notebooks.py strip notebooks/*.ipynb, "
                 "or npm run setup to install the git filter that strips them on commit)\n" + "\n".join(bad))


if __name__ == "__main__":
    main()

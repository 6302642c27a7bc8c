#!/usr/bin/env bash
# The tslab kernel's command (registered in .venv by scripts/setup/python-env.sh).
# tslab compiles cells with the kernel's working directory as TypeScript's rootDir and cannot
# import .ts files outside it, so every notebook kernel starts in the project root: notebooks
# import the library as './lib' and read files relative to the root, wherever the notebook lives.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1
exec "$root/node_modules/.bin/tslab" "$@"

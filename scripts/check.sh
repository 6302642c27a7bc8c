#!/usr/bin/env bash
# npm run check: types (project TypeScript, and tslab's own compiler on lib/), lint + format
# (Biome), and notebooks committed without outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[check] types: tsc --noEmit"
npx tsc --noEmit -p tsconfig.json
echo "[check] types as tslab compiles them (TypeScript $(node -p "require('@tslab/typescript-for-tslab/package.json').version"))"
node node_modules/@tslab/typescript-for-tslab/bin/tsc -p tsconfig.tslab.json
echo "[check] lint and format: biome check"
npx biome check .
echo "[check] notebooks are committed without outputs"
.venv/bin/python scripts/notebooks.py check notebooks/*.ipynb
echo "[check] all good"

#!/usr/bin/env bash
# The project's tests, as CI runs them: install what is needed (OpenBLAS, the default model),
# build, run the Swift test suite, then drive the real server with the official `openai` Python
# client (installed into .build/venv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
bash scripts/client-tests.sh

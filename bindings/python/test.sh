#!/usr/bin/env bash
# Builds the Python binding into a venv (target/venv-python) and checks it:
# pytest (every conformance case through Client and AsyncClient, plus the
# Python-specific tests), mypy --strict on the examples and tests, and the example.
#
#   bash bindings/python/test.sh [extra pytest arguments]
#
# Needs Python >= 3.9 with pip, and Rust. The build is a debug build in the
# workspace's target/ directory, so reruns are incremental.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$ROOT/target/venv-python"
PY="$VENV/bin/python"
REQUIREMENTS="bindings/python/requirements-dev.txt"

if [ ! -x "$PY" ]; then
    echo "==> creating $VENV"
    mkdir -p "$ROOT/target"
    PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian's python3 lacks ensurepip without python3-venv: fall back to virtualenv.
        rm -rf "$VENV"
        "$PYTHON" -m pip install --quiet --user virtualenv
        "$PYTHON" -m virtualenv --quiet "$VENV"
    fi
fi

# Install the pinned tools only when the pins changed.
STAMP="$VENV/.requirements-installed"
if ! cmp -s "$REQUIREMENTS" "$STAMP"; then
    echo "==> installing $(tr '\n' ' ' < "$REQUIREMENTS")"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$STAMP"
fi

echo "==> building and installing truto_ticketing (maturin develop)"
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
    "$VENV/bin/maturin" develop --manifest-path bindings/python/Cargo.toml

echo "==> pytest"
"$PY" -m pytest bindings/python/tests "$@"

echo "==> mypy --strict (the examples, the tests, and the package with its stubs)"
MYPY=("$PY" -m mypy --strict --config-file bindings/python/pyproject.toml)
"${MYPY[@]}" examples/python bindings/python/tests
"${MYPY[@]}" -p truto_ticketing

echo "==> examples/python/create_user.py"
env -u TRUTO_API_TOKEN "$PY" examples/python/create_user.py

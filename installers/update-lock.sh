#!/usr/bin/env bash
# Regenerate installers/requirements.lock: every package soloit, its tests and its installers use, pinned with the
# SHA-256 of every file PyPI has for that version, for Linux and Windows alike (one "universal" resolution, environment
# markers kept). uv is a maintainer tool only: it is installed into a throw-away venv here and not needed to install.
#
#   installers/update-lock.sh                               keep today's pins where pyproject.toml still allows them
#   installers/update-lock.sh --upgrade                     newest versions pyproject.toml allows
#   installers/update-lock.sh --upgrade-package openpyxl    just that package
#
# Then: bash .ci/setup && .venv/bin/python -m pytest, installers/build-linux.sh, installers/build-windows.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION="0.13.9"
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
# The Windows build runs on CPython 3.13 and the tests on 3.11: --python-version 3.11 is the lowest version resolved for,
# --universal keeps every platform's and version's dependencies with their markers.
"$tool/venv/bin/uv" pip compile pyproject.toml --extra test --extra build \
    --universal --generate-hashes --python-version 3.11 \
    --custom-compile-command "installers/update-lock.sh" \
    -o installers/requirements.lock "$@"
# What the Windows installer will carry (from the lock, markers evaluated for Windows / CPython 3.13):
python3 installers/lock_for_target.py --target win_amd64-cp313 --pins installers/requirements.lock | sed 's/^/  windows: /'

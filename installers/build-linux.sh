#!/usr/bin/env bash
# Build the Linux onedir bundle of soloit with the project's venv and run its offscreen self-test.
#   installers/build-linux.sh            -> build/linux/dist/soloit/{soloit,soloit-cli}
#   installers/build-linux.sh --tar      -> also dist/soloit-linux-VERSION.tar.gz
# Environment: REPO (default: parent of this folder), VENV (default: $REPO/.venv).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${REPO:-$HERE/..}" && pwd)"
VENV="${VENV:-$REPO/.venv}"
PY="$VENV/bin/python"
OUT="$REPO/build/linux"
MAKE_TAR=0
[[ "${1:-}" == "--tar" ]] && MAKE_TAR=1

die() { echo "build-linux: ERROR: $*" >&2; exit 1; }

[[ -x "$PY" ]] || die "no venv at $VENV (python -m venv .venv && .venv/bin/pip install -e .)"
"$PY" -c 'import soloit.cli' 2>/dev/null || die "soloit is not installed in $VENV (run: $PY -m pip install -e $REPO)"
if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
    echo "build-linux: installing pyinstaller into $VENV"
    "$PY" -m pip install --quiet "pyinstaller>=6.10"
fi
VERSION="$("$PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")"
echo "build-linux: soloit $VERSION, $("$PY" -m PyInstaller --version | sed 's/^/PyInstaller /')"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" "$HERE/soloit.spec"
build_s=$(( $(date +%s) - start ))

BUNDLE="$OUT/dist/soloit"
for f in soloit soloit-cli _internal/PySide6/Qt/plugins/platforms/libqoffscreen.so \
         _internal/PySide6/Qt/plugins/platforms/libqxcb.so _internal/PySide6/Qt/translations/qtbase_ja.qm \
         _internal/resources _internal/soloit/store/migrations; do
    [[ -e "$BUNDLE/$f" ]] || die "bundle is missing $f"
done

# self-test with a throw-away data folder (platformdirs honours XDG_DATA_HOME), so no real data is touched
TESTHOME="$(mktemp -d)"
trap 'rm -rf "$TESTHOME"' EXIT
TESTENV=(QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$TESTHOME/data" XDG_CONFIG_HOME="$TESTHOME/config"
         XDG_CACHE_HOME="$TESTHOME/cache" XDG_STATE_HOME="$TESTHOME/state")
got="$(env "${TESTENV[@]}" "$BUNDLE/soloit-cli" --version)" || die "'soloit-cli --version' failed"
[[ "$got" == *"$VERSION"* ]] || die "'soloit-cli --version' says '$got', pyproject.toml says $VERSION"
t0=$EPOCHREALTIME
if ! env "${TESTENV[@]}" "$BUNDLE/soloit-cli" selftest --out "$TESTHOME/out"; then
    die "bundled 'soloit-cli selftest' failed"
fi
t1=$EPOCHREALTIME
find "$TESTHOME/out" -maxdepth 1 -name '*.png' -exec cp {} "$OUT/" \;

size=$(du -sm "$BUNDLE" | cut -f1)
echo "build-linux: OK  soloit $VERSION"
echo "build-linux: build time ${build_s} s, selftest $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s, bundle ${size} MB: $BUNDLE"

if (( MAKE_TAR )); then
    mkdir -p "$REPO/dist"
    tar -C "$OUT/dist" -czf "$REPO/dist/soloit-linux-$VERSION.tar.gz" soloit
    echo "build-linux: $(du -h "$REPO/dist/soloit-linux-$VERSION.tar.gz" | cut -f1) dist/soloit-linux-$VERSION.tar.gz"
fi

#!/usr/bin/env bash
# Build the Linux onedir bundle of soloit with the project's venv and run its offscreen self-test.
#   installers/build-linux.sh            -> build/linux/dist/soloit/{soloit,soloit-cli}
#   installers/build-linux.sh --tar      -> also dist/soloit-linux-VERSION.tar.gz
# Environment: REPO (default: parent of this folder), VENV (default: $REPO/.venv).
# Every package comes from installers/requirements.lock (PyInstaller included): the venv must hold exactly its pins
# (bash .ci/setup does that); if it does not, they are installed from the lock, hash-checked.
# The build fails when the bundle carries a path of this machine (the repository, the home folder, the user name)
# or when `soloit-cli --version` lists a library version other than the lock's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${REPO:-$HERE/..}" && pwd)"
VENV="${VENV:-$REPO/.venv}"
PY="$VENV/bin/python"
LOCK="$REPO/installers/requirements.lock"
OUT="$REPO/build/linux"
MAKE_TAR=0
[[ "${1:-}" == "--tar" ]] && MAKE_TAR=1

die() { echo "build-linux: ERROR: $*" >&2; exit 1; }

[[ -x "$PY" ]] || die "no venv at $VENV (run: bash .ci/setup)"
"$PY" -c 'import soloit.cli' 2>/dev/null || die "soloit is not installed in $VENV (run: bash .ci/setup)"
if ! "$PY" "$HERE/lock_for_target.py" --check-installed "$LOCK" 2>/dev/null; then
    echo "build-linux: $VENV differs from installers/requirements.lock; installing the lock's pins (hash-checked)"
    "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"
    "$PY" "$HERE/lock_for_target.py" --check-installed "$LOCK" || die "$VENV still differs from the lock"
fi
VERSION="$("$PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")"
echo "build-linux: soloit $VERSION, $("$PY" -m PyInstaller --version | sed 's/^/PyInstaller /')"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" "$HERE/soloit.spec"
build_s=$(( $(date +%s) - start ))

BUNDLE="$OUT/dist/soloit"
# no path of this machine in the bundle (raw bytes, zip members and PyInstaller's archives)
"$PY" "$HERE/check_bundle_paths.py" --repo "$REPO" "$BUNDLE" || die "the bundle carries a path of this machine (above)"
for f in soloit soloit-cli _internal/PySide6/Qt/plugins/platforms/libqoffscreen.so \
         _internal/PySide6/Qt/plugins/platforms/libqxcb.so _internal/PySide6/Qt/translations/qtbase_ja.qm \
         _internal/resources _internal/resources/help/index.html _internal/soloit/store/migrations; do
    [[ -e "$BUNDLE/$f" ]] || die "bundle is missing $f"
done

# self-test with a throw-away data folder (platformdirs honours XDG_DATA_HOME), so no real data is touched
TESTHOME="$(mktemp -d)"
trap 'rm -rf "$TESTHOME"' EXIT
TESTENV=(QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$TESTHOME/data" XDG_CONFIG_HOME="$TESTHOME/config"
         XDG_CACHE_HOME="$TESTHOME/cache" XDG_STATE_HOME="$TESTHOME/state")
got="$(env "${TESTENV[@]}" "$BUNDLE/soloit-cli" --version)" || die "'soloit-cli --version' failed"
[[ "$(head -n1 <<<"$got")" == "soloit $VERSION" ]] || die "'soloit-cli --version' says '$got', pyproject.toml says $VERSION"
sed 's/^/build-linux: --version: /' <<<"$got"
"$PY" "$HERE/lock_for_target.py" --check-version-output - "$LOCK" <<<"$got" \
    || die "the bundle's library versions differ from installers/requirements.lock"
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

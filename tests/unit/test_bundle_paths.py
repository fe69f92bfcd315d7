"""installers/check_bundle_paths.py finds a build machine's paths in a bundle, also inside zip files."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_bundle_paths", REPO / "installers" / "check_bundle_paths.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run(checker, bundle: Path, *extra: str) -> int:
    return checker.main(
        ["--repo", "/home/alice/src/soloit", "--home", "/home/alice", "--user", "alice", *extra, str(bundle)]
    )


def test_clean_bundle_passes(checker, tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "lib.so").write_bytes(b"\x00/opt/rh/gcc-toolset-10/root/usr\x00/home/alicesmith\x00malice\x00")
    assert run(checker, tmp_path / "b") == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "windows"),
    [
        (b'{"url": "file:///home/alice/src/soloit"}', False),  # pip's direct_url.json
        (b"\x00/home/alice/.pyenv/versions/3.11.7/lib\x00", False),  # an interpreter under the home
        (b"built by alice.", False),  # the bare user name
        ("Z:\\HOME\\ALICE\\SRC\\SOLOIT\\build".encode("utf-16-le"), True),  # Wine's form, UTF-16, other case
        (b"C:\\users\\alice\\AppData\\Local\\Temp", True),  # Wine's profile folder
    ],
)
def test_paths_are_found(checker, tmp_path, capsys, content, windows):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "f.bin").write_bytes(b"\x01" + content + b"\x01")
    assert run(checker, tmp_path / "b", *(["--windows"] if windows else [])) == 1
    assert "FOUND" in capsys.readouterr().out


def test_zip_members_are_read(checker, tmp_path, capsys):
    (tmp_path / "b").mkdir()
    with zipfile.ZipFile(tmp_path / "b" / "base_library.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mod.pyc", b"\x00/home/alice/src/soloit/mod.py\x00" * 50)
    assert run(checker, tmp_path / "b") == 1
    assert "base_library.zip!mod.pyc" in capsys.readouterr().out


def test_root_builds_look_for_the_repository_only(checker, tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "calamine.so").write_bytes(b"\x00/root/.cargo/registry/src/x.rs\x00")
    assert checker.main(["--repo", "/work/soloit", "--home", "/root", "--user", "root", str(tmp_path / "b")]) == 0
    (tmp_path / "b" / "direct_url.json").write_bytes(b'{"url": "file:///work/soloit"}')
    assert checker.main(["--repo", "/work/soloit", "--home", "/root", "--user", "root", str(tmp_path / "b")]) == 1
    assert "shared account" in capsys.readouterr().out

"""The handover file (.soloit-handover): written only from a database that verifies, read with its manifest
checked, installed only onto a place where nothing exists yet and only when size, SHA-256, chain and head all
agree with the manifest; on any refusal nothing is left behind."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from soloit.domain.anchor_code import anchor_code
from soloit.services.errors import OutputError
from soloit.services.handover_file import (
    DATABASE,
    FORMAT,
    MANIFEST,
    HandoverFileError,
    install_handover_file,
    read_handover_manifest,
    write_handover_file,
)
from soloit.services.integrity import verify
from soloit.store.db import facts_of, open_database
from tests.unit.test_cli import copy_of, demo_file  # noqa: F401 - the module's demo fixture

TABLES = ("municipality", "organisation", "system", "step_cell", "task", "journal", "meta")


def rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def handover(demo_file, tmp_path):  # noqa: F811
    """(the predecessor's database, the handover file, its manifest)."""
    db = copy_of(demo_file, tmp_path)
    out = tmp_path / "out" / "みどり野町.soloit-handover"
    manifest = write_handover_file(
        db, out, actor="山田 太郎", predecessor="山田 太郎", successor="佐藤 花子", appointment_date="2027-04-01"
    )
    return db, out, manifest


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewrite(path: Path, *, manifest: dict | None = None, db: bytes | None = None) -> None:
    found = members(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest) if manifest is not None else found[MANIFEST])
        zf.writestr(DATABASE, db if db is not None else found[DATABASE])


def test_manifest_says_what_the_file_holds(handover):
    db, out, manifest = handover
    facts = facts_of(db)
    assert sorted(members(out)) == sorted([DATABASE, MANIFEST])
    data = json.loads(members(out)[MANIFEST])
    assert data["format"] == FORMAT and data["format_version"] == 1
    assert data["municipality"] == {"name": facts.municipality, "lg_code": facts.lg_code}
    assert (data["database_identity"], data["journal_count"], data["journal_head"]) == (
        facts.identity, facts.journal_count, facts.journal_head,
    )
    assert data["anchor_code"] == anchor_code(facts.journal_count, facts.journal_head)
    inside = members(out)[DATABASE]
    assert (data["db_size"], data["db_sha256"]) == (len(inside), hashlib.sha256(inside).hexdigest())
    assert (data["created_by"], data["predecessor"], data["successor"], data["appointment_date"]) == (
        "山田 太郎", "山田 太郎", "佐藤 花子", "2027-04-01",
    )
    assert data["created_at"].endswith(("Z", "+00:00")) and data["app_version"]
    assert read_handover_manifest(out) == manifest
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary files left


def test_round_trip_onto_a_fresh_data_directory(handover, tmp_path):
    db, out, manifest = handover
    target = tmp_path / "successor" / "data" / "soloit.sqlite3"
    installed = install_handover_file(out, target)
    assert installed.path == target and installed.manifest == manifest
    assert installed.entries == manifest.journal_count
    assert rows(target) == rows(db)
    facts = facts_of(target)
    assert (facts.journal_count, facts.journal_head, facts.identity) == (
        manifest.journal_count, manifest.journal_head, manifest.database_identity,
    )
    store = open_database(target)
    try:
        assert verify(store).ok
    finally:
        store.close()
    assert target.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.startswith("soloit.sqlite3")) == []


def assert_refused(out: Path, target: Path, *words: str) -> None:
    with pytest.raises(HandoverFileError) as caught:
        install_handover_file(out, target)
    message = caught.value.user_message()
    for word in words:
        assert word in message, message
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # nothing left behind


def test_a_flipped_byte_in_the_database_is_refused(handover, tmp_path):
    _db, out, _manifest = handover
    inside = bytearray(members(out)[DATABASE])
    inside[len(inside) // 2] ^= 0x01
    rewrite(out, db=bytes(inside))
    target_dir = tmp_path / "successor"
    target_dir.mkdir()
    assert_refused(out, target_dir / "soloit.sqlite3", "SHA-256", "作り直してもらってください", "何も取り込んでいません")


def test_a_damaged_zip_is_refused(handover, tmp_path):
    _db, out, _manifest = handover
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the compressed database: the ZIP's own check fails
    out.write_bytes(bytes(data))
    target_dir = tmp_path / "successor"
    target_dir.mkdir()
    assert_refused(out, target_dir / "soloit.sqlite3", "作り直してもらってください")


def test_a_manifest_whose_head_does_not_match_is_refused(handover, tmp_path):
    _db, out, manifest = handover
    data = json.loads(members(out)[MANIFEST])
    data["journal_head"] = "ab" * 32
    data["anchor_code"] = anchor_code(data["journal_count"], data["journal_head"])
    rewrite(out, manifest=data)
    target_dir = tmp_path / "successor"
    target_dir.mkdir()
    assert_refused(out, target_dir / "soloit.sqlite3", f"{manifest.journal_count:,} 件目", "一致しません")


def test_a_member_larger_than_the_manifest_says_is_refused_before_reading(handover, tmp_path):
    _db, out, _manifest = handover
    data = json.loads(members(out)[MANIFEST])
    data["db_size"] = 4096
    rewrite(out, manifest=data)
    target_dir = tmp_path / "successor"
    target_dir.mkdir()
    assert_refused(out, target_dir / "soloit.sqlite3", "大きさ", "4,096 バイト")


def test_an_existing_target_is_never_touched(handover, tmp_path):
    _db, out, _manifest = handover
    target = tmp_path / "successor" / "soloit.sqlite3"
    target.parent.mkdir()
    target.write_bytes(b"the user's own data")
    with pytest.raises(HandoverFileError) as caught:
        install_handover_file(out, target)
    assert "既にあります" in caught.value.user_message() and "上書きはしません" in caught.value.user_message()
    assert target.read_bytes() == b"the user's own data"
    assert [p.name for p in target.parent.iterdir()] == ["soloit.sqlite3"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"just text", "ZIP 形式ではないか"),
        ("no-manifest", "manifest.json がありません"),
        ({"format": "something-else", "format_version": 1}, "形式が違います"),
        ({"format": FORMAT, "format_version": 2}, "新しい版の soloit（形式 2）"),
        ({"format": FORMAT, "format_version": 1, "journal_count": 3}, "manifest.json を読み取れません"),
    ],
)
def test_files_that_are_not_handover_files_are_refused(handover, tmp_path, content, words):
    _db, out, _manifest = handover
    bad = tmp_path / "bad.soloit-handover"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        with zipfile.ZipFile(bad, "w") as zf:
            if isinstance(content, dict):
                zf.writestr(MANIFEST, json.dumps(content))
            zf.writestr(DATABASE, members(out)[DATABASE])
    with pytest.raises(HandoverFileError) as caught:
        read_handover_manifest(bad)
    assert words in caught.value.user_message() and "「bad.soloit-handover」" in caught.value.user_message()
    target_dir = tmp_path / "successor"
    target_dir.mkdir()
    assert_refused(bad, target_dir / "soloit.sqlite3", words)


def test_writing_refuses_an_existing_file_unless_told_and_then_only_its_own(handover):
    db, out, _manifest = handover
    before = out.read_bytes()
    with pytest.raises(OutputError) as caught:
        write_handover_file(db, out, actor="山田 太郎")
    assert "上書きはしません" in caught.value.message_ja and out.read_bytes() == before
    again = write_handover_file(db, out, actor="山田 太郎", overwrite=True)
    assert read_handover_manifest(out) == again
    theirs = out.with_name("メモ.soloit-handover")
    theirs.write_bytes(b"not ours")
    with pytest.raises(OutputError) as caught:
        write_handover_file(db, theirs, actor="山田 太郎", overwrite=True)
    assert "引継ぎファイルではない" in caught.value.message_ja and theirs.read_bytes() == b"not ours"


def test_a_database_that_does_not_verify_is_refused(demo_file, tmp_path):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE step_cell SET note = 'こっそり' WHERE step_seq = 1 AND system_id = 1")
    conn.commit()
    conn.close()
    out = tmp_path / "out" / "x.soloit-handover"
    with pytest.raises(OutputError) as caught:
        write_handover_file(db, out, actor="山田 太郎")
    assert "検証に合格しないため" in caught.value.message_ja and "変更記録にない方法で変更されています" in caught.value.message_ja
    assert list(out.parent.iterdir()) == []


def test_an_open_store_can_be_handed_over(store, tmp_path):
    out = tmp_path / "x.soloit-handover"
    manifest = write_handover_file(store, out, actor="テスト 花子")
    assert manifest.municipality == {"name": "札幌市", "lg_code": "011002"}
    assert manifest.predecessor is None and manifest.successor is None
    target = tmp_path / "new" / "soloit.sqlite3"
    assert install_handover_file(out, target).entries == manifest.journal_count


@pytest.mark.parametrize("where", [0.25, 0.4, 0.5, 0.6, 0.75])
def test_damage_anywhere_in_the_compressed_database_is_refused(handover, tmp_path, where):
    """Wherever a byte flips, the deflate stream, the ZIP's CRC or the SHA-256 catches it, never a traceback."""
    _db, out, _manifest = handover
    data = bytearray(out.read_bytes())
    data[int(len(data) * where)] ^= 0xFF
    out.write_bytes(bytes(data))
    target = tmp_path / "successor" / "soloit.sqlite3"
    target.parent.mkdir()
    with pytest.raises(HandoverFileError):
        install_handover_file(out, target)
    assert list(target.parent.iterdir()) == []

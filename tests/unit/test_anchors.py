"""`soloit verify --against FILE` and `--against-code CODE`: the database must still extend a journal head
recorded outside it (a status pack's _meta, a backup, a handover file, or the code printed on the 事務引継書).

Each anchor is taken from a real database; then (a) more changes are made → it still extends, saying how many
entries were added; (b) the newest entries are deleted and meta's count/head fixed up → plain verify passes, the
anchor shows entries were removed; (c) an old entry is rewritten and the whole chain and meta rehashed → plain
verify passes, the anchor shows the rewrite. A file that is not an anchor is refused with exit 4."""

from __future__ import annotations

import sqlite3
import zipfile
from itertools import pairwise
from pathlib import Path

import pytest

from soloit.cli import EXIT_FAILED, EXIT_OK, EXIT_STORE_ERROR, EXIT_UNREADABLE, main
from soloit.domain.anchor_code import anchor_code, parse_anchor_code
from soloit.exchange.operations import read_anchor
from soloit.services.anchors import BACKUP, CODE, HANDOVER, PACK
from soloit.services.handover_file import write_handover_file
from soloit.store.backup import make_backup
from soloit.store.db import facts_of, open_database
from soloit.store.journal import COLUMNS, entry_hash
from tests.helpers import AllServices as LedgerService
from tests.unit.test_cli import copy_of, demo_file  # noqa: F401 - the module's demo fixture

KINDS = ("pack", "backup", "handover", "code")


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    """Settings and backups in the test's folder, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def edit_note(db: Path, text: str | None) -> None:
    store = open_database(db)
    try:
        LedgerService(store, lambda: "山田 太郎").edit_cell("koseki", 3, "note", text)
    finally:
        store.close()


def take_anchor(kind: str, db: Path, folder: Path) -> list[str]:
    """Record the database's head in an anchor of `kind`; the arguments that check against it."""
    folder.mkdir(exist_ok=True)
    if kind == "pack":
        out = folder / "pack.xlsx"
        assert main(["export", "pack", "--db", str(db), "--out", str(out), "--as-of", "R8.11.22"]) == EXIT_OK
        return ["--against", str(out)]
    if kind == "backup":  # outside the settings' backup root: only --against compares with it
        info = make_backup(db, folder, kind="manual")
        return ["--against", str(info.path)]
    if kind == "handover":
        out = folder / "引継.soloit-handover"
        write_handover_file(db, out, actor="山田 太郎", predecessor="山田 太郎", successor="佐藤 花子")
        return ["--against", str(out)]
    facts = facts_of(db)
    return ["--against-code", anchor_code(facts.journal_count, facts.journal_head).lower().replace("-", " ")]


def verify(db: Path, *extra: str) -> int:
    return main(["verify", "--db", str(db), *extra])


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()


def cut_short(db: Path, keep: int, note: str | None) -> None:
    """Delete every entry after `keep`, put koseki/3's note back to `note` and fix meta's count and head."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TRIGGER journal_no_delete")
        conn.execute("DELETE FROM journal WHERE id > ?", (keep,))
        head = conn.execute("SELECT hash FROM journal WHERE id = ?", (keep,)).fetchone()[0]
        conn.execute("UPDATE meta SET value = ? WHERE key = 'journal_head'", (head,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'journal_count'", (str(keep),))
        conn.execute(
            "UPDATE step_cell SET note = ? WHERE step_seq = 3 AND system_id = (SELECT id FROM system WHERE business_code = 'koseki')",
            (note,),
        )
        conn.commit()
    finally:
        conn.close()


def rehash(db: Path, entry_id: int = 2) -> None:
    """Rewrite entry `entry_id`'s actor and recompute every hash after it and meta's head."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TRIGGER journal_no_update")
        prev = None
        for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM journal ORDER BY id").fetchall():
            values = dict(zip(COLUMNS, row, strict=True))
            if values["id"] == entry_id:
                values["actor"] = "別人"
            if prev is not None:
                values["prev_hash"] = prev
            values["hash"] = entry_hash(values)
            conn.execute(
                "UPDATE journal SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (values["actor"], values["prev_hash"], values["hash"], values["id"]),
            )
            prev = values["hash"]
        conn.execute("UPDATE meta SET value = ? WHERE key = 'journal_head'", (prev,))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("kind", KINDS)
def test_more_changes_still_extend_the_anchor(kind, demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    args = take_anchor(kind, db, tmp_path / "anchors")
    anchored = count(db) - (1 if kind == "pack" else 0)  # a pack records the head before its own export entry
    edit_note(db, "追加の確認")
    edit_note(db, "もう一度確認")
    capsys.readouterr()
    assert verify(db, *args) == EXIT_OK
    out, err = capsys.readouterr()
    assert err == ""
    assert f"変更記録 {anchored:,} 件目まで一致しました" in out
    assert f"その後に追加された変更記録は {count(db) - anchored:,} 件です。" in out
    if kind == "pack":
        assert "報告パック「pack.xlsx」（基準日 2026-11-22、出力 " in out
    if kind == "handover":
        assert "引継ぎファイル「引継.soloit-handover」（作成 " in out and "山田 太郎 → 佐藤 花子" in out


@pytest.mark.parametrize("kind", KINDS)
def test_a_journal_cut_short_is_caught(kind, demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    before = count(db)
    edit_note(db, "消される変更")
    edit_note(db, "これも消される")
    args = take_anchor(kind, db, tmp_path / "anchors")
    anchored = count(db) - (1 if kind == "pack" else 0)
    cut_short(db, before, None)
    assert verify(db) == EXIT_OK  # the chain and the data alone look sound
    capsys.readouterr()
    assert verify(db, *args) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.startswith("soloit: 検証に失敗しました（改ざんまたは欠落の跡）：")
    assert f"今のデータベースの変更記録は {before:,} 件しかありませんが" in err
    assert f"{anchored:,} 件が記録されています" in err
    assert f"その後の {anchored - before:,} 件の変更記録が削除されたか" in err


@pytest.mark.parametrize("kind", KINDS)
def test_a_rewritten_and_rehashed_journal_is_caught(kind, demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    args = take_anchor(kind, db, tmp_path / "anchors")
    anchored = count(db) - (1 if kind == "pack" else 0)
    rehash(db)
    assert verify(db) == EXIT_OK
    capsys.readouterr()
    assert verify(db, *args) == EXIT_FAILED
    _out, err = capsys.readouterr()
    assert f"今のデータベースの変更記録の {anchored:,} 件目が" in err and "一致しません" in err
    assert "ハッシュが計算し直された跡" in err
    assert ("打ち間違いでないか" in err) == (kind == "code")


def test_anchor_files_say_what_they_are(demo_file, tmp_path):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    folder = tmp_path / "anchors"
    facts = facts_of(db)
    pack = read_anchor(Path(take_anchor("pack", db, folder)[1]))
    assert (pack.kind, pack.count, pack.identity) == (PACK, facts.journal_count, facts.identity)
    assert pack.as_of is not None and pack.as_of.isoformat() == "2026-11-22" and pack.recorded_at
    backup = read_anchor(Path(take_anchor("backup", db, folder)[1]))
    after = facts_of(db)
    assert (backup.kind, backup.count, backup.head) == (BACKUP, after.journal_count, after.journal_head)
    assert "手動バックアップ" in backup.source_label_ja
    handover = read_anchor(Path(take_anchor("handover", db, folder)[1]))
    assert (handover.kind, handover.head, handover.identity) == (HANDOVER, after.journal_head, after.identity)
    assert handover.code == anchor_code(after.journal_count, after.journal_head)
    database = read_anchor(db)
    assert (database.count, database.head) == (after.journal_count, after.journal_head)
    from soloit.services.anchors import anchor_from_code

    code = anchor_from_code(handover.code)
    assert (code.kind, code.count, code.head) == (CODE, after.journal_count, after.journal_head[:15])


def test_files_that_are_not_anchors_are_refused_with_exit_4(demo_file, tmp_path, capsys):  # noqa: F811
    from openpyxl import Workbook

    db = copy_of(demo_file, tmp_path)
    text = tmp_path / "memo.txt"
    text.write_text("ただのメモ", encoding="utf-8")
    book = tmp_path / "他の表.xlsx"
    Workbook().save(book)
    other_sqlite = tmp_path / "other.sqlite3"
    sqlite3.connect(other_sqlite).execute("CREATE TABLE t (x)").connection.close()
    plain_zip = tmp_path / "archive.zip"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    cases = {
        text: "報告パック（.xlsx）・バックアップ（.sqlite3）・引継ぎファイル（.soloit-handover）ではありません",
        book: "soloit の報告パックではありません",
        other_sqlite: "soloit のデータベースではありません",
        plain_zip: "「archive.zip」",
        tmp_path / "ない.xlsx": "ファイルが見つかりません",
        tmp_path: "フォルダです",
    }
    for path, words in cases.items():
        before = path.read_bytes() if path.is_file() else None
        capsys.readouterr()
        assert verify(db, "--against", str(path)) == EXIT_UNREADABLE, path
        out, err = capsys.readouterr()
        assert out == "" and "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("soloit: 照合の基準にするファイルを読み取れません: "), err
        assert words in err, err
        if before is not None:
            assert path.read_bytes() == before  # never changed
    assert not Path(f"{other_sqlite}-wal").exists()


def test_a_code_that_cannot_be_read_is_a_usage_error(demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    assert verify(db, "--against-code", "1875-ABCD-EFGH") == EXIT_STORE_ERROR
    err = capsys.readouterr().err
    assert err.startswith("soloit: 【照合コード】") and "13 文字" in err


def test_a_mistyped_code_is_a_typing_mistake_not_a_rewritten_journal(demo_file, tmp_path, capsys):  # noqa: F811
    """The first hash symbol of the database's real code typed as 0 or as Z (the pair the old mod-31 check could
    not tell apart): a usage error naming the typo (exit 2), never 改ざん (exit 1)."""
    db = copy_of(demo_file, tmp_path)
    facts = facts_of(db)
    code = anchor_code(facts.journal_count, facts.journal_head)
    at = code.index("-") + 1
    for key in "0Z":
        if code[at] == key:
            continue
        assert verify(db, "--against-code", code[:at] + key + code[at + 1 :]) == EXIT_STORE_ERROR
        assert "読み違い・打ち間違い" in capsys.readouterr().err
    assert verify(db, "--against-code", code.replace("-", "").lower()) == EXIT_OK  # typed without hyphens


def test_another_databases_anchor_is_named_as_such(demo_file, tmp_path, template_ledger, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    info = make_backup(template_ledger, other, kind="manual")
    capsys.readouterr()
    assert verify(db, "--against", str(info.path)) == EXIT_FAILED
    assert "別のデータベースのもの" in capsys.readouterr().err


# --- the code ------------------------------------------------------------------------------------------------------


def test_anchor_code_form_and_round_trip():
    head = "5e71a70ffe58ab" + "0" * 50
    code = anchor_code(100375, head)
    assert code == "100375-BSRT-E3ZY-B2NG-S"
    assert len(code.split("-")) == 5 and [len(g) for g in code.split("-")[1:]] == [4, 4, 4, 1]
    assert not set(code) & set("ILOU")
    parsed = parse_anchor_code(code)
    assert (parsed.count, parsed.head_prefix, parsed.text) == (100375, head[:15], code)
    # as a person types it back: full-width, lower case, spaces for hyphens or none at all, a count with commas
    for typed in ("１００，３７５　bsrt e3zy b2ng s", "100375ーBSRTーE3ZYーB2NGーS", "100375bsrte3zyb2ngs", "100,375BSRTE3ZYB2NGS"):
        assert parse_anchor_code(typed) == parsed, typed
    assert anchor_code(7, "0" * 64) == "7-0000-0000-0000-Y" == parse_anchor_code("7-OOOO-oooo-0000-y").text
    assert anchor_code(1, "f" * 64) == "1-ZZZZ-ZZZZ-ZZZZ-4" and parse_anchor_code("1-zzzz-zzzz-zzzz-4").head_prefix == "f" * 15
    assert parse_anchor_code("1-1111-1111-1111-P") == parse_anchor_code("1-iiii-LLLL-llll-p")
    assert anchor_code(1997, "881cae2c52211a6" + "0" * 49) == "1997-H0EA-WB2J-44D6-E"
    assert parse_anchor_code("1997h0eawb2j44d6e").text == "1997-H0EA-WB2J-44D6-E"  # no hyphens, as the README says


@pytest.mark.parametrize(
    "typo",
    ["100375-8SRT-E3ZY-B2NG-S", "100375-SBRT-E3ZY-B2NG-S", "100357-BSRT-E3ZY-B2NG-S", "100375-BSRT-E3ZY-B2NG-T",
     "7-0000-0000-000Z-Y", "1997h0eawb2j44d63"],
    ids=["misread", "swapped", "count-swapped", "check", "Z-for-0", "old-check-symbol"],
)
def test_a_mistyped_code_is_caught_by_its_check_symbol(typo):
    from soloit.domain.anchor_code import AnchorCodeError

    with pytest.raises(AnchorCodeError) as caught:
        parse_anchor_code(typo)
    assert "読み違い・打ち間違い" in caught.value.message_ja


# Every key a person could press in place of one symbol of a code: the digits, every letter (the reader takes O for 0
# and I, L for 1; U is never used) and Crockford's own check symbols * ~ $ =, which this code does not use.
# (A space, hyphen or comma typed over a symbol drops it instead: see test_a_dropped_symbol_is_caught_by_length.)
KEYS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*~$="
SAME_SYMBOL = {"0": "O", "1": "IL"}  # the keys the forgiving reader reads as this symbol


@pytest.mark.parametrize(
    ("count", "head", "code", "substitutions", "read_as_same", "swaps"),
    [
        (7, "0" * 64, "7-0000-0000-0000-Y", 14 * 39 - 12, 12, 13 - 11),
        (20, "0" + "f" * 63, "20-1ZZZ-ZZZZ-ZZZZ-2", 15 * 39 - 3, 3, 14 - 10),
        (1997, "881cae2c52211a6", "1997-H0EA-WB2J-44D6-E", 17 * 39 - 3, 3, 16 - 2),
        (100375, "5e71a70ffe58ab" + "0" * 50, "100375-BSRT-E3ZY-B2NG-S", 19 * 39 - 4, 4, 18 - 1),
        (1234567890, "0f83e0f83e0f83" + "0" * 50, "1234567890-1Y1Y-1Y1Y-1Y1G-Y", 23 * 39 - 15, 15, 22),
    ],
    ids=["count-1-digit", "count-2-digits", "count-4-digits", "count-6-digits", "count-10-digits"],
)
@pytest.mark.parametrize("hyphens", [True, False], ids=["hyphens", "no-hyphens"])
def test_every_single_typo_and_every_swap_of_neighbours_is_caught(
    count, head, code, substitutions, read_as_same, swaps, hyphens
):
    """Exhaustively, for each code as printed and as typed without hyphens in lower case: every symbol (count
    digits, hash symbols, check symbol) replaced by every other key is refused as a typing mistake (or, for O, I
    and L, read as the very symbol they stand for); every two neighbouring symbols swapped (across the hyphens, the
    count and the hash, the last symbol and the check) is refused. None is ever read as another code."""
    from soloit.domain.anchor_code import AnchorCodeError

    assert anchor_code(count, head) == code
    expected = parse_anchor_code(code)
    assert (expected.count, expected.head_prefix) == (count, head[:15])
    typed = code if hyphens else code.replace("-", "").lower()
    assert parse_anchor_code(typed) == expected
    places = [i for i, ch in enumerate(typed) if ch != "-"]

    refused, same = 0, 0
    for i in places:
        for key in KEYS:
            if key == typed[i].upper():
                continue
            variant = typed[:i] + key + typed[i + 1 :]
            if key in SAME_SYMBOL.get(typed[i].upper(), ""):
                assert parse_anchor_code(variant) == expected, variant
                same += 1
                continue
            with pytest.raises(AnchorCodeError):
                parse_anchor_code(variant)
                pytest.fail(f"{variant} read as a code")
            refused += 1
    assert (refused, same) == (substitutions, read_as_same)

    swapped = 0
    for i, j in pairwise(places):
        if typed[i] == typed[j]:
            continue
        variant = typed[:i] + typed[j] + typed[i + 1 : j] + typed[i] + typed[j + 1 :]
        with pytest.raises(AnchorCodeError):
            parse_anchor_code(variant)
            pytest.fail(f"{variant} read as a code")
        swapped += 1
    assert swapped == swaps


def test_a_dropped_symbol_is_caught_by_length():
    """With the count typed apart, a hash or check symbol left out, or overtyped by a space, hyphen or comma, leaves
    12 symbols after the count: refused, saying how many were typed."""
    from soloit.domain.anchor_code import AnchorCodeError

    for code in ("1997-H0EA-WB2J-44D6-E", "1997 h0eawb2j44d6e"):
        for i in range(5, len(code)):
            if code[i] == "-":
                continue
            for variant in (code[:i] + code[i + 1 :], *(code[:i] + key + code[i + 1 :] for key in " -,")):
                with pytest.raises(AnchorCodeError) as caught:
                    parse_anchor_code(variant)
                assert "13 文字" in caught.value.message_ja or "形が違います" in caught.value.message_ja, variant


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "入力してください"), ("BSRT-E3ZY-B2G0", "形が違います"), ("100375-BSRT-E3ZY-B2NU", "U は使いません"), ("100375-BSRT-E3ZY-B2NG-*", "使われない文字"),
     ("100375-BSRT-E3ZY-B2N", "13 文字"), ("100375-BSRT-E3ZY-B2NG", "13 文字")],
)
def test_anchor_code_refusals(text, words):
    from soloit.domain.anchor_code import AnchorCodeError

    with pytest.raises(AnchorCodeError) as caught:
        parse_anchor_code(text)
    assert words in caught.value.message_ja

"""`soloit verify` made fast and lean without changing what it checks: the hash is byte for byte what it was
(json.dumps of the entry), text is refused exactly as the character rule says, and a ledger's findings are the
same whichever way they are collected."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from soloit.domain.text import _bad_character, text_problem
from soloit.services.integrity import latest_values, scan_values, state_problems, verify
from soloit.store import journal

VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=10),  # control characters, quotes, backslashes
)


@settings(max_examples=400, deadline=None)
@given(st.lists(VALUES, min_size=12, max_size=12))
def test_canonical_json_is_json_dumps(values: list) -> None:
    expected = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    assert journal.canonical_json(values) == expected
    assert journal.canonical_json(tuple(values)) == expected


def test_entry_hash_is_unchanged_for_a_known_entry() -> None:
    """A hash computed the old way (json.dumps per entry) for a fixed entry, written out here."""
    values = {
        "id": 7, "recorded_at": "2026-11-23T01:02:03.456789Z", "actor": "テスト 花子", "batch": "b1", "action": "edit",
        "entity": "cell", "entity_key": "koseki/5", "field": "note", "old_value": None, "new_value": "「確認」\n\t\"済\"\\",
        "reason": None, "prev_hash": "0" * 64,
    }
    payload = json.dumps([values[name] for name in journal.COLUMNS[:-1]], ensure_ascii=False, separators=(",", ":"))
    assert payload == (
        '[7,"2026-11-23T01:02:03.456789Z","テスト 花子","b1","edit","cell","koseki/5","note",null,'
        '"「確認」\\n\\t\\"済\\"\\\\",null,"0000000000000000000000000000000000000000000000000000000000000000"]'
    )
    assert journal.entry_hash(values) == hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_text_rule_is_the_character_rule_for_every_code_point() -> None:
    """The one-search text_problem refuses exactly the characters _bad_character names, with the same message."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        problem = text_problem(f"ab{ch}c")
        assert (problem is None) == (_bad_character(ch) is None), hex(code)
        if problem is not None:
            assert (f"U+{code:04X}" in problem) or _bad_character(ch) == "surrogate", hex(code)


def test_text_rule_names_the_first_bad_character() -> None:
    assert text_problem("a\u202eb\x07") == "表示の向きを変える制御文字（U+202E）は使用できません。"
    assert text_problem("a\x07b\u202e") == "使用できない制御文字（U+0007）が含まれています。"
    assert text_problem("改行\nタブ\t復帰\r") is None
    assert text_problem("長い", max_len=1) == "1文字以内で入力してください（現在 2文字）。"


def test_latest_values_keep_the_newest_value_and_forget_deleted_rows(store) -> None:
    """The newest value per field, a deletion forgetting the row, a re-creation starting afresh."""
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.fields import CREATE

    def run(*edits: Edit) -> None:
        apply_batch(store, list(edits), actor="テスト 花子", action="edit", reason=None)

    run(Edit("task", "501", CREATE, "点検"), Edit("task", "501", "notes", "一回目"))
    run(Edit("task", "501", "notes", "二回目"))
    assert latest_values(store.raw())["task"]["501"] == {"title": "点検", "notes": "二回目"}
    run(Edit("task", "501", CREATE, None))
    assert "501" not in latest_values(store.raw())["task"]
    run(Edit("task", "501", CREATE, "点検（再）"))
    assert latest_values(store.raw())["task"]["501"] == {"title": "点検（再）"}
    assert verify(store).ok


def test_findings_are_collected_once_per_value(store) -> None:
    """scan_values and state_problems (one pass now) still find a value changed behind soloit's back, and a value
    it cannot read, exactly once each."""
    assert verify(store).ok
    path = store.path
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE step_cell SET note = 'こっそり' WHERE step_seq = 1 AND system_id = 1")
    conn.commit()
    assert scan_values(conn) == []
    changed = state_problems(conn)
    assert len(changed) == 1 and "変更記録にない方法で変更されています" in changed[0]
    conn.execute("UPDATE step_cell SET actual_date = '2026-02-30' WHERE step_seq = 2 AND system_id = 1")
    conn.commit()
    unreadable = scan_values(conn)
    assert len(unreadable) == 1 and "2026-02-30" in unreadable[0]
    conn.close()

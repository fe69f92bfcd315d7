"""One validator for every piece of text a person types (soloit.domain.text.text_problem): every free-text field
of every declared entity, reasons (also reasons given afterwards) and the display name refuse control characters,
lone surrogates and direction overrides with a Japanese message, and nothing is saved."""

from __future__ import annotations

import json

import pytest

from soloit.domain.text import text_problem
from soloit.services.bundle import Services, open_services
from soloit.services.changes import MAX_REASON, Edit
from soloit.services.entities import ENTITIES, Entity
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE, TEXT, FieldSpec
from soloit.settings import MAX_DISPLAY_NAME, Settings, display_name_problem

BAD_TEXTS = {
    "bell": "ベル\x07が鳴る",
    "nul": "途中に\x00がある",
    "escape": "色付き\x1b[31m文字",
    "delete": "削除\x7f文字",
    "c1 control": "改行風\x85文字",
    "lone high surrogate": "壊れた\ud83d文字",
    "lone low surrogate": "\udc00だけ",
    "right-to-left override": "請求書\u202egpj.exe",
    "isolate": "隔離\u2066文字",
}
GOOD_TEXTS = ("改行も\nタブも\tよい", "絵文字 😀 と 𠮷野家", "半角ｶﾅと全角ＡＢＣ")


def text_fields() -> list[tuple[str, str]]:
    """(entity, field) of every free-text field of every declared entity, the name given on creation included."""
    found = [(kind.name, spec.name) for kind in ENTITIES.values() for spec in kind.fields if spec.kind == TEXT]
    found += [(kind.name, CREATE) for kind in ENTITIES.values() if kind.creatable and kind.name_field]
    return found


@pytest.fixture
def services(store) -> Services:
    return open_services(store, lambda: "テスト 花子")


def dump(store) -> list[str]:
    return list(store.raw().iterdump())


def refused(store, action) -> ValidationError:
    before = dump(store)
    with pytest.raises(ValidationError) as caught:
        action()
    assert dump(store) == before  # nothing saved, the journal included
    return caught.value


def test_every_entity_has_text_fields_to_check():
    assert {entity for entity, _field in text_fields()} == set(ENTITIES)


@pytest.mark.parametrize(("entity", "field"), text_fields())
@pytest.mark.parametrize("bad", list(BAD_TEXTS.values()), ids=list(BAD_TEXTS))
def test_every_text_field_refuses_what_the_one_validator_refuses(entity, field, bad):
    spec: FieldSpec = ENTITIES[entity].spec(field)
    with pytest.raises(ValidationError) as caught:
        spec.clean(bad)
    assert (caught.value.field_label, caught.value.message_ja) == (spec.label_ja, text_problem(bad))


def coded_text_fields() -> list[tuple[str, str]]:
    """Text fields that hold a code with a rule of its own (a rule of recurrence, a step's key)."""
    return [(e, f) for e, f in text_fields() if f != CREATE and ENTITIES[e].spec(f).problem is not None]


def test_coded_text_fields_refuse_free_text_with_their_own_message():
    assert {f for _e, f in coded_text_fields()} == {"recurrence", "cell_key", "subject", "phone", "mail"}
    for entity, field in coded_text_fields():
        spec = ENTITIES[entity].spec(field)
        with pytest.raises(ValidationError) as caught:
            spec.clean("毎週月曜日")
        assert caught.value.field_label == spec.label_ja and caught.value.message_ja == spec.problem("毎週月曜日")


@pytest.mark.parametrize(("entity", "field"), [f for f in text_fields() if f not in coded_text_fields()])
def test_every_text_field_takes_what_the_one_validator_takes(entity, field):
    spec = ENTITIES[entity].spec(field)
    for good in GOOD_TEXTS:
        value = good[: spec.max_len] if spec.max_len else good
        assert text_problem(value, max_len=spec.max_len) is None
        assert spec.clean(value) == value.strip()
    if spec.max_len:
        too_long = "字" * (spec.max_len + 1)
        with pytest.raises(ValidationError) as caught:
            spec.clean(too_long)
        assert caught.value.message_ja == text_problem(too_long, max_len=spec.max_len)


def a_row(services: Services, kind: Entity) -> str:
    if kind.creatable and kind.name != "municipality":
        changeset = services.changes.run(
            lambda session: [Edit(kind.name, kind.new_key(session), CREATE, "試験用")], action="create"
        )
        return changeset.created(kind.name)[0]
    return next(key for key, _raw in kind.raw_rows(services.store.raw()))


@pytest.mark.parametrize(("entity", "field"), [(e, f) for e, f in text_fields() if f != CREATE])
def test_a_bad_text_saves_nothing_through_the_services(store, services, entity, field):
    kind = ENTITIES[entity]
    key = a_row(services, kind)
    for bad in BAD_TEXTS.values():
        error = refused(store, lambda b=bad: services.changes.apply([Edit(entity, key, field, b)]))
        assert error.user_message() == f"【{kind.spec(field).label_ja}】{text_problem(bad)}"


def test_a_bad_name_creates_nothing(store, services):
    for bad in BAD_TEXTS.values():
        refused(store, lambda b=bad: services.organisations.add(b, "vendor"))
        refused(store, lambda b=bad: services.ledger.add_system(b))
        refused(store, lambda b=bad: services.ledger.set_system_organisation(1, "current_vendor_id", b, "vendor"))


# --- reasons ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", list(BAD_TEXTS.values()), ids=list(BAD_TEXTS))
def test_a_reason_obeys_the_same_rules(store, services, bad):
    error = refused(store, lambda: services.ledger.set_statuses([("koseki", 1)], "done", reason=bad))
    assert (error.field_label, error.message_ja) == ("理由", text_problem(bad))
    error = refused(store, lambda: services.ledger.edit_system(1, "notes", "備考", reason=bad))
    assert (error.field_label, error.message_ja) == ("理由", text_problem(bad))


@pytest.mark.parametrize("bad", list(BAD_TEXTS.values()), ids=list(BAD_TEXTS))
def test_a_reason_given_afterwards_obeys_the_same_rules(store, services, bad):
    changeset = services.ledger.set_statuses([("koseki", 1)], "done")
    error = refused(store, lambda: services.journal.annotate(changeset, bad))
    assert (error.field_label, error.message_ja) == ("理由", text_problem(bad))


def test_reasons_keep_line_breaks_and_refuse_what_is_too_long(store, services):
    changeset = services.ledger.set_statuses([("koseki", 2)], "done", reason="一行目\n二行目")
    assert changeset.reason == "一行目\n二行目"
    services.journal.annotate(changeset, "追記\tタブ")
    too_long = "理" * (MAX_REASON + 1)
    error = refused(store, lambda: services.journal.annotate(changeset, too_long))
    assert error.message_ja == text_problem(too_long, max_len=MAX_REASON)
    error = refused(store, lambda: services.journal.annotate(changeset, "  "))
    assert error.message_ja == "入力してください。"


def test_a_change_with_the_longest_reason_can_be_undone_and_redone(store, services):
    """Undo's reason is 「元に戻す：」 and the original reason: it must not be refused for its length."""
    changeset = services.ledger.edit_system(2, "notes", "長い理由の変更", reason="理" * MAX_REASON)
    undone = services.changes.undo(changeset)
    assert services.ledger.system(2).notes is None
    assert undone.reason.startswith("元に戻す：理") and len(undone.reason) <= MAX_REASON
    redone = services.changes.redo(changeset)
    assert services.ledger.system(2).notes == "長い理由の変更"
    assert redone.reason.startswith("やり直し：理") and len(redone.reason) <= MAX_REASON


# --- the display name ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", list(BAD_TEXTS.values()), ids=list(BAD_TEXTS))
def test_the_display_name_obeys_the_same_rules(bad):
    assert display_name_problem(bad) == text_problem(bad)


def test_the_display_name_is_one_line_and_short():
    assert display_name_problem("情報政策係\n山田") == "改行やタブは使えません。"
    assert display_name_problem("情報政策係\t山田") == "改行やタブは使えません。"
    assert display_name_problem("  ") == "入力してください。"
    assert display_name_problem("山" * MAX_DISPLAY_NAME) is None
    assert display_name_problem("山" * (MAX_DISPLAY_NAME + 1)) == text_problem("山" * 51, max_len=MAX_DISPLAY_NAME)
    assert display_name_problem("  情報政策係 山田  ") is None


@pytest.mark.parametrize("bad", [*BAD_TEXTS.values(), "二\n行"], ids=[*BAD_TEXTS, "newline"])
def test_a_bad_display_name_in_the_settings_file_is_not_taken(tmp_path, bad):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"display_name": bad, "backup_dir": "x"}, ensure_ascii=True), encoding="utf-8")
    settings = Settings.load(path)
    assert settings.display_name == ""
    assert settings.backup_dir == "x"  # the rest of the file is still read


@pytest.mark.parametrize("bad", [*BAD_TEXTS.values(), "二\n行"], ids=[*BAD_TEXTS, "newline"])
def test_a_bad_display_name_is_never_written_into_the_journal(store, bad):
    """Whatever the settings hold, the services refuse to record an actor the display-name rules refuse."""
    services = open_services(store, lambda: bad)
    error = refused(store, lambda: services.ledger.set_statuses([("koseki", 3)], "done"))
    assert error.field_label == "あなたの名前"
    assert error.message_ja.startswith(display_name_problem(bad))
    changeset = open_services(store, lambda: "テスト 花子").ledger.set_statuses([("koseki", 3)], "done")
    refused(store, lambda: services.journal.annotate(changeset, "理由"))


def test_no_display_name_is_recorded_as_unnamed(store):
    services = open_services(store, lambda: "  ")
    services.ledger.set_statuses([("koseki", 4)], "done")
    assert services.journal.entries(limit=1)[0].actor == "（名前未設定）"

"""引継ぎメモ: a note kept as work happens for whoever takes it over, in the sections the 事務引継規程 ask for
(経過・現況, 方針・意見, 年間スケジュール, 未処理・未着手, 書類の所在), perhaps about one record, perhaps pinned.
Editing keeps the previous text: the journal holds every old value whole."""

from __future__ import annotations

from functools import cache

from soloit.services.entities.base import Entity
from soloit.services.entities.subject import describe_subject, subject_problem
from soloit.services.fields import BOOL, CHOICE, DATE, TEXT, FieldSpec, Option

PROGRESS, POLICY, SCHEDULE, PENDING, DOCUMENTS, OTHER = "progress", "policy", "schedule", "pending", "documents", "other"
MAX_BODY = 10_000


@cache
def note_categories() -> tuple[Option, ...]:
    return (
        Option(PROGRESS, "経過・現況"),
        Option(POLICY, "方針・意見"),
        Option(SCHEDULE, "年間スケジュール"),
        Option(PENDING, "未処理・未着手"),
        Option(DOCUMENTS, "書類の所在"),
        Option(OTHER, "その他"),
    )


class NoteEntity(Entity):
    name = "note"
    label_ja = "引継ぎメモ"
    table = "handover_note"
    model_name = "HandoverNote"
    area = "引継ぎ"
    search_rank = 1
    views = ("handover",)
    name_field = "title"
    fields = (
        FieldSpec("title", "件名", TEXT, max_len=200, required=True),
        FieldSpec("category", "区分", CHOICE, required=True, options=note_categories, default=PROGRESS),
        FieldSpec("body", "本文", TEXT, max_len=MAX_BODY),
        FieldSpec("subject", "関連するデータ", TEXT, max_len=80, problem=subject_problem, named=describe_subject),
        FieldSpec("author", "記入者", TEXT, max_len=100),
        FieldSpec("note_date", "記入日", DATE),
        FieldSpec("pinned", "ピン留め", BOOL, default=False),
    )

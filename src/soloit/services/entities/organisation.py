"""組織: a vendor, the prefecture, a department (原課) … Systems (and later contracts and contacts) point here."""

from __future__ import annotations

from soloit import reference
from soloit.services.entities.base import Entity
from soloit.services.fields import CHOICE, TEXT, FieldSpec, Option


def _kinds() -> tuple[Option, ...]:
    return reference.load().organisation_kinds


class OrganisationEntity(Entity):
    name = "organisation"
    label_ja = "組織"
    table = "organisation"
    model_name = "Organisation"
    area = "団体情報・組織"
    search_rank = 9
    subject_rank = 8
    views = ("municipality",)
    fields = (
        FieldSpec("name", "組織名", TEXT, max_len=200, required=True),
        FieldSpec("kind", "種別", CHOICE, required=True, options=_kinds, default="other"),
        FieldSpec("notes", "備考", TEXT, max_len=2000),
    )

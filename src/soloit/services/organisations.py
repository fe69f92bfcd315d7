"""組織 (vendors, the prefecture, departments): listing, adding, renaming, deleting when nothing uses them."""

from __future__ import annotations

from soloit import reference
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import ORGANISATION, entity
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE
from soloit.services.views import OrganisationView


class OrganisationService(AreaService):
    def organisations(self, kind: str | None = None) -> list[OrganisationView]:
        ref = reference.load()
        sql = "SELECT id, name, kind, notes FROM organisation"
        params: tuple = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            params = (kind,)
        rows = sorted(self.store.query(sql, params), key=lambda r: (str(r[1]), r[0]))
        return [
            OrganisationView(row_id, name, org_kind, notes, ref.choice_label(ref.organisation_kinds, org_kind))
            for row_id, name, org_kind, notes in rows
        ]

    def organisation(self, org_id: int) -> OrganisationView:
        for org in self.organisations():
            if org.id == org_id:
                return org
        raise ValidationError("組織", "対象の組織が見つかりません。")

    def add(self, name: str, kind: str, *, reason: str | None = None) -> ChangeSet:
        def build(session) -> list[Edit]:
            key = entity(ORGANISATION).new_key(session)
            return [Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)]

        return self.changes.run(build, reason=reason, action="create")

    def edit(self, org_id: int, field: str, value: object, *, reason: str | None = None) -> ChangeSet:
        if field == CREATE:
            raise ValueError("use add / delete")
        return self.changes.apply([Edit(ORGANISATION, str(org_id), field, value)], reason=reason)

    def rename(self, org_id: int, name: str, *, reason: str | None = None) -> ChangeSet:
        return self.edit(org_id, "name", name, reason=reason)

    def delete(self, org_id: int, *, reason: str | None = None) -> ChangeSet:
        """Refused, naming what uses it, while any system (or later contract, contact …) points at it."""
        return self.changes.delete(ORGANISATION, str(org_id), reason=reason)

    def users(self, org_id: int) -> str | None:
        """What refers to the organisation, as the sentence a refused deletion would show; None when unused."""
        from soloit.services.references import referrers_message

        kind = entity(ORGANISATION)
        with self.store.read() as session:
            row = kind.load(session, str(org_id))
            return None if row is None else referrers_message(session, kind, row)

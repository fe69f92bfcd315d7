"""団体情報: the municipality profile (都道府県, 団体名, 団体コード)."""

from __future__ import annotations

from soloit import reference
from soloit.domain.lgcode import normalise
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import MUNICIPALITY, MUNICIPALITY_KEY
from soloit.services.fields import CREATE
from soloit.services.views import MunicipalityView


class MunicipalityService(AreaService):
    def profile(self) -> MunicipalityView | None:
        rows = self.store.query("SELECT prefecture_code, name, lg_code FROM municipality WHERE id = ?", (int(MUNICIPALITY_KEY),))
        if not rows:
            return None
        prefecture_code, name, lg_code = rows[0]
        pref = reference.load().prefecture_by_code.get(prefecture_code)
        return MunicipalityView(prefecture_code, pref.name_ja if pref else "", name, lg_code)

    def save(self, prefecture_code: str, name: str, lg_code: str, *, reason: str | None = None) -> ChangeSet:
        """Create or update the profile; 団体コード is checked against its check digit and prefecture."""
        code = normalise(lg_code or "")
        exists = self.profile() is not None
        edits = [] if exists else [Edit(MUNICIPALITY, MUNICIPALITY_KEY, CREATE, name)]
        edits += [
            Edit(MUNICIPALITY, MUNICIPALITY_KEY, "prefecture_code", prefecture_code),
            Edit(MUNICIPALITY, MUNICIPALITY_KEY, "name", name),
            Edit(MUNICIPALITY, MUNICIPALITY_KEY, "lg_code", code),
        ]
        return self.changes.apply(edits, reason=reason, action="edit" if exists else "create")

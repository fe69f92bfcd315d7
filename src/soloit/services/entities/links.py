"""関連付け: which systems and budget lines an initiative concerns, which systems a budget line or a contract is
for. Each link is a row of its own (created, deleted and undone like any record); its label names both ends as
they were named when linked. A row that a link points at cannot be deleted until the link is removed, and the
refusal names the link."""

from __future__ import annotations

from soloit.services.entities.base import Entity
from soloit.services.fields import REF, TEXT, FieldSpec


class LinkEntity(Entity):
    left: str  # the field of the row the link belongs to (shown in its detail panel)
    right: str  # the field of the row linked to
    name_field = "label"


def _link(
    name: str, label_ja: str, model: str, left: tuple[str, str, str], right: tuple[str, str, str], area: str, view: str
) -> LinkEntity:
    cls = type(
        f"{model}Entity",
        (LinkEntity,),
        {
            "name": name,
            "label_ja": label_ja,
            "table": name,
            "model_name": model,
            "area": area,
            "views": (view,),
            "left": left[0],
            "right": right[0],
            "fields": (
                FieldSpec("label", "関連付け", TEXT, max_len=420, required=True),
                FieldSpec(left[0], left[1], REF, ref=left[2]),
                FieldSpec(right[0], right[1], REF, ref=right[2]),
            ),
        },
    )
    return cls()


LINKS: tuple[LinkEntity, ...] = (
    _link("initiative_system", "DX取組とシステムの関連付け", "InitiativeSystem",
          ("initiative_id", "DX取組", "initiative"), ("system_id", "システム", "system"), "DX取組", "initiatives"),
    _link("initiative_budget", "DX取組と予算の関連付け", "InitiativeBudget",
          ("initiative_id", "DX取組", "initiative"), ("budget_line_id", "予算", "budget_line"), "DX取組", "initiatives"),
    _link("budget_system", "予算とシステムの関連付け", "BudgetSystem",
          ("budget_line_id", "予算", "budget_line"), ("system_id", "システム", "system"), "予算・契約", "budget"),
    _link("contract_system", "契約とシステムの関連付け", "ContractSystem",
          ("contract_id", "契約", "contract"), ("system_id", "システム", "system"), "予算・契約", "budget"),
    _link("contact_system", "連絡先とシステムの関連付け", "ContactSystem",
          ("contact_id", "連絡先", "contact"), ("system_id", "システム", "system"), "引継ぎ", "handover"),
    _link("contact_contract", "連絡先と契約の関連付け", "ContactContract",
          ("contact_id", "連絡先", "contact"), ("contract_id", "契約", "contract"), "引継ぎ", "handover"),
)

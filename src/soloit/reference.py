"""Reference facts (businesses, steps, statuses, prefectures …) loaded once from resources/reference/*.json.

Everything here is immutable. No other module spells a business, step or status literally: they ask this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType

from soloit.paths import resources_dir


@dataclass(frozen=True, slots=True)
class Business:
    code: str
    order: int  # 政令 order, 1..20
    name_ja: str
    name_en: str
    ministry: str
    label_soumu_sheet: str
    aliases: tuple[str, ...]
    order_soumu_sheet: int
    order_tokutei_sheet: int

    def all_labels(self) -> tuple[str, ...]:
        return (self.name_ja, self.label_soumu_sheet, *self.aliases)


@dataclass(frozen=True, slots=True)
class Step:
    seq: int  # 1..40
    number: str  # "①-1"
    work_item: int  # 1..18
    work_item_label_ja: str
    phase_ja: str
    name_ja: str
    name_ja_as_published: str

    @property
    def work_item_mark(self) -> str:
        return circled(self.work_item)


@dataclass(frozen=True, slots=True)
class StepStatus:
    code: str
    label_ja: str
    counts_as_complete: bool
    aliases: tuple[str, ...]
    symbol: str
    color: str
    text_color: str
    pattern: str  # "solid" or "diagonal"


@dataclass(frozen=True, slots=True)
class Choice:
    """A code with its Japanese label (hosting kinds, organisation kinds, 特定移行支援 reasons …)."""

    code: str
    label_ja: str


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: str  # two digits, "01".."47"
    name_ja: str


@dataclass(frozen=True, slots=True)
class Reference:
    businesses: tuple[Business, ...]
    steps: tuple[Step, ...]
    statuses: tuple[StepStatus, ...]
    status_key_order: tuple[str, ...]  # keys 1..4 in the grid
    prefectures: tuple[Prefecture, ...]
    tokutei_reasons: tuple[Choice, ...]  # the official categories plus "other"
    tokutei_reason_other: str
    hosting_kinds: tuple[Choice, ...]
    organisation_kinds: tuple[Choice, ...]
    standardization_deadline: date
    tokutei_deadline: date
    status_roles: Mapping[str, str]  # role → status code: not_started, in_progress, done, not_applicable
    business_by_code: Mapping[str, Business]
    step_by_seq: Mapping[int, Step]
    status_by_code: Mapping[str, StepStatus]
    prefecture_by_code: Mapping[str, Prefecture]
    dx_categories: tuple[Choice, ...] = ()  # dx_plan_items usable as an initiative category, then その他
    initiative_statuses: tuple[Choice, ...] = ()
    budget_kinds: tuple[Choice, ...] = ()  # 当初 / 補正 / 繰越
    task_statuses: tuple[Choice, ...] = ()  # the first is a new task's, "done" completes it
    notice_decisions: tuple[Choice, ...] = ()  # how a contract's notice was handled: 更新する / 解約する / 申出済み
    funding_sources: tuple[Choice, ...] = ()  # the reference list, in its order (一般財源 … その他)

    @property
    def step_count(self) -> int:
        return len(self.steps)

    @property
    def default_status(self) -> StepStatus:
        return self.status_by_code[self.status_roles["not_started"]]

    @property
    def done_status(self) -> StepStatus:
        """完了済み: setting it fills an empty actual date."""
        return self.status_by_code[self.status_roles["done"]]

    @property
    def in_progress_status(self) -> StepStatus:
        return self.status_by_code[self.status_roles["in_progress"]]

    @property
    def not_applicable_status(self) -> StepStatus:
        return self.status_by_code[self.status_roles["not_applicable"]]

    def business_by_label(self, label: str) -> Business | None:
        wanted = label.strip()
        for business in self.businesses:
            if wanted in business.all_labels() or wanted == business.code:
                return business
        return None

    def status_by_label(self, label: str) -> StepStatus | None:
        wanted = label.strip()
        for status in self.statuses:
            if wanted in (status.label_ja, status.code, *status.aliases):
                return status
        return None

    def work_items(self) -> tuple[tuple[int, str, tuple[Step, ...]], ...]:
        """(work item number, label, its steps) in order."""
        groups: dict[int, list[Step]] = {}
        for step in self.steps:
            groups.setdefault(step.work_item, []).append(step)
        return tuple((n, steps[0].work_item_label_ja, tuple(steps)) for n, steps in groups.items())

    @staticmethod
    def choice_label(choices: tuple[Choice, ...], code: str | None) -> str:
        for choice in choices:
            if choice.code == code:
                return choice.label_ja
        return ""


def circled(number: int) -> str:
    """①..⑳ for 1..20."""
    if not 1 <= number <= 20:
        raise ValueError(number)
    return chr(0x2460 + number - 1)


def _load_json(name: str) -> dict:
    with open(resources_dir() / "reference" / name, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load() -> Reference:
    std = _load_json("standardization.json")
    app = _load_json("app_lists.json")
    businesses = tuple(
        Business(
            code=b["code"],
            order=b["order"],
            name_ja=b["name_ja"],
            name_en=b["name_en"],
            ministry=b["ministry"],
            label_soumu_sheet=b["label_soumu_sheet"],
            aliases=tuple(b["aliases"]),
            order_soumu_sheet=b["order_soumu_sheet"],
            order_tokutei_sheet=b["order_tokutei_sheet"],
        )
        for b in sorted(std["businesses"], key=lambda b: b["order"])
    )
    steps = tuple(
        Step(
            seq=s["seq"],
            number=s["number"],
            work_item=s["work_item"],
            work_item_label_ja=s["work_item_label_ja"],
            phase_ja=s["phase_ja"],
            name_ja=s["name_ja"],
            name_ja_as_published=s["name_ja_as_published"],
        )
        for s in sorted(std["steps"], key=lambda s: s["seq"])
    )
    display = app["status_display"]
    statuses = tuple(
        StepStatus(
            code=s["code"],
            label_ja=s["label_ja"],
            counts_as_complete=s["counts_as_complete"],
            aliases=tuple(a for a in s["aliases"] if a),
            symbol=display[s["code"]]["symbol"],
            color=display[s["code"]]["color"],
            text_color=display[s["code"]]["text_color"],
            pattern=display[s["code"]]["pattern"],
        )
        for s in std["step_statuses"]
    )
    other = app["tokutei_reason_other"]
    tokutei = tuple(Choice(r["code"], r["label_ja"]) for r in std["tokutei_iko_shien_reasons"]) + (
        Choice(other["code"], other["label_ja"]),
    )
    prefectures = tuple(Prefecture(p["code"], p["name_ja"]) for p in std["prefectures"])
    ref = Reference(
        businesses=businesses,
        steps=steps,
        statuses=statuses,
        status_key_order=tuple(app["status_key_order"]),
        prefectures=prefectures,
        tokutei_reasons=tokutei,
        tokutei_reason_other=other["code"],
        hosting_kinds=tuple(Choice(h["code"], h["label_ja"]) for h in app["hosting_kinds"]),
        organisation_kinds=tuple(Choice(k["code"], k["label_ja"]) for k in app["organisation_kinds"]),
        standardization_deadline=date.fromisoformat(std["key_dates"]["standardization_deadline"]["date"]),
        tokutei_deadline=date.fromisoformat(std["key_dates"]["tokutei_iko_shien_deadline"]["date"]),
        status_roles=MappingProxyType({k: v for k, v in app["status_roles"].items() if not k.startswith("_")}),
        business_by_code=MappingProxyType({b.code: b for b in businesses}),
        step_by_seq=MappingProxyType({s.seq: s for s in steps}),
        status_by_code=MappingProxyType({s.code: s for s in statuses}),
        prefecture_by_code=MappingProxyType({p.code: p for p in prefectures}),
        dx_categories=_dx_categories(std, app),
        initiative_statuses=_choices(app["initiative_statuses"]),
        budget_kinds=_choices(app["budget_kinds"]),
        task_statuses=_choices(app["task_statuses"]),
        notice_decisions=_choices(app["notice_decisions"]),
        funding_sources=_choices(std["funding_sources"]),
    )
    _check(ref)
    return ref


def _choices(items: list[dict]) -> tuple[Choice, ...]:
    return tuple(Choice(item["code"], item["label_ja"]) for item in items)


def _dx_categories(std: dict, app: dict) -> tuple[Choice, ...]:
    groups = app["dx_category_groups"]
    found = [
        Choice(f"{groups[item['category_ja']]['prefix']}_{item['number']}",
               f"{groups[item['category_ja']]['short_ja']}：{item['name_ja']}")
        for item in std["dx_plan_items"]
        if item.get("use_as_initiative_category")
    ]
    other = app["dx_category_other"]
    return (*found, Choice(other["code"], other["label_ja"]))


def _check(ref: Reference) -> None:
    if len(ref.businesses) != 20 or [b.order for b in ref.businesses] != list(range(1, 21)):
        raise ValueError("reference: expected the 20 businesses in 政令 order 1..20")
    if len(ref.steps) != 40 or [s.seq for s in ref.steps] != list(range(1, 41)):
        raise ValueError("reference: expected the 40 steps 1..40")
    if set(ref.status_key_order) != set(ref.status_by_code) or len(ref.statuses) != 4:
        raise ValueError("reference: status_key_order must name the 4 statuses")
    if set(ref.status_roles) != {"not_started", "in_progress", "done", "not_applicable"} or not set(
        ref.status_roles.values()
    ) <= set(ref.status_by_code):
        raise ValueError("reference: status_roles must map the four roles to status codes")
    if len(ref.prefectures) != 47:
        raise ValueError("reference: expected 47 prefectures")

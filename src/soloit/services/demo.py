"""A realistic demo municipality (fictional) in its own database file, never mixed with real data.

What the demo contains is data (resources/demo/demo.json); this module only turns it into a ledger."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from soloit import reference
from soloit.domain.clock import JST, SYSTEM_CLOCK, Clock
from soloit.domain.dates import format_era_year
from soloit.domain.fiscal import fiscal_year, fiscal_year_short, fiscal_year_start
from soloit.paths import resources_dir
from soloit.services.changes import Edit
from soloit.services.entities import CELL, ORGANISATION, SYSTEM
from soloit.services.fields import CREATE, cell_key
from soloit.services.setup import create_ledger
from soloit.store.db import Store


@cache
def demo_facts() -> dict[str, Any]:
    with open(resources_dir() / "demo" / "demo.json", encoding="utf-8") as fh:
        return json.load(fh)


def demo_lg_code() -> str:
    return demo_facts()["municipality"]["lg_code"]


FIXED_DEMO_DAY = date(2026, 11, 20)
"""A demo made for this day is the fixed demo of soloit 0.x (its step dates and go-lives of 2023–2026), kept as it
was so the tests written against it keep their values. Any other day gets a town halfway through on that day."""


def create_demo(path: Path, *, seed: int = 2026, clock: Clock = SYSTEM_CLOCK, today: date | None = None) -> Store:
    """A new demo database at `path`: mixed progress, 2 特定移行支援 systems, 3 extra systems, reasons in the journal.
    Its dates are placed around `today` (the clock's day when not given): some businesses live, the others with
    their go-lives in the coming months, a few late steps, this 年度's budget part spent, a journal of the past
    months. The file is marked as a demo, so its backups never mix with real data."""
    from soloit.services.bulk import apply_batch
    from soloit.services.bundle import open_services

    today = today or clock.today()
    facts = demo_facts()
    timing = _Timing(today, date.fromisoformat(facts["present"]), fixed=today == FIXED_DEMO_DAY)
    if not timing.fixed:  # the journal of a town that has used soloit for a while, every entry before `today`
        clock = timing.clock
        timing.clock.at(days_before=400, hour=9)
    muni, actor = facts["municipality"], facts["actor"]
    store = create_ledger(
        path, muni["prefecture_code"], muni["name"], muni["lg_code"], actor=actor, clock=clock, demo=True
    )
    ref = reference.load()
    rng = random.Random(seed)
    edits: list[Edit] = []
    org_ids: dict[str, int] = {}

    def org(name: str, kind: str) -> int:
        if name not in org_ids:
            key = str(len(org_ids) + 1)  # a new ledger has no organisations yet
            edits.extend([Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)])
            org_ids[name] = int(key)
        return org_ids[name]

    vendors, products = facts["vendors"], facts["products"]
    org(facts["prefecture_office"], "prefecture")
    live = _live_businesses(facts, rng) if not timing.fixed else set()
    for business in ref.businesses:
        key = str(business.order)
        current = vendors[business.order % 2]
        target = vendors[2] if business.order % 3 == 0 else current
        edits += [
            Edit(SYSTEM, key, "current_vendor_id", org(current, "vendor")),
            Edit(SYSTEM, key, "current_product", products["current"][business.order % 2]),
            Edit(SYSTEM, key, "target_vendor_id", org(target, "vendor")),
            Edit(SYSTEM, key, "target_product", products["target"]),
            Edit(SYSTEM, key, "hosting", "gov_cloud"),
            Edit(SYSTEM, key, "department_id", org(facts["departments"][business.code], "department")),
            Edit(SYSTEM, key, "planned_start", timing.fiscal(date(2023, 4, 1))),
        ]
        tokutei = facts["tokutei"].get(business.code)
        if timing.fixed:
            edits += _fixed_business_edits(key, business.code, tokutei, rng, facts)
        else:
            edits += _business_edits(key, business.code, tokutei, business.code in live, rng, facts, timing)
    for n, extra in enumerate(facts["extra_systems"], start=len(ref.businesses) + 1):
        key = str(n)
        edits += [
            Edit(SYSTEM, key, CREATE, extra["name"]),
            Edit(SYSTEM, key, "hosting", extra["hosting"]),
            Edit(SYSTEM, key, "department_id", org(extra["department"], "department")),
            Edit(SYSTEM, key, "notes", timing.text(extra["notes"])),
        ]
    apply_batch(store, edits, actor=actor, action="import", reason="デモデータの作成", clock=clock)
    # A dozen later changes, each with its reason, as a user would have made them (one a month, until two months ago).
    services = open_services(store, lambda: actor, clock)
    for i, reason in enumerate(facts["reasons"]):
        business = ref.businesses[(i * 7) % len(ref.businesses)]
        timing.clock.at(days_before=390 - 30 * i, hour=10 + i % 7)
        services.ledger.edit_cell(business.code, 26 + i % 10, "note", f"{reason}。", reason=reason)
    _add_plan(services, facts["plan"], timing, len(live))
    timing.clock.at(days_before=2, hour=16)
    _add_handover(services, facts["handover"], timing)
    return store


class _DemoClock(Clock):
    """The demo's clock: today is the day the demo is made for; now is the moment its entries are stamped with,
    set by `at` (a past day) and a second later on each reading, so the journal reads as months of use."""

    def __init__(self, today: date) -> None:
        self.day = today
        self.moment = datetime.combine(today, time(0), tzinfo=JST)

    def at(self, *, days_before: int, hour: int) -> None:
        self.moment = datetime.combine(self.day - timedelta(days=days_before), time(hour), tzinfo=JST)

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment.astimezone(UTC)

    def today(self) -> date:
        return self.day


class _Timing:
    """Where demo.json's dates land for the day the demo is made for. demo.json is written as seen on its
    `present` day: dated events move by whole weeks (a Friday's due date stays a Friday), 年度 dates (contract
    terms, budget years, 特定移行支援 targets) by whole 年度, and nothing that has happened lands after today."""

    def __init__(self, today: date, present: date, *, fixed: bool) -> None:
        self.today, self.fixed = today, fixed
        self.clock = _DemoClock(today)
        self.days = 0 if fixed else round((today - present).days / 7) * 7
        self.years = 0 if fixed else fiscal_year(today) - fiscal_year(present)
        self.present = present

    def day(self, text: str) -> str:
        """A dated event (a due date, a closed day) moved with the demo."""
        return (date.fromisoformat(text) + timedelta(days=self.days)).isoformat()

    def past(self, text: str) -> str:
        """A day something happened on (a note's date, a KPI's 時点): moved, and never after yesterday."""
        if self.fixed:
            return text
        return min(date.fromisoformat(self.day(text)), self.today - timedelta(days=1)).isoformat()

    def fiscal(self, day: date) -> date:
        """A 年度 date (a term's start or end, a target at a 年度末) moved by whole 年度."""
        return _add_years(day, self.years)

    def fiscal_text(self, text: str) -> str:
        return self.fiscal(date.fromisoformat(text)).isoformat()

    def text(self, text: str) -> str:
        """A text's 令和N年度 and 契約書綴り RN- moved with the 年度."""
        if not self.years:
            return text

        def move(match: re.Match[str]) -> str:
            return f"{match.group(1)}{int(match.group(2)) + self.years}{match.group(3)}"

        return re.sub(r"(令和|R)(\d+)(年度|-)", move, text)

    def words(self, facts: dict[str, Any]) -> dict[str, str]:
        """What the notes of a moved demo say: the month 住基・印鑑 go live, the month before, the later 特定移行支援
        target's 年度末."""
        soon = _go_live_soon(self.today)
        rehearsal = soon - timedelta(days=soon.day)
        latest = max(self.tokutei_target(t["target_date"]) for t in facts["tokutei"].values())
        return {
            "go_live_soon": f"{format_era_year(soon)}{soon.month}月",
            "rehearsal_month": f"{rehearsal.month}月",
            "tokutei_end": f"{fiscal_year_short(fiscal_year(latest))}末",
        }

    def tokutei_target(self, text: str) -> date:
        """A 特定移行支援 target moved with the 年度, never after the national horizon (2030年度末)."""
        return min(self.fiscal(date.fromisoformat(text)), reference.load().tokutei_deadline)

    def spent_share(self) -> float:
        """How much of the present 年度's spending has happened by today, against demo.json's present day."""
        if self.fixed:
            return 1.0
        start = fiscal_year_start(fiscal_year(self.today))
        written = fiscal_year_start(fiscal_year(self.present))
        return ((self.today - start).days + 1) / ((self.present - written).days + 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _go_live_soon(today: date) -> date:
    """The go-live of the businesses going live soon: the 4th of next month (of the month after, late in a month)."""
    return _month_day(today, 1 if today.day < 10 else 2)


def _month_day(day: date, months: int, dom: int = 4) -> date:
    """Day `dom` of the month `months` after the month of `day` (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, dom)


def _live_businesses(facts: dict[str, Any], rng: random.Random) -> set[str]:
    """The businesses already live on the standard system: some of those not 特定移行支援 nor going live soon."""
    ref = reference.load()
    others = {*facts["tokutei"], *facts["go_live_soon"]}
    candidates = [b.code for b in ref.businesses if b.code not in others]
    return set(rng.sample(candidates, facts["live_businesses"]))


def _fixed_business_edits(
    key: str, code: str, tokutei: dict[str, str] | None, rng: random.Random, facts: dict[str, Any]
) -> list[Edit]:
    """The go-lives and steps of the fixed demo (FIXED_DEMO_DAY), exactly as soloit 0.x made them."""
    ref = reference.load()
    edits: list[Edit] = []
    if tokutei:
        target_date = date.fromisoformat(tokutei["target_date"])
        edits += [
            Edit(SYSTEM, key, "tokutei", True),
            Edit(SYSTEM, key, "tokutei_reason", tokutei["reason"]),
            Edit(SYSTEM, key, "tokutei_target_date", target_date),
            Edit(SYSTEM, key, "planned_go_live", target_date.replace(month=1, day=4)),
        ]
        done_upto = rng.randint(*facts["tokutei_steps_done"])
    else:
        done_upto = rng.choice(facts["steps_done_choices"])
        edits.append(Edit(SYSTEM, key, "planned_go_live", date(2026, 1, 4)))
        if done_upto == ref.step_count:
            edits.append(Edit(SYSTEM, key, "actual_go_live", date(2026, 1, 4)))
    return edits + _cell_edits(code, done_upto, rng, set(facts["often_not_applicable_steps"]))


def _business_edits(
    key: str,
    code: str,
    tokutei: dict[str, str] | None,
    live: bool,
    rng: random.Random,
    facts: dict[str, Any],
    timing: _Timing,
) -> list[Edit]:
    """One business of a town halfway through on `timing.today`: live (all steps done, gone live months ago), going
    live soon, in progress with its go-live in the coming months, or 特定移行支援 with a later target. Its steps are
    planned evenly from the start of the work to the go-live; those planned before today are done, except for the
    business's lag (a few late steps), and the next one to three are under way."""
    ref = reference.load()
    today = timing.today
    edits: list[Edit] = []
    if tokutei:
        target = timing.tokutei_target(tokutei["target_date"])
        go_live = max(target.replace(month=1, day=4), _month_day(today, 3))
        edits += [
            Edit(SYSTEM, key, "tokutei", True),
            Edit(SYSTEM, key, "tokutei_reason", tokutei["reason"]),
            Edit(SYSTEM, key, "tokutei_target_date", target),
        ]
        lag = rng.choice(facts["tokutei_lag_days"])
    elif live:
        go_live = _month_day(today, -rng.randint(*facts["live_months_ago"]))
        edits.append(Edit(SYSTEM, key, "actual_go_live", go_live))
        lag = 0
    elif code in facts["go_live_soon"]:
        go_live = _go_live_soon(today)
        lag = 0
    else:
        go_live = _month_day(today, rng.randint(*facts["go_live_months_ahead"]))
        lag = rng.choice(facts["lag_days"])
    edits.append(Edit(SYSTEM, key, "planned_go_live", go_live))
    first = timing.fiscal(date(2023, 4, 10))
    steps = [rng.randint(10, 30) for _ in ref.steps]
    total, span = sum(steps), (go_live - first).days
    planned, running = [], 0
    for length in steps:
        running += length
        planned.append(first + timedelta(days=round(span * running / total)))
    if live:
        done_upto = ref.step_count
    else:
        done_upto = sum(1 for day in planned[:-1] if day <= today - timedelta(days=lag))
    working = done_upto + rng.randint(1, 3)
    often_na = set(facts["often_not_applicable_steps"])
    status = ref.done_status.code, ref.not_applicable_status.code, ref.in_progress_status.code
    yesterday = today - timedelta(days=1)
    for step, day in zip(ref.steps, planned, strict=True):
        cell = cell_key(code, step.seq)
        edits.append(Edit(CELL, cell, "planned_date", day))
        if step.seq <= done_upto:
            not_applicable = step.seq in often_na and rng.random() < 0.5
            edits.append(Edit(CELL, cell, "status", status[1] if not_applicable else status[0]))
            if not not_applicable:
                done_on = go_live if step.seq == ref.step_count else day + timedelta(days=rng.randint(-7, 7))
                edits.append(Edit(CELL, cell, "actual_date", min(done_on, yesterday)))
        elif step.seq <= working:
            edits.append(Edit(CELL, cell, "status", status[2]))
    return edits


def _add_plan(services: Any, plan: dict[str, Any], timing: _Timing, live: int) -> None:
    """DX取組 with KPIs, budget lines, contracts, tasks and the starter duties, as the views' services make them;
    `live` is how many businesses are live (a KPI counts them)."""
    from soloit.services.entities import BUDGET_LINE, CONTRACT, INITIATIVE
    from soloit.services.tasks import starter_duties

    records = services.records
    systems = {name: i for i, name in records.names("system").items()}
    sources = dict(services.store.query("SELECT code, id FROM funding_source WHERE code IS NOT NULL"))
    timing.clock.at(days_before=45, hour=11)
    for closed in plan["closed_days"]:
        services.tasks.add_closed_day(closed["name"], timing.day(closed["day"]))
    lines: dict[str, int] = {}
    present_year = fiscal_year(timing.present)
    for line in plan["budget_lines"]:
        values = {
            k: line[k]
            for k in ("account", "kind", "requested", "budget", "contracted", "spent", "subsidy")
            if k in line
        }
        values["funding_source_id"] = sources[line["funding"]]
        if line["fiscal_year"] == present_year and timing.spent_share() != 1.0:  # this 年度's money, spent so far
            values["spent"] = min(values["contracted"], int(round(values["spent"] * timing.spent_share(), -4)))
        created = services.budget.add_line(line["fiscal_year"] + timing.years, line["name"], **values)
        lines[line["name"]] = int(created.created(BUDGET_LINE)[0])
        records.set_links("budget_system", lines[line["name"]], [systems[n] for n in line["systems"]])
    for item in plan["initiatives"]:
        values = {k: item[k] for k in ("category", "status", "start_date", "end_date", "description") if k in item}
        for name in ("start_date", "end_date"):
            if name in values:
                values[name] = timing.fiscal_text(values[name])
        initiative_id = int(services.initiatives.add(item["title"], **values).created(INITIATIVE)[0])
        records.set_organisation(INITIATIVE, initiative_id, "department_id", item["department"], "department")
        for kpi in item["kpis"]:
            values = {k: v for k, v in kpi.items() if k not in ("name", "counts")}
            if "as_of" in values:
                values["as_of"] = timing.past(values["as_of"])
            if kpi.get("counts") == "live_businesses" and not timing.fixed:
                values["actual"] = str(live)
            services.initiatives.add_kpi(initiative_id, kpi["name"], **values)
        if item["systems"]:
            records.set_links("initiative_system", initiative_id, [systems[n] for n in item["systems"]])
        if item.get("budget_lines"):
            records.set_links("initiative_budget", initiative_id, [lines[n] for n in item["budget_lines"]])
    for contract in plan["contracts"]:
        values = {k: contract[k] for k in ("start_date", "end_date", "amount", "notice_days", "document")}
        values["document"] = timing.text(values["document"])
        for name in ("start_date", "end_date"):
            values[name] = timing.fiscal_text(values[name])
        contract_id = int(services.contracts.add(contract["title"], **values).created(CONTRACT)[0])
        records.set_organisation(CONTRACT, contract_id, "vendor_id", contract["vendor"], "vendor")
        records.set_links("contract_system", contract_id, [systems[n] for n in contract["systems"]])
        handled = contract.get("notice_handled")
        if handled:  # a notice already decided: off the やること list, shown as handled
            decided_on = timing.past(handled["decided_on"])
            timing.clock.at(days_before=(timing.today - date.fromisoformat(decided_on)).days, hour=14)
            reason = timing.text(handled["reason"])
            services.contracts.handle_notice(contract_id, handled["decision"], decided_on, reason=reason)
    timing.clock.at(days_before=7, hour=15)
    services.tasks.add_duties(list(starter_duties()))
    for task in plan["tasks"]:
        values = {k: task[k] for k in ("due_date", "status") if k in task}
        if "due_date" in values:
            values["due_date"] = timing.day(values["due_date"])
        if "system" in task:
            values["system_id"] = systems[task["system"]]
        services.tasks.add(task["title"], **values)


def _add_handover(services: Any, handover: dict[str, Any], timing: _Timing) -> None:
    """Notes, contacts and staff, as the 引継ぎ view's services make them."""
    from soloit.services.entities import CONTACT, STAFF
    from soloit.services.entities.subject import subject_text

    records = services.records
    systems = {name: i for i, name in records.names("system").items()}
    contracts = {name: i for i, name in records.names("contract").items()}
    words = {} if timing.fixed else timing.words(demo_facts())
    for note in handover["notes"]:
        values = {k: note[k] for k in ("body", "pinned", "note_date") if k in note}
        title = note["title"]
        if words and "moved" in note:  # a text that names a month or a 年度: the one of this demo
            title = note["moved"]["title"].format(**words)
            if "body" in note["moved"]:
                values["body"] = note["moved"]["body"].format(**words)
        if "note_date" in values:
            values["note_date"] = timing.past(values["note_date"])
        if "system" in note:
            values["subject"] = subject_text("system", str(systems[note["system"]]))
        if "cell" in note:
            values["subject"] = subject_text("cell", note["cell"])
        services.handover.add_note(title, note["category"], **values)
    for contact in handover["contacts"]:
        values = {k: contact[k] for k in ("role", "phone", "mail") if k in contact}
        contact_id = int(services.handover.add_contact(contact["name"], **values).created(CONTACT)[0])
        records.set_organisation(CONTACT, contact_id, "organisation_id", contact["organisation"], "vendor")
        if contact["systems"]:
            records.set_links("contact_system", contact_id, [systems[n] for n in contact["systems"]])
        if contact["contracts"]:
            records.set_links("contact_contract", contact_id, [contracts[n] for n in contact["contracts"]])
    for person in handover["staff"]:
        values = {k: person[k] for k in ("title", "start_date", "end_date") if k in person}
        for name in ("start_date", "end_date"):
            if name in values:
                values[name] = timing.fiscal_text(values[name])
        records.create(STAFF, person["name"], values)


def _cell_edits(code: str, done_upto: int, rng: random.Random, often_na: set[int]) -> list[Edit]:
    ref = reference.load()
    done, na, working = ref.done_status.code, ref.not_applicable_status.code, ref.in_progress_status.code
    edits = []
    day = date(2023, 4, 10)
    for step in ref.steps:
        key = cell_key(code, step.seq)
        day += timedelta(days=rng.randint(10, 30))
        if step.seq <= done_upto:
            status = na if step.seq in often_na and rng.random() < 0.5 else done
            edits.append(Edit(CELL, key, "status", status))
            if status == done:
                edits.append(Edit(CELL, key, "actual_date", min(day, date(2026, 10, 30))))
        elif step.seq <= done_upto + rng.randint(1, 3):
            edits += [Edit(CELL, key, "status", working), Edit(CELL, key, "planned_date", day)]
        else:
            edits.append(Edit(CELL, key, "planned_date", day))
    return edits


def is_demo_file(path: Path) -> bool:
    """True when the file at `path` is a soloit demo database (marked as one, or holding the demo municipality)."""
    from soloit.store.db import facts_of, prove_soloit

    prove_soloit(path)
    facts = facts_of(path)
    return facts.demo or facts.lg_code == demo_lg_code()


def write_demo(path: Path, *, replace: bool = False) -> Path:
    """Create the demo database at `path`; with `replace`, re-create an existing demo. The writer lock is taken
    before anything is deleted, and only a file proven to be a demo is ever deleted."""
    from soloit.services.errors import StoreError
    from soloit.services.locking import writer_lock

    if path.exists() and not replace:
        raise StoreError(f"「{path}」は既に存在します（作り直すには --replace）。")
    with writer_lock(path):
        if path.exists():
            if not is_demo_file(path):
                raise StoreError(f"「{path}」はデモ用のデータベースではないため、作り直しません。")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        create_demo(path).close()
    return path

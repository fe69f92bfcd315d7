"""A realistic demo municipality (fictional) in its own database file, never mixed with real data.

What the demo contains is data (resources/demo/demo.json); this module only turns it into a ledger."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from soloit import reference
from soloit.domain.clock import SYSTEM_CLOCK, Clock
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


def create_demo(path: Path, *, seed: int = 2026, clock: Clock = SYSTEM_CLOCK) -> Store:
    """A new demo database at `path`: mixed progress, 2 特定移行支援 systems, 3 extra systems, reasons in the journal.
    The file is marked as a demo, so its backups never mix with real data."""
    from soloit.services.bulk import apply_batch
    from soloit.services.bundle import open_services

    facts = demo_facts()
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
            Edit(SYSTEM, key, "planned_start", date(2023, 4, 1)),
        ]
        tokutei = facts["tokutei"].get(business.code)
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
        edits += _cell_edits(business.code, done_upto, rng, set(facts["often_not_applicable_steps"]))
    for n, extra in enumerate(facts["extra_systems"], start=len(ref.businesses) + 1):
        key = str(n)
        edits += [
            Edit(SYSTEM, key, CREATE, extra["name"]),
            Edit(SYSTEM, key, "hosting", extra["hosting"]),
            Edit(SYSTEM, key, "department_id", org(extra["department"], "department")),
            Edit(SYSTEM, key, "notes", extra["notes"]),
        ]
    apply_batch(store, edits, actor=actor, action="import", reason="デモデータの作成", clock=clock)
    # A dozen later changes, each with its reason, as a user would have made them.
    services = open_services(store, lambda: actor, clock)
    for i, reason in enumerate(facts["reasons"]):
        business = ref.businesses[(i * 7) % len(ref.businesses)]
        services.ledger.edit_cell(business.code, 26 + i % 10, "note", f"{reason}。", reason=reason)
    _add_plan(services, facts["plan"])
    _add_handover(services, facts["handover"])
    return store


def _add_plan(services: Any, plan: dict[str, Any]) -> None:
    """DX取組 with KPIs, budget lines, contracts, tasks and the starter duties, as the views' services make them."""
    from soloit.services.entities import BUDGET_LINE, CONTRACT, INITIATIVE
    from soloit.services.tasks import starter_duties

    records = services.records
    systems = {name: i for i, name in records.names("system").items()}
    sources = dict(services.store.query("SELECT code, id FROM funding_source WHERE code IS NOT NULL"))
    for closed in plan["closed_days"]:
        services.tasks.add_closed_day(closed["name"], closed["day"])
    lines: dict[str, int] = {}
    for line in plan["budget_lines"]:
        values = {k: line[k] for k in ("account", "kind", "requested", "budget", "contracted", "spent", "subsidy") if k in line}
        values["funding_source_id"] = sources[line["funding"]]
        created = services.budget.add_line(line["fiscal_year"], line["name"], **values)
        lines[line["name"]] = int(created.created(BUDGET_LINE)[0])
        records.set_links("budget_system", lines[line["name"]], [systems[n] for n in line["systems"]])
    for item in plan["initiatives"]:
        values = {k: item[k] for k in ("category", "status", "start_date", "end_date", "description") if k in item}
        initiative_id = int(services.initiatives.add(item["title"], **values).created(INITIATIVE)[0])
        records.set_organisation(INITIATIVE, initiative_id, "department_id", item["department"], "department")
        for kpi in item["kpis"]:
            services.initiatives.add_kpi(initiative_id, kpi["name"], **{k: v for k, v in kpi.items() if k != "name"})
        if item["systems"]:
            records.set_links("initiative_system", initiative_id, [systems[n] for n in item["systems"]])
        if item.get("budget_lines"):
            records.set_links("initiative_budget", initiative_id, [lines[n] for n in item["budget_lines"]])
    for contract in plan["contracts"]:
        values = {k: contract[k] for k in ("start_date", "end_date", "amount", "notice_days", "document")}
        contract_id = int(services.contracts.add(contract["title"], **values).created(CONTRACT)[0])
        records.set_organisation(CONTRACT, contract_id, "vendor_id", contract["vendor"], "vendor")
        records.set_links("contract_system", contract_id, [systems[n] for n in contract["systems"]])
        handled = contract.get("notice_handled")
        if handled:  # a notice already decided: off the やること list, shown as handled
            services.contracts.handle_notice(contract_id, handled["decision"], handled["decided_on"], reason=handled["reason"])
    services.tasks.add_duties(list(starter_duties()))
    for task in plan["tasks"]:
        values = {k: task[k] for k in ("due_date", "status") if k in task}
        if "system" in task:
            values["system_id"] = systems[task["system"]]
        services.tasks.add(task["title"], **values)


def _add_handover(services: Any, handover: dict[str, Any]) -> None:
    """Notes, contacts and staff, as the 引継ぎ view's services make them."""
    from soloit.services.entities import CONTACT, STAFF
    from soloit.services.entities.subject import subject_text

    records = services.records
    systems = {name: i for i, name in records.names("system").items()}
    contracts = {name: i for i, name in records.names("contract").items()}
    for note in handover["notes"]:
        values = {k: note[k] for k in ("body", "pinned", "note_date") if k in note}
        if "system" in note:
            values["subject"] = subject_text("system", str(systems[note["system"]]))
        if "cell" in note:
            values["subject"] = subject_text("cell", note["cell"])
        services.handover.add_note(note["title"], note["category"], **values)
    for contact in handover["contacts"]:
        values = {k: contact[k] for k in ("role", "phone", "mail") if k in contact}
        contact_id = int(services.handover.add_contact(contact["name"], **values).created(CONTACT)[0])
        records.set_organisation(CONTACT, contact_id, "organisation_id", contact["organisation"], "vendor")
        if contact["systems"]:
            records.set_links("contact_system", contact_id, [systems[n] for n in contact["systems"]])
        if contact["contracts"]:
            records.set_links("contact_contract", contact_id, [contracts[n] for n in contact["contracts"]])
    for person in handover["staff"]:
        records.create(STAFF, person["name"], {k: person[k] for k in ("title", "start_date", "end_date") if k in person})


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

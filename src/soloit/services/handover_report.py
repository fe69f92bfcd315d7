"""The 事務引継書 as plain data: what a 職員事務引継規程 asks the predecessor to hand over (経過及び現況, 方針・意見及び
年間スケジュール, 未処理事項及び未着手事項, 書類の所在, 連絡先), built from the area services on the day it is made,
with the journal's anchor so the successor can check later that the database still extends what was handed over.
The writers (exchange/handover_document.py) turn it into a PDF and a workbook; nothing here knows about files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from soloit import reference
from soloit.domain import progress
from soloit.domain.anchor_code import anchor_code
from soloit.domain.dates import format_both
from soloit.domain.fiscal import fiscal_year, fiscal_year_label
from soloit.domain.progress import Rates
from soloit.domain.recurrence import RuleError, describe, parse_rule
from soloit.domain.schedule import LATE, step_lateness
from soloit.services.base import AreaService
from soloit.services.entities.note import DOCUMENTS, OTHER, PENDING, POLICY, PROGRESS, SCHEDULE
from soloit.services.errors import ValidationError
from soloit.services.plan_report import BudgetLine, InitiativeLine

TITLE = "事務引継書"
FORMAT = "soloit-handover-document"  # how the PDF's creator and the workbook's _meta name what they are
SECTION_OVERVIEW = "1 担当事務の概要"
SECTION_PROGRESS = "2 経過及び現況"
SECTION_POLICY = "3 方針・意見"
SECTION_SCHEDULE = "4 年間スケジュール"
SECTION_PENDING = "5 未処理・未着手事項"
SECTION_DOCUMENTS = "6 書類の所在"
SECTION_CONTACTS = "7 連絡先"
SECTION_SIGNATURES = "署名欄"
SECTIONS = (
    SECTION_OVERVIEW, SECTION_PROGRESS, SECTION_POLICY, SECTION_SCHEDULE, SECTION_PENDING, SECTION_DOCUMENTS,
    SECTION_CONTACTS, SECTION_SIGNATURES,
)
PREDECESSOR, SUCCESSOR, WITNESS = "前任者", "後任者", "立会人"
SCHEDULE_MONTHS = 12
KIND_TASK, KIND_DUTY, KIND_NOTICE = "期限", "定例業務", "契約の申出期限"


def wareki_and_iso(day: date | None) -> str:
    """令和9年4月1日（2027/04/01）; '' for None (the one style of both calendars, dates.format_both)."""
    return format_both(day)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The journal's head when the document was made (soloit verify --against-code checks the database extends it)."""

    count: int
    head: str
    code: str

    @property
    def sentence(self) -> str:
        return (
            f"この引継書は変更記録の {self.count:,} 件目（照合コード {self.code}）の時点の台帳から作成しました。"
            f"後任者は「soloit verify --against-code {self.code}」で、データベースがこの時点から続いている"
            "（記録が書き換えられていない）ことを確かめられます。"
        )


@dataclass(frozen=True, slots=True)
class Header:
    prefecture: str
    municipality: str
    lg_code: str
    title: str
    predecessor: str
    successor: str
    witness: str | None
    appointment_date: date  # 発令日
    deadline: date  # 引継期限
    made_on: date  # 作成日
    anchor: Anchor


@dataclass(frozen=True, slots=True)
class NoteItem:
    title: str
    category: str  # the category's label
    note_date: date | None
    author: str
    body: str
    subject: str  # what it is about (「システム『住民基本台帳』」), '' when nothing
    pinned: bool


@dataclass(frozen=True, slots=True)
class Overview:
    summary: tuple[str, ...]  # generated sentences
    notes: tuple[NoteItem, ...]  # category その他


@dataclass(frozen=True, slots=True)
class CurrentStep:
    """Where a business's procedure stands: its first step under way, else its first not started."""

    number: str  # ①-1
    name: str
    status: str  # label
    planned_date: date | None


@dataclass(frozen=True, slots=True)
class LastReason:
    """The newest reason given to a change of a business's system or of its step cells (one given afterwards too)."""

    day: date | None  # the Japanese calendar day of the change
    actor: str
    change: str  # 「児童手当 ステップ⑭-2 備考: （なし） → …」
    reason: str


@dataclass(frozen=True, slots=True)
class BusinessState:
    name: str
    business_code: str
    complete_steps: int  # 完了済み + 対象外
    total_steps: int
    rates: Rates
    planned_go_live: date | None
    actual_go_live: date | None
    tokutei: bool
    tokutei_reason: str  # the reason's label (and its text for その他), '' when not 特定移行支援
    tokutei_target_date: date | None
    target_vendor: str = ""  # 移行先（標準準拠）ベンダ
    target_product: str = ""
    current_step: CurrentStep | None = None  # None when every step is complete
    last_reason: LastReason | None = None


@dataclass(frozen=True, slots=True)
class BudgetTotal:
    budget: int
    contracted: int
    spent: int
    execution_rate: Decimal | None  # spent ÷ budget in %, to 0.1


@dataclass(frozen=True, slots=True)
class BudgetYear:
    fiscal_year: int
    fiscal_year_label: str
    lines: tuple[BudgetLine, ...]
    total: BudgetTotal
    why: str  # 作成日の年度 / 発令日の年度


@dataclass(frozen=True, slots=True)
class ProgressSection:
    overall: Rates
    businesses: tuple[BusinessState, ...]  # the 20 businesses in 政令 order
    tokutei: tuple[BusinessState, ...]  # those designated 特定移行支援
    initiatives: tuple[InitiativeLine, ...]
    budgets: tuple[BudgetYear, ...]  # the 年度 of the day it is made, then the 発令日's when it differs
    notes: tuple[NoteItem, ...]  # category 経過・現況, pinned first

    @property
    def budget(self) -> BudgetYear:
        """The budget of the 年度 the document is made in."""
        return self.budgets[0]


@dataclass(frozen=True, slots=True)
class PolicySection:
    notes: tuple[NoteItem, ...]


@dataclass(frozen=True, slots=True)
class DutyItem:
    title: str
    rule: str  # the rule in Japanese
    dates: tuple[date, ...]  # its dates within the 12 months


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    day: date
    kind: str  # KIND_TASK, KIND_DUTY, KIND_NOTICE or a declared date's label (Entity.dated)
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class ScheduleSection:
    start: date  # the appointment date
    end: date  # the last day of the 12 months
    duties: tuple[DutyItem, ...]
    items: tuple[ScheduleItem, ...]  # sorted by date
    notes: tuple[NoteItem, ...]


@dataclass(frozen=True, slots=True)
class TaskItem:
    title: str
    due: date | None
    overdue: bool
    status: str  # label
    about: str
    recurrence: str  # the rule in Japanese, '' when it does not recur


@dataclass(frozen=True, slots=True)
class LateStep:
    business: str
    step_number: str  # ①-1
    step_name: str
    planned_date: date
    status: str  # label


@dataclass(frozen=True, slots=True)
class LateBusiness:
    """One business's late steps in a line: how many, the oldest 予定日, and the first of them in the procedure."""

    business: str
    count: int
    oldest: date
    first: LateStep


@dataclass(frozen=True, slots=True)
class PendingSection:
    tasks: tuple[TaskItem, ...]  # overdue first
    late_steps: tuple[LateStep, ...]  # every late step, oldest 予定日 first (the workbook lists them all)
    notes: tuple[NoteItem, ...]
    late_businesses: tuple[LateBusiness, ...] = ()  # per business, in 政令 order (the PDF prints these)


@dataclass(frozen=True, slots=True)
class ContractDocument:
    title: str
    vendor: str
    end_date: date | None
    document: str  # 契約書の保管場所, '' when not recorded


@dataclass(frozen=True, slots=True)
class DocumentsSection:
    notes: tuple[NoteItem, ...]
    contracts: tuple[ContractDocument, ...]


@dataclass(frozen=True, slots=True)
class ContactItem:
    name: str
    organisation: str
    role: str
    phone: str
    mail: str
    systems: str
    contracts: str = ""  # the linked contracts' titles, joined with 、


@dataclass(frozen=True, slots=True)
class Signature:
    role: str  # 前任者 / 後任者 / 立会人
    name: str  # '' when not known


@dataclass(frozen=True, slots=True)
class HandoverReport:
    header: Header
    overview: Overview
    progress: ProgressSection
    policy: PolicySection
    schedule: ScheduleSection
    pending: PendingSection
    documents: DocumentsSection
    contacts: tuple[ContactItem, ...]
    signatures: tuple[Signature, ...]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    from calendar import monthrange

    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


class HandoverReportService(AreaService):
    def build(
        self,
        *,
        predecessor: str,
        successor: str,
        appointment_date: date,
        deadline: date,
        witness: str | None = None,
    ) -> HandoverReport:
        """The 事務引継書 as of today: the ledger's state, the 12 months from the appointment date, the journal's head."""
        from soloit.services.handover import HandoverService
        from soloit.services.municipality import MunicipalityService

        predecessor, successor = (predecessor or "").strip(), (successor or "").strip()
        witness = (witness or "").strip() or None
        if not predecessor:
            raise ValidationError(PREDECESSOR, "前任者の氏名を入力してください。")
        if not successor:
            raise ValidationError(SUCCESSOR, "後任者の氏名を入力してください。")
        if deadline < appointment_date:
            raise ValidationError("引継期限", "引継期限は発令日以後の日付にしてください。")
        made_on = self.context.clock.today()
        profile = MunicipalityService(self.context, self.changes).profile()
        header = Header(
            prefecture=profile.prefecture_name if profile else "",
            municipality=profile.name if profile else "",
            lg_code=profile.lg_code if profile else "",
            title=TITLE,
            predecessor=predecessor,
            successor=successor,
            witness=witness,
            appointment_date=appointment_date,
            deadline=deadline,
            made_on=made_on,
            anchor=self.anchor(),
        )
        notes: dict[str, list[NoteItem]] = {}
        for row in HandoverService(self.context, self.changes).notes():
            notes.setdefault(row.category, []).append(
                NoteItem(row.title, row.category_label, row.note_date, row.author, row.body, row.subject_label, row.pinned)
            )

        def of(category: str) -> tuple[NoteItem, ...]:
            return tuple(notes.get(category, ()))

        progress_section = self._progress(made_on, appointment_date, of(PROGRESS))
        pending = self._pending(made_on, of(PENDING))
        schedule = self._schedule(appointment_date, of(SCHEDULE))
        documents = self._documents(of(DOCUMENTS))
        overview = self._overview(progress_section, documents, pending, of(OTHER))
        return HandoverReport(
            header=header,
            overview=overview,
            progress=progress_section,
            policy=PolicySection(of(POLICY)),
            schedule=schedule,
            pending=pending,
            documents=documents,
            contacts=self._contacts(),
            signatures=(
                Signature(PREDECESSOR, predecessor), Signature(SUCCESSOR, successor), Signature(WITNESS, witness or "")
            ),
        )

    def anchor(self) -> Anchor:
        from soloit.store.journal import raw_head

        count, head = raw_head(self.store.raw())
        return Anchor(count, head, anchor_code(count, head))

    # --- sections ---------------------------------------------------------------------------------------------

    def _progress(self, made_on: date, appointed: date, notes: tuple[NoteItem, ...]) -> ProgressSection:
        from soloit.services.budget import BudgetService
        from soloit.services.migration import LedgerService
        from soloit.services.plan_report import plan_report

        ref = reference.load()
        ledger = LedgerService(self.context, self.changes)
        systems = {s.business_code: s for s in ledger.systems() if s.business_code}
        rates: dict[str, Rates] = {}
        businesses = []
        reasons = self._last_reasons({s.id: code for code, s in systems.items()})
        for row in ledger.snapshot().rows:
            statuses = [c.status for c in row.cells]
            rates[row.business_code] = progress.business_rates(statuses)
            system = systems[row.business_code]
            reason = ref.choice_label(ref.tokutei_reasons, system.tokutei_reason) if system.tokutei else ""
            if system.tokutei and system.tokutei_reason_text:
                reason = f"{reason}（{system.tokutei_reason_text}）" if reason else system.tokutei_reason_text
            businesses.append(
                BusinessState(
                    name=system.name,
                    business_code=row.business_code,
                    complete_steps=sum(1 for s in statuses if ref.status_by_code[s].counts_as_complete),
                    total_steps=len(statuses),
                    rates=rates[row.business_code],
                    planned_go_live=system.planned_go_live,
                    actual_go_live=system.actual_go_live,
                    tokutei=system.tokutei,
                    tokutei_reason=reason or "",
                    tokutei_target_date=system.tokutei_target_date if system.tokutei else None,
                    target_vendor=system.target_vendor or "",
                    target_product=system.target_product or "",
                    current_step=_current_step(row.cells),
                    last_reason=reasons.get(row.business_code),
                )
            )
        budgets = []
        years = [(fiscal_year(made_on), "作成日の年度")]
        if fiscal_year(appointed) != years[0][0]:
            years.append((fiscal_year(appointed), "発令日の年度"))  # a rotation on April 1 is about the new year's money
        plans = {year: plan_report(self, year) for year, _why in years}
        for year, why in years:
            lines = plans[year].budget_lines
            total = BudgetService(self.context, self.changes).summary(year).total
            budgets.append(BudgetYear(
                year, fiscal_year_label(year), lines,
                BudgetTotal(total.budget, total.contracted, total.spent, total.execution_rate), why,
            ))
        plan = plans[years[0][0]]
        return ProgressSection(
            overall=progress.municipality_rate(rates),
            businesses=tuple(businesses),
            tokutei=tuple(b for b in businesses if b.tokutei),
            initiatives=plan.initiatives,
            budgets=tuple(budgets),
            notes=notes,
        )

    def _schedule(self, start: date, notes: tuple[NoteItem, ...]) -> ScheduleSection:
        from soloit.services.contracts import ContractService
        from soloit.services.tasks import TaskService, dated_items

        end = add_months(start, SCHEDULE_MONTHS) - timedelta(days=1)
        calendar = TaskService(self.context, self.changes).calendar()
        duties: list[DutyItem] = []
        items: list[ScheduleItem] = []
        rows = self.store.query(
            "SELECT id, title, due_date, recurrence, notes FROM task WHERE status != 'done' ORDER BY id"
        )
        for _id, title, due, rule_text, task_notes in rows:
            due_day = date.fromisoformat(due) if due else None
            dates: list[date] = []
            if rule_text:
                try:
                    dates = parse_rule(rule_text).dates_between(start, end, calendar)
                except RuleError:
                    dates = []
                duties.append(DutyItem(title, describe(rule_text), tuple(dates)))
                items += [ScheduleItem(day, KIND_DUTY, title, describe(rule_text)) for day in dates]
            if due_day is not None and start <= due_day <= end and due_day not in dates:
                items.append(ScheduleItem(due_day, KIND_TASK, title, (task_notes or "").strip()))
        for contract in ContractService(self.context, self.changes).contracts():
            day = contract.notice_date
            if day is not None and start <= day <= end:
                detail = f"契約終了日 {wareki_and_iso(contract.end_date)}" + (f"・{contract.vendor}" if contract.vendor else "")
                if contract.notice_handled:  # decided for this term: shown as handled
                    detail += f"・処理済み：{contract.notice_handling}"
                items.append(ScheduleItem(day, KIND_NOTICE, contract.title, detail))
        for _kind, dated, _key, name, day in dated_items(self.store.raw(), agenda=False):  # the declared dates
            if start <= day <= end:
                items.append(ScheduleItem(day, dated.label, name, ""))
        kinds = {KIND_TASK: 0, KIND_DUTY: 1, KIND_NOTICE: 2}
        items.sort(key=lambda i: (i.day, kinds.get(i.kind, 3), i.title))
        duties.sort(key=lambda d: (d.dates[0] if d.dates else date.max, d.title))
        return ScheduleSection(start, end, tuple(duties), tuple(items), notes)

    def _pending(self, made_on: date, notes: tuple[NoteItem, ...]) -> PendingSection:
        from soloit.services.migration import LedgerService
        from soloit.services.tasks import OVERDUE, TASK_ITEM, TaskService

        agenda = [i for i in TaskService(self.context, self.changes).agenda(made_on) if i.kind == TASK_ITEM]
        agenda.sort(key=lambda i: (i.bucket != OVERDUE, i.due is None, i.due or made_on, i.id))
        tasks = tuple(
            TaskItem(i.title, i.due, i.bucket == OVERDUE, i.status_label, i.about, i.recurrence) for i in agenda
        )
        ref = reference.load()
        late = []
        for row in LedgerService(self.context, self.changes).snapshot().rows:
            for step, cell in zip(ref.steps, row.cells, strict=True):
                # the one rule the grid and its summary use too (domain/schedule.py)
                if cell.planned_date is not None and step_lateness(cell.status, cell.planned_date, made_on) is LATE:
                    late.append(
                        LateStep(row.name, step.number, step.name_ja, cell.planned_date, ref.status_by_code[cell.status].label_ja)
                    )
        by_business: dict[str, list[tuple[int, LateStep]]] = {}
        order = {step.number: n for n, step in enumerate(ref.steps)}
        for step in late:
            by_business.setdefault(step.business, []).append((order[step.step_number], step))
        summary = tuple(
            LateBusiness(name, len(found), min(s.planned_date for _n, s in found), min(found, key=lambda f: f[0])[1])
            for name, found in by_business.items()
        )
        late.sort(key=lambda s: s.planned_date)
        return PendingSection(tasks, tuple(late), notes, summary)

    def _documents(self, notes: tuple[NoteItem, ...]) -> DocumentsSection:
        from soloit.services.contracts import ContractService

        contracts = tuple(
            ContractDocument(c.title, c.vendor or "", c.end_date, c.document or "")
            for c in ContractService(self.context, self.changes).contracts()
        )
        return DocumentsSection(notes, contracts)

    def _contacts(self) -> tuple[ContactItem, ...]:
        from soloit.services.handover import HandoverService

        return tuple(
            ContactItem(c.name, c.organisation, c.role, c.phone, c.mail, c.systems, c.contracts)
            for c in HandoverService(self.context, self.changes).contacts()
        )

    def _overview(
        self, section: ProgressSection, documents: DocumentsSection, pending: PendingSection, notes: tuple[NoteItem, ...]
    ) -> Overview:
        from soloit.services.migration import LedgerService

        systems = LedgerService(self.context, self.changes).systems()
        others = sum(1 for s in systems if s.business_code is None)
        overdue = sum(1 for t in pending.tasks if t.overdue)
        summary = (
            f"標準化対象事務 {len(section.businesses)} 業務の移行（手順書の進捗率 "
            f"{progress.format_percent(section.overall.complete)}、うち特定移行支援システム {len(section.tokutei)} 業務）。",
            f"台帳のシステムは {len(systems)} 件（20業務のほか {others} 件）。",
            f"自治体DX推進計画の取組 {len(section.initiatives)} 件。",
            *(
                f"{b.fiscal_year_label}の予算 {len(b.lines)} 事業（予算額 {b.total.budget:,} 円、支出額 {b.total.spent:,} 円）。"
                for b in section.budgets
            ),
            f"契約 {len(documents.contracts)} 件。",
            f"未完了のタスク {len(pending.tasks)} 件（うち期限切れ {overdue} 件）、"
            f"予定日を過ぎた未完了のステップ {len(pending.late_steps)} 件（{len(pending.late_businesses)} 業務）。",
        )
        return Overview(summary, notes)

    def _last_reasons(self, businesses: dict[int, str]) -> dict[str, LastReason]:
        """business code → the newest reason given to a change of its system or its step cells; a reason given
        afterwards counts from when it was given."""
        from soloit.domain.clock import jst_day, parse_utc
        from soloit.services.entities import CELL, SYSTEM
        from soloit.services.narrator import ANNOTATION_ENTITY, late_reasons, name_book, narrate
        from soloit.store import journal

        conn = self.store.raw()
        annotated = {key: last for key, last in conn.execute(
            "SELECT entity_key, MAX(id) FROM journal WHERE entity = ? GROUP BY entity_key", (ANNOTATION_ENTITY,)
        )}
        newest: dict[str, tuple[int, journal.Entry]] = {}
        for entry in journal.iter_entries(
            conn, "entity IN (?, ?) AND ((reason IS NOT NULL AND reason != '') OR batch IN "
            "(SELECT entity_key FROM journal WHERE entity = ?))", (CELL, SYSTEM, ANNOTATION_ENTITY), order="id DESC",
        ):
            if entry.entity == CELL:
                code = entry.entity_key.split("/", 1)[0]
            else:
                code = businesses.get(int(entry.entity_key)) if entry.entity_key.isdigit() else None
            if code is None:
                continue
            when = max(entry.id, annotated.get(entry.batch, 0))
            if code not in newest or when > newest[code][0]:
                newest[code] = (when, entry)
        if not newest:
            return {}
        names = name_book(conn)
        late = late_reasons(conn, {e.batch for _w, e in newest.values()})
        found = {}
        for code, (_when, entry) in newest.items():
            lines = narrate([entry], names, late)
            line = lines[0] if lines else None
            moment = parse_utc(entry.recorded_at)
            reasons = line.reasons if line is not None else (entry.reason or "",)
            found[code] = LastReason(
                jst_day(moment) if moment else None, entry.actor, line.sentence() if line is not None else "",
                " / ".join(r for r in reasons if r),
            )
        return found


def _current_step(cells: tuple) -> CurrentStep | None:
    """The first step under way, else the first not started (in the procedure's order); None when all are complete."""
    ref = reference.load()
    working, waiting = ref.in_progress_status.code, ref.default_status.code
    for wanted in (working, waiting):
        for step, cell in zip(ref.steps, cells, strict=True):
            if cell.status == wanted:
                return CurrentStep(step.number, step.name_ja, ref.status_by_code[cell.status].label_ja, cell.planned_date)
    return None

"""最初にやること: the five things a new ledger needs before soloit is useful day to day — the municipality's own
organisations, the ministry's step sheet taken in, backups on a shared folder, the yearly duties, the office's closed
days. Each is read from the ledger (or the settings given) so it is ticked the moment it is done, by whatever path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from soloit.services.base import REDO_REASON, UNDO_REASON, AreaService
from soloit.store.location import is_network_path

# What the ministry's step sheet import writes into the journal (services/step_import.py, ImportPlan.reason).
SOUMU_IMPORT_REASON = "総務省の進捗シート「%"

ORGANISATION = "organisation"
SOUMU_IMPORT = "soumu_import"
BACKUP = "backup"
DUTIES = "duties"
CLOSED_DAYS = "closed_days"


@dataclass(frozen=True, slots=True)
class FirstStep:
    key: str  # one of the names above: what the UI offers to do it
    label: str  # 団体情報を入力 …
    done: bool
    detail: str  # one Japanese sentence: what is there, or what to do


@dataclass(frozen=True, slots=True)
class FirstSteps:
    items: tuple[FirstStep, ...]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def all_done(self) -> bool:
        return all(item.done for item in self.items)


class FirstStepsService(AreaService):
    def first_steps(self, backup_setting: str, *, is_network: Callable[[Path], bool] = is_network_path) -> FirstSteps:
        """The checklist, in the order a new user does it. `backup_setting` is the settings' backup folder (empty:
        the data folder's backups/, on this PC); `is_network` is a seam for tests."""
        return FirstSteps(
            (
                self._organisation(),
                self._soumu_import(),
                self._backup(backup_setting, is_network),
                self._duties(),
                self._closed_days(),
            )
        )

    def _count(self, sql: str, params: tuple = ()) -> int:
        return int(self.store.query(sql, params)[0][0])

    def _organisation(self) -> FirstStep:
        label = "団体情報を入力"
        profile = self.store.query("SELECT name FROM municipality LIMIT 1")
        departments = self._count("SELECT COUNT(*) FROM organisation WHERE kind = 'department'")
        if not profile:
            return FirstStep(ORGANISATION, label, False, "団体名・団体コードが未登録です。")
        if not departments:
            return FirstStep(ORGANISATION, label, False, f"{profile[0][0]}の庁内部署（原課）を登録してください。")
        return FirstStep(ORGANISATION, label, True, f"{profile[0][0]}、庁内部署 {departments} 件を登録済みです。")

    def _soumu_import(self) -> FirstStep:
        label = "総務省シートの取り込み"
        counts = dict(
            self.store.query(
                "SELECT action, COUNT(DISTINCT batch) FROM journal WHERE (action = 'import' AND reason LIKE ?) "
                "OR (action = 'undo' AND reason LIKE ?) OR (action = 'redo' AND reason LIKE ?) GROUP BY action",
                (SOUMU_IMPORT_REASON, f"{UNDO_REASON}：{SOUMU_IMPORT_REASON}", f"{REDO_REASON}：{SOUMU_IMPORT_REASON}"),
            )
        )
        imports = counts.get("import", 0) + counts.get("redo", 0) - counts.get("undo", 0)  # an import undone is none
        if imports <= 0:
            return FirstStep(
                SOUMU_IMPORT, label, False, "県から届いた「業務別ステップ別進捗一覧」で40ステップの状態を取り込みます。"
            )
        return FirstStep(SOUMU_IMPORT, label, True, f"{counts['import']} 回取り込み済みです。")

    def _backup(self, backup_setting: str, is_network: Callable[[Path], bool]) -> FirstStep:
        label = "バックアップ先を共有フォルダに"
        folder = backup_setting.strip()
        if not folder:
            return FirstStep(
                BACKUP,
                label,
                False,
                "今はこのパソコンの中に保存しています。設定でファイルサーバーの共有フォルダを選んでください。",
            )
        try:
            shared = is_network(Path(folder).expanduser())
        except OSError:
            shared = False
        if not shared:
            return FirstStep(
                BACKUP,
                label,
                False,
                f"「{folder}」はこのパソコンの中のフォルダです。パソコンの故障に備えて共有フォルダを選んでください。",
            )
        return FirstStep(BACKUP, label, True, f"「{folder}」に保存します。")

    def _duties(self) -> FirstStep:
        label = "定例業務を登録"
        duties = self._count("SELECT COUNT(*) FROM task WHERE recurrence IS NOT NULL AND recurrence != ''")
        if not duties:
            return FirstStep(DUTIES, label, False, "毎年・毎月の定例業務（報告・更新など）を、やることに登録します。")
        return FirstStep(DUTIES, label, True, f"繰り返すやることが {duties} 件あります。")

    def _closed_days(self) -> FirstStep:
        label = "閉庁日を登録"
        days = self._count("SELECT COUNT(*) FROM closed_day")
        if not days:
            return FirstStep(
                CLOSED_DAYS, label, False, "土日・祝日・年末年始のほかの閉庁日を登録すると、期限が開庁日に合います。"
            )
        return FirstStep(CLOSED_DAYS, label, True, f"閉庁日が {days} 日登録されています。")

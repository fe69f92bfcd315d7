"""最初にやること: on a new ledger none of the five steps is done; each is ticked once the ledger (or the backup
setting) shows it done, whichever way it was done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from soloit.services import first_steps as fs
from soloit.services.bundle import open_services
from soloit.services.first_steps import FirstStepsService
from soloit.services.tasks import starter_duties

SHARE = r"\\fileserver\joho\soloit-backup"


@pytest.fixture
def services(store, clock):
    return open_services(store, lambda: "テスト 花子", clock)


def steps(services, backup: str = "", **kwargs):
    return FirstStepsService(services.context, services.changes).first_steps(backup, **kwargs)


def done(services, backup: str = "", **kwargs) -> dict[str, bool]:
    return {item.key: item.done for item in steps(services, backup, **kwargs).items}


def test_a_new_ledger_has_five_steps_in_order_none_done(services):
    checklist = steps(services)
    assert [(i.key, i.label) for i in checklist.items] == [
        (fs.ORGANISATION, "団体情報を入力"),
        (fs.SOUMU_IMPORT, "総務省シートの取り込み"),
        (fs.BACKUP, "バックアップ先を共有フォルダに"),
        (fs.DUTIES, "定例業務を登録"),
        (fs.CLOSED_DAYS, "閉庁日を登録"),
    ]
    assert checklist.done_count == 0 and not checklist.all_done
    assert checklist.items[0].detail == "札幌市の庁内部署（原課）を登録してください。"


def test_a_department_ticks_the_municipality_step_but_a_vendor_does_not(services):
    services.organisations.add("株式会社テスト電算", "vendor")
    assert not done(services)[fs.ORGANISATION]
    services.organisations.add("市民課", "department")
    item = steps(services).items[0]
    assert item.done and item.detail == "札幌市、庁内部署 1 件を登録済みです。"


def test_the_ministry_sheet_import_ticks_its_step(services, tmp_path):
    from soloit.exchange.operations import apply_soumu_import, preview_soumu_import
    from tests.exchange.test_soumu_sheet import sapporo_sheet

    services.ledger.set_statuses([("koseki", 1)], "done", reason="手で入力")  # a status typed by hand is no import
    assert not done(services)[fs.SOUMU_IMPORT]
    plan = preview_soumu_import(services, sapporo_sheet(tmp_path))
    imported = apply_soumu_import(services, plan, backup_dir=tmp_path / "backups")
    assert done(services)[fs.SOUMU_IMPORT]
    undone = services.changes.undo(imported)  # an import taken back is no import
    assert not done(services)[fs.SOUMU_IMPORT]
    services.changes.redo(imported)
    assert steps(services).items[1].done
    services.changes.undo(imported)
    assert not done(services)[fs.SOUMU_IMPORT] and undone.reason.startswith("元に戻す：総務省の進捗シート「")


def test_the_demo_data_is_no_ministry_import(demo_store):
    assert not done(open_services(demo_store, lambda: "x"))[fs.SOUMU_IMPORT]


def test_backups_count_only_on_a_shared_folder(services, tmp_path):
    assert not done(services, "")[fs.BACKUP]  # the default: backups/ beside the data, on this PC
    local = steps(services, str(tmp_path / "backups")).items[2]
    assert not local.done and "このパソコンの中のフォルダです" in local.detail
    assert done(services, SHARE)[fs.BACKUP]  # a UNC path, on any platform
    drive = str(tmp_path / "mapped")
    assert done(services, drive, is_network=lambda path: path == Path(drive))[fs.BACKUP]  # a mapped network drive


def test_a_recurring_task_ticks_duties_but_a_one_off_does_not(services):
    services.tasks.add("一度だけの作業", due_date=date(2026, 12, 24))
    assert not done(services)[fs.DUTIES]
    services.tasks.add_duties(list(starter_duties()[:2]))
    item = steps(services).items[3]
    assert item.done and item.detail == "繰り返すやることが 2 件あります。"


def test_a_closed_day_ticks_its_step_and_all_five_make_the_list_done(services, tmp_path):
    from soloit.exchange.operations import apply_soumu_import, preview_soumu_import
    from tests.exchange.test_soumu_sheet import sapporo_sheet

    services.tasks.add_closed_day("庁舎停電", "2026/12/26")
    assert done(services)[fs.CLOSED_DAYS]
    services.organisations.add("市民課", "department")
    services.tasks.add_duties(list(starter_duties()[:1]))
    apply_soumu_import(services, preview_soumu_import(services, sapporo_sheet(tmp_path)), backup_dir=tmp_path / "b")
    checklist = steps(services, SHARE)
    assert checklist.all_done and checklist.done_count == 5

"""Files that carry the whole ledger are readable by their owner only (0600), like the database: the handover file
(a full copy of the database), the 変更履歴 exports (every stored value), backups. Files meant to be passed on
(the status pack for the prefecture, the printed 事務引継書) follow the user's umask."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def open_umask():
    saved = os.umask(0o022)  # a usual desktop umask: new files would be readable by everyone
    yield
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_whole_ledger_files_are_private_and_documents_are_not(qapp, open_umask, store, tmp_path: Path):
    from soloit.exchange.handover_outputs import HANDOVER_FILE, PDF, write_handover_outputs
    from soloit.exchange.history_export import write_history
    from soloit.exchange.operations import export_pack
    from soloit.services.bundle import open_services
    from soloit.services.timeline import TimelineFilter
    from soloit.store.backup import make_backup
    from tests.helpers import DayClock

    services = open_services(store, lambda: "テスト 花子", DayClock(date(2026, 11, 20)))
    services.ledger.set_statuses([("koseki", 1)], "done", reason="確認済み")

    for name in ("history.csv", "history.xlsx"):
        write_history(services.timeline.export_rows(TimelineFilter()), tmp_path / name, facts={})
        assert _mode(tmp_path / name) == 0o600, name
    # an earlier export of the same kind replaced: still private
    write_history(services.timeline.export_rows(TimelineFilter()), tmp_path / "history.csv", facts={})
    assert _mode(tmp_path / "history.csv") == 0o600

    folder = tmp_path / "handover"
    folder.mkdir()
    written = write_handover_outputs(
        services, folder, {PDF, HANDOVER_FILE}, predecessor="前任 次郎", successor="後任 花子",
        appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 8),
    ).written
    assert _mode(written[HANDOVER_FILE]) == 0o600
    assert _mode(written[PDF]) == 0o644  # a document to print and pass on

    assert _mode(make_backup(store.path, tmp_path / "backups", kind="manual").path) == 0o600
    pack = export_pack(services, tmp_path / "pack.xlsx", as_of=date(2026, 11, 20), prepared_by="テスト 花子")
    assert _mode(pack.path) == 0o644  # for the prefecture
    assert not [p.name for p in tmp_path.rglob("*soloit-tmp*")]  # no temporary file left

"""The message after a backup gives its time in Japan time (the file's name holds UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from soloit.cli import main
from soloit.domain.clock import SYSTEM_CLOCK


def test_the_cli_backup_message_gives_the_time_in_japan_time(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(SYSTEM_CLOCK, "now", lambda: datetime(2026, 11, 22, 23, 30, 5, tzinfo=UTC))
    path = store.path
    store.close()
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "bk")]) == 0
    out = capsys.readouterr().out
    assert "soloit-backup-20261122T233005" in out  # the path, named in UTC
    assert "（2026/11/23 08:30:05 日本時間、変更記録 " in out

"""User settings (a small JSON file) and AppContext (where data and settings live)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soloit.context import DB_FILENAME, DEMO_FILENAME, ENV_DB, PORTABLE_MARKER, SETTINGS_FILENAME, AppContext
from soloit.settings import MAX_DISPLAY_NAME, Settings

# --- settings ----------------------------------------------------------------------------------------------


def test_round_trip_with_japanese_name(tmp_path):
    path = tmp_path / "config" / "settings.json"
    settings = Settings(
        display_name="情報政策係 山田 花子", last_db="C:/データ/台帳.sqlite3", ui_state={"geometry": "abc"}
    )
    settings.save(path)
    assert "情報政策係 山田 花子" in path.read_text(encoding="utf-8"), "written as UTF-8 text, not \\u escapes"
    loaded = Settings.load(path)
    assert loaded == settings


def test_missing_file_gives_defaults(tmp_path):
    assert Settings.load(tmp_path / "none.json") == Settings()


def test_unknown_keys_are_preserved(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"display_name": "佐藤", "future_option": {"a": [1, 2]}, "theme": "dark"}, ensure_ascii=False),
        encoding="utf-8",
    )
    loaded = Settings.load(path)
    assert loaded.display_name == "佐藤"
    assert loaded.extra == {"future_option": {"a": [1, 2]}, "theme": "dark"}
    loaded.display_name = "鈴木"
    loaded.save(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["display_name"] == "鈴木"
    assert raw["future_option"] == {"a": [1, 2]}
    assert raw["theme"] == "dark"
    assert "extra" not in raw


def test_wrongly_typed_values_fall_back(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"display_name": 5, "last_db": None, "ui_state": [1]}), encoding="utf-8")
    loaded = Settings.load(path)
    assert (loaded.display_name, loaded.last_db, loaded.ui_state) == ("", "", {})


def test_display_name_is_capped(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"display_name": "名" * 80}), encoding="utf-8")
    assert Settings.load(path).display_name == "名" * MAX_DISPLAY_NAME


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b""])
def test_corrupt_file_gives_defaults_and_is_kept_aside(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    assert Settings.load(path) == Settings()
    assert not path.exists()
    aside = tmp_path / "settings.broken.json"
    assert aside.read_bytes() == content
    # and the program can write fresh settings again
    Settings(display_name="新しい名前").save(path)
    assert Settings.load(path).display_name == "新しい名前"


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "settings.json"
    Settings(display_name="一回目").save(path)
    Settings(display_name="二回目").save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert Settings.load(path).display_name == "二回目"


def test_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "settings.json"
    Settings(display_name="元の名前").save(path)
    before = path.read_bytes()
    broken = Settings(display_name="新しい名前", extra={"unserialisable": object()})
    with pytest.raises(TypeError):
        broken.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


# --- AppContext --------------------------------------------------------------------------------------------


def test_default_paths(tmp_path):
    context = AppContext.resolve(env={}, exe_dir=None)
    assert context.db_path.is_absolute()
    assert context.db_path.name == DB_FILENAME
    assert context.db_path.parent == context.data_dir
    assert context.settings_path == context.config_dir / SETTINGS_FILENAME
    assert context.demo_db_path == context.data_dir / DEMO_FILENAME
    assert not context.portable
    assert not context.db_chosen
    assert "soloit" in str(context.data_dir)


def test_db_argument_wins_over_environment(tmp_path):
    chosen = tmp_path / "chosen.sqlite3"
    context = AppContext.resolve(str(chosen), env={ENV_DB: str(tmp_path / "env.sqlite3")}, exe_dir=None)
    assert context.db_path == chosen
    assert context.db_chosen


def test_environment_used_without_db_argument(tmp_path):
    from_env = tmp_path / "env.sqlite3"
    context = AppContext.resolve(env={ENV_DB: str(from_env)}, exe_dir=None)
    assert context.db_path == from_env
    assert context.db_chosen


def test_empty_environment_value_is_ignored():
    context = AppContext.resolve(env={ENV_DB: ""}, exe_dir=None)
    assert context.db_path.name == DB_FILENAME
    assert not context.db_chosen


def test_relative_db_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    context = AppContext.resolve("sub/ledger.sqlite3", env={}, exe_dir=None)
    assert context.db_path == tmp_path / "sub" / "ledger.sqlite3"
    assert context.db_path.is_absolute()


def test_demo_uses_its_own_file(tmp_path):
    context = AppContext.resolve(demo=True, env={ENV_DB: str(tmp_path / "real.sqlite3")}, exe_dir=None)
    assert context.db_path.name == DEMO_FILENAME
    assert context.db_path.is_absolute()
    assert not context.db_chosen
    explicit = AppContext.resolve(str(tmp_path / "d.sqlite3"), demo=True, env={}, exe_dir=None)
    assert explicit.db_path == tmp_path / "d.sqlite3"


def test_portable_mode_with_marker(tmp_path):
    exe_dir = tmp_path / "soloit"
    exe_dir.mkdir()
    (exe_dir / PORTABLE_MARKER).write_text("", encoding="utf-8")
    context = AppContext.resolve(env={}, exe_dir=exe_dir)
    assert context.portable
    assert context.data_dir == exe_dir
    assert context.config_dir == exe_dir
    assert context.db_path == exe_dir / DB_FILENAME
    assert context.settings_path == exe_dir / SETTINGS_FILENAME
    assert AppContext.resolve(env={}, exe_dir=exe_dir, demo=True).db_path == exe_dir / DEMO_FILENAME


def test_not_portable_without_marker(tmp_path):
    exe_dir = tmp_path / "soloit"
    exe_dir.mkdir()
    context = AppContext.resolve(env={}, exe_dir=exe_dir)
    assert not context.portable
    assert context.data_dir != exe_dir
    assert not str(context.db_path).startswith(str(exe_dir))


def test_with_db(tmp_path):
    context = AppContext.resolve(env={}, exe_dir=None).with_db(Path("other.sqlite3"))
    assert context.db_path.is_absolute()
    assert context.db_path.name == "other.sqlite3"
    assert context.db_chosen


def test_backup_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    Settings(backup_dir="//fileserver/情報政策/soloit", backup_interval_minutes=30, keep_recent=3).save(path)
    loaded = Settings.load(path)
    assert loaded.backup_dir == "//fileserver/情報政策/soloit"
    assert (loaded.backup_interval_minutes, loaded.keep_recent) == (30, 3)
    assert (loaded.keep_daily, loaded.keep_weekly, loaded.keep_monthly) == (7, 4, 12)


@pytest.mark.parametrize("bad", [True, -1, 10_001, "5", 2.5, None])
def test_unreasonable_backup_numbers_fall_back(tmp_path, bad):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"keep_recent": bad, "backup_interval_minutes": bad}), encoding="utf-8")
    loaded = Settings.load(path)
    assert loaded.keep_recent == Settings().keep_recent
    assert loaded.backup_interval_minutes == Settings().backup_interval_minutes


def test_backup_dir_default_and_chosen(tmp_path):
    context = AppContext.resolve(env={}, exe_dir=None)
    assert context.backup_dir() == context.data_dir / "backups"
    assert context.backup_dir("   ") == context.data_dir / "backups"
    assert context.backup_dir(str(tmp_path / "共有")) == tmp_path / "共有"


@pytest.mark.parametrize(("stored", "loaded"), [(14, 14), (1, 1), (90, 90), (0, 7), (91, 7), ("7", 7), (True, 7)])
def test_the_handover_days_are_kept_within_1_to_90(tmp_path, stored, loaded):
    import json

    from soloit.settings import Settings

    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"handover_days": stored}), encoding="utf-8")
    assert Settings.load(path).handover_days == loaded

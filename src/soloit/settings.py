"""User settings as a small JSON file (config dir, or beside the exe in portable mode). No Qt here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from soloit.domain.text import text_problem
from soloit.jsonfile import write_json

MAX_DISPLAY_NAME = 50
MAX_HANDOVER_DAYS = 90


def display_name_problem(name: str) -> str | None:
    """Why `name` cannot be the display name written into every journal entry (Japanese), or None."""
    stripped = name.strip()
    if not stripped:
        return "入力してください。"
    if "\n" in stripped or "\r" in stripped or "\t" in stripped:
        return "改行やタブは使えません。"
    return text_problem(stripped, max_len=MAX_DISPLAY_NAME)


@dataclass
class Settings:
    display_name: str = ""  # written into every journal entry
    last_db: str = ""  # the database opened last (so a chosen file opens again next time)
    backup_dir: str = ""  # empty: the data folder's backups/; typically a file-server share
    backup_interval_minutes: int = 60  # a backup at start when the newest is older than this
    keep_recent: int = 10
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    handover_days: int = 7  # 引継期限 = 発令日 + this many days (the 事務引継規程 of many municipalities: 7)
    ui_state: dict[str, str] = field(default_factory=dict)  # window geometry etc., as text
    known_databases: dict[str, str] = field(default_factory=dict)  # path → identity, to rescue a damaged file
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know, kept as they were

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            # An unreadable settings file must not stop the program; keep a copy for the curious.
            try:
                path.replace(path.with_suffix(".broken.json"))
            except OSError:
                pass
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        settings = cls()
        if isinstance(raw.get("display_name"), str):
            name = raw["display_name"].strip()[:MAX_DISPLAY_NAME]
            settings.display_name = name if display_name_problem(name) is None else ""
        if isinstance(raw.get("last_db"), str):
            settings.last_db = raw["last_db"]
        if isinstance(raw.get("backup_dir"), str):
            settings.backup_dir = raw["backup_dir"]
        for name in ("backup_interval_minutes", "keep_recent", "keep_daily", "keep_weekly", "keep_monthly"):
            value = raw.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000:
                setattr(settings, name, value)
        days = raw.get("handover_days")
        if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= MAX_HANDOVER_DAYS:
            settings.handover_days = days
        if isinstance(raw.get("ui_state"), dict):
            settings.ui_state = {str(k): str(v) for k, v in raw["ui_state"].items()}
        if isinstance(raw.get("known_databases"), dict):
            settings.known_databases = {
                str(k): str(v) for k, v in raw["known_databases"].items() if isinstance(v, str) and len(v) == 32
            }
        settings.extra = {k: v for k, v in raw.items() if k not in known}
        return settings

    def save(self, path: Path) -> None:
        """Write atomically (a temporary file renamed over the old one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data.update(data.pop("extra"))
        write_json(path, data)

"""AppContext: where this run's data and settings live (platformdirs, --db, SOLOIT_DB, portable mode).

Nothing global: the CLI builds one context and hands it down."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from soloit import APP_NAME

DB_FILENAME = "soloit.sqlite3"
DEMO_FILENAME = "soloit-demo.sqlite3"
SETTINGS_FILENAME = "settings.json"
PORTABLE_MARKER = "portable"
ENV_DB = "SOLOIT_DB"


def executable_dir() -> Path | None:
    """The folder of the frozen executable, or None when running from Python."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


@dataclass(frozen=True)
class AppContext:
    data_dir: Path
    config_dir: Path
    db_path: Path
    portable: bool
    db_chosen: bool  # the path came from --db or SOLOIT_DB rather than the default

    @classmethod
    def resolve(
        cls,
        db: str | os.PathLike[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        exe_dir: Path | None = None,
        demo: bool = False,
    ) -> AppContext:
        env = os.environ if env is None else env
        exe_dir = exe_dir if exe_dir is not None else executable_dir()
        portable = exe_dir is not None and (exe_dir / PORTABLE_MARKER).exists()
        if portable:
            assert exe_dir is not None
            data_dir = config_dir = exe_dir
        else:
            import platformdirs

            data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
            config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        chosen = db or env.get(ENV_DB) or None
        if demo and not db:
            db_path = data_dir / DEMO_FILENAME
            chosen = None
        else:
            db_path = Path(chosen).expanduser() if chosen else data_dir / DB_FILENAME
        return cls(
            data_dir=data_dir,
            config_dir=config_dir,
            db_path=db_path.absolute(),
            portable=portable,
            db_chosen=bool(chosen),
        )

    @property
    def settings_path(self) -> Path:
        return self.config_dir / SETTINGS_FILENAME

    @property
    def demo_db_path(self) -> Path:
        return self.data_dir / DEMO_FILENAME

    def backup_dir(self, backup_setting: str = "", *, demo: bool = False) -> Path:
        """The backup root: the user's chosen folder (often a share), else backups/ beside the data. The demo's
        backups always stay beside the data in a root of their own, never on the user's share or among real ones.
        Each database keeps its backups in a folder of its own (its identity) under the root."""
        if demo:
            return self.data_dir / "backups-demo"
        return Path(backup_setting).expanduser() if backup_setting.strip() else self.data_dir / "backups"

    def with_db(self, path: Path) -> AppContext:
        return AppContext(self.data_dir, self.config_dir, path.absolute(), self.portable, True)

"""Alembic environment and revisions. HEAD is checked against the scripts by a test, so opening a current
database never has to import Alembic."""

from pathlib import Path

HEAD_REVISION = "0005"
SCRIPT_LOCATION = Path(__file__).resolve().parent

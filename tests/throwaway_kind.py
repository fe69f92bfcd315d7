"""A throw-away kind of record for tests: 電子証明書 with an expiry date, declared in a module of its own written at
run time (its SQLAlchemy model on a metadata of its own), its table made in the test's ledger and the declaration
registered for the test only. Nothing in soloit names it: whatever it reaches, it reaches through its declaration."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from soloit.services import entities
from soloit.services.entities import Entity

MODULE = """
from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from soloit.services.entities.base import Dated, Entity
from soloit.services.fields import DATE, TEXT, FieldSpec


class Base(DeclarativeBase):
    pass


class Certificate(Base):
    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str | None] = mapped_column(String(200))
    expires_on: Mapped[date | None] = mapped_column(Date)


class CertificateEntity(Entity):
    name = "certificate"
    label_ja = "電子証明書"
    table = "certificate"
    model_module = __name__
    model_name = "Certificate"
    area = "電子証明書"
    search_rank = 10
    subject_rank = 9
    views = ("certificates",)
    fields = (
        FieldSpec("name", "証明書名", TEXT, max_len=200, required=True),
        FieldSpec("holder", "名義", TEXT, max_len=200),
        FieldSpec("expires_on", "有効期限", DATE),
    )
    dated = (Dated("expires_on", "電子証明書の有効期限"),)
"""


@contextmanager
def declared_certificate(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Entity]:
    """The kind declared while the block runs: its module written and imported, its table made, registered."""
    (tmp_path / "certificate_kind.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("certificate_kind")
    module.Base.metadata.create_all(store.engine)
    kind = module.CertificateEntity()
    entities.register(kind)
    try:
        yield kind
    finally:
        entities.unregister(kind.name)
        sys.modules.pop("certificate_kind", None)

"""A kind of record declared at run time (tests/throwaway_kind.py) shows in the screens its declaration names: its
area in 変更履歴's filter, its expiry date in やること, as a note's subject, and in 検索 — no screen names it."""

from __future__ import annotations

from datetime import date

from tests.helpers import choose
from tests.throwaway_kind import declared_certificate


def _rows(table) -> list[list[str]]:
    model = table.view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_a_declared_kind_is_filtered_in_history_and_due_in_tasks(qtbot, window, store, clock, tmp_path, monkeypatch):
    with declared_certificate(store, tmp_path, monkeypatch):
        services = window.commander.services
        clock.day = date(2026, 12, 1)
        key = services.records.create(
            "certificate", "職責証明書（情報政策課）", {"holder": "情報政策課長", "expires_on": date(2026, 12, 10)}
        ).created("certificate")[0]

        # 変更履歴: the area is offered and shows only the kind's lines
        window.nav.setCurrentRow([spec.key for spec in window.specs].index("history"))
        history = window.views["history"]
        choose(history.area, "電子証明書")
        rows = _rows(history.table)
        assert len(rows) == 3 and {row[3] for row in rows} == {"電子証明書『職責証明書（情報政策課）』"}

        # やること: the expiry date is an item of its own, in 14日以内
        window.nav.setCurrentRow([spec.key for spec in window.specs].index("tasks"))
        tasks = window.views["tasks"]
        titles = [row for row in _rows(tasks.table) if any("電子証明書の有効期限" in (cell or "") for cell in row)]
        assert len(titles) == 1 and "職責証明書（情報政策課）" in " ".join(titles[0])
        assert "14日以内" in " ".join(titles[0])

        # a note may be about it: the kind is offered with its label
        window.nav.setCurrentRow([spec.key for spec in window.specs].index("handover"))
        handover = window.views["handover"]
        kinds = handover.findChild(type(history.area), "subject_kind")
        assert kinds is not None and kinds.findData("certificate") >= 0
        assert kinds.itemText(kinds.findData("certificate")) == "電子証明書"

        # 検索: the record is found in a group named after its kind
        groups = window._search("情報政策課長")
        assert [(g.area, [h.key for h in g.hits]) for g in groups if g.area == "電子証明書"] == [("電子証明書", [key])]

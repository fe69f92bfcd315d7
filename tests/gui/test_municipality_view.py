from __future__ import annotations

from PySide6.QtCore import Qt


def _open(window):
    window.nav.setCurrentRow(4)
    return window.municipality


def test_navigation_lists_only_working_views(qtbot, window):
    # at 1366×768 the navigation starts as a strip of icons; each says its view and shortcut as a tooltip
    assert [window.nav.item(i).toolTip() for i in range(window.nav.count())] == ["標準化（20業務）（Ctrl+1）", "やること（Ctrl+2）", "DX取組（Ctrl+3）", "予算・契約（Ctrl+4）", "引継ぎ（Ctrl+5）", "変更履歴（Ctrl+6）", "団体情報（Ctrl+7）"]
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [""] * 7
    window.nav_action.trigger()  # 表示 → ナビゲーションの名前を表示
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == ["標準化（20業務）", "やること", "DX取組", "予算・契約", "引継ぎ", "変更履歴", "団体情報"]
    assert window.settings.ui_state["nav_visible"] == "1"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.municipality
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.ledger


def test_invalid_lg_code_is_refused_and_nothing_saved(qtbot, window, service, messages):
    view = _open(window)
    before = len(service.journal(limit=10_000))
    view.lg_code.setFocus()
    view.lg_code.clear()
    qtbot.keyClicks(view.lg_code, "011001")  # wrong check digit
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert service.municipality().lg_code == "011002"
    assert len(service.journal(limit=10_000)) == before
    assert "団体コード" in messages[-1][1] and "保存されていません" in messages[-1][1]

    view.lg_code.clear()
    qtbot.keyClicks(view.lg_code, "131016")  # valid, but 東京都's code while 北海道 is chosen
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert service.municipality().lg_code == "011002"
    assert "都道府県" in messages[-1][1]


def test_profile_change_is_saved_with_prefecture(qtbot, window, service):
    view = _open(window)
    view.prefecture.setCurrentIndex(view.prefecture.findData("13"))
    view.name.setText("千代田区")
    view.lg_code.setText("131016")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    profile = service.municipality()
    assert (profile.prefecture_code, profile.name, profile.lg_code) == ("13", "千代田区", "131016")
    assert "千代田区" in window.place_label.text()


def test_add_edit_and_remove_another_system(qtbot, window, service):
    view = _open(window)
    view.system_name.setText("財務会計システム")
    qtbot.mouseClick(view.findChild(type(view.save_button), "add_system"), Qt.MouseButton.LeftButton)
    extra = [s for s in service.systems() if s.business_code is None]
    assert [s.name for s in extra] == ["財務会計システム"]
    assert view.detail.system_id == extra[0].id
    hosting = view.detail.editors["hosting"]
    hosting.setCurrentIndex(hosting.findData("on_premises"))
    hosting.activated.emit(hosting.currentIndex())
    assert service.system(extra[0].id).hosting == "on_premises"
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert [s for s in service.systems() if s.business_code is None] == []
    window.undo_action.trigger()  # the removal comes back, with its fields
    restored = [s for s in service.systems() if s.business_code is None]
    assert [(s.name, s.hosting) for s in restored] == [("財務会計システム", "on_premises")]
    assert view.system_list.count() == 1


def test_add_organisation(qtbot, window, service):
    view = _open(window)
    view.org_name.setText("北海道 総合政策部")
    view.org_kind.setCurrentIndex(view.org_kind.findData("prefecture"))
    qtbot.mouseClick(view.findChild(type(view.save_button), "add_org"), Qt.MouseButton.LeftButton)
    assert [(o.name, o.kind) for o in service.organisations()] == [("北海道 総合政策部", "prefecture")]
    assert view.org_list.rowCount() == 1
    assert view.org_list.item(0, 1).text() == "都道府県"  # the kind is shown beside the name


def test_the_panel_of_other_systems_has_no_step_or_tokutei_section(qtbot, window, service):
    view = _open(window)
    detail = view.detail
    assert detail.cell_box is None  # no step section in 団体情報
    assert detail.tokutei_box.isHidden()  # nothing selected yet: no 特定移行支援 either
    view.system_name.setText("財務会計システム")
    view.add_system()  # selects the new system
    assert detail.title.text() == "財務会計システム"
    assert detail.tokutei_box.isHidden()  # 特定移行支援 is about the 20 businesses only
    window.nav.setCurrentRow(0)
    assert not window.ledger.detail.tokutei_box.isHidden()  # …which the grid's panel shows

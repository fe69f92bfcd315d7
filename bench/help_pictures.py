"""The pictures of the manual (resources/help/images/*.png), taken from the real screens: the demo ledger in a main
window at 1366×768 offscreen (each view, a few dialogs), and a new ledger for 最初にやること. Not a benchmark: run it
after a screen changes, look at the pictures, and commit them.

    .venv/bin/python bench/help_pictures.py [--out resources/help/images]

Pictures are scaled to the width the manual shows them at and reduced to 256 colours, so the whole folder stays small
(it ships in every bundle); the total size is printed."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINDOW_WIDTH = 1000  # the manual's <img width> for a whole window
DIALOG_WIDTH = 560
ACTOR = "情報政策係 山田"


def _settle(app: object, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()  # type: ignore[attr-defined]


def _save(widget: object, path: Path, width: int) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    image = widget.grab().toImage()  # type: ignore[attr-defined]
    if image.width() > width:
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)  # a frame, so a picture of a dialog does not read as part of the page
    painter.setPen(QColor("#90a4ae"))
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.end()
    image = image.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither)
    if not image.save(str(path), "PNG", 9):
        raise SystemExit(f"could not write {path}")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "help" / "images")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={ROOT / 'tests' / 'offscreen-1366x768.json'}")

    from soloit.context import AppContext
    from soloit.services.demo import create_demo
    from soloit.services.setup import create_ledger
    from soloit.settings import Settings
    from soloit.ui.app import make_application, open_window
    from soloit.ui.dialogs.pack_dialog import PackDialog
    from soloit.ui.dialogs.rotation_wizard import RotationWizard
    from soloit.ui.dialogs.settings_dialog import SettingsDialog

    app = make_application()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        def window_over(store: object, name: str) -> object:
            folder = tmp / name
            context = AppContext(folder, folder / "config", Path(store.path), False, True)  # type: ignore[attr-defined]
            window = open_window(context, store, Settings(display_name=ACTOR))
            window.resize(1366, 768)
            window.show()
            _settle(app)
            return window

        # 最初にやること on a new ledger
        fresh = create_ledger(tmp / "new.sqlite3", "10", "みどり野町", "109991", actor=ACTOR)
        window = window_over(fresh, "new")
        sizes["first_steps.png"] = _save(window, args.out / "first_steps.png", WINDOW_WIDTH)
        window.close()
        fresh.close()

        demo = create_demo(tmp / "demo.sqlite3")
        window = window_over(demo, "demo")
        ledger = window.view("ledger")
        ledger.steps.setCurrentIndex(ledger.steps.model().index(10, 4))  # a step with its reason in the panel
        for key in ("ledger", "tasks", "budget", "handover", "history", "municipality"):
            window.help.go_to(key)
            _settle(app)
            sizes[f"{key}.png"] = _save(window, args.out / f"{key}.png", WINDOW_WIDTH)

        settings = Settings(display_name=ACTOR, backup_dir=r"\\fileserver\joho\soloit-backup")
        dialog = SettingsDialog(settings, window)
        dialog.show()
        _settle(app)
        sizes["settings.png"] = _save(dialog, args.out / "settings.png", DIALOG_WIDTH)
        dialog.close()

        pack = PackDialog(date.today(), ACTOR, window)
        pack.show()
        _settle(app)
        sizes["pack.png"] = _save(pack, args.out / "pack.png", DIALOG_WIDTH)
        pack.close()

        wizard = RotationWizard(window.commander, folder=tmp, handover_days=7, jobs=window.jobs, parent=window)
        wizard.show()
        _settle(app)
        sizes["rotation.png"] = _save(wizard, args.out / "rotation.png", 700)
        wizard.close()
        window.close()
        demo.close()

    for name, size in sorted(sizes.items()):
        print(f"{name:20s} {size / 1024:7.1f} KiB")
    print(f"{'total':20s} {sum(sizes.values()) / 1024:7.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

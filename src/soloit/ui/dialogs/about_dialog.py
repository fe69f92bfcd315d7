"""soloit について: the version, and the exact versions of the libraries this build carries."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def about_text() -> str:
    from PySide6.QtCore import qVersion

    from soloit import __version__
    from soloit.versions import bundled_versions

    libraries = "\n".join(f"  {name} {version}" for name, version in bundled_versions(str(qVersion())))
    return (
        f"soloit {__version__}\n\nひとり情シスのための標準化・DX台帳。\n"
        "データはこのパソコンの中だけに保存され、ネットワークには接続しません。\n\n"
        f"同梱のライブラリ:\n{libraries}"
    )


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "soloit について", about_text())

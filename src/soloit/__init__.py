"""soloit: an offline ledger for the lone IT officer of a small Japanese municipality."""

from __future__ import annotations

APP_NAME = "soloit"


def __getattr__(name: str) -> str:
    # The one source of the version is pyproject.toml; installs and frozen bundles (the PyInstaller spec copies
    # the package metadata) expose it. Looked up lazily: importlib.metadata costs ~50 ms at start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("soloit")
        except PackageNotFoundError:  # pragma: no cover - a bare source tree
            return "0+unknown"
    raise AttributeError(name)

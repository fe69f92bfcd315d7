"""soloit: an offline ledger for the lone IT officer of a small Japanese municipality."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one source of the version is pyproject.toml; installs and frozen bundles
    # (the PyInstaller spec copies the package metadata) expose it here.
    __version__ = version("soloit")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0+unknown"

APP_NAME = "soloit"

# PyInstaller runtime hook (runs before soloit starts).
# Only under Wine (the Linux build host's smoke test), never on real Windows: Python >= 3.12's platform module
# queries WMI through _wmi, which Wine 8 does not implement (the process aborts in propsys.VariantToString).
# SQLAlchemy calls platform.machine() at import time. Blocking _wmi makes platform use its registry fallback.
import sys

if sys.platform == "win32":
    try:
        import ctypes

        ctypes.WinDLL("ntdll").wine_get_version  # noqa: B018 - exported by Wine's ntdll only
    except (AttributeError, OSError):
        pass
    else:
        sys.modules.setdefault("_wmi", None)

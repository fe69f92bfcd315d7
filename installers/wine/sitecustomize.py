# For the Windows build interpreter under Wine only (build/windows/python/buildhooks); never shipped.
# Python >= 3.12's platform module queries WMI through _wmi, which Wine 8 does not implement (the process aborts).
import sys

sys.modules["_wmi"] = None

"""Is a path on a network folder? SQLite's WAL needs a local disk (shared memory and reliable locks), so the
live database must not sit on a UNC share, a mapped network drive, or an NFS/SMB mount."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

from soloit.store.errors import NetworkLocationError

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p", "ceph", "glusterfs",
        "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.cephfs", "davfs", "fuse.davfs2", "lustre", "gpfs", "fuse.smbnetfs",
    }
)
DRIVE_REMOTE = 4  # GetDriveTypeW


def network_refusal(path: Path) -> NetworkLocationError:
    """The refusal of a live database (or its writer's lock) on a network folder."""
    return NetworkLocationError(
        f"「{path}」はネットワーク上のフォルダ（共有フォルダ・ネットワークドライブ）にあります。"
        "soloit のデータベースは SQLite の WAL 方式を使うため、ネットワーク上では安全に動きません（同時アクセスや切断で壊れるおそれ）。"
        "データベースはこのパソコンのローカルディスクに置き、バックアップの保存先として共有フォルダを指定してください。"
    )


def is_unc(path: str) -> bool:
    """\\\\server\\share\\… or //server/share/… (but not the \\\\?\\C:\\ long-path form of a local drive)."""
    text = str(path)
    if text.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return True
    if text.startswith(("\\\\?\\", "\\\\.\\", "//?/", "//./")):
        return False
    return text.startswith(("\\\\", "//"))


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _read_mounts() -> str:
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _unescape_mount(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def mount_fstype(path: Path, mounts_text: str) -> str | None:
    """The file-system type of the mount that holds `path` (longest matching mount point)."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2]
        if (target == point or target.startswith(point.rstrip("/") + "/") or point == "/") and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def is_network_path(
    path: Path,
    *,
    platform: str | None = None,
    mounts_text: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> bool:
    """True when `path` is on a network folder. The keyword arguments are seams for tests."""
    platform = platform or sys.platform
    if is_unc(str(path)):
        return True
    if platform.startswith("win"):
        drive = PureWindowsPath(str(path)).drive
        if not drive:
            return False
        try:
            return (drive_type or _windows_drive_type)(drive + "\\") == DRIVE_REMOTE
        except OSError:
            return False
    # Resolve links in the part that exists (a link may lead onto a share); keep the rest as written.
    full = Path(os.path.abspath(path))
    existing, rest = full, []
    while not existing.exists() and existing != existing.parent:
        rest.insert(0, existing.name)
        existing = existing.parent
    try:
        existing = existing.resolve()
    except OSError:
        pass
    fstype = mount_fstype(existing.joinpath(*rest), _read_mounts() if mounts_text is None else mounts_text)
    return fstype is not None and fstype.lower() in NETWORK_FILESYSTEMS

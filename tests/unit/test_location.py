"""The live database is refused on a network folder (UNC, mapped network drive, NFS/SMB mount)."""

from __future__ import annotations

from pathlib import Path

import pytest

from soloit.store.db import create_database
from soloit.store.errors import NetworkLocationError
from soloit.store.location import is_network_path, is_unc, mount_fstype

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
fileserver:/export/jyoho /mnt/jyoho nfs4 rw,relatime 0 0
//nas01/share /mnt/share cifs rw,relatime 0 0
/dev/sdb1 /media/usb vfat rw 0 0
/dev/sdc1 /mnt/with\\040space ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/u/soloit.sqlite3", False),
        ("/mnt/jyoho/soloit.sqlite3", True),
        ("/mnt/jyoho/sub/dir/soloit.sqlite3", True),
        ("/mnt/share/soloit.sqlite3", True),
        ("/mnt/shared/soloit.sqlite3", False),  # a sibling whose name starts like a mount point
        ("/media/usb/soloit.sqlite3", False),  # a USB stick is local
        ("/mnt/with space/soloit.sqlite3", False),
    ],
)
def test_linux_mounts(path, network):
    assert is_network_path(Path(path), platform="linux", mounts_text=MOUNTS) is network


def test_mount_point_matching():
    assert mount_fstype(Path("/mnt/jyoho/a"), MOUNTS) == "nfs4"
    assert mount_fstype(Path("/mnt/with space/a"), MOUNTS) == "ext4"


@pytest.mark.parametrize(
    ("path", "unc"),
    [
        (r"\\fileserver\jyoho\soloit.sqlite3", True),
        ("//fileserver/jyoho/soloit.sqlite3", True),
        (r"\\?\UNC\fileserver\jyoho\soloit.sqlite3", True),
        (r"\\?\C:\Users\u\soloit.sqlite3", False),
        (r"C:\Users\u\soloit.sqlite3", False),
    ],
)
def test_unc_paths(path, unc):
    assert is_unc(path) is unc


def test_windows_mapped_drive_uses_the_drive_type():
    remote = {"Z:\\": 4, "C:\\": 3}
    assert is_network_path(Path(r"Z:\soloit\soloit.sqlite3"), platform="win32", drive_type=remote.__getitem__)
    assert not is_network_path(Path(r"C:\soloit\soloit.sqlite3"), platform="win32", drive_type=remote.__getitem__)
    assert is_network_path(Path(r"\\server\share\soloit.sqlite3"), platform="win32", drive_type=remote.__getitem__)


def test_creating_on_a_network_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("soloit.store.db.is_network_path", lambda _p: True)
    with pytest.raises(NetworkLocationError) as caught:
        create_database(tmp_path / "soloit.sqlite3")
    assert "ローカルディスク" in caught.value.message_ja and "バックアップ" in caught.value.message_ja
    assert not (tmp_path / "soloit.sqlite3").exists()

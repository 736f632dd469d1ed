"""What stands between the table and its devices, found without opening them.

``kiosk doctor`` prints these findings. Each check reads ``/sys``, ``/dev`` and ``/proc`` under a
``root`` folder, so tests build fake trees, and it returns data: a finding says what was seen and,
for a problem, the exact commands that fix it. Permissions are judged from mode bits against a
``User`` (not ``os.access``), so they can be checked for another user than the one running.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import grp
import os
import pwd
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["ok", "warning", "problem"]

USB_READERS: dict[tuple[int, int], tuple[str, str]] = {
    (0x054C, 0x0193): ("pn531", "Sony PN531"),
    (0x04CC, 0x0531): ("pn531", "Philips PN531 / SCM SCL3710"),
    (0x04CC, 0x2533): ("pn533", "NXP PN533 demo board"),
    (0x04E6, 0x5591): ("pn533", "SCM SCL3711"),
    (0x04E6, 0x5593): ("pn533", "SCM SCL3712"),
    (0x054C, 0x02E1): ("rcs956", "Sony RC-S330/360/370"),
    (0x054C, 0x06C1): ("rcs380", "Sony RC-S380"),
    (0x054C, 0x06C3): ("rcs380", "Sony RC-S380"),
    (0x072F, 0x2200): ("acr122", "ACS ACR122U"),
}
"""nfcpy 1.0.4's ``usb_device_map`` (``nfc/clf/device.py``) with product names; a test keeps
them equal, and importing nfcpy here would need the very libusb this module checks for."""

HOLDING_MODULES = {
    "port100": "Sony RC-S380",
    "pn533_usb": "PN533 readers (SCL3711, ACR122U, ...)",
    "pn533": "PN533 readers (SCL3711, ACR122U, ...)",
}
"""Kernel NFC drivers that claim a reader before nfcpy can (removal order: users first)."""

LIBUSB_NAMES = ("libusb-1.0.so.0", "libusb-1.0.so")
RELOAD_UDEV = "sudo udevadm control --reload-rules && sudo udevadm trigger"
BLACKLIST_FILE = "/etc/modprobe.d/blacklist-nfc-kiosk.conf"


@dataclass(frozen=True)
class Finding:
    """One thing seen: what, how it stands, and how to fix it when it does not work.

    ``names`` are the config values that refer to this device (``/dev/video0``, ``0``;
    ``usb:054c:06c3``, ``usb``, ``usb:054c``, ``usb:001``, ``usb:001:007``), so the config's
    expectations can be matched against what was found; the report suggests the first.
    """

    level: Level
    subject: str
    detail: str
    fix: str = ""
    names: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class User:
    """Whose access to check: device permissions depend on the user and their groups."""

    uid: int
    gids: frozenset[int]
    name: str

    @classmethod
    def current(cls) -> User:
        uid = os.geteuid()
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            name = "$USER"
        return cls(uid, frozenset([os.getegid(), *os.getgroups()]), name)


def can_use(path: Path, user: User) -> bool:
    """Whether ``user`` may read and write ``path`` by its mode bits (root always may)."""
    if user.uid == 0:
        return True
    info = path.stat()
    if info.st_uid == user.uid:
        need = stat.S_IRUSR | stat.S_IWUSR
    elif info.st_gid in user.gids:
        need = stat.S_IRGRP | stat.S_IWGRP
    else:
        need = stat.S_IROTH | stat.S_IWOTH
    return info.st_mode & need == need


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _read(path: Path) -> str:
    """A sysfs attribute's text, or "" when the attribute is absent or unreadable."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _natural(path: Path) -> tuple[str, int]:
    match = re.search(r"(\d+)$", path.name)
    return (path.name.rstrip("0123456789"), int(match.group(1)) if match else -1)


def cameras(root: Path = Path("/"), user: User | None = None) -> list[Finding]:
    """Every V4L2 node ``/dev/video*`` with its name, and whether ``user`` may open it."""
    user = user or User.current()
    nodes = sorted((root / "dev").glob("video[0-9]*"), key=_natural)
    if not nodes:
        return [Finding("warning", "cameras", "no camera found (nothing at /dev/video*)",
                        "plug the camera in and check with: ls /dev/video*")]
    findings = []
    for node in nodes:
        device = f"/dev/{node.name}"
        names = (device, node.name.removeprefix("video"))
        label = _read(root / "sys/class/video4linux" / node.name / "name")
        subject = f"camera {device}" + (f" ({label})" if label else "")
        if can_use(node, user):
            findings.append(Finding("ok", subject, "present, readable and writable", names=names))
            continue
        gid = node.stat().st_gid
        group = _group_name(gid) if gid != 0 else "video"
        findings.append(Finding(
            "problem", subject,
            f"{user.name} may not open it (mode {stat.filemode(node.stat().st_mode)}, group "
            f"{_group_name(gid)})",
            f"sudo usermod -aG {group} {user.name}\n"
            f"then log out and back in (groups apply to new sessions)", names))
    return findings


def nfc_readers(root: Path = Path("/"), user: User | None = None) -> list[Finding]:
    """USB devices nfcpy can drive, and whether ``user`` may open their ``/dev/bus/usb`` node."""
    user = user or User.current()
    devices = root / "sys/bus/usb/devices"
    if not devices.is_dir():
        return [Finding("warning", "NFC readers",
                        "cannot list USB devices: /sys/bus/usb/devices is missing (a container "
                        "without the host's /sys?)",
                        "run kiosk doctor on the table itself, or pass /sys and /dev/bus/usb "
                        "into the container")]
    findings = []
    for device in sorted(devices.iterdir(), key=lambda path: path.name):
        ids = _read(device / "idVendor"), _read(device / "idProduct")
        try:
            key = int(ids[0], 16), int(ids[1], 16)
            bus, number = int(_read(device / "busnum")), int(_read(device / "devnum"))
        except ValueError:
            continue
        if key not in USB_READERS:
            continue
        findings.append(_reader(root, user, ids, bus, number))
    if not findings:
        supported = ", ".join(sorted({name for _, name in USB_READERS.values()}))
        findings.append(Finding("warning", "NFC readers",
                                f"no supported reader on USB (nfcpy drives {supported})",
                                "plug the reader in and check with: lsusb"))
    return findings


def _reader(root: Path, user: User, ids: tuple[str, str], bus: int, number: int) -> Finding:
    """One supported reader: usable, or the udev rule that makes it so."""
    vendor, product = ids
    subject = (f"NFC reader {vendor}:{product} "
               f"({USB_READERS[int(vendor, 16), int(product, 16)][1]})")
    names = (f"usb:{vendor}:{product}", "usb", f"usb:{vendor}", f"usb:{bus:03d}",
             f"usb:{bus:03d}:{number:03d}")
    node_name = f"/dev/bus/usb/{bus:03d}/{number:03d}"
    node = root / node_name.lstrip("/")
    if not node.exists():
        return Finding("problem", subject, f"on USB, but its device node {node_name} is missing",
                       "check that udev is running (systemctl status systemd-udevd), then "
                       "unplug and replug the reader", names)
    if can_use(node, user):
        return Finding("ok", subject, f"at {node_name}, readable and writable", names=names)
    rule = (f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vendor}", ATTRS{{idProduct}}=="{product}", '
            'MODE="0660", GROUP="plugdev"')
    rules_file = f"/etc/udev/rules.d/60-nfc-{vendor}-{product}.rules"
    return Finding(
        "problem", subject,
        f"{user.name} may not open {node_name} (mode {stat.filemode(node.stat().st_mode)}, "
        f"group {_group_name(node.stat().st_gid)})",
        f"echo '{rule}' | sudo tee {rules_file}\n"
        f"{RELOAD_UDEV}\n"
        f"sudo usermod -aG plugdev {user.name}   # then log out and back in", names)


def libusb(names: Sequence[str] = LIBUSB_NAMES,
           find: Callable[[str], str | None] = ctypes.util.find_library,
           load: Callable[[str], object] = ctypes.CDLL) -> Finding:
    """Whether libusb-1.0 loads the way nfcpy's ``usb1`` binding loads it (by name, then found)."""
    errors = []
    candidates = [*names]
    found = find("usb-1.0")
    if found:
        candidates.append(found)
    for name in candidates:
        try:
            load(name)
        except OSError as exc:
            errors.append(str(exc))
            continue
        return Finding("ok", "libusb", f"{name} loads (nfcpy reaches USB readers through it)")
    return Finding("problem", "libusb",
                   "libusb-1.0 is not installed: nfcpy cannot reach USB readers"
                   + (f" ({errors[-1]})" if errors else ""),
                   "sudo apt-get install libusb-1.0-0   # Debian, Ubuntu, Raspberry Pi OS\n"
                   "sudo dnf install libusb1            # Fedora")


def kernel_modules(root: Path = Path("/")) -> list[Finding]:
    """Kernel NFC drivers that hold a reader, so nfcpy finds it busy."""
    modules = root / "proc/modules"
    try:
        loaded = {line.split()[0] for line in modules.read_text().splitlines() if line.strip()}
    except OSError:
        return [Finding("warning", "kernel modules",
                        "cannot tell which are loaded: /proc/modules is not readable here",
                        "on the table, check with: lsmod | grep -E 'port100|pn533'")]
    holding = [name for name in HOLDING_MODULES if name in loaded]
    if not holding:
        return [Finding("ok", "kernel modules", "no kernel NFC driver holds a reader")]
    blacklist = "\\n".join(f"blacklist {name}" for name in holding)
    return [Finding(
        "problem", f"kernel module {name}",
        f"loaded: it claims {HOLDING_MODULES[name]} before nfcpy can",
        f"sudo modprobe -r {' '.join(holding)}\n"
        f"printf '{blacklist}\\n' | sudo tee {BLACKLIST_FILE}   # keeps it out after a reboot")
        for name in holding]


def pcscd(root: Path = Path("/")) -> Finding:
    """A running PC/SC daemon claims CCID readers (the ACR122U) and keeps nfcpy out."""
    for comm in (root / "proc").glob("[0-9]*/comm"):
        if _read(comm) == "pcscd":
            return Finding("warning", "pcscd",
                           f"running (pid {comm.parent.name}): it claims CCID readers such as "
                           "the ACR122U, which nfcpy then cannot open",
                           "sudo systemctl stop pcscd.socket pcscd\n"
                           "sudo systemctl disable pcscd.socket pcscd   # keep it off after a "
                           "reboot")
    return Finding("ok", "pcscd", "not running")


def expected(camera_device: str, nfc_device: str, found_cameras: Iterable[Finding],
             found_readers: Iterable[Finding], *, root: Path = Path("/"),
             base_dir: Path | None = None) -> list[Finding]:
    """Whether each device the config names is there and usable: one finding per role."""
    return [_expected_camera(camera_device, list(found_cameras), root, base_dir),
            _expected_nfc(nfc_device, list(found_readers), root)]


def _matching(device: str, found: list[Finding], what: str, subject: str) -> Finding:
    """The config's device among those found: usable, unusable (with the fix) or absent."""
    matches = [finding for finding in found if device in finding.names]
    usable = [finding for finding in matches if finding.level == "ok"]
    if usable:
        return Finding("ok", subject, f"present: {usable[0].subject}")
    if matches:
        return Finding("problem", subject, f"present but not usable: {matches[0].detail}",
                       matches[0].fix)
    others = sorted({name for finding in found for name in finding.names[:1]})
    choices = ", ".join([*others, "sim", "none"])
    return Finding("problem", subject, f"the config expects {what}, but none is connected",
                   f"plug it in, or set sources.{subject.split()[0]}.device in store.yaml to "
                   f"one of: {choices}")


def _expected_camera(device: str, found: list[Finding], root: Path,
                     base_dir: Path | None) -> Finding:
    subject = f"camera {device}"
    if device == "sim":
        return Finding("ok", subject, "the simulator's virtual camera: no device needed")
    if device == "none":
        return Finding("ok", subject, "turned off in the config")
    if device.isdigit() or device.startswith("/dev/"):
        node = f"/dev/video{device}" if device.isdigit() else _link_target(device, root)
        link = not device.isdigit() and node != device
        what = f"a camera at {device} (a link to {node})" if link else f"a camera at {node}"
        return _matching(node, found, what, subject)
    path = Path(device).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.exists():
        return Finding("ok", subject, f"recorded frames from {path}")
    return Finding("problem", subject, f"{path} does not exist",
                   "record the clip or image folder there, or set sources.camera.device to sim")


def _link_target(device: str, root: Path) -> str:
    """The node a udev link such as ``/dev/kiosk-camera`` points to (``/dev/video0``), or
    ``device`` itself when it is no link; links are followed inside ``root`` (tests)."""
    path = root / device.lstrip("/")
    for _ in range(8):  # a loop of links ends here rather than spinning
        if not path.is_symlink():
            break
        target = Path(os.readlink(path))
        path = root / str(target).lstrip("/") if target.is_absolute() else path.parent / target
    inside = os.path.normpath(path)
    try:
        return "/" + str(Path(inside).relative_to(root))
    except ValueError:
        return device


def _expected_nfc(device: str, found: list[Finding], root: Path) -> Finding:
    subject = f"nfc {device}"
    if device == "sim":
        return Finding("ok", subject, "the simulator's NFC: no reader needed")
    if device == "none":
        return Finding("ok", subject, "turned off in the config")
    if device.startswith("udp"):
        return Finding("ok", subject, "nfcpy's UDP emulator: no reader needed")
    if device.startswith("tty:"):
        port = f"/dev/tty{device.split(':')[1]}"
        if (root / port.lstrip("/")).exists():
            return Finding("ok", subject, f"serial port {port} is present")
        return Finding("problem", subject, f"serial port {port} does not exist",
                       "plug the reader in and check with: ls /dev/tty*")
    return _matching(device.lower(), found, f"an NFC reader matching {device}", subject)

"""deploy/: the systemd unit, udev rules, module blacklist, installer and ``kiosk`` wrapper agree
with the code and with each other, and docs/install.md covers every step. The installer itself
runs in a sandbox in ``test_installer_script``."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from hardware import diagnose
from tests.paths import REPO

DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "smart-table-kiosk.service"
RULES = DEPLOY / "99-smart-table-kiosk.rules"
BLACKLIST = DEPLOY / "modprobe-blacklist-nfc.conf"
INSTALLER = DEPLOY / "install.sh"
WRAPPER = DEPLOY / "kiosk.sh"
DROP_INS = (DEPLOY / "graphical-session.conf", DEPLOY / "kms-tty1.conf")
GUIDE = REPO / "docs" / "install.md"


# --- the unit -----------------------------------------------------------------------------


def unit_settings(path: Path) -> dict[str, dict[str, list[str]]]:
    """Every setting of a unit file, by section, with all the values of repeated keys (systemd
    adds up ``Environment=`` lines, where configparser would keep the last)."""
    text = path.read_text(encoding="utf-8")
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                       comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text, source=str(path))
    settings: dict[str, dict[str, list[str]]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        assert not line.endswith("\\"), f"{path.name}: keep settings on one line: {line}"
        if line.startswith("["):
            section = line.strip("[]")
            settings.setdefault(section, {})
            continue
        key, _, value = line.partition("=")
        settings[section].setdefault(key.strip(), []).append(value.strip())
    assert set(settings) == set(parser.sections())
    return settings


def service() -> dict[str, str]:
    return {key: values[-1] for key, values in unit_settings(UNIT)["Service"].items()}


def exec_start() -> list[str]:
    return shlex.split(service()["ExecStart"])


def test_the_unit_restarts_watches_and_stops_the_kiosk() -> None:
    settings = service()
    assert settings["Type"] == "notify"
    assert settings["NotifyAccess"] == "main"
    assert settings["WatchdogSec"] == "10"
    assert settings["Restart"] == "always"
    assert settings["RestartSec"] == "2"
    assert settings["TimeoutStopSec"] == "10"
    assert settings["KillSignal"] == "SIGTERM"
    assert "kiosk run" in settings["ExecStart"]
    assert unit_settings(UNIT)["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_unit_runs_as_kiosk_with_its_devices_secrets_and_hardening() -> None:
    settings = service()
    assert settings["User"] == "kiosk"
    assert set(settings["SupplementaryGroups"].split()) == {"video", "input", "plugdev", "render"}
    assert "SDL_VIDEODRIVER=kmsdrm" in unit_settings(UNIT)["Service"]["Environment"]
    assert settings["EnvironmentFile"] == "-/etc/smart-table-kiosk/secrets.env"
    assert settings["ProtectSystem"] == "full"
    assert settings["ReadWritePaths"] == "/var/lib/smart-table-kiosk"
    assert settings["NoNewPrivileges"] == "yes"
    assert settings["PrivateTmp"] == "yes"
    assert settings["StandardOutput"] == settings["StandardError"] == "journal"
    for hides_devices in ("PrivateDevices", "DevicePolicy", "DeviceAllow", "ProtectClock"):
        assert hides_devices not in settings, f"{hides_devices} cuts the kiosk off its devices"


def test_exec_start_is_a_command_line_the_kiosk_accepts() -> None:
    from kiosk.cli import _parser

    argv = exec_start()
    assert argv[0] == "/opt/smart-table-kiosk/.venv/bin/kiosk"
    args = _parser().parse_args(argv[1:])
    assert args.command == "run"
    assert args.windowed is None
    assert args.config == Path("/etc/smart-table-kiosk/config")
    assert args.data == Path("/var/lib/smart-table-kiosk")


def test_the_drop_ins_change_the_display_and_tty_only() -> None:
    graphical, tty = (unit_settings(path)["Service"] for path in DROP_INS)
    assert "SDL_VIDEODRIVER=x11" in graphical["Environment"]
    assert "DISPLAY=:0" in graphical["Environment"]
    assert graphical["PrivateTmp"] == ["no"]
    assert tty["TTYPath"] == ["/dev/tty1"]
    assert tty["StandardOutput"] == tty["StandardError"] == ["journal"]
    for settings in (graphical, tty):
        assert not {"Type", "WatchdogSec", "Restart", "ExecStart", "User"} & set(settings)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit_and_its_drop_ins(tmp_path: Path) -> None:
    """systemd's own parser: no unknown key or section, no ordering cycle (the kiosk's path is
    replaced by one that exists, since the venv is not installed here)."""
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("ExecStart=/opt/smart-table-kiosk/.venv/bin/kiosk",
                                             f"ExecStart={shutil.which('true')}"))
    drop_ins = tmp_path / f"{UNIT.name}.d"
    drop_ins.mkdir()
    for drop_in in DROP_INS:
        shutil.copy(drop_in, drop_ins)
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True, timeout=60, check=False)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if str(tmp_path) in line or UNIT.name in line]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


# --- the installer, the wrapper and the unit agree ------------------------------------------


def shell_assignments(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of a shell script, with ``$NAME`` of earlier ones expanded."""
    values: dict[str, str] = {}
    for match in re.finditer(r"^([A-Z_]+)=(\"[^\"]*\"|\S+)$", path.read_text(), re.MULTILINE):
        value = match.group(2).strip('"')
        values[match.group(1)] = re.sub(r"\$([A-Z_]+)", lambda ref: values[ref.group(1)], value)
    return values


def shell_array(path: Path, name: str) -> list[str]:
    match = re.search(rf"^{name}=\(([^)]*)\)", path.read_text(), re.MULTILINE)
    assert match, f"{path.name} has no array {name}"
    return match.group(1).split()


def test_installer_wrapper_and_unit_name_the_same_places() -> None:
    installer, wrapper = shell_assignments(INSTALLER), shell_assignments(WRAPPER)
    argv = exec_start()
    config = argv[argv.index("--config") + 1]
    data = argv[argv.index("--data") + 1]
    assert argv[0] == f"{installer['APP_DIR']}/.venv/bin/kiosk" == wrapper["KIOSK"]
    assert config == installer["CONFIG_DIR"] == wrapper["CONFIG_DIR"]
    assert data == installer["DATA_DIR"] == wrapper["DATA_DIR"] == service()["ReadWritePaths"]
    assert service()["EnvironmentFile"] == "-" + installer["SECRETS_FILE"]
    assert installer["SECRETS_FILE"] == wrapper["SECRETS"]
    assert service()["User"] == installer["KIOSK_USER"] == wrapper["KIOSK_USER"]
    # The config loader looks for media/ beside the config folder.
    assert installer["MEDIA_DIR"] == str(Path(config).parent / "media")
    assert installer["UNIT_FILE"] == f"/etc/systemd/system/{UNIT.name}"
    assert shell_array(INSTALLER, "DEVICE_GROUPS") == service()["SupplementaryGroups"].split()


def test_the_installer_blacklists_what_kiosk_doctor_names() -> None:
    installer = shell_assignments(INSTALLER)
    assert installer["BLACKLIST_FILE"] == diagnose.BLACKLIST_FILE
    assert shell_array(INSTALLER, "HOLDING_MODULES") == list(diagnose.HOLDING_MODULES)
    blacklisted = re.findall(r"^blacklist (\S+)$", BLACKLIST.read_text(), re.MULTILINE)
    assert sorted(blacklisted) == sorted(diagnose.HOLDING_MODULES)


# --- udev rules -----------------------------------------------------------------------------

RULE_KEY = re.compile(r'\s*[A-Z]+(\{[^}]*\})?(==|!=|\+=|:=|=)"[^"]*"\s*')
READER_IDS = re.compile(r'ATTRS?\{idVendor\}=="([0-9a-f]{4})".*'
                        r'ATTRS?\{idProduct\}=="([0-9a-f]{4})"')


def active_rules(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_udev_rules_give_plugdev_exactly_the_readers_diagnose_knows() -> None:
    ids = set()
    for line in active_rules(RULES):
        match = READER_IDS.search(line)
        if match:
            ids.add((int(match.group(1), 16), int(match.group(2), 16)))
            assert 'MODE="0664"' in line and 'GROUP="plugdev"' in line, line
    assert ids == set(diagnose.USB_READERS)


def test_udev_rules_leave_out_no_reader_nfcpy_drives_over_usb() -> None:
    from nfc.clf.device import usb_device_map

    ids = {(int(match.group(1), 16), int(match.group(2), 16))
           for line in active_rules(RULES) if (match := READER_IDS.search(line))}
    assert ids == set(usb_device_map)


def test_udev_rules_are_well_formed_and_the_camera_link_is_an_example() -> None:
    lines = active_rules(RULES)
    camera = [line.lstrip("#") for line in RULES.read_text().splitlines()
              if "SYMLINK+=" in line]
    assert len(camera) == 1 and 'SYMLINK+="kiosk-camera"' in camera[0]
    assert 'SUBSYSTEM=="video4linux"' in camera[0]
    assert not any("video4linux" in line for line in lines), "the camera line is to adapt"
    for line in [*lines, *camera]:
        for part in line.split(","):
            assert RULE_KEY.fullmatch(part), f"not a udev key: {part!r} in {line}"
    jumps = {match for line in lines for match in re.findall(r'GOTO="([^"]+)"', line)}
    labels = {match for line in lines for match in re.findall(r'LABEL="([^"]+)"', line)}
    assert jumps and jumps == labels


# --- the guide ------------------------------------------------------------------------------


def test_the_guide_covers_every_step() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for needle in ("rotation", "LIBINPUT_CALIBRATION_MATRIX", "calibration matrix", "blanking",
                   "consoleblank=0", "-dpms", "Auto-login", "autologin-user=kiosk", "video=",
                   "xrandr", "wlr-randr", "SDL_VIDEODRIVER", "deploy/install.sh",
                   "secrets.env", "kiosk calibrate", "kiosk validate", "kiosk staff-pin",
                   "kiosk doctor", "kiosk status", "journalctl -u smart-table-kiosk",
                   "watchdog", "README"):
        assert needle in text, needle


def test_the_guide_ends_the_install_with_kiosk_doctor() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    install_part = text[:text.index("## 12. Day to day")]
    blocks = re.findall(r"```sh\n(.*?)```", install_part, re.DOTALL)
    assert blocks[-1].strip() == "sudo kiosk doctor"


def test_the_guide_names_real_files_and_commands() -> None:
    from kiosk.cli import _parser

    text = GUIDE.read_text(encoding="utf-8")
    for name in set(re.findall(r"deploy/([\w.-]+)", text)):
        assert (DEPLOY / name).is_file(), f"docs/install.md names deploy/{name}"
    subcommands = next(action.choices for action in _parser()._actions
                       if isinstance(action.choices, dict))
    code = "\n".join(re.findall(r"```sh\n(.*?)```", text, re.DOTALL))
    used = set(re.findall(r"(?<![\w/-])(?<!-u )kiosk ([a-z][a-z-]+)", code))
    assert used <= set(subcommands), used - set(subcommands)
    assert {"doctor", "calibrate", "validate", "staff-pin", "status"} <= used

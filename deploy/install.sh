#!/usr/bin/env bash
# Install or update the smart-table kiosk on a table running Debian 12 or Raspberry Pi OS
# (bookworm). Run it as root from a checkout; running it again updates, and changes nothing
# that is already right.
#
#   sudo deploy/install.sh [--dry-run] [CHECKOUT]
#
# CHECKOUT is the smart-table-kiosk checkout to install (default: the one holding this
# script). Its code is copied to /opt/smart-table-kiosk (unless CHECKOUT is that folder) and
# installed there in a venv; the demo config/ and media/ are copied to /etc/smart-table-kiosk
# only when absent: the store's own config is never replaced. --dry-run prints every command
# instead of running it (it only reads: user and group lookups, tests for existing files), and
# needs no root. Guide: docs/install.md.
#
# KIOSK_ROOT (tests only): a folder put in front of every path the script reads or writes on
# the system. apt-get, useradd, systemctl and the like still act on the system itself, so set
# it only with them stubbed.
set -euo pipefail
umask 022

APP_DIR=/opt/smart-table-kiosk
ETC_DIR=/etc/smart-table-kiosk
CONFIG_DIR=$ETC_DIR/config
MEDIA_DIR=$ETC_DIR/media
SECRETS_FILE=$ETC_DIR/secrets.env
DATA_DIR=/var/lib/smart-table-kiosk
UNIT_NAME=smart-table-kiosk.service
UNIT_FILE=/etc/systemd/system/$UNIT_NAME
RULES_FILE=/etc/udev/rules.d/99-smart-table-kiosk.rules
# The file kiosk doctor names (hardware/diagnose.py BLACKLIST_FILE).
BLACKLIST_FILE=/etc/modprobe.d/blacklist-nfc-kiosk.conf
WRAPPER=/usr/local/bin/kiosk
KIOSK_USER=kiosk
KIOSK_HOME=/home/kiosk
DEVICE_GROUPS=(video input plugdev render)
# Kernel NFC drivers that hold a reader, users first (hardware/diagnose.py HOLDING_MODULES).
HOLDING_MODULES=(port100 pn533_usb pn533)
# python3-venv: the venv; libzbar0: pyzbar; libusb-1.0-0: nfcpy. The pygame-ce and
# opencv-python-headless wheels carry their own SDL, image and video libraries, but SDL loads
# the graphics stack of the system: libdrm2, libgbm1, EGL, GLES and Mesa's drivers for KMS
# (a desktop brings them, and the X11 or Wayland client libraries, already). rsync copies the
# checkout; usbutils (lsusb) and v4l-utils (v4l2-ctl) are for finding devices.
APT_PACKAGES=(python3 python3-venv rsync libzbar0 libusb-1.0-0 libdrm2 libgbm1 libegl1
              libegl-mesa0 libgles2 libgl1-mesa-dri usbutils v4l-utils)
DEPLOY_FILES=("$UNIT_NAME" 99-smart-table-kiosk.rules modprobe-blacklist-nfc.conf kiosk.sh
              secrets.env.example)

usage() {
    echo "usage: deploy/install.sh [--dry-run] [CHECKOUT]"
    echo "  --dry-run  print every command instead of running it (no root needed)"
    echo "  CHECKOUT   the smart-table-kiosk checkout to install (default: this script's)"
}

DRY_RUN=0
SOURCE=""
while [ $# -gt 0 ]; do
    case "$1" in
        -n|--dry-run) DRY_RUN=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *)
            if [ -n "$SOURCE" ]; then
                echo "install.sh: one checkout at most (got $SOURCE and $1)" >&2
                exit 2
            fi
            SOURCE=$1 ;;
    esac
    shift
done

ROOT=${KIOSK_ROOT:-}
ROOT=${ROOT%/}

die() { echo "install.sh: $*" >&2; exit 1; }
warn() { echo "install.sh: warning: $*" >&2; }
step() { printf '\n==> %s\n' "$*"; }
note() { echo "    $*"; }

# Every command that changes the system goes through run: printed, then run unless --dry-run.
run() {
    local word line="+"
    for word in "$@"; do
        if [[ $word =~ ^[][A-Za-z0-9_./:=,@%+-]+$ ]]; then
            line+=" $word"
        else
            line+=" '${word//\'/\'\\\'\'}'"
        fi
    done
    echo "$line"
    if [ "$DRY_RUN" = 0 ]; then
        "$@"
    fi
}

# --- checks -------------------------------------------------------------------------------

if [ -z "$SOURCE" ]; then
    SOURCE=$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")
fi
[ -d "$SOURCE" ] || die "checkout $SOURCE does not exist"
SOURCE=$(realpath "$SOURCE")
if ! grep -qs '^name = "smart-table-kiosk"' "$SOURCE/pyproject.toml"; then
    die "$SOURCE is not a smart-table-kiosk checkout (no pyproject.toml naming smart-table-kiosk)"
fi
for file in "${DEPLOY_FILES[@]}"; do
    [ -f "$SOURCE/deploy/$file" ] || die "$SOURCE/deploy/$file is missing"
done
for folder in config media; do
    [ -d "$SOURCE/$folder" ] || die "$SOURCE/$folder is missing"
done
case "$SOURCE/" in
    "$ROOT$APP_DIR"/?*) die "the checkout must not lie inside $APP_DIR (it is replaced)" ;;
esac

if [ "$DRY_RUN" = 1 ]; then
    echo "Dry run: the commands below are printed, not run; nothing is changed."
elif [ "$(id -u)" != 0 ]; then
    die "run it as root: sudo $0 $*  (or with --dry-run to see the commands)"
fi
if [ -n "$ROOT" ]; then
    warn "KIOSK_ROOT=$ROOT: files go under it, but system commands still act on this system"
fi
codename=$( { grep -s '^VERSION_CODENAME=' "$ROOT/etc/os-release" || true; } | cut -d= -f2)
if [ "$codename" != bookworm ]; then
    warn "made for Debian 12 and Raspberry Pi OS (bookworm), this is '${codename:-unknown}':" \
         "package names may differ"
fi
echo "Installing $SOURCE"

# --- 1. system packages -------------------------------------------------------------------

step "System packages"
run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${APT_PACKAGES[@]}"

# --- 2. user kiosk and its device groups --------------------------------------------------

step "User $KIOSK_USER"
for group in "${DEVICE_GROUPS[@]}"; do
    if getent group "$group" >/dev/null; then
        note "group $group exists"
    else
        run groupadd --system "$group"
    fi
done
if getent passwd "$KIOSK_USER" >/dev/null; then
    note "user $KIOSK_USER exists"
else
    run useradd --system --user-group --create-home --home-dir "$KIOSK_HOME" \
        --shell /bin/bash --comment "Smart table kiosk" "$KIOSK_USER"
fi
run usermod --append --groups "$(IFS=,; echo "${DEVICE_GROUPS[*]}")" "$KIOSK_USER"

# --- 3. the code and its venv -------------------------------------------------------------

step "Code in $APP_DIR"
if [ "$SOURCE" = "$ROOT$APP_DIR" ]; then
    note "the checkout is $APP_DIR itself: nothing to copy"
else
    run mkdir -p "$ROOT$APP_DIR"
    run rsync --archive --delete --chown=root:root --chmod=go-w \
        --exclude=/.git/ --exclude=/.venv/ --exclude=/data/ --exclude=/build/ \
        --exclude='*.egg-info/' --exclude=__pycache__/ --exclude=/.pytest_cache/ \
        --exclude=/.ruff_cache/ --exclude=/.hypothesis/ \
        "$SOURCE/" "$ROOT$APP_DIR/"
fi
if [ -x "$ROOT$APP_DIR/.venv/bin/python" ]; then
    note "venv $APP_DIR/.venv exists"
else
    run python3 -m venv "$ROOT$APP_DIR/.venv"
fi
run "$ROOT$APP_DIR/.venv/bin/python" -m pip install --no-cache-dir --upgrade "$ROOT$APP_DIR"

# --- 4. config, media, secrets and data ---------------------------------------------------

step "Config in $ETC_DIR, data in $DATA_DIR"
run install -d -m 755 "$ROOT$ETC_DIR"
for pair in "config:$CONFIG_DIR" "media:$MEDIA_DIR"; do
    folder=${pair%%:*}
    target=${pair#*:}
    if [ -e "$ROOT$target" ]; then
        note "$target exists: kept as it is (the installer never replaces the store's files)"
    else
        run cp -R "$SOURCE/$folder" "$ROOT$target"
        run chown -R "$KIOSK_USER:$KIOSK_USER" "$ROOT$target"
    fi
done
if [ -e "$ROOT$SECRETS_FILE" ]; then
    note "$SECRETS_FILE exists: kept as it is"
else
    run install -m 600 "$SOURCE/deploy/secrets.env.example" "$ROOT$SECRETS_FILE"
fi
run install -d -m 750 "$ROOT$DATA_DIR"
run chown "$KIOSK_USER:$KIOSK_USER" "$ROOT$DATA_DIR"

# --- 5. service, udev rules, kernel drivers, the kiosk command ----------------------------

step "Service, udev rules, NFC kernel drivers"
run install -D -m 644 "$SOURCE/deploy/$UNIT_NAME" "$ROOT$UNIT_FILE"
run install -D -m 644 "$SOURCE/deploy/99-smart-table-kiosk.rules" "$ROOT$RULES_FILE"
run install -D -m 644 "$SOURCE/deploy/modprobe-blacklist-nfc.conf" "$ROOT$BLACKLIST_FILE"
run install -D -m 755 "$SOURCE/deploy/kiosk.sh" "$ROOT$WRAPPER"
for module in "${HOLDING_MODULES[@]}"; do
    if grep -qs "^$module " "$ROOT/proc/modules"; then
        run modprobe -r "$module" \
            || warn "could not unload $module now; it stays out after a reboot"
    fi
done
if [ -e "$ROOT/lib/systemd/system/pcscd.socket" ]; then
    warn "pcscd is installed: it takes the ACR122U reader from nfcpy. With that reader:" \
         "sudo systemctl disable --now pcscd.socket pcscd"
fi
run udevadm control --reload
run udevadm trigger
run systemctl daemon-reload
# Restarts the kiosk only when it runs (an update); a first install leaves it off.
run systemctl try-restart "$UNIT_NAME"

# --- next steps ---------------------------------------------------------------------------

if [ "$DRY_RUN" = 1 ]; then
    printf '\nDry run: nothing was changed.\n'
fi
cat <<EOF

Next steps (each one in detail in $APP_DIR/docs/install.md):
  1. Edit $CONFIG_DIR/store.yaml: sources.camera.device, sources.nfc.device (usb),
     table.edges; replace the demo catalog in $CONFIG_DIR/catalog/.
  2. A staff PIN:   sudo kiosk staff-pin   then paste its line under staff: in store.yaml.
  3. Secrets (SMS, e-mail):   sudoedit $SECRETS_FILE
  4. Check the config:   sudo kiosk validate
  5. Map the camera to the screen (with the service stopped):   sudo kiosk calibrate
  6. Start it now and at every boot:   sudo systemctl enable --now $UNIT_NAME
  7. Last:   sudo kiosk doctor
  Day to day:   sudo kiosk status   and   journalctl -u $UNIT_NAME
EOF

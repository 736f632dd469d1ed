#!/bin/sh
# Install the system libraries the kiosk needs (Debian/Ubuntu), only those that are missing.
# Usage: scripts/system-deps.sh PACKAGE...
set -eu

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian/Ubuntu system; make sure these are installed with your" \
         "package manager: $* (zbar and libusb 1.0 shared libraries)"
    exit 0
fi

missing=""
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi
[ -z "$missing" ] && exit 0

install() {
    DEBIAN_FRONTEND=noninteractive "$@" apt-get install -y --no-install-recommends $missing \
        || { "$@" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "$@" apt-get install -y \
             --no-install-recommends $missing; }
}

if [ "$(id -u)" = "0" ]; then
    echo "system-deps: installing$missing"
    install env
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "system-deps: installing$missing with sudo"
    install sudo env
else
    echo "system-deps: missing system packages:$missing" >&2
    echo "Install them as root, then run make again:" >&2
    echo "    sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi

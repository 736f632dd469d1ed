#!/bin/sh
# kiosk on an installed table: the same command as in a checkout, with the table's config and
# data folders, and run as user kiosk (like the service), so the files it writes in
# /var/lib/smart-table-kiosk stay the service's. Installed by deploy/install.sh as
# /usr/local/bin/kiosk. Examples: sudo kiosk doctor, sudo kiosk status, sudo kiosk validate.
# Run as root, it also passes on the service's secrets (for kiosk outbox --flush).
set -eu

APP_DIR=/opt/smart-table-kiosk
CONFIG_DIR=/etc/smart-table-kiosk/config
DATA_DIR=/var/lib/smart-table-kiosk
SECRETS=/etc/smart-table-kiosk/secrets.env
KIOSK_USER=kiosk
KIOSK="$APP_DIR/.venv/bin/kiosk"

set -- --config "$CONFIG_DIR" --data "$DATA_DIR" "$@"
if [ "$(id -un)" = "$KIOSK_USER" ]; then
    exec "$KIOSK" "$@"
fi
if [ "$(id -u)" = 0 ]; then
    if [ -r "$SECRETS" ]; then
        # NAME=value lines, read as data (never run as shell code), quotes around a value
        # removed, as systemd reads them for the service.
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in '' | '#'* | ';'*) continue ;; esac
            name=${line%%=*}
            value=${line#*=}
            case "$name" in '' | [0-9]* | *[!A-Za-z0-9_]*) continue ;; esac
            case "$value" in
                \"*\") value=${value#\"}; value=${value%\"} ;;
                \'*\') value=${value#\'}; value=${value%\'} ;;
            esac
            export "$name=$value"
        done < "$SECRETS"
    fi
    exec runuser -u "$KIOSK_USER" -- "$KIOSK" "$@"
fi
exec sudo -u "$KIOSK_USER" -- "$KIOSK" "$@"

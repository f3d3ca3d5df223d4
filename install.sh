#!/usr/bin/env bash
# Installs posbridge on a Debian or Ubuntu till PC as a systemd service, so it runs unattended.
#
#   sudo ./install.sh              install, or bring an installation in line (a second run changes nothing)
#   sudo ./install.sh --upgrade    replace the app with this copy, keep config and data, migrate the database
#   sudo ./install.sh --uninstall  remove the service and the app; config and data stay (add --purge to remove them)
#   options: --root DIR (install into a scratch root: no user, ownership, systemctl or udev changes),
#            --user NAME (service user, default posbridge), --dry-run (say what would change), -h/--help
#
# What it sets up:
#   /opt/posbridge                    the app (built, production dependencies only), replaced whole or not at all
#   /etc/posbridge/posbridge.yaml     config from a commented template, 0600, never overwritten once there
#   /var/lib/posbridge                database, job files, control socket; 0700, the service user's only
#   posbridge.service                 Type=notify with a watchdog, restart on failure, start on boot, hardened,
#                                     UMask=0077, run as the service user (in dialout and lp, for serial and USB)
#   /etc/udev/rules.d/99-posbridge.rules   stable names for printers: /dev/posbridge/usb-lp-*, serial-*
# Node.js 20 or newer comes from the distribution (apt-get install nodejs npm) when it is missing.
set -euo pipefail

PREFIX=/opt/posbridge
ETC_DIR=/etc/posbridge
DATA_DIR=/var/lib/posbridge
UNIT_PATH=/etc/systemd/system/posbridge.service
UDEV_PATH=/etc/udev/rules.d/99-posbridge.rules
GROUPS_WANTED="dialout lp"

mode=install
purge=0
root=""
user=posbridge
dry_run=0

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
say() { echo "posbridge: $*"; }
fail() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --upgrade) mode=upgrade; shift ;;
    --uninstall) mode=uninstall; shift ;;
    --purge) purge=1; shift ;;
    --root)
      [ $# -ge 2 ] || fail "--root needs a folder"
      root=$(mkdir -p "$2" && cd "$2" && pwd) || fail "cannot use '$2' as the root"
      shift 2 ;;
    --user)
      [ $# -ge 2 ] || fail "--user needs a name"
      user=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$purge" = 0 ] || [ "$mode" = uninstall ] || fail "--purge goes with --uninstall"

src=$(cd "$(dirname "$0")" && pwd)
# A scratch root is a folder tree only: nothing outside it (users, systemd, udev) is touched.
system=1
[ -z "$root" ] || system=0
prefix_dir="$root$PREFIX"
etc_dir="$root$ETC_DIR"
data_dir="$root$DATA_DIR"
unit_file="$root$UNIT_PATH"
udev_file="$root$UDEV_PATH"
changes=0

# Runs a command that changes something, counting it; with --dry-run only says it.
change() {
  changes=$((changes + 1))
  if [ "$dry_run" = 1 ]; then echo "  would: $*"; else "$@"; fi
}

# Writes stdin to FILE with MODE, only when the content differs; the new content goes in whole or not at all.
# Feed it with < <(...), not a pipe: a pipe would run it in a subshell and lose the count of changes.
put_file() {
  local file=$1 mode=$2 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$file" ] && cmp -s "$tmp" "$file" && [ "$(stat -c %a "$file")" = "${mode#0}" ]; then
    rm -f "$tmp"
    return 0
  fi
  say "writing $file"
  changes=$((changes + 1))
  if [ "$dry_run" = 1 ]; then
    rm -f "$tmp"
    return 0
  fi
  mkdir -p "$(dirname "$file")"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$file"
}

# A folder with MODE (and, on a real system, owned by the service user).
ensure_dir() {
  local dir=$1 mode=$2
  if [ ! -d "$dir" ]; then
    say "creating $dir"
    change mkdir -p "$dir"
  fi
  if [ "$dry_run" = 1 ] && [ ! -d "$dir" ]; then return 0; fi
  if [ "$(stat -c %a "$dir")" != "${mode#0}" ]; then change chmod "$mode" "$dir"; fi
  if [ "$system" = 1 ] && [ "$(stat -c %U "$dir")" != "$user" ]; then change chown "$user:" "$dir"; fi
}

need_root() {
  if [ "$system" = 1 ] && [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
    fail "this changes the system: run it with sudo (or try it with --root DIR or --dry-run)"
  fi
}

# Node.js 20+ and npm, from the distribution's packages if missing.
ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    [ "$system" = 1 ] || fail "Node.js 20+ and npm are needed on PATH (in a scratch root nothing is installed for you)"
    command -v apt-get >/dev/null 2>&1 || fail "Node.js 20+ is missing and this is not a Debian/Ubuntu system: install Node.js 20 or newer first"
    say "installing Node.js from the distribution (apt-get install nodejs npm)"
    change apt-get update -qq
    change apt-get install -y -qq nodejs npm
  fi
  [ "$dry_run" = 1 ] && ! command -v node >/dev/null 2>&1 && return 0
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || fail "Node.js 20 or newer is required; this system has $(node --version). Install Node.js 20+ (Debian 13, Ubuntu 24.10, or NodeSource), then run this again"
}

ensure_user() {
  [ "$system" = 1 ] || return 0
  if ! id "$user" >/dev/null 2>&1; then
    say "creating system user $user"
    change useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  local group
  for group in $GROUPS_WANTED; do
    getent group "$group" >/dev/null || continue
    if ! id -nG "$user" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
      say "adding $user to group $group"
      change usermod -a -G "$group" "$user"
    fi
  done
}

# What the app is made of, so a second run knows it has nothing to copy.
source_stamp() {
  (cd "$src" && find . \( -path ./node_modules -o -path ./.git -o -path ./dist -o -path ./data \) -prune -o -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# The app is built in a staging folder beside the prefix and swapped in with two renames: a failure anywhere
# leaves the installed app as it was.
install_app() {
  local stamp staging
  stamp=$(source_stamp)
  if [ "$mode" = install ] && [ -f "$prefix_dir/.install-stamp" ] && [ "$(cat "$prefix_dir/.install-stamp")" = "$stamp" ]; then
    return 0
  fi
  say "installing the app into $prefix_dir"
  if [ "$dry_run" = 1 ]; then
    changes=$((changes + 1))
    return 0
  fi
  staging="$prefix_dir.new.$$"
  trap 'rm -rf "$staging"' EXIT
  mkdir -p "$staging"
  tar -C "$src" --exclude=./.git --exclude=./data --exclude=./test --exclude=./bench -cf - . | tar -C "$staging" -xf -
  if [ ! -f "$staging/dist/agent/cli/bundle-main.cjs" ] || [ ! -d "$staging/node_modules" ]; then
    say "building (npm ci, npm run build)"
    (cd "$staging" && npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null) || fail "build failed; nothing was changed"
  fi
  local output
  output=$(cd "$staging" && npm prune --omit=dev --offline --no-audit --no-fund 2>&1) || {
    echo "$output" >&2
    fail "removing development dependencies failed; nothing was changed"
  }
  (cd "$staging" && node bin/posbridge.js --version >/dev/null) || fail "the new copy does not run (node bin/posbridge.js --version); nothing was changed"
  echo "$stamp" >"$staging/.install-stamp"
  rm -rf "$prefix_dir.old"
  if [ -d "$prefix_dir" ]; then mv "$prefix_dir" "$prefix_dir.old"; fi
  mv "$staging" "$prefix_dir"
  rm -rf "$prefix_dir.old"
  trap - EXIT
  changes=$((changes + 1))
}

config_template() {
  cat <<EOF
# posbridge configuration (YAML). Written once by install.sh and never overwritten: edit it, then
#   sudo systemctl reload posbridge        (SIGHUP: links whose config changed restart, the others carry on)
# Check it with: sudo -u $user node $PREFIX/bin/posbridge.js doctor --config $ETC_DIR/posbridge.yaml
# Every key is described in docs/capture.md and docs/operations.md; a mistyped key is named at start-up.

dataDir: $DATA_DIR
# storeId: store-0042           # stored with every basket
# timezone: Europe/London       # the tills' clock
# currency: GBP                 # for receipts that print none
# profilesDir: $ETC_DIR/profiles  # layout profiles (docs/profiles.md)

# The local admin page (/healthz, /metrics, the status page): this PC only.
admin:
  listen: 127.0.0.1:8790
  # maxBacklogAgeSeconds: 900   # /healthz complains when baskets wait longer than this

# The drift alarm: per link and layout, the share of the latest receipts that reconcile.
drift:
  window: 20
  minReceipts: 5
  alarmBelow: 0.8

links:
  # The till prints to this PC as if it were a network printer; jobs are kept as files until a real
  # printer is named. Replace "printer" with one of the examples below.
  - name: till-1
    till: { kind: tcp, host: 0.0.0.0, port: 9100 }
    printer: { kind: file, path: $DATA_DIR/printed }
    # A network printer:           printer: { kind: tcp, host: 192.168.1.50, port: 9100 }
    # A USB printer (udev name):   printer: { kind: usb, path: /dev/posbridge/usb-lp-SERIAL }
    # A serial printer:            printer: { kind: serial, path: /dev/ttyS0, baudRate: 19200 }
    # A serial till on a USB adapter: till: { kind: serial, path: /dev/posbridge/serial-ADAPTER, baudRate: 9600 }
EOF
}

unit_text() {
  local node_bin
  node_bin=$(command -v node || echo /usr/bin/node)
  cat <<EOF
# Written by install.sh; run it again rather than editing this (local changes: systemctl edit posbridge).
[Unit]
Description=posbridge ESC/POS print-path bridge
Documentation=file://$PREFIX/docs/operations.md
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
# posbridge reports READY=1 and watchdog pings through systemd-notify, a child process.
NotifyAccess=all
WatchdogSec=30
User=$user
Environment=POSBRIDGE_DATA=$DATA_DIR
# Two malloc arenas, not glibc's default of up to eight per core: captured bytes are allocated on the passthrough
# thread and freed on the processing worker, and with an arena per thread glibc keeps each arena's peak resident.
# Measured with bench/store.ts's 50 MB flood: peak RSS up to exit 237-257 MiB without it, 188-198 MiB with it.
Environment=MALLOC_ARENA_MAX=2
ExecStart=$node_bin $PREFIX/bin/posbridge.js run --config $ETC_DIR/posbridge.yaml
ExecReload=/bin/kill -HUP \$MAINPID
KillSignal=SIGTERM
TimeoutStopSec=30
# The print path must survive crashes, a hung event loop (watchdog) and reboots.
Restart=always
RestartSec=2
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictRealtime=yes

[Install]
WantedBy=multi-user.target
EOF
}

udev_text() {
  cat <<'EOF'
# Written by install.sh: stable names for receipt printers and serial adapters, whichever USB port they are in.
# usb_id supplies ID_SERIAL (vendor, model and serial number) for both.
# USB printers (usblp): /dev/posbridge/usb-lp-<ID_SERIAL>
SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", IMPORT{builtin}="usb_id", GROUP="lp", MODE="0660", SYMLINK+="posbridge/usb-lp-$env{ID_SERIAL}"
# USB serial adapters (tills and serial printers): /dev/posbridge/serial-<ID_SERIAL>
SUBSYSTEM=="tty", SUBSYSTEMS=="usb", IMPORT{builtin}="usb_id", ENV{ID_SERIAL}=="?*", GROUP="dialout", MODE="0660", SYMLINK+="posbridge/serial-$env{ID_SERIAL}"
EOF
}

systemctl_do() {
  [ "$system" = 1 ] || return 0
  command -v systemctl >/dev/null 2>&1 || { say "systemctl not found: start posbridge yourself"; return 0; }
  change systemctl "$@"
}

migrate_database() {
  local db="$data_dir/posbridge.db"
  [ -f "$db" ] || return 0
  say "migrating the database $db"
  [ "$dry_run" = 0 ] || { changes=$((changes + 1)); return 0; }
  local script="import('$prefix_dir/dist/agent/store/index.js').then(({ Store }) => { const s = Store.open('$db'); console.log('posbridge: database at schema ' + s.pragma('user_version')[0].user_version); s.close(); })"
  if [ "$system" = 1 ]; then
    (cd / && runuser -u "$user" -- node --input-type=module -e "$script") || fail "database migration failed; the old app is gone but the data is untouched: see the error above"
  else
    node --input-type=module -e "$script" || fail "database migration failed; the data is untouched: see the error above"
  fi
  changes=$((changes + 1))
}

do_install() {
  need_root
  ensure_node
  ensure_user
  local was_running=0
  if [ "$mode" = upgrade ]; then
    [ -d "$prefix_dir" ] || fail "nothing to upgrade: $prefix_dir does not exist (run without --upgrade to install)"
    if [ "$system" = 1 ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet posbridge; then
      was_running=1
      say "stopping posbridge for the upgrade"
      systemctl_do stop posbridge.service
    fi
  fi
  install_app
  ensure_dir "$etc_dir" 0700
  ensure_dir "$data_dir" 0700
  if [ -e "$etc_dir/posbridge.yaml" ]; then
    [ "$mode" = install ] || say "keeping the config $etc_dir/posbridge.yaml"
  else
    put_file "$etc_dir/posbridge.yaml" 0600 < <(config_template)
    if [ "$system" = 1 ] && [ "$dry_run" = 0 ]; then chown "$user:" "$etc_dir/posbridge.yaml"; fi
  fi
  if [ "$mode" = upgrade ]; then migrate_database; fi
  local unit_before udev_before
  unit_before=$changes
  put_file "$unit_file" 0644 < <(unit_text)
  if [ "$changes" != "$unit_before" ]; then systemctl_do daemon-reload; fi
  udev_before=$changes
  put_file "$udev_file" 0644 < <(udev_text)
  if [ "$changes" != "$udev_before" ] && [ "$system" = 1 ] && command -v udevadm >/dev/null 2>&1; then
    # In a container or a chroot no udevd runs, and `udevadm control` fails: the rules apply when udev starts.
    if [ "$dry_run" = 1 ] || udevadm control --ping >/dev/null 2>&1; then
      change udevadm control --reload
      change udevadm trigger --subsystem-match=usbmisc --subsystem-match=tty
    else
      say "udev is not running here: the printer names in $UDEV_PATH apply when it starts (at the next boot)"
    fi
  fi
  if [ "$system" = 1 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl is-enabled --quiet posbridge.service 2>/dev/null || systemctl_do enable posbridge.service
    if [ "$was_running" = 1 ] || ! systemctl is-active --quiet posbridge.service; then
      systemctl_do start posbridge.service
    elif [ "$changes" -gt 0 ]; then
      systemctl_do restart posbridge.service
    fi
  fi
  if [ "$changes" = 0 ]; then
    say "nothing to change: posbridge is installed and up to date in ${root:-/}"
    return 0
  fi
  [ "$dry_run" = 0 ] || { say "$changes change(s) would be made"; return 0; }
  say "done ($mode). Config: $ETC_DIR/posbridge.yaml; data: $DATA_DIR"
  say "  status page:   http://127.0.0.1:8790/  (on this PC)"
  say "  check it all:  sudo -u $user node $PREFIX/bin/posbridge.js doctor --config $ETC_DIR/posbridge.yaml"
  say "  logs:          journalctl -u posbridge -f"
}

do_uninstall() {
  need_root
  if [ "$system" = 1 ] && command -v systemctl >/dev/null 2>&1 && [ -f "$unit_file" ]; then
    systemctl_do disable --now posbridge.service
  fi
  local path
  for path in "$unit_file" "$udev_file" "$prefix_dir"; do
    if [ -e "$path" ]; then
      say "removing $path"
      change rm -rf "$path"
    fi
  done
  if [ "$system" = 1 ] && command -v systemctl >/dev/null 2>&1; then systemctl_do daemon-reload; fi
  if [ "$purge" = 1 ]; then
    for path in "$etc_dir" "$data_dir"; do
      if [ -e "$path" ]; then
        say "purging $path"
        change rm -rf "$path"
      fi
    done
    if [ "$system" = 1 ] && id "$user" >/dev/null 2>&1; then
      say "removing user $user"
      change userdel "$user"
    fi
  elif [ -e "$etc_dir" ] || [ -e "$data_dir" ]; then
    say "kept the config $ETC_DIR and the data $DATA_DIR (remove them with --uninstall --purge)"
  fi
  if [ "$changes" = 0 ]; then say "nothing to change: posbridge is not installed in ${root:-/}"; else say "uninstalled"; fi
}

if [ "$mode" = uninstall ]; then do_uninstall; else do_install; fi

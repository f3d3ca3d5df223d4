#!/usr/bin/env bash
# Installs posbridge on a Linux till PC as a systemd service.
#
#   sudo ./install.sh [--prefix /opt/posbridge] [--config FILE] [--user posbridge] [--data-dir /var/lib/posbridge]
#                     [--etc-dir /etc/posbridge] [--no-service] [--dry-run]
#
# What it does, in order (each step is idempotent, so re-running it upgrades in place):
#   1. checks Node.js >= 20 and npm are present (it never downloads Node itself);
#   2. copies this checkout to PREFIX, installs dependencies from package-lock.json, builds, drops dev dependencies;
#   3. creates the service user (in the dialout and lp groups, for serial ports and /dev/usb/lp*) and the data folder;
#   4. installs /etc/posbridge/posbridge.yaml from --config, or keeps the existing one, or leaves none (then the
#      daemon runs its embedded default: a raw TCP printer on 127.0.0.1:9100 writing jobs to files);
#   5. writes and starts posbridge.service (Restart=always: the printer path must survive crashes and reboots).
set -euo pipefail

prefix=/opt/posbridge
config=""
user=posbridge
service=1
dry_run=0
data_dir=/var/lib/posbridge
etc_dir=/etc/posbridge

usage() { awk "NR>1 && /^#/ { sub(/^# ?/, \"\"); print; next } NR>1 { exit }" "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --user) user=${2:?--user needs a name}; shift 2 ;;
    --data-dir) data_dir=${2:?--data-dir needs a folder}; shift 2 ;;
    --etc-dir) etc_dir=${2:?--etc-dir needs a folder}; shift 2 ;;
    --no-service) service=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

run() {
  if [ "$dry_run" = 1 ]; then echo "+ $*"; else "$@"; fi
}
fail() { echo "install.sh: $*" >&2; exit 1; }

src=$(cd "$(dirname "$0")" && pwd)

command -v node >/dev/null || fail "Node.js 20 or newer is required and was not found on PATH"
command -v npm >/dev/null || fail "npm is required and was not found on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js 20 or newer is required, found $(node --version)"
[ -z "$config" ] || [ -r "$config" ] || fail "config file '$config' is not readable"
if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ] && [ "$service" = 1 ]; then
  fail "installing the service needs root (run with sudo, or pass --no-service)"
fi

echo "posbridge: installing from $src to $prefix"
run mkdir -p "$prefix"
if [ "$src" != "$prefix" ]; then
  # Only what the package needs: no node_modules, build output or git history from the source checkout.
  run tar -C "$src" --exclude=./node_modules --exclude=./dist --exclude=./.git -cf "$prefix/.posbridge-src.tar" .
  run tar -C "$prefix" -xf "$prefix/.posbridge-src.tar"
  run rm -f "$prefix/.posbridge-src.tar"
fi
run sh -c "cd '$prefix' && npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund"

if [ "$service" = 1 ]; then
  if ! id "$user" >/dev/null 2>&1; then
    run useradd --system --home-dir "$data_dir" --shell /usr/sbin/nologin "$user"
  fi
  for group in dialout lp; do
    if getent group "$group" >/dev/null; then run usermod -a -G "$group" "$user"; fi
  done
fi

# 0700: receipts are personal data; the daemon warns at start about a data folder other users can read.
run mkdir -p "$data_dir"
run chmod 700 "$data_dir"
if [ "$service" = 1 ]; then run chown "$user" "$data_dir"; fi
config_args=""
if [ -n "$config" ]; then
  run mkdir -p "$etc_dir"
  run install -m 0640 "$config" "$etc_dir/posbridge.yaml"
fi
if [ -n "$config" ] || [ -e "$etc_dir/posbridge.yaml" ]; then
  config_args="--config $etc_dir/posbridge.yaml"
fi

if [ "$service" = 1 ]; then
  unit=/etc/systemd/system/posbridge.service
  unit_text="[Unit]
Description=posbridge ESC/POS print-path bridge
After=network.target

[Service]
Type=simple
User=$user
Environment=POSBRIDGE_DATA=$data_dir
ExecStart=$(command -v node) $prefix/bin/posbridge.js run $config_args
ExecReload=/bin/kill -HUP \$MAINPID
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
"
  if [ "$dry_run" = 1 ]; then
    echo "+ write $unit:"; printf '%s' "$unit_text"
  else
    printf '%s' "$unit_text" >"$unit"
  fi
  run systemctl daemon-reload
  run systemctl enable --now posbridge.service
  cli="POSBRIDGE_DATA=$data_dir node $prefix/bin/posbridge.js"
  echo "posbridge: service started; logs: journalctl -u posbridge -f"
  echo "  check the print path:  $cli test-print $config_args"
  echo "  watch baskets arrive:  $cli tail $config_args"
  echo "  daemon status:         $cli status $config_args"
else
  echo "posbridge: installed; run it with: POSBRIDGE_DATA=$data_dir node $prefix/bin/posbridge.js run $config_args"
fi

#!/usr/bin/env bash
# Installs the Debian packages mpysync's virtual boards and tests need:
#   socat                          - serves the WebAssembly MicroPython board on a pseudo-terminal
#   qemu-system-arm + firmware-microbit-micropython - the BBC micro:bit (MicroPython 1.9.2) in qemu
#   chromium                       - the browser the web-page tests drive (never a downloaded one)
#   udev                           - `udevadm`, which serialport needs to list ports on Linux
set -euo pipefail
packages=(socat qemu-system-arm firmware-microbit-micropython chromium udev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all of ${packages[*]} already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

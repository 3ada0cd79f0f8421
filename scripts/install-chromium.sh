#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report test (test/render/html-browser.test.ts), when it
# is missing. Idempotent: does nothing when /usr/bin/chromium already runs. Needs root (CI and
# the development machines run as root); uses only the distribution's package manager.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
  echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1) already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install the 'chromium' package by hand" >&2
  exit 1
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO='sudo'; else
    echo "install-chromium: needs root (or sudo) to install the 'chromium' package" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Retry once: a mirror can be briefly unavailable.
for attempt in 1 2; do
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; then
    break
  fi
  if [ "$attempt" -eq 2 ]; then
    echo "install-chromium: apt-get failed" >&2
    exit 1
  fi
  sleep 5
done

"$CHROMIUM" --version

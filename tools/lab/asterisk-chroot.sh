#!/usr/bin/env bash
# Builds (or restores from cache) a Debian sid chroot holding Asterisk 22, and mounts what it
# needs. Run as root. Idempotent: a finished chroot is kept; a cached tarball restores in seconds.
#   asterisk-chroot.sh ensure ROOT CACHE_TARBALL
#   asterisk-chroot.sh mount ROOT
#   asterisk-chroot.sh umount ROOT
set -euo pipefail

cmd=${1:?usage: asterisk-chroot.sh ensure|mount|umount ROOT [CACHE]}
root=${2:?chroot folder required}
cache=${3:-}
mirror=${HOTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
stamp="$root/.hotline-ready"

is_mounted() { mountpoint -q "$1" 2>/dev/null; }

do_mount() {
  mkdir -p "$root/proc" "$root/dev"
  is_mounted "$root/proc" || mount -t proc proc "$root/proc"
  is_mounted "$root/dev" || mount --bind /dev "$root/dev"
}

do_umount() {
  # Lazy unmount: a process still holding /dev open must not leave the chroot half-mounted.
  is_mounted "$root/dev" && umount -l "$root/dev" || true
  is_mounted "$root/proc" && umount -l "$root/proc" || true
}

build() {
  local tmp="$root.partial"
  # A half-built chroot from an interrupted run is useless; start it over (nothing is mounted there).
  if [ -d "$tmp" ]; then
    is_mounted "$tmp/dev" && umount -l "$tmp/dev"
    is_mounted "$tmp/proc" && umount -l "$tmp/proc"
    rm -rf --one-file-system "$tmp"
  fi
  echo "[lab] debootstrap sid into $tmp (first run only, about 1-2 minutes)" >&2
  debootstrap --variant=minbase sid "$tmp" "$mirror" >&2
  # The frozen sid mirror's Release file has expired.
  echo 'Acquire::Check-Valid-Until "false";' > "$tmp/etc/apt/apt.conf.d/99hotline-no-valid-until"
  printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
  chmod 755 "$tmp/usr/sbin/policy-rc.d"
  mkdir -p "$tmp/proc" "$tmp/dev"
  mount -t proc proc "$tmp/proc"
  mount --bind /dev "$tmp/dev"
  trap 'umount -l "$tmp/dev" 2>/dev/null || true; umount -l "$tmp/proc" 2>/dev/null || true' EXIT
  chroot "$tmp" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get install -y -qq --no-install-recommends \
    asterisk asterisk-modules asterisk-core-sounds-en-gsm >&2
  chroot "$tmp" apt-get clean
  umount -l "$tmp/dev"; umount -l "$tmp/proc"
  trap - EXIT
  touch "$tmp/.hotline-ready"
  mv "$tmp" "$root"
  if [ -n "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    echo "[lab] caching chroot as $cache" >&2
    tar -C "$root" --zstd -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  fi
}

restore() {
  local tmp="$root.partial"
  rm -rf --one-file-system "$tmp"
  mkdir -p "$tmp"
  echo "[lab] restoring Asterisk chroot from $cache" >&2
  tar -C "$tmp" --zstd -xf "$cache"
  mv "$tmp" "$root"
}

case "$cmd" in
  ensure)
    if [ -f "$stamp" ]; then exit 0; fi
    if [ -d "$root" ]; then
      echo "[lab] $root exists but is not a finished chroot; remove it (after 'hotline lab down') to rebuild" >&2
      exit 3
    fi
    mkdir -p "$(dirname "$root")"
    if [ -n "$cache" ] && [ -f "$cache" ]; then restore; else build; fi
    ;;
  mount) do_mount ;;
  umount) do_umount ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac

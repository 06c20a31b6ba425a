#!/usr/bin/env bash
# Builds FreeSWITCH 1.10.12 once from the project's source kit inside a Debian bookworm root, caches
# the finished runtime as a tarball, and mounts what it needs to run. Run as root. Idempotent: a
# finished root is kept; a cached tarball restores in seconds; build trees are never kept.
#   freeswitch-root.sh ensure ROOT CACHE_TARBALL SOURCES_DIR
#   freeswitch-root.sh mount ROOT
#   freeswitch-root.sh umount ROOT
# The recipe follows the kit's README (sofia-sip, spandsp, then FreeSWITCH with a trimmed module list).
set -euo pipefail

cmd=${1:?usage: freeswitch-root.sh ensure|mount|umount ROOT [CACHE SOURCES]}
root=${2:?root folder required}
cache=${3:-}
sources=${4:-}
mirror=${HOTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
stamp="$root/.hotline-ready"
log=${HOTLINE_FS_BUILD_LOG:-$(dirname "$root")/log/freeswitch-build.log}

FS=freeswitch-1.10.12
SOFIA=sofia-sip-1.13.17
SPANDSP=spandsp-933d40d

# Build packages (the kit's README, step 2).
BUILD_PACKAGES="build-essential autoconf automake libtool libtool-bin pkg-config libssl-dev
  libcurl4-openssl-dev libpcre3-dev libspeex-dev libspeexdsp-dev libsqlite3-dev libedit-dev
  libncurses-dev libtiff-dev libjpeg-dev libldns-dev libopus-dev libsndfile1-dev uuid-dev
  zlib1g-dev yasm nasm python3"

# The modules the hotline's configuration loads (dialplan/freeswitch/autoload_configs/modules.conf.xml),
# plus fs_cli's and the stock configuration's usual companions. mod_spandsp does not compile
# against this spandsp, so it is left out.
MODULES="applications/mod_commands applications/mod_conference applications/mod_db
  applications/mod_dptools applications/mod_expr applications/mod_hash codecs/mod_opus
  dialplans/mod_dialplan_xml endpoints/mod_loopback endpoints/mod_sofia
  event_handlers/mod_event_socket formats/mod_local_stream formats/mod_native_file
  formats/mod_sndfile formats/mod_tone_stream loggers/mod_console loggers/mod_logfile say/mod_say_en"

is_mounted() { mountpoint -q "$1" 2>/dev/null; }

# Everything mounted under a folder, deepest first.
mounts_under() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r; }

do_mount() {
  local r=$1
  mkdir -p "$r/proc" "$r/dev"
  is_mounted "$r/proc" || mount -t proc proc "$r/proc"
  is_mounted "$r/dev" || mount --bind /dev "$r/dev"
}

do_umount() {
  local r=$1 m
  # Lazy unmount: a process still holding /dev open must not leave the root half-mounted.
  for m in $(mounts_under "$r"); do umount -l "$m" || true; done
}

# Refuses to delete a root while anything is mounted inside it.
remove_root() {
  local r=$1
  [ -d "$r" ] || return 0
  do_umount "$r"
  if [ -n "$(mounts_under "$r")" ]; then
    echo "[lab] $r still has mounts; not deleting it" >&2
    exit 4
  fi
  rm -rf --one-file-system "$r"
}

step() { echo "[lab] freeswitch build: $* ($(date +%T), log $log)" >&2; echo "=== $* $(date +%T)" >>"$log"; }

in_root() { chroot "$tmp" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@" >>"$log" 2>&1; }

verify_sources() {
  for f in "$FS.tar.xz" "$SOFIA.tar.xz" "$SPANDSP.tar.xz" SHA256SUMS; do
    [ -f "$sources/$f" ] || { echo "[lab] FreeSWITCH source kit incomplete: $sources/$f missing" >&2; exit 5; }
  done
  (cd "$sources" && sha256sum --quiet -c SHA256SUMS) >&2 || { echo "[lab] FreeSWITCH source kit: checksum mismatch in $sources" >&2; exit 5; }
}

build() {
  tmp="$root.partial"
  verify_sources
  mkdir -p "$(dirname "$log")"
  : >"$log"
  local started=$SECONDS
  # A half-built root from an interrupted run is useless: start it over.
  remove_root "$tmp"
  step "debootstrap bookworm into $tmp (first run only; the whole build takes about 10 minutes)"
  debootstrap --variant=minbase bookworm "$tmp" "$mirror" >>"$log" 2>&1
  # Without the host's names the Debian mirror may not resolve inside the root.
  cp /etc/hosts "$tmp/etc/hosts"
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
  chmod 755 "$tmp/usr/sbin/policy-rc.d"
  trap 'do_umount "$tmp"' EXIT
  do_mount "$tmp"
  mkdir -p "$tmp/dev/pts"
  is_mounted "$tmp/dev/pts" || mount --bind /dev/pts "$tmp/dev/pts"

  step "build packages"
  in_root apt-get update -qq
  # shellcheck disable=SC2086
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $BUILD_PACKAGES

  step "unpack the kit"
  local src="$tmp/usr/src/hotline"
  mkdir -p "$src"
  for t in "$FS" "$SOFIA" "$SPANDSP"; do tar -C "$src" -xJf "$sources/$t.tar.xz"; done

  for lib in "$SOFIA" "$SPANDSP"; do
    step "$lib"
    in_root sh -c "cd /usr/src/hotline/$lib && ./bootstrap.sh && ./configure --prefix=/usr/local && make -j$(nproc) && make install"
  done
  in_root ldconfig

  step "$FS (about 7 minutes)"
  printf '%s\n' $MODULES >"$src/$FS/modules.conf"
  in_root sh -c "cd /usr/src/hotline/$FS && ./bootstrap.sh -j && ./configure --prefix=/usr/local/freeswitch \
    --disable-libyuv --disable-libvpx --without-png --without-freetype && make -j$(nproc) && make install"
  in_root ldconfig
  in_root /usr/local/freeswitch/bin/freeswitch -version

  step "trim to a runtime"
  rm -rf "$src"
  slim_runtime
  do_umount "$tmp"
  trap - EXIT
  echo "$FS built $(date -u +%FT%TZ) in $((SECONDS - started)) s" >"$tmp/.hotline-ready"
  mv "$tmp" "$root"
  step "built in $((SECONDS - started)) s"
  if [ -n "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    step "caching the runtime as $cache"
    tar -C "$root" --zstd -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  fi
}

# Keeps the libraries FreeSWITCH links against and drops the compilers and headers.
slim_runtime() {
  # The Debian packages owning every shared library the binaries and modules load stay installed.
  local keep
  keep=$(chroot "$tmp" sh -c 'for f in /usr/local/freeswitch/bin/* /usr/local/freeswitch/lib/*.so* /usr/local/freeswitch/lib/freeswitch/mod/*.so; do ldd "$f" 2>/dev/null; done' |
    awk '$3 ~ /^\// { print $3 }' | sort -u |
    while read -r lib; do chroot "$tmp" dpkg -S "$(readlink -f "$tmp$lib" | sed "s|^$tmp||")" 2>/dev/null || chroot "$tmp" dpkg -S "$lib" 2>/dev/null || true; done |
    cut -d: -f1 | sort -u | tr '\n' ' ')
  # shellcheck disable=SC2086
  [ -n "$keep" ] && in_root apt-mark manual $keep
  # shellcheck disable=SC2086
  # What only suggests or recommends the compilers goes too (apt keeps those by default: gcc stayed).
  in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --auto-remove \
    -o APT::AutoRemove::SuggestsImportant=false -o APT::AutoRemove::RecommendsImportant=false $BUILD_PACKAGES
  in_root apt-get clean
  rm -rf "$tmp/usr/local/include" "$tmp/usr/local/freeswitch/include" "$tmp/var/lib/apt/lists/"*
  find "$tmp/usr/local" -name '*.a' -delete
  find "$tmp/usr/local" -name '*.la' -delete
  in_root ldconfig
  # The runtime must still start after the purge, with every module's libraries there.
  in_root /usr/local/freeswitch/bin/freeswitch -version
  if chroot "$tmp" sh -c 'ldd /usr/local/freeswitch/bin/freeswitch /usr/local/freeswitch/lib/freeswitch/mod/*.so' | grep -q 'not found'; then
    echo "[lab] a FreeSWITCH library went missing when the build packages were removed; see $log" >&2
    exit 6
  fi
}

restore() {
  tmp="$root.partial"
  remove_root "$tmp"
  mkdir -p "$tmp"
  echo "[lab] restoring the FreeSWITCH root from $cache" >&2
  tar -C "$tmp" --zstd -xf "$cache"
  mv "$tmp" "$root"
}

case "$cmd" in
  ensure)
    if [ -f "$stamp" ]; then exit 0; fi
    if [ -d "$root" ]; then
      echo "[lab] $root exists but is not a finished FreeSWITCH root; remove it (after 'hotline lab down') to rebuild" >&2
      exit 3
    fi
    mkdir -p "$(dirname "$root")"
    if [ -n "$cache" ] && [ -f "$cache" ]; then restore; else
      [ -n "$sources" ] || { echo "[lab] no FreeSWITCH source kit given" >&2; exit 5; }
      build
    fi
    ;;
  mount) do_mount "$root" ;;
  umount) do_umount "$root" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac

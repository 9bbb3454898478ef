#!/usr/bin/env bash
# Kernelscope developer entry point.
#   ./dev.sh run     install missing Debian packages, build, open the program on its example
#   ./dev.sh test    the same set-up, then the whole test suite
#   ./dev.sh bench   the same set-up, then the benchmarks beside their NumPy references
#   ./dev.sh build   set-up and build only
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${KS_BUILD_DIR:-"$here/build"}

packages=(
  gcc meson ninja-build pkg-config
  libglib2.0-dev libjson-glib-dev libgsl-dev libopenblas-dev
  libcairo2-dev libpango1.0-dev poppler-utils fonts-dejavu-core
  python3 python3-numpy python3-scipy
  libgtk-4-dev libadwaita-1-dev adwaita-icon-theme libxml2-utils
  desktop-file-utils appstream gettext
  xvfb xauth
)

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  echo "dev.sh: installing missing Debian packages:" $missing
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

build() {
  install_packages
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" "$here"
  fi
  meson compile -C "$build_dir"
}

run() {
  build
  echo "dev.sh: the command-line example is in README.md, under \"The command line\""
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "dev.sh: no display to open the window on: run it in a desktop session," \
         "or under a virtual one with 'xvfb-run -a ./dev.sh run'" >&2
    exit 1
  fi
  # The window opens on the bundled example: 200 digits through a ReLU network with a
  # finite bottleneck. The settings schema is found in the build folder.
  exec "$build_dir/src/app/kernelscope" "$@"
}

run_tests() {
  build
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 "$@"
}

run_bench() {
  build
  "$here/bench/run.sh" "$build_dir" "$@"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
  run) run "$@" ;;
  test) run_tests "$@" ;;
  bench) run_bench "$@" ;;
  build) build ;;
  *) echo "usage: ./dev.sh run|test|bench|build" >&2; exit 2 ;;
esac

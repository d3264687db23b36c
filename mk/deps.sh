#!/bin/sh
# Checks that the compiler and the libraries every chapter links with are installed, and does
# nothing more when they are. When something is missing: as root it installs the Debian
# packages with apt-get; otherwise it prints the exact command and fails.
#   sh mk/deps.sh          the build's needs ('make' runs this first)
#   sh mk/deps.sh images   also the drawing tools of 'make docs-images' (graphviz, gnuplot)
#   sh mk/deps.sh fuzz     also clang and its libFuzzer runtime, for 'make fuzz'
# CC (default cc) is the compiler asked; headers are found the way the build finds them,
# through pkg-config or the compiler's own search path, on any architecture.
set -u
CC=${CC:-cc}
PACKAGES="libglib2.0-dev libgdbm-dev nettle-dev libgmp-dev libcunit1-dev pkg-config"
missing=""
command -v "$CC" >/dev/null 2>&1 || missing="$missing $CC"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if command -v pkg-config >/dev/null 2>&1; then
    for pc in glib-2.0 gio-2.0 nettle hogweed cunit; do
        pkg-config --exists "$pc" 2>/dev/null || missing="$missing $pc"
    done
    if pkg-config --exists glib-2.0 2>/dev/null && ! pkg-config --atleast-version=2.74 glib-2.0; then
        echo "deps: GLib $(pkg-config --modversion glib-2.0) is too old: 2.74 or later is needed" \
            "(Debian 12 or later)" >&2
        exit 1
    fi
fi
# GDBM and GMP have no pkg-config file on Debian: ask the compiler whether it finds the header.
has_header() { # HEADER
    command -v "$CC" >/dev/null 2>&1 &&
        printf '#include <%s>\n' "$1" | "$CC" -E -x c - >/dev/null 2>&1
}
# Chapter 8's separate-hosts test makes network namespaces with ip(8). Only root may, so only
# root is asked for it (CI runs as root and must run that test); others see it skipped.
PACKAGES="$PACKAGES iproute2"
[ "$(id -u)" = 0 ] && ! command -v ip >/dev/null 2>&1 && missing="$missing ip"
has_header gdbm.h || missing="$missing gdbm.h"
has_header gmp.h || missing="$missing gmp.h"
case "${1:-}" in
images)
    PACKAGES="$PACKAGES graphviz gnuplot-nox"
    { command -v dot && command -v gnuplot; } >/dev/null 2>&1 || missing="$missing graphviz/gnuplot"
    ;;
fuzz)
    PACKAGES="$PACKAGES clang libclang-rt-dev"
    fuzzer_runtime=$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a" 2>/dev/null)
    [ -f "$fuzzer_runtime" ] || missing="$missing libfuzzer"
    ;;
"") ;;
*)
    echo "usage: sh mk/deps.sh [images|fuzz]" >&2
    exit 2
    ;;
esac
case "$CC" in *clang*) PACKAGES="$PACKAGES clang" ;; *) PACKAGES="$PACKAGES gcc" ;; esac
[ -z "$missing" ] && exit 0

echo "deps: missing:$missing" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing $PACKAGES" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $PACKAGES >/dev/null && exit 0
    echo "deps: apt-get failed" >&2
    exit 1
fi
echo "deps: run this, then try again:" >&2
echo "    sudo apt-get install -y $PACKAGES" >&2
exit 1

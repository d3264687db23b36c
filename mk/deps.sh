#!/bin/sh
# Checks that the libraries every chapter links with are installed. As root it installs what
# is missing with apt-get; otherwise it prints the exact command and fails.
set -u
PACKAGES="libglib2.0-dev libgdbm-dev nettle-dev libgmp-dev libcunit1-dev pkg-config"
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
if [ -z "$missing" ]; then
    for pc in glib-2.0 gio-2.0 nettle hogweed cunit; do
        pkg-config --exists "$pc" 2>/dev/null || missing="$missing $pc"
    done
fi
[ -f /usr/include/gdbm.h ] || missing="$missing gdbm"
[ -f /usr/include/x86_64-linux-gnu/gmp.h ] || [ -f /usr/include/gmp.h ] || missing="$missing gmp"
# 'sh mk/deps.sh images' (make docs-images) wants the drawing tools too.
if [ "${1:-}" = images ]; then
    PACKAGES="$PACKAGES graphviz gnuplot-nox"
    { command -v dot && command -v gnuplot; } >/dev/null 2>&1 || missing="$missing graphviz/gnuplot"
fi
# 'sh mk/deps.sh fuzz' (make fuzz) wants clang and its libFuzzer runtime too.
if [ "${1:-}" = fuzz ]; then
    PACKAGES="$PACKAGES clang libclang-rt-dev"
    fuzzer_runtime=$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a" 2>/dev/null)
    [ -f "$fuzzer_runtime" ] || missing="$missing libfuzzer"
fi
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

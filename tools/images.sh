#!/bin/sh
# images.sh build [-f] | check [ROOT] | selftest: the pictures of the texts, docs/img/NAME.svg,
# each drawn from its sources in docs/img/src/ and checked like the excerpts.
#
# A picture's recipe is docs/img/src/NAME.EXT, by its extension:
#   NAME.dot  graphviz ('dot -Tsvg'; a graph may choose another layout with 'layout=neato')
#   NAME.gp   gnuplot: the script draws on the SVG terminal set here (960x600, Helvetica 16,
#             no "enhanced" text, so BC_TARGET_BITS prints as it is), and reads its data from
#             files beside it (NAME.tsv, ...; it runs in docs/img/src)
#   NAME.seq  a sequence diagram (lanes, messages, notes), drawn by tools/seqdiag.awk. Plain
#             awk, so a program can draw one from its own logs on any machine (the format is
#             at the top of tools/seqdiag.awk)
# A picture's sources are every file docs/img/src/NAME.*: the recipe and its data. So a table
# or a log that a plot or a diagram is made from sits beside its recipe, and a change to it makes
# the picture stale like a change to the recipe.
#
# 'build' (make docs-images, which installs graphviz and gnuplot first) draws each picture whose
# sources changed since it was drawn (every picture with -f) and stamps it, on its second line:
#     <!-- made from docs/img/src/NAME.dot, sources sha256 S, picture sha256 P: ... -->
# S is the SHA-256 of 'sha256sum NAME.*' run in docs/img/src, P the SHA-256 of the picture
# without this line. 'check' (part of 'make check', through tools/docs.sh) needs no drawing
# tool and no particular version of one. It fails when:
#   - a picture has no stamp, or its S is not its sources' (a source changed, the picture was
#     not redrawn), or its P is not its own (the picture was edited by hand);
#   - a recipe has no picture, or a picture no recipe;
#   - a text (docs/*.md, README.md, chapters/*/README.md) shows a picture that does not exist,
#     or shows one without alt text: ![what the picture shows](img/NAME.svg);
#   - no text shows a picture.
# 'selftest' proves the check honest: it breaks a copy of docs/ in each of those ways and
# expects 'check' to refuse every one.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAMP='<!-- made from docs/img/src/'

# The recipe of picture NAME in SRC, or nothing.
recipe() { # SRC NAME
    for ext in dot gp seq; do
        [ -f "$1/$2.$ext" ] && { echo "$2.$ext"; return; }
    done
}

sources_sha() { # SRC NAME
    (cd "$1" && sha256sum "$2".* | sha256sum | cut -d' ' -f1)
}

# The picture without its stamp line, hashed.
picture_sha() { # SVG
    grep -v "^$STAMP" "$1" | sha256sum | cut -d' ' -f1
}

stamp_field() { # SVG FIELD: the hash after 'FIELD sha256 ' in the stamp
    sed -n "s|^$STAMP.* $2 sha256 \([0-9a-f]*\).*|\1|p" "$1" | head -n 1
}

draw() { # SRC NAME RECIPE OUT: the unstamped picture in OUT
    case "$3" in
    *.dot) dot -Tsvg "$1/$3" > "$4" ;;
    *.gp) (cd "$1" && gnuplot -e "set terminal svg size 960,600 dynamic noenhanced font 'Helvetica,16' \
        background '#ffffff'" "$3") > "$4" ;;
    *.seq) awk -f "$ROOT/tools/seqdiag.awk" "$1/$3" > "$4" ;;
    esac
}

build() {
    force=${1:-}
    src=$ROOT/docs/img/src
    status=0 drawn=0
    for f in "$src"/*.dot "$src"/*.gp "$src"/*.seq; do
        [ -f "$f" ] || continue
        base=$(basename "$f")
        name=${base%.*}
        out=$ROOT/docs/img/$name.svg
        want=$(sources_sha "$src" "$name")
        if [ "$force" != -f ] && [ -f "$out" ] && [ "$(stamp_field "$out" sources)" = "$want" ] &&
            [ "$(stamp_field "$out" picture)" = "$(picture_sha "$out")" ]; then
            continue
        fi
        tmp=$(mktemp)
        if ! draw "$src" "$name" "$base" "$tmp" || ! grep -q '<svg' "$tmp"; then
            echo "images: cannot draw docs/img/src/$base" >&2
            rm -f "$tmp"
            status=1
            continue
        fi
        # The stamp goes after the XML declaration, which must stay the first line.
        awk -v stamp="$STAMP$base, sources sha256 $want, picture sha256 $(picture_sha "$tmp"): \
edit the sources and run 'make docs-images' -->" '
            NR == 1 && /^<\?xml/ { print; print stamp; next }
            NR == 1 { print stamp }
            { print }' "$tmp" > "$out"
        rm -f "$tmp"
        echo "images: drew docs/img/$name.svg"
        drawn=$((drawn + 1))
    done
    [ $status = 0 ] && echo "images: $drawn drawn, the others current"
    return $status
}

check() { # ROOT
    root=$1 src=$1/docs/img/src img=$1/docs/img bad=0 n=0
    for f in "$src"/*.dot "$src"/*.gp "$src"/*.seq; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        name=${name%.*}
        [ -f "$img/$name.svg" ] || {
            echo "docs/img/src/$(basename "$f") has no picture: run 'make docs-images'" >&2
            bad=1
        }
    done
    for svg in "$img"/*.svg; do
        [ -f "$svg" ] || continue
        name=$(basename "$svg" .svg)
        n=$((n + 1))
        if [ -z "$(recipe "$src" "$name")" ]; then
            echo "docs/img/$name.svg has no source in docs/img/src/" >&2
            bad=1
            continue
        fi
        s=$(stamp_field "$svg" sources) p=$(stamp_field "$svg" picture)
        if [ -z "$s" ] || [ -z "$p" ]; then
            echo "docs/img/$name.svg has no stamp: draw it with 'make docs-images'" >&2
            bad=1
        elif [ "$s" != "$(sources_sha "$src" "$name")" ]; then
            echo "docs/img/$name.svg is out of date with docs/img/src/$name.*: run 'make docs-images'" >&2
            bad=1
        elif [ "$p" != "$(picture_sha "$svg")" ]; then
            echo "docs/img/$name.svg was edited by hand: edit its source and run 'make docs-images'" >&2
            bad=1
        fi
    done
    # Every picture a text shows: ![alt](PATH) with PATH ending in .svg, relative to the text.
    shown=$(mktemp)
    for doc in "$root"/README.md "$root"/docs/*.md "$root"/chapters/*/README.md; do
        [ -f "$doc" ] || continue
        rel=${doc#"$root"/}
        dir=$(dirname "$doc")
        grep -o '!\[[^]]*\]([^)]*\.svg)' "$doc" | while IFS= read -r link; do
            alt=$(printf '%s' "$link" | sed 's/^!\[\([^]]*\)\].*/\1/')
            path=$(printf '%s' "$link" | sed 's/^!\[[^]]*\](\(.*\))$/\1/')
            if [ -z "$(printf '%s' "$alt" | tr -d ' ')" ]; then
                echo "$rel: $path is shown without alt text (say what it shows)" >&2
                echo bad >> "$shown"
            fi
            if [ ! -f "$dir/$path" ]; then
                echo "$rel: $path does not exist" >&2
                echo bad >> "$shown"
            fi
            real=$(cd "$dir" 2>/dev/null && cd "$(dirname "$path")" 2>/dev/null && pwd)
            echo "$real/$(basename "$path")" >> "$shown"
        done
    done
    grep -qx bad "$shown" && bad=1
    for svg in "$img"/*.svg; do
        [ -f "$svg" ] || continue
        real=$(cd "$img" && pwd)/$(basename "$svg")
        grep -qxF "$real" "$shown" || {
            echo "docs/img/$(basename "$svg") is shown by no text" >&2
            bad=1
        }
    done
    rm -f "$shown"
    [ $bad = 0 ] && echo "images: $n pictures match their sources, each shown with alt text"
    return $bad
}

# Copies the texts and pictures to a scratch ROOT, breaks them one way, and expects 'check' to
# refuse that.
selftest() {
    first=$(ls "$ROOT"/docs/img/src/*.dot 2>/dev/null | head -n 1)
    [ -n "$first" ] || { echo "images: selftest: no picture to test with" >&2; return 1; }
    name=$(basename "$first" .dot)
    doc=$(grep -l "(img/$name.svg)" "$ROOT"/docs/*.md | head -n 1)
    fails=0 cases=0
    for how in source picture stamp orphan recipe alt missing unshown; do
        t=$(mktemp -d)
        mkdir -p "$t/docs"
        cp -R "$ROOT/docs/img" "$t/docs/"
        cp "$ROOT"/docs/*.md "$t/docs/"
        d=$t/docs/$(basename "$doc")
        case $how in
        source) echo "// a change" >> "$t/docs/img/src/$name.dot" ;;
        picture) sed -i 's|</svg>|<!-- by hand --></svg>|' "$t/docs/img/$name.svg" ;;
        stamp) sed -i "\\|^$STAMP|d" "$t/docs/img/$name.svg" ;;
        orphan) cp "$t/docs/img/$name.svg" "$t/docs/img/stray.svg" ;;
        recipe) rm "$t/docs/img/$name.svg" ;;
        alt) sed -i "s|!\[[^]]*\](img/$name.svg)|![ ](img/$name.svg)|" "$d" ;;
        missing) sed -i "s|(img/$name.svg)|(img/$name-gone.svg)|" "$d" ;;
        unshown) sed -i "\\|(img/$name.svg)|d" "$d" ;;
        esac
        cases=$((cases + 1))
        if (check "$t") > /dev/null 2>&1; then
            echo "images: selftest: the check accepted a broken copy ($how)" >&2
            fails=$((fails + 1))
        fi
        rm -rf "$t"
    done
    [ $fails = 0 ] && echo "images: selftest: the check refused all $cases broken copies"
    [ $fails = 0 ]
}

case "${1:-check}" in
build) build "${2:-}" ;;
check) check "${2:-$ROOT}" ;;
selftest) selftest ;;
*)
    echo "usage: $0 build [-f] | check [ROOT] | selftest" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# doc_commands.sh: runs every command the docs show, so that a learner never copies one that
# no longer works. Part of 'make check'; alone: 'make doc-commands', or
#     bash tools/doc_commands.sh [FILE.md ...]      (default: every doc listed below)
# It ends with 'doc-commands: N passed, M failed' and exits 1 when M > 0.
#
# The docs: README.md, docs/*.md and chapters/*/README.md.
#
# THE CONVENTION (docs/README.md, "How the commands in these texts are checked", says it too)
#
# - Commands are shown in fenced blocks tagged 'console'. In such a block a line starting with
#   "$ " is a command; the lines after it, up to the next "$ " line, are its shown output.
#   Every other fenced block carries a tag too ('c', 'text', ...) and is never run; a fence
#   without a tag is an error, so that nothing is left undecided.
# - Shown output is not compared, except:
#   * a command whose shown output has a line starting with "error:" (or "make: ***") is meant
#     to fail: it must exit non-zero, and each shown "error:" line must be a line the command
#     really printed (runs of 8 or more hex digits match any hex, and addresses and ports are
#     translated as below);
#   * "Your new address: ADDR": ADDR, an address or a NAME in capitals, stands from then on for
#     the address the program really printed there, in every later command of the same file;
#   * "^C" at the start of a shown line: the learner presses Ctrl-C there (see startnode below).
#   Any other command must exit 0.
# - Where: each file runs in one bash shell, in a new empty directory, its blocks in order; so
#   'cd', variables and 'export' carry over from one command and one block to the next.
#   * 'blockchain' is the file's chapter program: docs/NN-name.md and chapters/NN-name/README.md
#     put $BUILD/NN-name first on the PATH.
#   * 'make ...' runs at the top of the repository, for real ('make ch03', 'make demo',
#     'make exercise EX=...').
#   * './build/NN-name/blockchain ...' is what a learner types at the top of the repository; it
#     runs in a directory standing in for it, whose 'build' is the real one, so that the files
#     it writes do not land in the repository.
#   * README.md and docs/README.md belong to no chapter: their commands run at the top of the
#     repository and must leave it as it was (no 'make diff', no 'make docs-update').
#   * '/path/to/blockchain-c' stands for the repository (its 'build/' for $BUILD, so that
#     'make check SANITIZE=1' runs build-san); '/tmp/...' is moved into the file's own
#     directory, so that two runs never share a directory.
#   * A 'make' command is the same for every file: it runs once per run of this script, for
#     the first file that shows it ('make demo' in two READMEs), and is counted "already run"
#     in the others.
# - Environment: BC_TARGET_BITS=8 (quick mining; a command may set its own), NODE_ID unset.
#   Ports 3000-3009 and 4000-4009 in commands are moved to free ones (and back in the output
#   compared), with BC_CENTRAL_NODE and DEMO_PORT set to match, so that a run never collides
#   with a 'make demo' or another run. An HTML comment on the line before a console block,
#   '<!-- console: NODE_ID=3001 -->', exports those variables before the block: it stands for
#   the terminal the text says the block is typed in.
# - Long-running commands: a command ending in '&', and any 'startnode' (the learner runs it
#   in a terminal of its own), runs in the background with its output in a log. The next
#   command waits until the log shows the last shown line before any "^C" (hashes, whole or
#   the 8-digit short ones of the message log, match any hex), or, with no shown output,
#   until the process holds a file lock (as 'addblock' does while it mines). At "^C" it
#   gets SIGINT and must exit 0. At the end of the file every
#   process still running gets SIGTERM, and a node must exit 0. Waits poll with a deadline
#   (DOC_COMMANDS_WAIT seconds, default 30); nothing waits for a fixed time.
# - Skipped, and counted as skipped: 'make check' and 'make doc-commands' (they run this
#   script: it would run itself). Nothing else: a command that cannot be run is not shown in a
#   console block. (A transcript that no command can reproduce, such as a record damaged by a
#   test, is a 'text' block, and the sentence before it says so.)
#
# Settings: BUILD (build, or build-san), DOC_COMMANDS_COUNTS (a file to write "PASSED FAILED"
# to, for the summary of 'make check'), DOC_COMMANDS_JOBS (files run at once, default 2),
# DOC_COMMANDS_WAIT (seconds, default 30), DOC_COMMANDS_DOC_TIMEOUT (seconds per file, default
# 300), DOC_COMMANDS_KEEP=1 (keep each file's directory, with the logs of its commands).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
export BUILD # the 'make' commands of the texts build into it too (the Makefile's BUILD ?=)
WAIT=${DOC_COMMANDS_WAIT:-30}
DOC_TIMEOUT=${DOC_COMMANDS_DOC_TIMEOUT:-300}
SKIP_RE='^make( +[A-Za-z_][A-Za-z0-9_]*=[^ ]*)* +(check|doc-commands)( |$)'

# ------------------------------------------------------------------------------------------
# Helpers shared by the two modes.

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ------------------------------------------------------------------------------------------
# Mode 1: run one file (called by mode 2 below, under a time limit): prints what fails and
# writes "PASSED FAILED SKIPPED ALREADY-RUN" to RESULT.
run_doc() {
    set +u # the learner's shell: an unset variable is empty
    doc=$1 result=$2
    passed=0 failed=0 skipped=0 already=0
    echo "0 1 0 0" > "$result" # until the end is reached, the file counts as failed

    case "$doc" in
    docs/[0-9][0-9]-*.md | */docs/[0-9][0-9]-*.md) chapter=$(basename "$doc" .md) ;;
    chapters/[0-9][0-9]-*/README.md | */chapters/[0-9][0-9]-*/README.md)
        chapter=$(basename "$(dirname "$doc")") ;;
    *) chapter="" ;;
    esac

    case "$doc" in /*) docpath=$doc ;; *) docpath=$ROOT/$doc ;; esac
    T=$(mktemp -d "${TMPDIR:-/tmp}/doc-commands.XXXXXX") || return 1
    mkdir -p "$T/work" "$T/top" "$T/logs" "$T/tmp"
    ln -s "$ROOT/$BUILD" "$T/top/build"
    if [ -n "$chapter" ]; then
        [ -x "$ROOT/$BUILD/$chapter/blockchain" ] || { echo "$doc: $BUILD/$chapter/blockchain is not built" >&2; return 1; }
        export PATH="$ROOT/$BUILD/$chapter:$PATH"
        WORK=$T/work
    else
        WORK=$ROOT
    fi
    export BC_TARGET_BITS=8
    unset NODE_ID

    # Ports: 3000+n -> P+n and 4000+n -> P+10+n, P chosen so that nothing listens on P..P+19.
    P=0
    for _try in $(seq 50); do
        cand=$((10000 + (RANDOM % 1000) * 20))
        busy=0
        for ((p = cand; p < cand + 20; p++)); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then busy=1; break; fi
        done
        [ $busy = 0 ] && { P=$cand; break; }
    done
    [ "$P" != 0 ] || { echo "$doc: no free ports found" >&2; return 1; }
    export BC_CENTRAL_NODE=localhost:$P DEMO_PORT=$P
    PORTS_FWD=$T/ports.fwd PORTS_BACK=$T/ports.back
    : > "$PORTS_FWD"; : > "$PORTS_BACK"
    for n in 0 1 2 3 4 5 6 7 8 9; do
        for rep in 1 2; do # twice: adjacent numbers share the character between them
            echo "s/(^|[^0-9A-Za-z])300$n([^0-9A-Za-z]|\$)/\\1$((P + n))\\2/g" >> "$PORTS_FWD"
            echo "s/(^|[^0-9A-Za-z])400$n([^0-9A-Za-z]|\$)/\\1$((P + 10 + n))\\2/g" >> "$PORTS_FWD"
            echo "s/(^|[^0-9A-Za-z])$((P + n))([^0-9A-Za-z]|\$)/\\1300$n\\2/g" >> "$PORTS_BACK"
            echo "s/(^|[^0-9A-Za-z])$((P + 10 + n))([^0-9A-Za-z]|\$)/\\1400$n\\2/g" >> "$PORTS_BACK"
        done
    done
    ADDRS=$T/addresses.sed # learned "Your new address" substitutions
    : > "$ADDRS"

    # The background processes: pid, whether a node, the doc's line and command, the log, and
    # whether its exit was already checked (after a "^C").
    JOB_PIDS=() JOB_NODE=() JOB_LINE=() JOB_LOG=() JOB_CMD=() JOB_DONE=()
    cleanup() {
        local i pid deadline status how
        for i in "${!JOB_PIDS[@]}"; do
            [ "${JOB_DONE[$i]}" = 1 ] && continue
            JOB_DONE[$i]=1
            pid=${JOB_PIDS[$i]} how="stopped by the text"
            if kill -0 "$pid" 2>/dev/null; then
                how="stopped with SIGTERM at the end of the file"
                kill -TERM "$pid" 2>/dev/null
                deadline=$(($(now_ms) + WAIT * 1000))
                while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt $deadline ]; do sleep 0.05; done
            fi
            if kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null
                status="killed, still running ${WAIT}s after SIGTERM"
            else
                wait "$pid" 2>/dev/null
                status=$?
            fi
            # A node stops cleanly on SIGINT and SIGTERM; other processes are not checked.
            if [ "${JOB_NODE[$i]}" = 1 ] && [ "$status" != 0 ]; then
                pending_shown=${JOB_CMD[$i]}
                report "${JOB_LINE[$i]}" "the node, $how, exited $status" "${JOB_LOG[$i]}"
                passed=$((passed - 1)) failed=$((failed + 1))
            fi
        done
    }
    exec 9>&2 # the exit trap may run inside a command's redirections
    finished=0
    # A command that runs 'exit', or the time limit, ends this shell early: say so, and stop
    # what is still running.
    on_exit() {
        [ $finished = 1 ] && return
        echo "FAIL $doc:$pending_line: the file's shell ended here ('exit', or the time limit)" >&9
        failed=$((failed + 1))
        cleanup
        cd / && rm -rf "$T"
        echo "$passed $failed $skipped $already" > "$result"
    }
    trap on_exit EXIT
    trap 'exit 1' TERM INT

    cd "$WORK" || return 1
    local fence_re='^( *)```(.*)$' close_re='^```[ ]*$' marker_re='^<!-- console: (.*) -->$'
    block=0 in_block=0 tag="" indent="" prev=""
    pending="" pending_line=0 shown=()
    lineno=0
    while IFS= read -r raw || [ -n "$raw" ]; do
        lineno=$((lineno + 1))
        if [ $in_block = 0 ]; then
            if [[ $raw =~ $fence_re ]]; then
                in_block=1 indent=${BASH_REMATCH[1]} tag=${BASH_REMATCH[2]}
                tag=${tag%% *}
                if [ -z "$tag" ]; then
                    report_lint $lineno "a fenced block without a tag: 'console' if it shows commands, else 'text' (or the language)"
                elif [ "$tag" = console ]; then
                    block=$((block + 1))
                    if [[ $prev =~ $marker_re ]]; then
                        start_block "${BASH_REMATCH[1]}"
                    fi
                elif [[ $prev =~ $marker_re ]]; then
                    report_lint $((lineno - 1)) "a '<!-- console: ... -->' line must be followed by a console block"
                fi
            elif [[ $prev =~ $marker_re ]]; then
                report_lint $((lineno - 1)) "a '<!-- console: ... -->' line must be followed by a console block"
            fi
            prev=$raw
            continue
        fi
        # Inside a block.
        line=${raw#"$indent"}
        if [[ $line =~ $close_re ]]; then
            if [ "$tag" = console ] && [ -n "$pending" ]; then
                run_command; pending=""
            fi
            in_block=0 prev=$raw
            continue
        fi
        [ "$tag" = console ] || continue
        if [[ $line == '$ '* ]]; then
            [ -n "$pending" ] && run_command
            pending=${line#'$ '} pending_line=$lineno shown=()
        elif [ -z "$pending" ]; then
            [ -n "$line" ] && report_lint $lineno "output before the first command of a console block"
        else
            shown+=("$line")
        fi
    done < "$docpath"
    [ $in_block = 1 ] && report_lint $lineno "a fenced block is not closed"

    cleanup
    cd "$ROOT" || true
    if [ -n "${DOC_COMMANDS_KEEP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
    echo "$passed $failed $skipped $already" > "$result"
    finished=1
}

# The marker's assignments, exported for the block and after it (ports translated).
start_block() {
    local assignment name value
    for assignment in $1; do
        name=${assignment%%=*} value=${assignment#*=}
        if [[ ! $assignment == *=* || ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
            report_lint $((lineno - 1)) "'<!-- console: ... -->' takes NAME=VALUE words, not '$assignment'"
            continue
        fi
        export "$name=$(printf '%s' "$value" | sed -E -f "$PORTS_FWD")"
    done
}

report() { # LINE WHAT [LOG...]: one failure, with the command and what it printed
    echo "FAIL $doc:$1: \$ $pending_shown" >&2
    echo "     $2" >&2
    shift 2
    local f
    for f in "$@"; do
        [ -s "$f" ] && tail -n 15 "$f" | sed 's/^/     | /' >&2
    done
}

report_lint() { # LINE WHAT
    echo "FAIL $doc:$1: $2" >&2
    failed=$((failed + 1))
}

# A doc's command line as it is run here: addresses learned so far, ports, /tmp, the
# repository's placeholder.
translate() {
    printf '%s\n' "$1" | sed -E -f "$ADDRS" -f "$PORTS_FWD" \
        -e "s#(^|[ =:\"'])/tmp/#\\1$T/tmp/#g; s#/path/to/blockchain-c/build/#$ROOT/$BUILD/#g; s#/path/to/blockchain-c#$ROOT#g"
}

# A shown line as an extended regular expression that the real line must match: the
# addresses learned so far, and with PORTS (a sed script) the ports, put in; every run of 8
# or more hex digits matches any (a hash, or the short hash of a message log line).
pattern_of() { # LINE PORTS
    printf '%s\n' "$1" | sed -E -f "$ADDRS" -f "$2" \
        -e 's/[.*+?(){}|$[\\]/[&]/g; s/\^/\\^/g; s/[0-9a-f]{8,}/[0-9a-f]+/g; s/^/^/; s/$/$/'
}

# Waits until FILE has a line matching PATTERN, or PID holds a file lock when PATTERN is
# empty; fails when PID has exited or the deadline passed.
wait_ready() { # PID LOG PATTERN
    local deadline=$(($(now_ms) + WAIT * 1000))
    while :; do
        if [ -n "$3" ]; then
            grep -Eq -- "$3" "$2" 2>/dev/null && return 0
        else
            awk -v pid="$1" '$5 == pid { found = 1 } END { exit !found }' /proc/locks && return 0
        fi
        kill -0 "$1" 2>/dev/null || { ready_problem="it exited before that"; return 1; }
        [ "$(now_ms)" -lt $deadline ] || { ready_problem="not within ${WAIT}s"; return 1; }
        sleep 0.05
    done
}

run_command() {
    local cmd=$pending line=$pending_line
    pending_shown=$pending
    if [[ $cmd =~ $SKIP_RE ]]; then
        skipped=$((skipped + 1))
        echo "skip $doc:$line: \$ $cmd (it runs this check)"
        return
    fi
    # A 'make' command runs at the top of the repository, the same for every file: once per
    # run is enough ('make demo' in two READMEs). The first file to claim it runs it.
    if [[ $cmd =~ ^make( |$) ]] && [ -n "${DOC_COMMANDS_SHARED:-}" ]; then
        local claim
        claim=$DOC_COMMANDS_SHARED/made-$(printf '%s' "$cmd" | tr -c 'A-Za-z0-9=.-' '_')
        if ! mkdir "$claim" 2>/dev/null; then
            already=$((already + 1))
            return
        fi
    fi
    cmd=$(translate "$cmd")
    # A learner's shell forgets the background jobs that ended at each prompt, so that '%1'
    # names the first job still there; 'jobs' does the same here.
    jobs > /dev/null 2>&1

    local expect_fail=0 s interrupt=0 last="" errors=()
    for s in "${shown[@]}"; do
        case "$s" in
        'error:'*) expect_fail=1; errors+=("$s") ;;
        'make: ***'*) expect_fail=1 ;;
        esac
    done
    for s in "${shown[@]}"; do
        case "$s" in '^C'*) interrupt=1; break ;; esac
        [ -n "$s" ] && last=$s
    done

    local background=0 node=0
    if [[ $cmd =~ ^(.*[^&])\&\ *$ ]]; then
        background=1 cmd=${BASH_REMATCH[1]}
    fi
    [[ $cmd =~ (^|[ ])startnode([ ]|$) ]] && node=1
    if { [ $background = 1 ] || [ $node = 1 ]; } && [[ $cmd == *" #"* ]]; then
        report_lint "$line" "a command run in the background cannot end in a comment: \$ $pending_shown"
        return
    fi

    local where=$PWD lead='^([A-Za-z_][A-Za-z0-9_]*=[^ ]* +)*'
    if [[ $cmd =~ ${lead}make( |$) ]]; then
        where=$ROOT
    elif [[ $cmd =~ ${lead}\./build/ ]]; then
        where=$T/top
    fi

    if [ $background = 1 ] || [ $node = 1 ]; then
        local n=${#JOB_PIDS[@]}
        _dc_log=$T/logs/job-$n.log
        local here=$PWD
        cd "$where" || return
        eval "$cmd > \"\$_dc_log\" 2>&1 &"
        local pid=$!
        cd "$here" || return
        JOB_PIDS+=("$pid") JOB_NODE+=("$node") JOB_LINE+=("$line") JOB_LOG+=("$_dc_log")
        JOB_CMD+=("$pending_shown") JOB_DONE+=(0)
        local pattern=""
        [ -n "$last" ] && pattern=$(pattern_of "$last" "$PORTS_FWD")
        if ! wait_ready "$pid" "$_dc_log" "$pattern"; then
            if [ -n "$last" ]; then
                report "$line" "waited for the line '$last': $ready_problem" "$_dc_log"
            else
                report "$line" "waited for it to hold a file lock: $ready_problem" "$_dc_log"
            fi
            failed=$((failed + 1))
            return
        fi
        if [ $interrupt = 1 ]; then
            kill -INT "$pid"
            local deadline=$(($(now_ms) + WAIT * 1000))
            while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt $deadline ]; do sleep 0.05; done
            if kill -0 "$pid" 2>/dev/null; then
                report "$line" "still running ${WAIT}s after Ctrl-C (SIGINT)" "$_dc_log"
                failed=$((failed + 1))
                return
            fi
            wait "$pid"
            local status=$?
            JOB_DONE[$n]=1
            if [ $status != 0 ]; then
                report "$line" "exited $status after Ctrl-C (SIGINT), not 0" "$_dc_log"
                failed=$((failed + 1))
                return
            fi
        fi
        passed=$((passed + 1))
        return
    fi

    local out=$T/logs/$line.out err=$T/logs/$line.err status
    if [ "$where" = "$PWD" ]; then
        eval "$cmd" > "$out" 2> "$err" < /dev/null
        status=$?
    else
        (cd "$where" && eval "$cmd") > "$out" 2> "$err" < /dev/null
        status=$?
    fi

    # Addresses the doc showed, now the real ones.
    local shown_addrs=() real_addrs=() i
    for s in "${shown[@]}"; do
        [[ $s =~ ^Your\ new\ address:\ ([A-Za-z0-9_]+)$ ]] && shown_addrs+=("${BASH_REMATCH[1]}")
    done
    if [ ${#shown_addrs[@]} -gt 0 ]; then
        mapfile -t real_addrs < <(sed -n 's/^Your new address: \([1-9A-HJ-NP-Za-km-z]*\)$/\1/p' "$out")
        # The newest first: a shown address printed again later stands for the newer one.
        : > "$T/addresses.new"
        for i in "${!shown_addrs[@]}"; do
            [ -n "${real_addrs[$i]:-}" ] || continue
            for _rep in 1 2; do
                echo "s/(^|[^A-Za-z0-9_])${shown_addrs[$i]}([^A-Za-z0-9_]|\$)/\\1${real_addrs[$i]}\\2/g" >> "$T/addresses.new"
            done
        done
        cat "$ADDRS" >> "$T/addresses.new" && mv "$T/addresses.new" "$ADDRS"
    fi

    if [ $expect_fail = 0 ] && [ $status != 0 ]; then
        report "$line" "exited $status; the text shows no error" "$out" "$err"
        failed=$((failed + 1))
        return
    fi
    if [ $expect_fail = 1 ] && [ $status = 0 ]; then
        report "$line" "exited 0; the text shows it failing" "$out" "$err"
        failed=$((failed + 1))
        return
    fi
    local e p
    for e in "${errors[@]}"; do
        # The program may print 3000 itself (NODE_ID=3000 in a message): compare in the
        # doc's ports.
        p=$(pattern_of "$e" /dev/null)
        if ! sed -E -f "$PORTS_BACK" "$err" "$out" | grep -Eq -- "$p"; then
            report "$line" "did not print the line the text shows: $e" "$out" "$err"
            failed=$((failed + 1))
            return
        fi
    done
    passed=$((passed + 1))
}

# ------------------------------------------------------------------------------------------
# Mode 2: every file (or the ones named), DOC_COMMANDS_JOBS (default 2) at a time, each under a
# time limit of DOC_COMMANDS_DOC_TIMEOUT seconds (default 300); then the summary. The files
# are independent (own directories, own ports); each one's report is printed when it is done.
if [ "${1:-}" = --one ]; then
    cd "$ROOT" || exit 1
    run_doc "$2" "$3" < /dev/null
    exit 0
fi

one() { # I DOC: runs DOC, its report in $S/I.out, its counts in $S/I.result
    local t0 t1 p f s a
    t0=$(now_ms)
    echo "0 1 0 0" > "$S/$1.result"
    timeout -k 5 "$DOC_TIMEOUT" bash "$0" --one "$2" "$S/$1.result" > "$S/$1.out" 2>&1
    [ $? = 124 ] && echo "FAIL $2: not done within ${DOC_TIMEOUT}s" >> "$S/$1.out"
    read -r p f s a < "$S/$1.result"
    t1=$(now_ms)
    local extra=""
    [ "$s" = 0 ] || extra="$extra, $s skipped"
    [ "$a" = 0 ] || extra="$extra, $a already run"
    printf '%-42s %3d passed, %d failed%s  (%d.%d s)\n' "$2" "$p" "$f" "$extra" \
        $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000 / 100)) >> "$S/$1.out"
    touch "$S/$1.done"
}

print_done() { # prints the reports of the files that are done and not yet printed
    local i
    for i in "${!docs[@]}"; do
        [ -e "$S/$i.done" ] && [ ! -e "$S/$i.printed" ] || continue
        cat "$S/$i.out"
        touch "$S/$i.printed"
    done
}

cd "$ROOT" || exit 1
if [ $# -gt 0 ]; then
    docs=("$@")
else
    docs=(README.md docs/*.md chapters/*/README.md)
fi
JOBS=${DOC_COMMANDS_JOBS:-2}
S=$(mktemp -d)
export DOC_COMMANDS_SHARED=$S
trap 'rm -rf "$S"' EXIT
start=$(now_ms)
running=0
for i in "${!docs[@]}"; do
    doc=${docs[$i]#./}
    docs[$i]=$doc
    if [ ! -f "$doc" ]; then
        echo "FAIL $doc: no such file" > "$S/$i.out"
        echo "0 1 0 0" > "$S/$i.result"
        touch "$S/$i.done"
        continue
    fi
    if [ $running -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
        print_done
    fi
    one "$i" "$doc" &
    running=$((running + 1))
done
wait
print_done
total_passed=0 total_failed=0 total_skipped=0 total_already=0
for i in "${!docs[@]}"; do
    read -r p f s a < "$S/$i.result"
    total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
    total_skipped=$((total_skipped + s)) total_already=$((total_already + a))
done
t1=$(now_ms)
echo "doc-commands: ${#docs[@]} files in $(((t1 - start) / 1000)) s; not run: $total_skipped (they run this" \
    "check), $total_already ('make' commands another file ran)"
echo "doc-commands: $total_passed passed, $total_failed failed"
# For the summary of 'make check' (tools/summary.sh): every command counts.
[ -n "${DOC_COMMANDS_COUNTS:-}" ] && echo "$total_passed $total_failed" > "$DOC_COMMANDS_COUNTS"
[ $total_failed = 0 ]

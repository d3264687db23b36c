#!/bin/sh
# run.sh: runs the fuzz targets mk/fuzz.mk built (see README.md).
#   sh tests/fuzz/run.sh check BUILD 0 TARGET...      each target once over its committed corpus;
#                                                     writes BUILD/fuzz/results for the summary
#   sh tests/fuzz/run.sh fuzz BUILD SECONDS TARGET... fuzz each target for SECONDS
#   sh tests/fuzz/run.sh seeds BUILD 0 TARGET...      rewrite the seed-* files of each corpus
# A TARGET is NAME:CHAPTERS as in mk/fuzz.mk; its binary for chapter CH is BUILD/fuzz/CH/NAME.
set -u
mode=$1 build=$2 seconds=$3
shift 3
corpora=tests/fuzz/corpus
# GLib's slice allocator would hide allocations from ASan; criticals are made fatal by fuzz.c.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
runs=0 failed=0 inputs=0 findings=0
report=""

# The value after "KEY:" in the last line of FILE that has it (libFuzzer's final stats).
stat() {
    sed -n "s/^$1: *//p" "$2" | tail -n 1
}

for target in "$@"; do
    name=${target%%:*}
    chapters=$(echo "${target#*:}" | tr ',' ' ')
    corpus=$corpora/$name
    for ch in $chapters; do
        bin=$build/fuzz/$ch/$name
        log=$build/fuzz/$ch/$name.log
        runs=$((runs + 1))
        case $mode in
        check)
            n=$(ls "$corpus" 2>/dev/null | wc -l)
            if [ "$n" -eq 0 ]; then
                echo "fuzz-check: $name ($ch): FAILED, no corpus in $corpus"
                failed=$((failed + 1))
                continue
            fi
            # Files, not the directory: given a directory, libFuzzer would start fuzzing.
            if "$bin" -timeout=60 "$corpus"/* >"$log" 2>&1; then
                echo "fuzz-check: $name ($ch): $n inputs, ok"
                inputs=$((inputs + n))
            else
                echo "fuzz-check: $name ($ch): FAILED (the end of $log:)"
                tail -n 30 "$log" | sed 's/^/    /'
                failed=$((failed + 1))
            fi
            ;;
        seeds)
            # One chapter writes the seeds: the chapters listed for a target share its format.
            [ "$ch" = "${chapters%% *}" ] || continue
            mkdir -p "$corpus"
            rm -f "$corpus"/seed-*
            echo "fuzz-seeds: $name ($ch)"
            "$bin" --seeds "$corpus" || failed=$((failed + 1))
            ;;
        fuzz)
            work=build-fuzz/corpus/$name
            found=build-fuzz/findings/$name-$ch
            rm -rf "$found"
            mkdir -p "$work" "$found"
            echo "fuzz: $name ($ch) for $seconds s ..."
            # New inputs go to WORK (kept between runs), never into the committed corpus.
            "$bin" -max_total_time="$seconds" -timeout=20 -print_final_stats=1 \
                -artifact_prefix="$found/" "$work" "$corpus" >"$log" 2>&1
            status=$?
            execs=$(stat stat::number_of_executed_units "$log")
            rate=$(stat stat::average_exec_per_sec "$log")
            added=$(stat stat::new_units_added "$log")
            rss=$(stat stat::peak_rss_mb "$log")
            slowest=$(stat stat::slowest_unit_time_sec "$log")
            cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
            n=$(ls "$found" | wc -l)
            line="$name ($ch): ${execs:-?} execs, ${rate:-?}/s, ${cov:-cov: ?}, +${added:-?} inputs"
            line="$line, slowest ${slowest:-?} s, peak ${rss:-?} MB, findings $n"
            if [ "$n" -gt 0 ] || [ "$status" -ne 0 ]; then
                line="$line: FAILED (exit $status, see $log and $found/)"
                failed=$((failed + 1))
                findings=$((findings + n))
                grep -m 3 -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: )' "$log" | sed 's/^/    /'
            fi
            echo "  $line"
            report="$report
  $line"
            ;;
        esac
    done
done

case $mode in
check)
    # The summary's format: suites, suites failed, tests, tests failed, asserts, asserts failed.
    # Here one suite, a test per target and chapter, an assert per corpus input.
    echo "1 0 $runs $failed $inputs $failed" >"$build/fuzz/results"
    echo "fuzz-check: $runs targets, $inputs inputs, $failed failed"
    ;;
fuzz)
    echo "fuzz: $runs targets, $seconds s each:$report"
    echo "fuzz: $findings findings, $failed targets failed"
    ;;
esac
[ "$failed" -eq 0 ]

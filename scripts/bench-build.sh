#!/usr/bin/env bash
# Times `cargo check` and `cargo build` of generated client crates: writes a synthetic spec with N
# operations and the crate generated from it to target/bench-crate/synth_N (a standalone package
# with its own [workspace] and a path dependency on crates/runtime), builds it once (dependencies
# included), then recompiles only the generated crate a few times, without incremental
# compilation, and reports the medians.
#
# Usage: scripts/bench-build.sh [N...]    (default: 1000; e.g. `scripts/bench-build.sh 100 1000`)
# Env:   BENCH_BUILD_RUNS=3 (rebuilds per crate), BENCH_BUILD_PROFILE=dev|release (default dev)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("${@:-1000}")
runs="${BENCH_BUILD_RUNS:-3}"
profile="${BENCH_BUILD_PROFILE:-dev}"
out="$PWD/target/bench-crate"
export CARGO_TERM_COLOR=never

now() { date +%s.%N; }
elapsed() { awk -v end="$(now)" -v start="$1" 'BEGIN { printf "%.2f", end - start }'; }

echo "== building the synth tool"
cargo build --quiet -p bench --release --bin synth
synth="$PWD/target/release/synth"
# One target dir for every size (not the workspace's), so dependencies are built once.
export CARGO_TARGET_DIR="$out/target"

results=()
for n in "${sizes[@]}"; do
    dir="$("$synth" "$n" "$out")"
    lines=$(wc -l < "$dir/src/lib.rs")
    echo "== synth_$n: $lines lines in $dir/src/lib.rs"
    start=$(now)
    (cd "$dir" && cargo build --quiet --profile "$profile")
    echo "first build (dependencies not yet built for this profile included): $(elapsed "$start")s"
    row=$(printf '%-12s %6s %7s' "synth_$n" "$n" "$lines")
    # Without incremental compilation: what CI, a fresh clone or a dependent crate pays.
    for command in check build; do
        times=()
        for _ in $(seq "$runs"); do
            touch "$dir/src/lib.rs"
            start=$(now)
            (cd "$dir" && CARGO_INCREMENTAL=0 cargo "$command" --quiet --profile "$profile")
            times+=("$(elapsed "$start")")
        done
        median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
        echo "cargo $command of the generated crate alone: ${times[*]} (median ${median}s)"
        row+=$(printf ' %10s %8.1f' "$median" "$(awk -v s="$median" -v n="$n" 'BEGIN { print s * 1000 / n }')")
    done
    results+=("$row")
done

echo
echo "== the generated crate alone ($profile profile, CARGO_INCREMENTAL=0, median of $runs)"
printf '%-12s %6s %7s %10s %8s %10s %8s\n' crate ops lines "check s" "ms/op" "build s" "ms/op"
printf '%s\n' "${results[@]}"

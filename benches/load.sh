#!/usr/bin/env bash
# The engine benchmark of docs/performance.md: kaudit against jq and a bare
# parse of the same fields, on gen-audit output; and exports of a selection.
#
#   benches/load.sh [EVENTS] [RUNS]      (default 730000 events ≈ 1 GB, 5 runs)
#
# Needs python3 (gen-audit), jq, GNU time. Prints min and median wall time,
# CPU time and peak RSS of each command; the file stays in $KAUDIT_BENCH_DIR
# (default /tmp/kaudit-bench) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-730000}
RUNS=${2:-5}
DIR=${KAUDIT_BENCH_DIR:-/tmp/kaudit-bench}
IN="$DIR/audit-$EVENTS.log"
mkdir -p "$DIR"
if [ ! -s "$IN" ]; then
  echo "generating $IN ..." >&2
  python3 tests/fixtures/gen-audit --events "$EVENTS" --seed 1 -o "$IN"
fi
cargo build --release --quiet --bin kaudit
cargo bench --quiet --bench bare_parse --no-run 2>/dev/null
BARE=$(ls -t target/release/deps/bare_parse-* | grep -v '\.d$' | head -1)
K=target/release/kaudit
SIZE=$(stat -L -c %s "$IN")
cat "$IN" > /dev/null   # warm the page cache: every command reads from memory

# run NAME CMD...: RUNS timings; prints "name  min  median  cpu  rss"
run() {
  local name=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$N"); do
    /usr/bin/time -o "$DIR/time.out" -f "%e %U %S %M" "$@" > /dev/null 2> /dev/null
    read -r w u s m < "$DIR/time.out"
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc)")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local sorted; sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  local csorted; csorted=($(printf '%s\n' "${cpus[@]}" | sort -n))
  printf '%-44s %7.2f s %7.2f s %7.2f s %7d MB  %5.2f GB/s  %4.1f%%\n' "$name" "${sorted[0]}" "${sorted[$((N / 2))]}" \
    "${csorted[0]}" "$((rss / 1024))" "$(echo "$SIZE / ${sorted[0]} / 1000000000" | bc -l)" "$(echo "$rss * 1024 * 100 / $SIZE" | bc -l)"
}

echo "input: $IN ($((SIZE / 1000000)) MB, $EVENTS events), $(nproc) cores, $RUNS runs"
printf '%-44s %9s %9s %9s %10s %11s %6s\n' command "min" median "min cpu" "peak rss" "throughput" "rss/in"
N=$RUNS
run "kaudit summary" $K summary --format json "$IN"
run "kaudit summary (1 parser thread)" $K summary --workers 1 --format json "$IN"
run "kaudit events --filter @secrets --format jsonl" $K events --filter @secrets --format jsonl "$IN"
# Export of a 12.5% selection, against the load of the same selection.
OUT="$DIR/out"; mkdir -p "$OUT"
run "kaudit summary --filter ns:kube-system" $K summary --filter ns:kube-system "$IN"
run "kaudit export .jsonl --filter ns:kube-system" $K export "$IN" --filter ns:kube-system --force --out "$OUT/e.jsonl"
run "kaudit export .csv --filter ns:kube-system" $K export "$IN" --filter ns:kube-system --force --out "$OUT/e.csv"
run "kaudit export .md --filter ns:kube-system" $K export "$IN" --filter ns:kube-system --force --out "$OUT/r.md"
run "kaudit export case --filter ns:kube-system" $K export "$IN" --filter ns:kube-system --force --format case --out "$OUT/case"
run "bare parse, sonic-rs, 2 threads" "$BARE" "$IN" 2 sonic
run "bare parse, sonic-rs, 1 thread" "$BARE" "$IN" 1 sonic
run "bare parse, serde_json, 2 threads" "$BARE" "$IN" 2 serde
N=1   # jq 1.6 needs tens of seconds per GB; one run says enough
run "jq: each event's user" jq -c '.user.username' "$IN"
run "jq: @secrets" jq -c 'select(.objectRef.resource == "secrets")' "$IN"
echo "bare parse, parse time alone (file already in memory):"
"$BARE" "$IN" 2 sonic; "$BARE" "$IN" 1 sonic

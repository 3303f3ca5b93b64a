#!/usr/bin/env bash
# Benchmark of `crm sql` on the full folder of bench/run.sh (370,000 records): the
# first run (the database built), warm runs (with and without `crm watch`), a run after
# one record changed, against a cold `crm list`; and `crm export all` as SQLite and as
# Parquet. Prints a markdown table of hyperfine medians.
#
# Usage: bench/sql.sh   (folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
dir="$out/crm-bench-full"
generated "$dir" 100000 50000 20000 200000
q="select count(*) from deals where stage = 'won'"
db="$dir/.crm/cache/crm.sqlite"
"$crm" -C "$dir" watch --stop >/dev/null 2>&1 || true
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(rustc --version)"
echo
echo "| run (370,000 records) | median | peak RSS |"
echo "|---|---|---|"
echo "| cold \`crm list deals --where 'stage = won' --format ids\` (no .crm) | $(median_ms --runs 3 --prepare "rm -rf $dir/.crm" "$crm -C $dir list deals --where 'stage = won' --format ids") | $(peak_mb "rm -rf $dir/.crm; $crm -C $dir list deals --where 'stage = won' --format ids") |"
echo "| cold \`crm report weekly --format json\` (no .crm; reads every type, as sql must) | $(median_ms --runs 3 --prepare "rm -rf $dir/.crm" "$crm -C $dir report weekly --format json") | $(peak_mb "rm -rf $dir/.crm; $crm -C $dir report weekly --format json") |"
echo "| cold \`crm sql \"$q\"\` (no .crm: files read, database built) | $(median_ms --runs 3 --prepare "rm -rf $dir/.crm" "$crm -C $dir sql \"$q\"") | $(peak_mb "rm -rf $dir/.crm; $crm -C $dir sql \"$q\"") |"
"$crm" -C "$dir" list deals --format ids >/dev/null
echo "| first \`crm sql\` (record cache warm, database built) | $(median_ms --runs 3 --prepare "rm -f $db" "$crm -C $dir sql \"$q\"") | $(peak_mb "rm -f $db; $crm -C $dir sql \"$q\"") |"
"$crm" -C "$dir" sql "$q" >/dev/null
echo "| warm, every file statted | $(median_ms --warmup 1 --runs 10 "$crm -C $dir sql \"$q\"") | $(peak_mb "$crm -C $dir sql \"$q\"") |"
echo "| after one deal changed (\`crm set\` before each run) | $(median_ms --runs 5 --prepare "$crm -C $dir set d-000001 notes=bench-\$RANDOM" "$crm -C $dir sql \"$q\"") | |"
"$crm" -C "$dir" watch --detach 2>/dev/null
"$crm" -C "$dir" sql "$q" >/dev/null
echo "| warm, with \`crm watch\` | $(median_ms --warmup 2 --runs 20 "$crm -C $dir sql \"$q\"") | |"
"$crm" -C "$dir" watch --stop 2>/dev/null
echo "| \`crm export all --format sqlite\` | $(median_ms --runs 3 "$crm -C $dir export all --format sqlite -o $out/crm-bench.sqlite") | $(peak_mb "$crm -C $dir export all --format sqlite -o $out/crm-bench.sqlite") |"
echo "| \`crm export all --format parquet\` | $(median_ms --runs 3 "$crm -C $dir export all --format parquet -o $out/crm-bench-parquet") | $(peak_mb "$crm -C $dir export all --format parquet -o $out/crm-bench-parquet") |"

#!/usr/bin/env bash
# The benchmark: builds crm and the bare-parse baseline, generates folders from a seed,
# and prints a markdown table of cold (no .crm cache) and warm runs (every file statted,
# and with `crm watch` running), peak memory, and the baseline that walks, reads and
# parses every file with the same YAML crate.
#
# Usage: bench/run.sh [small|full|both]   (default: both; folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
out="${BENCH_DIR:-/tmp}"
export CRM_TODAY=2026-11-22

if ! command -v hyperfine >/dev/null; then
  (apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }) >/dev/null
fi
cargo build --release --locked --quiet --bin crm --example bare_parse
crm="$PWD/target/release/crm"
bare="$PWD/target/release/examples/bare_parse"

# median seconds of a command, over hyperfine runs; extra hyperfine options first (the
# median, not the mean: on a shared virtual machine one run in several can take
# seconds longer for reasons outside the program)
median() {
  local json; json=$(mktemp)
  hyperfine --style none --export-json "$json" "$@" >/dev/null 2>&1
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$json"
  rm -f "$json"
}
ms() { python3 -c "import sys; print(f'{float(sys.argv[1])*1000:.0f} ms')" "$1"; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | python3 -c "import sys; print(f'{int(sys.stdin.read())/1024:.0f} MB')"; }

# average milliseconds of N runs of a command whose arguments use $i
loop() {
  local n=$1; shift
  local start end
  start=$(date +%s%N)
  for i in $(seq "$n"); do eval "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  python3 -c "import sys; print(f'{(int(sys.argv[2])-int(sys.argv[1]))/1e6/int(sys.argv[3]):.1f} ms')" "$start" "$end" "$n"
}

run() {
  local name=$1 customers=$2 deals=$3 tickets=$4 interactions=$5
  local dir="$out/crm-bench-$name"
  local records=$((customers + deals + tickets + interactions))
  if [ ! -f "$dir/crm.toml" ]; then
    rm -rf "$dir"
    "$crm" generate "$dir" --seed 42 --customers "$customers" --deals "$deals" --tickets "$tickets" --interactions "$interactions"
  fi
  echo
  echo "### $name: $customers customers, $deals deals, $tickets tickets, $interactions interactions ($records records)"
  echo
  echo "| command | reads | bare parse of those files | cold (no cache) | warm, every file statted | warm, with \`crm watch\` | peak RSS (watched) |"
  echo "|---|---|---|---|---|---|---|"
  local -A reads=(
    ["list deals --where 'stage = won' --format ids"]="deals"
    ["report pipeline --format json"]="deals interactions"
    ["report weekly --format json"]="customers deals tickets campaigns interactions"
  )
  "$crm" -C "$dir" watch --stop >/dev/null 2>&1 || true
  for cmd in "list deals --where 'stage = won' --format ids" "report pipeline --format json" "report weekly --format json"; do
    local cold warm watched mem base
    cold=$(median --runs 3 --prepare "rm -rf $dir/.crm" "$crm -C $dir $cmd")
    eval "$crm -C $dir $cmd" >/dev/null
    warm=$(median --warmup 1 --runs 10 "$crm -C $dir $cmd")
    "$crm" -C "$dir" watch --detach 2>/dev/null
    eval "$crm -C $dir $cmd" >/dev/null
    watched=$(median --warmup 2 --runs 20 "$crm -C $dir $cmd")
    mem=$(eval "rss $crm -C $dir $cmd")
    "$crm" -C "$dir" watch --stop 2>/dev/null
    base=$(median --runs 3 "$bare $dir ${reads[$cmd]}")
    echo "| \`crm $cmd\` | ${reads[$cmd]} | $(ms "$base") | $(ms "$cold") | $(ms "$warm") | $(ms "$watched") | $mem |"
  done
  # The floor of any stat-checked cache: statting every file a pipeline report reads.
  echo
  local floor
  floor=$(median --runs 3 "find $dir/deals $dir/interactions -type f -printf '%s %T@ %C@ %i\\n'")
  echo "Stat of every deal and interaction file (find -printf of size, times and inode; one process): $(ms "$floor")"
  echo
  echo "| write | mean of 20 |"
  echo "|---|---|"
  echo "| \`crm set d-000001 notes=…\` | $(loop 20 "$crm -C $dir set d-000001 notes=bench-\$i") |"
  echo "| \`crm add deal … --customer c-000001\` | $(loop 20 "$crm -C $dir add deal Bench-\$i --customer c-000001 --value 5") |"
  echo "| \`crm add customer … --email …\` | $(loop 20 "$crm -C $dir add customer Bench-\$i --email bench-\$RANDOM-\$i@example.com") |"
  # Planning an import: every row matched against the folder's customers and the rows
  # before it (a scan per row made this quadratic: 16 s for these 20,000 rows).
  local csv="$out/crm-bench-import-20000.csv"
  python3 -c "
print('name,email,city,phone')
for i in range(20000): print(f'Import {i},import{i}@example.com,Jakarta,+62811{i:07d}')
" >"$csv"
  echo
  echo "Planning an import of 20,000 new customers (\`crm import customers FILE --dry-run\`, median of 3): $(ms "$(median --runs 3 "$crm -C $dir import customers $csv --dry-run")")"
}

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(rustc --version)"
case "$which" in
  small) run small 20000 10000 4000 40000 ;;
  full) run full 100000 50000 20000 200000 ;;
  *) run small 20000 10000 4000 40000; run full 100000 50000 20000 200000 ;;
esac

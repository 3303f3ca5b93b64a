# Shared by the benchmarks (bench/mail.sh, whatsapp.sh, score.sh, sql.sh); sourced.

# hyperfine, from Debian's packages when it is missing.
need_hyperfine() {
  if ! command -v hyperfine >/dev/null; then
    (apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }) >/dev/null
  fi
}

# The median of hyperfine's runs of a command, in milliseconds; hyperfine's options
# first (the median, not the mean: on a shared machine one run in several is slow for
# reasons outside the program).
median_ms() {
  local json; json=$(mktemp)
  hyperfine --style none --export-json "$json" "$@" >/dev/null 2>&1
  python3 -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))['results'][0]['median']*1000:.0f} ms\")" "$json"
  rm -f "$json"
}

# A command that gives folder $1 an empty interactions/ folder, the last one moved into
# $2 rather than deleted (ext4 searches past recently freed inodes when it allocates,
# which would make a run measure the previous run's deletion).
empty_interactions() {
  mkdir -p "$2"
  echo "mv $1/interactions $2/\$(date +%s%N) && mkdir $1/interactions"
}

# The peak resident memory of one run of a command (a string for eval), in MB.
peak_mb() {
  /usr/bin/time -f %M bash -c "$1 >/dev/null 2>&1" 2>&1 | tail -n 1 | python3 -c "import sys; print(f'{int(sys.stdin.read())/1024:.0f} MB')"
}

# Builds the release crm and sets $crm to it.
release_crm() {
  cargo build --release --locked --quiet --bin crm
  crm="$PWD/target/release/crm"
}

# Generates folder $1 with seed 42 and $2 customers, $3 deals, $4 tickets, $5
# interactions, unless it is there already.
generated() {
  if [ ! -f "$1/crm.toml" ]; then
    rm -rf "$1"
    "$crm" generate "$1" --seed 42 --customers "$2" --deals "$3" --tickets "$4" --interactions "$5"
  fi
}

# What every benchmark starts with: $out (BENCH_DIR, else /tmp), a pinned today,
# hyperfine, and the release crm in $crm.
bench_start() {
  out="${BENCH_DIR:-/tmp}"
  export CRM_TODAY=2026-11-22
  need_hyperfine
  release_crm
}

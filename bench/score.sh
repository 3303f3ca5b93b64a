#!/usr/bin/env bash
# Benchmark of lead scores and breakdowns on the full folder of bench/run.sh (100,000
# customers, 50,000 deals, 20,000 tickets, 200,000 interactions: 370,000 records) with
# two fit and two engagement rules: every customer's score (a query on it, and the
# leads report), and the funnel, pipeline and feedback reports by a field. Warm runs,
# every file statted (no `crm watch`); prints a markdown table of hyperfine medians.
#
# Usage: bench/score.sh   (folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
dir="$out/crm-bench-score"
generated "$dir" 100000 50000 20000 200000
if ! grep -q '^\[\[scoring.fit\]\]' "$dir/crm.toml"; then
  cat >>"$dir/crm.toml" <<'TOML'

[[scoring.fit]]
where = "industry = cafe and city in (Jakarta, Bandung)"
points = 15

[[scoring.fit]]
where = "tags = vip"
points = 10

[[scoring.engagement]]
where = "direction = inbound and channel in (whatsapp, call, meeting)"
points = 10

[[scoring.engagement]]
where = "channel = email"
points = 2
TOML
fi
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(rustc --version)"
echo
echo "| command (370,000 records, warm, every file statted) | median of 5 | peak RSS |"
echo "|---|---|---|"
for cmd in \
  "list customers --where 'stage = customer' --format ids" \
  "list customers --where 'score >= 20' --format ids" \
  "report leads --format json" \
  "report feedback --format json" \
  "report funnel --format json" \
  "report funnel --by city --format json" \
  "report pipeline --by customer.industry --format json" \
  "report customers --by tags --format json"; do
  eval "$crm -C $dir $cmd" >/dev/null
  echo "| \`crm $cmd\` | $(median_ms --warmup 1 --runs 5 "$crm -C $dir $cmd") | $(peak_mb "$crm -C $dir $cmd") |"
done

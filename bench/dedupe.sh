#!/usr/bin/env bash
# Benchmark of `crm dedupe`: 100,000 customers with names made of random syllables in 20
# cities, 1,000 of them copied with a typo, an e-mail in another case or a national
# phone number (the generated folders of run.sh repeat a few hundred names, which makes
# millions of true pairs); and the 50,000 deals of run.sh's full folder. Warm, every
# file statted. Prints a markdown table.
#
# Usage: bench/dedupe.sh   (folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
full="$out/crm-bench-full"
generated "$full" 100000 50000 20000 200000
dir="$out/crm-bench-dedupe"
if [ ! -f "$dir/crm.toml" ]; then
  rm -rf "$dir"
  "$crm" init "$dir" >/dev/null
  python3 - "$dir" <<'PY'
import os, random, sys
random.seed(42)
root = sys.argv[1]
syl = ["ka", "ri", "to", "mu", "sa", "ne", "lo", "pi", "da", "gu", "ye", "ba", "ko", "wi", "ra", "su"]
cities = [f"City{i}" for i in range(20)]
def name():
    return " ".join("".join(random.choice(syl) for _ in range(random.randint(2, 4))).title() for _ in range(2))
for i in range(100000):
    n, city = name(), random.choice(cities)
    body = f"name: {n}\nstage: lead\ncity: {city}\nemail: c{i}@example.com\nphone: '+62812{i:07d}'\n"
    if i % 100 == 0:
        kind = i // 100 % 3
        copy = [n[:-1] + n[-1] * 2, n][kind > 0]
        extra = [f"email: x{i}@example.com", f"email: C{i}@EXAMPLE.com", f"email: y{i}@example.com\nphone: 0812{i:07d}"][kind]
        with open(os.path.join(root, "customers", f"dup-{i}.yaml"), "w") as f:
            f.write(f"name: {copy}\nstage: lead\ncity: {city}\n{extra}\n")
    with open(os.path.join(root, "customers", f"c-{i:06d}.yaml"), "w") as f:
        f.write(body)
PY
  sed -i 's/^\[phone\]$/[phone]\nregion = "ID"/' "$dir/crm.toml"
fi
echo "| command (100,000 customers, 50,000 deals) | median of 5 | peak RSS | pairs |"
echo "|---|---|---|---|"
for run in "$dir dedupe customers --format ids" "$full dedupe deals --format ids"; do
  set -- $run
  at=$1; shift
  cmd="$*"
  "$crm" -C "$at" $cmd >/dev/null
  pairs=$("$crm" -C "$at" $cmd | wc -l)
  echo "| \`crm $cmd\` | $(median_ms --warmup 1 --runs 5 "$crm -C $at $cmd") | $(peak_mb "$crm -C $at $cmd") | $pairs |"
done

#!/usr/bin/env bash
# Benchmark of `crm ingest whatsapp`: a chat export of 100,000 lines (Android's 24-hour
# layout; one message in ten runs over two lines; 40 messages a day, each day one
# conversation) with one customer of a folder of 20,000; the first run, and the second,
# idempotent one. Prints a markdown table (median of 5 runs each).
#
# Usage: bench/whatsapp.sh   (folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
dir="$out/crm-bench-whatsapp"
generated "$dir" 20000 0 0 0
# The chat's other party: a customer of its own name (the generated names repeat), found
# by name among the 20,001 (every customer's number is keyed too).
name="Warung Kopi Bench"
if [ ! -f "$dir/customers/warung-kopi-bench.yaml" ]; then
  "$crm" -C "$dir" add customer --id warung-kopi-bench --name "$name" --phone "0812 0000 0001" >/dev/null
fi
chat="$out/crm-bench-100000.txt"
python3 - "$name" "$chat" <<'PY'
import random, sys
from datetime import datetime, timedelta
name, path = sys.argv[1], sys.argv[2]
rng = random.Random(7)
lines = ["01/01/2020, 08:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more."]
day = datetime(2020, 1, 1, 9, 0)
i = 0
while len(lines) < 100000:
    t = day + timedelta(minutes=3 * (i % 40))
    who = name if rng.random() < 0.5 else "Sari"
    lines.append(f"{t:%d/%m/%Y, %H:%M} - {who}: pesan nomor {i} tentang kopi")
    if rng.random() < 0.1 and len(lines) < 100000:
        lines.append("baris kedua dari pesan yang sama")
    i += 1
    if i % 40 == 0:
        day += timedelta(days=1)
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
# Each first run starts from an empty interactions/ folder (see bench/lib.sh).
trash="$out/crm-bench-whatsapp-trash"
reset=$(empty_interactions "$dir" "$trash")
first=$(median_ms --runs 5 --prepare "$reset" "$crm -C $dir ingest whatsapp $chat --me Sari")
eval "$reset"
summary=$("$crm" -C "$dir" ingest whatsapp "$chat" --me Sari 2>&1 | tail -n 1)
echo "$summary"
again=$(median_ms --runs 5 "$crm -C $dir ingest whatsapp $chat --me Sari")
rm -rf "$trash"
logged=$(echo "$summary" | sed -E 's/^logged ([0-9]+),.*/\1/')
echo
echo "| \`crm ingest whatsapp\`, 100,000 lines, 20,000 customers | median of 5 | goal |"
echo "|---|---|---|"
echo "| first run (writes $logged interactions) | $first | ≤ 1 s |"
echo "| second run (idempotent: writes nothing) | $again | ≤ 1 s |"

#!/usr/bin/env bash
# Benchmark of `crm ingest mail`: an mbox of 10,000 messages (written by Python's
# standard mailbox module) into a folder of 20,000 customers; the first run, and the
# second, idempotent one. Prints a markdown table (median of 5 runs each).
#
# Usage: bench/mail.sh   (folders go to $BENCH_DIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
dir="$out/crm-bench-mail"
generated "$dir" 20000 0 0 0
"$crm" -C "$dir" list customers --fields email --format tsv --no-header > "$dir/.emails"
mbox="$out/crm-bench-10000.mbox"
python3 - "$dir/.emails" "$mbox" <<'PY'
import mailbox, os, random, sys
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
emails = [l.strip() for l in open(sys.argv[1]) if l.strip()]
rng = random.Random(7)
if os.path.exists(sys.argv[2]):
    os.remove(sys.argv[2])
box = mailbox.mbox(sys.argv[2])
start = datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
for i in range(10000):
    m = EmailMessage()
    customer = rng.choice(emails)
    kind = rng.random()
    if kind < 0.45:
        m["From"], m["To"] = customer, "Sari <sari@ourco.test>"
    elif kind < 0.9:
        m["From"], m["To"] = "Sari <sari@ourco.test>", customer
    elif kind < 0.95:
        m["From"], m["To"] = "noreply@shop.test", "sari@ourco.test"
    else:
        m["From"], m["To"] = f"stranger{i}@else.test", "sari@ourco.test"
    m["Subject"] = f"Pesanan nomor {i} ☕"
    m["Date"] = format_datetime(start + timedelta(minutes=17 * i))
    m["Message-ID"] = f"<bench{i}@example.test>"
    if i % 2:
        m["In-Reply-To"] = f"<bench{i - 1}@example.test>"
    m.set_content(f"Halo,\n\nini pesan nomor {i}.\n\n> kutipan\n\nSalam\n-- \ntanda tangan\n")
    box.add(mailbox.mboxMessage(m))
box.flush()
box.close()
PY
# Each first run starts from an empty interactions/ folder (see bench/lib.sh).
trash="$out/crm-bench-mail-trash"
reset=$(empty_interactions "$dir" "$trash")
first=$(median_ms --runs 5 --prepare "$reset" "$crm -C $dir ingest mail $mbox --me @ourco.test")
eval "$reset"
"$crm" -C "$dir" ingest mail "$mbox" --me @ourco.test 2>&1 | tail -n 1
again=$(median_ms --runs 5 "$crm -C $dir ingest mail $mbox --me @ourco.test")
rm -rf "$trash"
echo
echo "| \`crm ingest mail\`, 10,000 messages, 20,000 customers | median of 5 | goal |"
echo "|---|---|---|"
echo "| first run (writes 9,035 interactions) | $first | ≤ 3 s |"
echo "| second run (idempotent: writes nothing) | $again | ≤ 1 s |"

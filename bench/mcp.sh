#!/usr/bin/env bash
# Benchmark of `crm mcp`: 1,000 sequential `list_records` calls (each waits for its
# answer) on the demo folder, through the protocol on stdin/stdout as an assistant
# makes them. Prints calls per second, the server's resident memory after 10, 100 and
# 1,000 calls (it must not grow: a call keeps nothing) and its peak; and, for scale, one
# `crm list customers --format json` run alone.
#
# Usage: bench/mcp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_start
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(rustc --version)"
echo
python3 - "$crm" examples/demo <<'PY'
import json, subprocess, sys, time
crm, folder = sys.argv[1], sys.argv[2]
p = subprocess.Popen([crm, "-C", folder, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def ask(msg):
    p.stdin.write(json.dumps(msg) + "\n"); p.stdin.flush()
    return json.loads(p.stdout.readline())
def status(key):
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}})
p.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
rss = {}
start = time.monotonic()
for i in range(1, 1001):
    r = ask({"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": "list_records", "arguments": {"type": "customers", "where": "stage = customer"}}})
    assert r["result"]["isError"] is False, r
    if i in (10, 100, 1000):
        rss[i] = status("VmRSS")
took = time.monotonic() - start
peak = status("VmHWM")
count = r["result"]["structuredContent"]["count"]
p.stdin.close(); p.wait()
print("| `crm mcp`, 1,000 sequential `list_records` (demo folder, %d customers each) | value |" % count)
print("|---|---|")
print(f"| calls per second | {1000 / took:.0f} ({took * 1000 / 1000:.1f} ms a call) |")
print(f"| server RSS after 10 / 100 / 1,000 calls | {rss[10]:.1f} / {rss[100]:.1f} / {rss[1000]:.1f} MB |")
print(f"| server peak RSS | {peak:.1f} MB |")
PY
echo "| one \`crm list customers --where 'stage = customer' --format json\` alone | $(median_ms --warmup 3 --runs 30 "$crm -C examples/demo list customers --where 'stage = customer' --format json") |"

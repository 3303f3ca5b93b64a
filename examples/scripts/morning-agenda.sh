#!/bin/sh
# The morning agenda as plain text, ready to paste into a chat: what is due today or
# overdue (follow-ups, customers due a touch, stale deals, tickets), oldest first, at
# most 10 lines and a count of the rest.
#
# Usage: morning-agenda.sh [OWNER]    (OWNER: only what this person owns)
set -eu
today=${CRM_TODAY:-$(date +%F)}
if [ $# -ge 1 ]; then
  agenda=$(crm agenda --owner "$1" --format tsv)
else
  agenda=$(crm agenda --format tsv)
fi
# crm's TSV: a header, then Record, Due, Title, Why; no cell holds a tab or a newline.
printf '%s\n' "$agenda" | awk -F '\t' -v today="$today" '
  NR == 1 { next }
  { n++; if (n <= 10) lines = lines sprintf("- %s: %s (due %s)\n", $3, $4, $2) }
  END {
    if (n == 0) { printf "Good morning! Nothing is due on %s.\n", today; exit }
    printf "Good morning! %d thing%s on the agenda for %s:\n%s", n, (n == 1 ? "" : "s"), today, lines
    if (n > 10) printf "...and %d more: run crm agenda\n", n - 10
  }'

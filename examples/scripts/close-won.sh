#!/bin/sh
# Closes a deal as won and logs the call that won it, on the deal's customer.
#
# Usage: close-won.sh DEAL "what was agreed"
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DEAL SUMMARY" >&2; exit 2; }
deal=$1
summary=$2
customer=$(crm get "$deal" customer)
crm stage "$deal" won
crm log "$customer" --channel call --direction outbound --deal "$deal" --outcome won "$summary"

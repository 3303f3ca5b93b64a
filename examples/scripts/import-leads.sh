#!/bin/sh
# Imports the leads of a web form's CSV export as customers at the first lifecycle stage.
# The form's columns: Submitted at (dd/mm/yyyy hh:mm), Full name, Email, Phone, Company,
# Message, UTM source. Company stays a custom field (`company`). A lead whose e-mail is
# already known updates that customer instead of adding a second one, so importing the
# same export twice changes nothing. Every row is checked before anything is written.
#
# Usage: import-leads.sh FORM.csv [--dry-run]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 FORM.csv [--dry-run]" >&2; exit 2; }
form=$1
shift
exec crm import customers "$form" \
  --map "Submitted at=created" --date-format '%d/%m/%Y %H:%M' \
  --map "Full name=name" --map "Email=email" --map "Phone=phone" \
  --map "Message=notes" --map "UTM source=source" \
  "$@"

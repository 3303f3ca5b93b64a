#!/bin/sh
# Customers to call this week: a follow-up due within seven days, or overdue, leaving out
# those who asked not to be contacted; the most overdue first, with their phone number.
#
# Usage: call-this-week.sh [--format table|csv|json|…]
set -eu
exec crm list customers \
  --where 'next_action.on <= today+7d and not preferences.do_not_contact' \
  --sort next_action.on \
  --fields name,phone,next_action.on,next_action.note \
  "${@:---format=table}"

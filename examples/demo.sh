#!/usr/bin/env bash
# Rebuilds examples/demo with crm itself: Sinar Kopi, a coffee roaster selling beans,
# equipment and barista training to cafés, over six months (2026-05-25 to 2026-11-21).
# 40 customers (lead -> prospect -> customer journeys, disqualified leads, one churn,
# opted-out and do-not-contact customers), 60 deals (new business, up-sells, cross-sells,
# renewals; won, lost, open and stale), 30 tickets (questions, problems, complaints; in
# and past SLA), 5 campaigns and 150 interactions (WhatsApp, e-mail, calls, meetings).
#
# Usage: examples/demo.sh [path/to/crm]   (default: target/debug/crm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
crm=$(cd "$here/.." && pwd)/${1:-target/debug/crm}
out="$here/demo"
rm -rf "$out"
export CRM_TODAY=2026-11-22
"$crm" -q init "$out" --currency IDR
cd "$out"
sed -i 's/^name = "demo"/name = "Sinar Kopi"/; s|^timezone = "UTC"|timezone = "Asia/Jakarta"|' crm.toml

c() { "$crm" -q "$@" >/dev/null; }
# The date N days after the first day of the demo.
day() { date -u -d "2026-05-25 +$1 days" +%F; }
# A moment on day N at HH:MM, Jakarta time.
at() { echo "$(day "$1")T$2:00+07:00"; }

# --- Campaigns -------------------------------------------------------------------------
c add campaign "Cafe owners WhatsApp intro" --id cafe-intro-wa --phase acquire --channel whatsapp \
  --status completed --start "$(day 7)" --end "$(day 37)" --budget 6000000 --cost 5200000 \
  --audience "stage = lead" --created "$(day 0)"
c add campaign "Jakarta coffee trade fair" --id trade-fair-jkt --phase acquire --channel meeting \
  --status completed --start "$(day 70)" --end "$(day 72)" --budget 25000000 --cost 27500000 \
  --created "$(day 40)"
c add campaign "Barista training offer" --id barista-training --phase enhance --channel email \
  --status active --start "$(day 100)" --budget 4000000 --cost 1500000 \
  --audience "stage = customer" --created "$(day 95)"
c add campaign "Contract renewal reminders" --id renewal-reminders --phase retain --channel email \
  --status active --start "$(day 130)" --budget 2000000 --cost 800000 \
  --audience "stage = customer" --created "$(day 125)"
c add campaign "Win back quiet cafes" --id win-back --phase retain --channel whatsapp \
  --status planned --start 2026-12-01 --budget 3000000 --audience "stage = churned" --created "$(day 176)"

# --- Customers -------------------------------------------------------------------------
names=(
  "Kopi Senja" "Warung Kopi Pagi" "Cafe Lembayung" "Kedai Tepi Sawah" "Roti dan Kopi"
  "Sudut Seduh" "Kopi Nalar" "Teras Kopi" "Kafe Rindang" "Kopi Kampung"
  "Rumah Seduh" "Kopi Lima" "Arunika Coffee" "Kopi Tetangga" "Satu Cangkir"
  "Kopi Pelangi" "Kedai Ombak" "Biji Hitam" "Kopi Kenangan Lama" "Cafe Bumi"
  "Kopi Gunung" "Kedai Sahabat" "Kopi Rakyat" "Titik Temu" "Kopi Sore"
  "Kafe Padi" "Kopi Lereng" "Kedai Hujan" "Kopi Jalanan" "Cafe Dermaga"
  "Kopi Tua" "Seduh Pelan" "Kopi Fajar" "Kedai Lentera" "Cafe Bambu"
  "Kopi Rantau" "Kopi Cerita" "Kedai Pojok" "Kopi Embun" "Cafe Kota Lama"
)
cities=(Jakarta Bandung Surabaya Yogyakarta Denpasar)
owners=(ayu@sinarkopi.id dewi@sinarkopi.id)
slug() { echo "$1" | tr 'A-Z ' 'a-z-'; }
created() { echo $(( $1 * 9 / 2 )); }
# Journeys by the last digit of the index: 0-4 become customers, 5-6 stay prospects,
# 7 is disqualified, 8-9 stay leads.
track() { case $(( $1 % 10 )) in 0|1|2|3|4) echo customer ;; 5|6) echo prospect ;; 7) echo disqualified ;; *) echo lead ;; esac; }

for i in "${!names[@]}"; do
  name=${names[$i]}; id=$(slug "$name"); d=$(created "$i")
  city=${cities[$(( i % 5 ))]}
  args=(add customer "$name" --id "$id" --kind organisation --email "halo@$id.id" --city "$city" --country ID
        --industry cafe --owner "${owners[$(( i % 2 ))]}" --created "$(day "$d")")
  # A third are specialty cafés.
  if (( i % 3 == 0 )); then args+=(--tag specialty); fi
  if (( i % 2 == 0 )); then args+=(--preferred-channel whatsapp --social "whatsapp=+62812$(printf '%07d' $(( i * 7919 % 10000000 )))");
  else args+=(--preferred-channel email); fi
  args+=(--phone "+62 811 $(printf '%04d' $(( 1000 + i * 37 ))) 0000")
  args+=(--frequency "$( (( i % 4 == 0 )) && echo weekly || echo monthly )")
  # Opted out: no marketing consent; one more asked never to be contacted.
  if (( i % 9 == 4 )); then args+=(--consent false); else args+=(--consent); fi
  if (( i == 16 )); then args+=(--do-not-contact); fi
  if (( d >= 7 && d <= 37 && i % 2 == 0 )); then args+=(--source cafe-intro-wa);
  elif (( d >= 70 && d <= 80 )); then args+=(--source trade-fair-jkt);
  elif (( i % 3 == 1 )); then args+=(--source referral); else args+=(--source website); fi
  c "${args[@]}"
  case $(track "$i") in
    customer) c --as-of "$(day $(( d + 7 )))" stage "$id" prospect
              c --as-of "$(day $(( d + 20 )))" stage "$id" customer ;;
    prospect) c --as-of "$(day $(( d + 10 )))" stage "$id" prospect ;;
    disqualified) c --as-of "$(day $(( d + 15 )))" stage "$id" disqualified ;;
  esac
done
# One customer left: Kopi Senja stopped ordering.
c --as-of "$(day 170)" stage kopi-senja churned

# --- Deals -----------------------------------------------------------------------------
values=(12000000 18000000 24000000 9000000 30000000 15000000 42000000 6000000)
deal() { # id title customer value kind created [extra args]
  local id=$1 title=$2 cust=$3 value=$4 kind=$5 cr=$6; shift 6
  c add deal "$title" --id "$id" --customer "$cust" --value "$value" --kind "$kind" \
    --product "$( [ "$kind" = cross-sell ] && echo equipment || echo beans )" \
    --owner "${owners[$(( ${#id} % 2 ))]}" --created "$(day "$cr")" "$@"
}
for i in "${!names[@]}"; do
  name=${names[$i]}; id=$(slug "$name"); d=$(created "$i"); v=${values[$(( i % 8 ))]}
  case $(track "$i") in
    customer)
      camp=(); (( d >= 7 && d <= 37 && i % 2 == 0 )) && camp=(--campaign cafe-intro-wa)
      deal "$id-supply" "Monthly bean supply" "$id" "$v" new $(( d + 5 )) "${camp[@]}" \
        --expected-close "$(day $(( d + 25 )))"
      c --as-of "$(day $(( d + 8 )))" stage "$id-supply" qualified
      c --as-of "$(day $(( d + 12 )))" stage "$id-supply" proposal
      c --as-of "$(day $(( d + 20 )))" stage "$id-supply" won
      ;;
    prospect)
      deal "$id-supply" "Trial bean supply" "$id" "$v" new $(( d + 10 )) \
        --expected-close "$(day $(( d + 40 > 175 ? 185 : d + 40 )))"
      c --as-of "$(day $(( d + 14 )))" stage "$id-supply" qualified
      if (( i % 20 == 5 )); then c --as-of "$(day $(( d + 18 )))" stage "$id-supply" proposal; fi
      if (( i % 20 == 16 )); then c --as-of "$(day $(( d + 18 )))" stage "$id-supply" negotiation; fi
      ;;
    disqualified)
      deal "$id-supply" "Bean supply" "$id" "$v" new $(( d + 3 ))
      c --as-of "$(day $(( d + 15 )))" set "$id-supply" stage=lost \
        "lost_reason=$( (( i % 20 == 7 )) && echo 'price too high' || echo 'chose a local roaster' )"
      ;;
    lead)
      deal "$id-trial" "Sample pack" "$id" 1500000 new $(( d + 2 )) --expected-close "$(day $(( d + 30 > 178 ? 190 : d + 30 )))"
      ;;
  esac
done
# Up-sells and cross-sells for customers of some months' standing, renewals for the first.
for i in 0 1 2 3 4 10 11 12 13 14; do
  id=$(slug "${names[$i]}"); d=$(created "$i"); cr=$(( d + 45 ))
  deal "$id-blend" "Second blend for the menu" "$id" 6000000 upsell "$cr" --campaign barista-training
  if (( i % 2 == 0 )); then c --as-of "$(day $(( cr + 9 )))" stage "$id-blend" won;
  else c --as-of "$(day $(( cr + 4 )))" stage "$id-blend" proposal; fi
done
for i in 20 21 22 23 24; do
  id=$(slug "${names[$i]}"); d=$(created "$i"); cr=$(( d + 25 ))
  deal "$id-grinder" "Grinder lease" "$id" 9500000 cross-sell "$cr" --expected-close "$(day $(( cr + 30 )))"
  if (( i == 20 )); then c --as-of "$(day $(( cr + 10 )))" stage "$id-grinder" lost; fi
  if (( i == 21 )); then c --as-of "$(day $(( cr + 7 )))" stage "$id-grinder" negotiation; fi
done
for i in 1 2 3 4; do
  id=$(slug "${names[$i]}")
  deal "$id-renewal" "Supply contract 2027" "$id" 26000000 renewal 150 --expected-close 2026-12-20 --campaign renewal-reminders
  c --as-of "$(day 160)" stage "$id-renewal" negotiation
done
deal kopi-senja-renewal "Supply contract 2027" kopi-senja 20000000 renewal 150 --campaign renewal-reminders
c --as-of "$(day 168)" set kopi-senja-renewal stage=lost "lost_reason=closing the café"

# --- Tickets ---------------------------------------------------------------------------
kinds=(question problem complaint problem question)
prios=(normal high low urgent normal)
subjects=("Roast date on the bags" "Grinder jams at fine setting" "Beans arrived late"
          "Espresso tastes sour" "Invoice in the wrong name")
n=0
for i in 0 1 2 3 4 10 11 12 13 14 20 21 22 23 24 30 31 32 33 34 0 1 2 10 11 12 20 21 30 31; do
  id=$(slug "${names[$i]}"); d=$(created "$i")
  open=$(( d + 24 + n % 11 )); (( open > 179 )) && open=179
  # The last four came in during the last ten days and are still open or pending.
  (( n >= 26 )) && open=$(( 172 + (n - 26) * 2 ))
  k=$(( n % 5 ))
  t="$id-t$n"
  args=(add ticket "${subjects[$k]}" --id "$t" --customer "$id" --kind "${kinds[$k]}" --priority "${prios[$k]}"
        --channel "$( (( i % 2 == 0 )) && echo whatsapp || echo email )" --opened "$(at "$open" 09:15)"
        --assignee rudi@sinarkopi.id --created "$(day "$open")")
  if (( open < 172 )); then
    # Answered within 1 to 10 hours, resolved within 6 to 100 hours.
    fr=$(( 1 + n * 7 % 10 )); rs=$(( 6 + n * 37 % 95 ))
    args+=(--status resolved
           --first-response "$(date -u -d "$(day "$open") 02:15 UTC + $fr hours" +%FT%H:%M:00+00:00)"
           --resolved "$(date -u -d "$(day "$open") 02:15 UTC + $rs hours" +%FT%H:%M:00+00:00)"
           --satisfaction $(( 5 - (n % 3 == 2 ? 2 : n % 2) )))
  elif (( n % 2 == 0 )); then
    args+=(--status open)
  else
    args+=(--status pending --first-response "$(at "$open" 10:00)")
  fi
  c "${args[@]}"
  c log "$id" --channel "$( (( i % 2 == 0 )) && echo whatsapp || echo email )" --direction inbound \
    --at "$(at "$open" 09:10)" --ticket "$t" "Reported: ${subjects[$k]}"
  n=$(( n + 1 ))
done

# --- Interactions ----------------------------------------------------------------------
for i in "${!names[@]}"; do
  id=$(slug "${names[$i]}"); d=$(created "$i")
  camp=(); (( d >= 7 && d <= 37 && i % 2 == 0 )) && camp=(--campaign cafe-intro-wa)
  (( d >= 70 && d <= 80 )) && camp=(--campaign trade-fair-jkt)
  c log "$id" --channel "$( (( i % 2 == 0 )) && echo whatsapp || echo email )" --direction inbound \
    --at "$(at "$d" 10:30)" "${camp[@]}" "First enquiry about beans"
  case $(track "$i") in
    customer)
      c log "$id" --channel call --direction outbound --at "$(at $(( d + 8 )) 14:00)" --deal "$id-supply" \
        --by "${owners[$(( i % 2 ))]}" --outcome "Needs 20 kg a month" "Discovery call"
      c log "$id" --channel meeting --direction outbound --at "$(at $(( d + 12 )) 11:00)" --deal "$id-supply" \
        --by "${owners[$(( i % 2 ))]}" --outcome "Tasted three roasts" "Cupping at the café"
      ;;
    prospect)
      c log "$id" --channel call --direction outbound --at "$(at $(( d + 14 )) 15:00)" --deal "$id-supply" \
        --by "${owners[$(( i % 2 ))]}" "Call about a trial"
      ;;
  esac
done
# Renewal reminders and training offers to customers who may be contacted and who were
# customers by the day of the send (crm campaign log-send refuses the others).
for i in 0 1 2 3 4 10 11 12 13 14 20 21 22 23 24; do
  (( i % 9 == 4 )) && continue
  id=$(slug "${names[$i]}")
  c log "$id" --channel email --direction outbound --at "$(at 131 08:00)" --campaign renewal-reminders \
    "Your supply contract renews in January"
done
for i in 0 2 10 12 14; do
  id=$(slug "${names[$i]}")
  c log "$id" --channel email --direction outbound --at "$(at 101 08:00)" --campaign barista-training \
    "Barista training for your team"
  c log "$id" --channel whatsapp --direction inbound --at "$(at 103 16:20)" --campaign barista-training \
    --deal "$id-blend" "Interested in a second blend"
done
# Follow-ups, some of them now overdue.
c log warung-kopi-pagi --channel call --direction outbound --at "$(at 165 10:00)" --deal warung-kopi-pagi-renewal \
  --by dewi@sinarkopi.id --next "$(day 172) Send the 2027 price list" "Renewal terms"
c log cafe-lembayung --channel meeting --direction outbound --at "$(at 168 13:00)" --deal cafe-lembayung-renewal \
  --by ayu@sinarkopi.id --next "$(day 182) Bring the contract" "Renewal tasting"
c log kopi-lima --channel whatsapp --direction outbound --at "$(at 150 09:00)" --deal kopi-lima-blend \
  --by dewi@sinarkopi.id --next "$(day 160) Ask about the blend decision" "Sent blend samples"
c log kopi-kampung --channel email --direction outbound --at "$(at 120 09:00)" --deal kopi-kampung-trial \
  --by dewi@sinarkopi.id --next "$(day 150) Check the sample pack arrived" "Sample pack shipped"
c log kafe-rindang --channel whatsapp --direction outbound --at "$(at 176 09:00)" \
  --by ayu@sinarkopi.id "Asked for a menu photo"
c log kopi-senja --channel call --direction inbound --at "$(at 166 17:00)" --deal kopi-senja-renewal \
  --outcome "Closing in December" "Owner called to cancel"

"$crm" -q check

#!/bin/sh
# Rebuilds examples/acme, the example folder the README's tour runs on, with crm itself.
# Usage: examples/acme.sh [path/to/crm]   (default: target/debug/crm)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
crm=$(cd "$here/.." && pwd)/${1:-target/debug/crm}
rm -rf "$here/acme"
export CRM_TODAY=2026-11-02
"$crm" -q init "$here/acme"
cd "$here/acme"
sed -i 's/^name = "acme"/name = "Acme Software"/; s/^currency = "USD"/currency = "IDR"/; s|^timezone = "UTC"|timezone = "Asia/Jakarta"|' crm.toml
c() { "$crm" -q "$@" >/dev/null; }

c add campaign "Ramadan WhatsApp blast" --id ramadan-blast-7k2m --phase acquire --channel whatsapp --status completed \
  --start 2026-03-01 --end 2026-03-31 --budget 5000000 --cost 4200000 --audience "city = Jakarta" --created 2026-02-20
c add campaign "Loyalty newsletter" --id loyalty-newsletter-q3v8 --phase retain --channel email --status active \
  --start 2026-10-01 --budget 1500000 --cost 600000 --created 2026-09-25

c add customer "Toko Maju" --id toko-maju-k7q2 --kind organisation --email budi@tokomaju.id --phone "+62 21 555 0101" \
  --city Jakarta --country ID --industry retail --source ramadan-blast-7k2m --owner ayu@acme.id --tag vip \
  --preferred-channel whatsapp --frequency monthly --consent --created 2026-03-04
c add customer "Budi Santoso" --id budi-santoso-3f9x --kind person --organisation toko-maju --email budi.s@gmail.com \
  --social whatsapp=+628123456789 --city Jakarta --country ID --created 2026-03-04
c add customer "Warung Sederhana" --id warung-sederhana-p0a1 --kind organisation --email halo@warungsederhana.id \
  --city Bandung --country ID --industry food --source "trade fair" --owner dewi@acme.id \
  --preferred-channel email --frequency quarterly --consent false --created 2026-06-10
c add customer "Kopi Kita" --id kopi-kita-9m4t --kind organisation --email owner@kopikita.co.id --city Surabaya \
  --country ID --industry food --owner ayu@acme.id --do-not-contact --created 2026-09-15 --set employees=12
c --as-of 2026-04-02 stage toko-maju prospect
c --as-of 2026-04-20 stage toko-maju customer
c --as-of 2026-07-01 stage warung prospect

c add deal "POS annual plan" --id pos-annual-plan-c72h --customer toko-maju --value 12000000 --kind new --product pos \
  --campaign ramadan --expected-close 2026-04-30 --owner ayu@acme.id --created 2026-03-05
c --as-of 2026-04-20 stage pos-annual won
c add deal "Inventory add-on" --id inventory-add-on-h8s2 --customer toko-maju --value 4500000 --kind cross-sell \
  --product inventory --expected-close 2026-12-15 --owner ayu@acme.id --created 2026-10-20
c --as-of 2026-10-28 stage inventory-add proposal
c add deal "Two outlets" --id two-outlets-w2b6 --customer warung --value 8000000 --probability 30 --kind new \
  --product pos --expected-close 2026-11-30 --owner dewi@acme.id --created 2026-07-01 \
  --next-on 2026-11-05 --next-note "Send revised quote"

c add ticket "Receipt printer offline" --id receipt-printer-offline-5d1e --customer toko-maju --kind problem \
  --priority high --status resolved --channel whatsapp --opened 2026-10-12T09:10:00+07:00 \
  --first-response 2026-10-12T10:02:00+07:00 --resolved 2026-10-13T15:30:00+07:00 --satisfaction 5 \
  --assignee rudi@acme.id --deal pos-annual --created 2026-10-12
c add ticket "Invoice shows wrong tax" --id invoice-wrong-tax-r7c0 --customer toko-maju --kind complaint \
  --priority normal --channel email --opened 2026-11-01T08:30:00+07:00 --assignee rudi@acme.id --created 2026-11-01

c log toko-maju --id replied-to-ramadan-blast-a0b1 --channel whatsapp --direction inbound \
  --at 2026-03-04T11:00:00+07:00 --campaign ramadan "Replied to the Ramadan blast"
c log toko-maju --id demo-at-the-shop-n3k8 --channel meeting --direction outbound --at 2026-04-15T14:00:00+07:00 \
  --deal pos-annual --by ayu@acme.id --outcome "Agreed on price" "Demo at the shop"
c log warung --id discussed-second-outlet-z9y8 --channel call --direction outbound --at 2026-10-30T10:00:00+07:00 \
  --deal two-outlets --by dewi@acme.id "Discussed second outlet"
c log budi.s@gmail.com --id sent-photo-of-invoice-m5j6 --channel whatsapp --direction inbound \
  --at 2026-11-01T19:45:00+07:00 --ticket invoice-wrong "Sent a photo of the invoice"

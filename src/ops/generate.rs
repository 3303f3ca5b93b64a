//! A realistic folder made deterministically from a seed, for benchmarks (the hidden
//! `crm generate` command). The same seed and sizes always give the same files.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde_yaml::{Mapping, Value};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::canonical::file_text;
use crate::model::{Record, RecordType};
use crate::store::Store;

#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub customers: usize,
    pub deals: usize,
    pub tickets: usize,
    pub interactions: usize,
}

const FIRST: &[&str] = &[
    "Budi", "Sari", "Ayu", "Dewi", "Rudi", "Made", "Putu", "Agus", "Rina", "Joko", "Maya", "Eka",
    "Fajar", "Gita", "Hadi", "Indah", "Kartika", "Lestari", "Nanda", "Oka",
];
const LAST: &[&str] = &[
    "Santoso", "Wijaya", "Pratama", "Lestari", "Saputra", "Hidayat", "Kusuma", "Halim", "Gunawan",
    "Setiawan", "Nugroho", "Rahman",
];
const CITIES: &[&str] = &[
    "Jakarta",
    "Bandung",
    "Surabaya",
    "Medan",
    "Denpasar",
    "Yogyakarta",
    "Makassar",
    "Semarang",
];
const INDUSTRIES: &[&str] = &[
    "retail",
    "food",
    "logistics",
    "education",
    "health",
    "hospitality",
];
const PRODUCTS: &[&str] = &[
    "pos",
    "printer",
    "inventory",
    "support",
    "loyalty",
    "payments",
];
const OWNERS: &[&str] = &[
    "ayu@ourco.id",
    "budi@ourco.id",
    "dewi@ourco.id",
    "rudi@ourco.id",
];
const CHANNELS: &[&str] = &[
    "call", "email", "whatsapp", "sms", "meeting", "social", "post", "web", "note",
];

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn day(start: NaiveDate, rng: &mut fastrand::Rng, span: i64) -> NaiveDate {
    start + Duration::days(rng.i64(0..span))
}

fn moment(d: NaiveDate, rng: &mut fastrand::Rng) -> String {
    format!("{d}T{:02}:{:02}:00+07:00", rng.u32(8..19), rng.u32(0..60))
}

fn history(stages: &[&str], start: NaiveDate, rng: &mut fastrand::Rng) -> (Value, NaiveDate) {
    let mut d = start;
    let mut items = Vec::new();
    for s in stages {
        let mut m = Mapping::new();
        m.insert("stage".into(), (*s).into());
        m.insert("at".into(), format!("{d}T00:00:00+07:00").into());
        items.push(Value::Mapping(m));
        d += Duration::days(rng.i64(3..40));
    }
    (Value::Sequence(items), d - Duration::days(1))
}

/// Writes a new folder at `dir` (which must not hold a crm.toml yet).
#[expect(
    clippy::too_many_lines,
    reason = "the generated folder's shape, one type after another"
)]
pub fn generate(dir: &Path, seed: u64, sizes: Sizes) -> Result<()> {
    super::init::init(dir)?;
    let toml = Config::default_toml("bench")
        .replace("currency = \"USD\"", "currency = \"IDR\"")
        .replace("# EUR = 1.08", "USD = 16000");
    std::fs::write(dir.join("crm.toml"), toml).map_err(|e| Error::io(dir, e))?;
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    let write = |r: &Record, rel: &str| -> Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, file_text(r, Path::new(rel))).map_err(|e| Error::io(&path, e))
    };
    let id = |prefix: &str, i: usize| format!("{prefix}-{i:06}");
    for i in 0..sizes.customers {
        let mut r = Record::new(RecordType::Customer, id("c", i));
        let name = format!("{} {}", pick(&mut rng, FIRST), pick(&mut rng, LAST));
        let created = day(start, &mut rng, 690);
        let path = match rng.u8(0..10) {
            0..=4 => &["lead"][..],
            5..=6 => &["lead", "prospect"][..],
            7..=8 => &["lead", "prospect", "customer"][..],
            _ => &["lead", "customer", "churned"][..],
        };
        let (h, _) = history(path, created, &mut rng);
        let f = &mut r.fields;
        f.insert("name".into(), name.clone().into());
        f.insert(
            "kind".into(),
            if rng.bool() { "person" } else { "organisation" }.into(),
        );
        f.insert("email".into(), format!("c{i}@example.com").into());
        f.insert(
            "phone".into(),
            // A Telkomsel mobile number in E.164, as crm stores a phone that parses.
            format!("+62812{:08}", rng.u32(..100_000_000)).into(),
        );
        f.insert("stage".into(), path[path.len() - 1].into());
        f.insert("history".into(), h);
        f.insert("owner".into(), pick(&mut rng, OWNERS).into());
        f.insert("city".into(), pick(&mut rng, CITIES).into());
        f.insert("industry".into(), pick(&mut rng, INDUSTRIES).into());
        if rng.u8(0..4) == 0 {
            f.insert("tags".into(), Value::Sequence(vec!["vip".into()]));
        }
        let mut prefs = Mapping::new();
        prefs.insert(
            "channel".into(),
            pick(&mut rng, &["email", "whatsapp", "call"]).into(),
        );
        prefs.insert(
            "frequency".into(),
            pick(&mut rng, &["weekly", "monthly", "quarterly"]).into(),
        );
        prefs.insert("consent".into(), rng.bool().into());
        f.insert("preferences".into(), Value::Mapping(prefs));
        f.insert("created".into(), created.to_string().into());
        write(&r, &format!("customers/{}.yaml", r.id))?;
    }
    let pipeline = ["new", "qualified", "proposal", "negotiation"];
    for i in 0..sizes.deals {
        let mut r = Record::new(RecordType::Deal, id("d", i));
        let created = day(start, &mut rng, 690);
        let reached = rng.usize(1..=4);
        let mut stages: Vec<&str> = pipeline[..reached].to_vec();
        let outcome = rng.u8(0..10);
        if outcome < 4 {
            stages.push(if outcome < 2 { "won" } else { "lost" });
        }
        let (h, last) = history(&stages, created, &mut rng);
        let usd = rng.u8(0..5) == 0;
        let f = &mut r.fields;
        f.insert(
            "title".into(),
            format!("{} for {}", pick(&mut rng, PRODUCTS), pick(&mut rng, LAST)).into(),
        );
        f.insert(
            "customer".into(),
            id("c", rng.usize(..sizes.customers.max(1))).into(),
        );
        f.insert("stage".into(), stages[stages.len() - 1].into());
        f.insert("history".into(), h);
        let value = if usd {
            rng.u32(100..20_000) as i64
        } else {
            rng.u32(1..500) as i64 * 100_000
        };
        f.insert("value".into(), value.into());
        f.insert("currency".into(), if usd { "USD" } else { "IDR" }.into());
        f.insert(
            "kind".into(),
            pick(&mut rng, &["new", "upsell", "cross-sell", "renewal"]).into(),
        );
        f.insert(
            "products".into(),
            Value::Sequence(vec![pick(&mut rng, PRODUCTS).into()]),
        );
        f.insert(
            "expected_close".into(),
            (last + Duration::days(rng.i64(10..90))).to_string().into(),
        );
        if outcome < 4 {
            f.insert("closed".into(), last.to_string().into());
            if outcome >= 2 {
                f.insert(
                    "lost_reason".into(),
                    pick(&mut rng, &["price", "timing", "competitor"]).into(),
                );
            }
        }
        f.insert("owner".into(), pick(&mut rng, OWNERS).into());
        f.insert("created".into(), created.to_string().into());
        write(&r, &format!("deals/{}.yaml", r.id))?;
    }
    for i in 0..sizes.tickets {
        let mut r = Record::new(RecordType::Ticket, id("t", i));
        let opened = day(start, &mut rng, 690);
        let f = &mut r.fields;
        f.insert(
            "subject".into(),
            format!("{} issue", pick(&mut rng, PRODUCTS)).into(),
        );
        f.insert(
            "customer".into(),
            id("c", rng.usize(..sizes.customers.max(1))).into(),
        );
        f.insert(
            "kind".into(),
            pick(
                &mut rng,
                &["question", "problem", "complaint", "request", "feedback"],
            )
            .into(),
        );
        f.insert(
            "priority".into(),
            pick(&mut rng, &["low", "normal", "normal", "high", "urgent"]).into(),
        );
        let resolved = rng.u8(0..10) < 8;
        f.insert(
            "status".into(),
            if resolved { "resolved" } else { "open" }.into(),
        );
        f.insert("opened".into(), format!("{opened}T09:00:00+07:00").into());
        f.insert("first_response".into(), moment(opened, &mut rng).into());
        if resolved {
            f.insert(
                "resolved".into(),
                moment(opened + Duration::days(rng.i64(1..5)), &mut rng).into(),
            );
            f.insert("satisfaction".into(), (rng.u8(1..=5) as i64).into());
        }
        f.insert("created".into(), opened.to_string().into());
        write(&r, &format!("tickets/{}.yaml", r.id))?;
    }
    for i in 0..sizes.interactions {
        let mut r = Record::new(RecordType::Interaction, id("i", i));
        let d = day(start, &mut rng, 690);
        let at = moment(d, &mut rng);
        let f = &mut r.fields;
        f.insert(
            "customer".into(),
            id("c", rng.usize(..sizes.customers.max(1))).into(),
        );
        f.insert("at".into(), at.clone().into());
        f.insert("channel".into(), pick(&mut rng, CHANNELS).into());
        f.insert(
            "direction".into(),
            if rng.bool() { "inbound" } else { "outbound" }.into(),
        );
        f.insert(
            "summary".into(),
            format!("Talked about {}", pick(&mut rng, PRODUCTS)).into(),
        );
        if rng.u8(0..3) == 0 && sizes.deals > 0 {
            f.insert("deal".into(), id("d", rng.usize(..sizes.deals)).into());
        }
        f.insert("by".into(), pick(&mut rng, OWNERS).into());
        write(
            &r,
            &format!("interactions/{}/{}/{}.yaml", &at[..4], &at[5..7], r.id),
        )?;
    }
    // The folder must pass its own check.
    let _ = Store::open(dir, Default::default())?;
    Ok(())
}

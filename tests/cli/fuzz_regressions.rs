//! Every input a fuzzer once failed on (`tests/fuzz/<target>-<what>.*`), run through
//! the same checks as the fuzz target (`fuzz/`, see the README's "Fuzzing").

#[path = "../fuzz/properties.rs"]
mod properties;

#[test]
fn every_kept_fuzz_input_passes_its_target() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut ran = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let check: fn(&[u8]) = match name.split('-').next().unwrap() {
            "query_parser" => properties::query_parser,
            "record_loader" => properties::record_loader,
            "csv_importer" => properties::csv_importer,
            "merge_driver" => properties::merge_driver,
            "cache_reader" => properties::cache_reader,
            "comment_keeper" => properties::comment_keeper,
            "mail_reader" => properties::mail_reader,
            "calendar_reader" => properties::calendar_reader,
            "whatsapp_reader" => properties::whatsapp_reader,
            "vcard_reader" => properties::vcard_reader,
            _ => continue,
        };
        check(&data);
        ran.push(name);
    }
    assert_eq!(
        ran,
        [
            "cache_reader-empty-tag.bin",
            "comment_keeper-tagged-merge-key.yaml",
            "merge_driver-emitter.bin",
            "query_parser-multibyte-date-unit.txt",
            "record_loader-budget-000.yaml",
            "record_loader-complex-key.yaml",
            "record_loader-tagged-map-key.yaml",
            "vcard_reader-nul-in-a-value.vcf",
        ]
    );
}

/// The first finding: `budget: 000` reads as the text "000", which is a valid amount;
/// crm writes it as the number 0, and that is a fixed point.
#[test]
fn an_amount_with_leading_zeros_is_written_as_a_number() {
    let rel = std::path::Path::new("campaigns/a.yaml");
    let r = crm::store::read::parse::parse_record(
        crm::model::RecordType::Campaign,
        rel,
        b"name: Loyalty\nphase: retain\nstatus: active\nbudget: 000\n",
    )
    .unwrap();
    assert_eq!(
        crm::model::canonical::file_text(&r, rel),
        "# yaml-language-server: $schema=../schema/campaign.schema.json\nname: Loyalty\nphase: retain\nstatus: active\nbudget: 0\n"
    );
}

/// Second finding: `today-` followed by a multi-byte character sliced a string inside it.
#[test]
fn a_relative_date_with_a_multibyte_unit_is_an_error() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let e = crm::query::parser::parse("created = today-7\u{e9}", today).unwrap_err();
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "invalid --where expression at column 11: `today-7\u{e9}` is not a date: write today, or today with an offset such as today-7d, today+2w, today-3m, today-1y"
    );
}

/// Third finding: a custom field holding a map with a tagged key (`!t key: v`) made the
/// canonical writer panic; tags are dropped when a record is written. (Reads now refuse
/// tagged records outright, with the tag's place; the writer still never panics.)
#[test]
fn tags_are_dropped_when_a_record_is_written() {
    let rel = std::path::Path::new("deals/a.yaml");
    let text = "title: T\ncustomer: c\nstage: new\nextra: [x, {!t k: v}, !u w]\n";
    let issue =
        crm::store::read::parse::parse_record(crm::model::RecordType::Deal, rel, text.as_bytes())
            .unwrap_err();
    assert_eq!(
        issue.to_string(),
        "deals/a.yaml:4:13: the YAML tag !t means nothing to crm (other tools would build an object from it); remove it, or quote the value to keep it as text"
    );
    let r = crm::model::Record {
        ty: crm::model::RecordType::Deal,
        id: "a".into(),
        fields: serde_yaml::from_str(text).unwrap(),
    };
    assert_eq!(
        crm::model::canonical::to_yaml(&r),
        "title: T\ncustomer: c\nstage: new\nextra:\n- x\n- k: v\n- w\n"
    );
}

/// Fourth finding: a map key that is itself a list (`? [a, b]: 1`) made the canonical
/// writer panic. It is shown as its flow text, and `crm check` reports it.
#[test]
fn a_list_as_a_map_key_is_reported_and_shown_as_text() {
    let rel = std::path::Path::new("customers/a.yaml");
    let r = crm::store::read::parse::parse_record(
        crm::model::RecordType::Customer,
        rel,
        b"name: A\nstage: lead\nextra:\n  ? [a, b]\n  : 1\n",
    )
    .unwrap();
    assert_eq!(
        crm::model::canonical::to_yaml(&r),
        "name: A\nstage: lead\nextra:\n  '[a, b]': 1\n"
    );
    let errors = crm::rules::validate(r.ty, &r.fields, &crm::config::Config::default());
    assert_eq!(
        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        ["field `extra`: holds a map whose key is a list or a map; keys are text"]
    );
}

/// Fifth finding: a tagged key (`!t stage: new`) on one side made the merge driver's
/// writer panic; keys lose their tags before sides are compared. And a side deleted
/// against one changed without a final newline kept its conflict marker on its own line.
#[test]
fn the_merge_driver_takes_tagged_keys_and_unterminated_sides() {
    let path = std::path::Path::new("crm/deals/a.yaml");
    // A tagged side is refused (the driver then merges it as text), never a panic.
    let tagged = "!t stage: new\nnotes: x";
    assert_eq!(
        crm::ops::merge::merge(tagged, tagged, tagged, path).unwrap_err(),
        "the common ancestor does not parse: line 1: the YAML tag !t means nothing to crm (other tools would build an object from it); remove it, or quote the value to keep it as text"
    );
    let ours = "stage: new\nnotes: x";
    let m = crm::ops::merge::merge("title: A\n", ours, "", path).unwrap();
    assert_eq!(
        m.text,
        "<<<<<<< ours\nstage: new\nnotes: x\n=======\n>>>>>>> theirs\n"
    );
}

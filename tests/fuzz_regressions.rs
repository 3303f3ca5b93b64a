//! Every input a fuzzer once failed on (`tests/fuzz/<target>-<what>.*`), run through
//! the same checks as the fuzz target (`fuzz/`, see the README's "Fuzzing").

#[path = "fuzz/properties.rs"]
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
            _ => continue,
        };
        check(&data);
        ran.push(name);
    }
    assert_eq!(ran, ["record_loader-budget-000.yaml"]);
}

/// The first finding: `budget: 000` reads as the text "000", which is a valid amount;
/// crm writes it as the number 0, and that is a fixed point.
#[test]
fn an_amount_with_leading_zeros_is_written_as_a_number() {
    let rel = std::path::Path::new("campaigns/a.yaml");
    let r = crm::store::load::parse_record(
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

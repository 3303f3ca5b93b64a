//! See `vcard_reader` in tests/fuzz/properties.rs for what this target checks.
#![no_main]

#[path = "../../tests/fuzz/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::vcard_reader(data));

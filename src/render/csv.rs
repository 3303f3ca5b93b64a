//! CSV (RFC 4180, through the csv crate): a header row unless asked not to, cells guarded
//! against spreadsheet formulas unless raw.

use std::io::{self, Write};

use super::cell::{guarded, RowOptions};

pub fn write(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    opts: RowOptions,
) -> io::Result<()> {
    let cell = |i: usize, c: &str| guarded(header, opts, i, c);
    let mut w = csv::Writer::from_writer(out);
    if opts.header {
        w.write_record(header)?;
    }
    for row in rows {
        w.write_record(row.iter().enumerate().map(|(i, c)| cell(i, c)))?;
    }
    w.flush()
}

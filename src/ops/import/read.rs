//! Reading the input: csv, tsv, json or jsonl rows as text cells, each with its line.

use super::{DataFormat, ImportOptions};
use crate::error::{ImportErrors, RowError};

/// One value from the input.
#[derive(Debug, Clone)]
pub(super) enum In {
    Text(String),
    Json(serde_json::Value),
}

#[derive(Debug)]
pub(super) struct Row {
    pub(super) line: usize,
    /// (column number, header, value)
    pub(super) cells: Vec<(usize, String, In)>,
    /// For a vCard, the line of each cell's property (its "column" is its place here);
    /// empty for rows whose cells are columns of one line.
    pub(super) lines: Vec<usize>,
}

impl Row {
    /// Where a problem in the cell at `column` is: the row's line and that column, or
    /// for a vCard the line of the property and its first column.
    pub(super) fn at(&self, column: usize) -> (usize, usize) {
        match column.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(line) => (*line, 1),
            None if self.lines.is_empty() => (self.line, column),
            None => (self.line, 1),
        }
    }
}

fn input_error(source: &str, line: usize, message: impl Into<String>) -> ImportErrors {
    ImportErrors {
        source: source.to_string(),
        errors: vec![RowError {
            line,
            column: 1,
            message: message.into(),
        }],
    }
}

/// UTF-8 text, without a byte order mark; anything else is an error naming the line.
pub(super) fn decode<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, ImportErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(input_error(
            source,
            1,
            "this is a zip archive (a spreadsheet such as .xlsx?), not text; save it as CSV and import that",
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(input_error(
            source,
            line,
            "this line holds binary data (a NUL byte), not text; save the file as CSV, TSV or JSON and import that",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        input_error(
            source,
            line,
            "this line is not UTF-8 text; save the file as UTF-8 and import it again",
        )
    })
}

/// The 1-based line of byte offsets that mostly move forward: newlines are counted from
/// the last offset asked for, not from the start.
#[derive(Default)]
struct LineCounter {
    pub(super) at: usize,
    pub(super) newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], at: usize) -> usize {
        if at < self.at {
            *self = LineCounter::default();
        }
        self.newlines += bytes[self.at..at].iter().filter(|b| **b == b'\n').count();
        self.at = at;
        self.newlines + 1
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "CSV, TSV, JSON and JSON Lines rows read with their positions"
)]
pub(super) fn read_rows(text: &str, opts: &ImportOptions) -> Result<Vec<Row>, ImportErrors> {
    if matches!(opts.format, DataFormat::Json | DataFormat::Jsonl) {
        if let Some((line, column)) = crate::model::nesting::too_deep(text.as_bytes()) {
            return Err(ImportErrors {
                source: opts.source.clone(),
                errors: vec![RowError {
                    line,
                    column,
                    message: crate::model::nesting::too_deep_message(),
                }],
            });
        }
    }
    match opts.format {
        DataFormat::Csv | DataFormat::Tsv => {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(if opts.format == DataFormat::Tsv {
                    b'\t'
                } else {
                    b','
                })
                .flexible(true)
                // TSV has no quoting: its cells escape tabs and line breaks (as crm
                // writes them: see render::tsv::tsv_escape).
                .quoting(opts.format != DataFormat::Tsv)
                .from_reader(text.as_bytes());
            let tsv = opts.format == DataFormat::Tsv;
            let headers: Vec<String> = r
                .headers()
                .map_err(|e| {
                    input_error(&opts.source, 1, format!("cannot read the header row: {e}"))
                })?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let mut rows = Vec::new();
            let mut ragged = Vec::new();
            // Lines counted from the byte offset: the csv crate's own count is one short
            // after CRLF line ends (a record then starts at the `\n` of the CRLF before
            // it). Counted on from the previous row, as rows only move forward: counting
            // from the start each time made 20,000 rows take 5 s.
            let mut lines = LineCounter::default();
            for rec in r.records() {
                let mut line_at = |p: Option<&csv::Position>| {
                    p.map_or(0, |p| {
                        let bytes = text.as_bytes();
                        let mut at = (p.byte() as usize).min(bytes.len());
                        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                            at += 1;
                        }
                        lines.line_at(bytes, at)
                    })
                };
                let rec = rec.map_err(|e| {
                    let line = line_at(e.position());
                    input_error(&opts.source, line, format!("cannot read this row: {e}"))
                })?;
                let line = line_at(rec.position());
                // A row with more or fewer cells than the header has its cells under the
                // wrong columns, or lost some: refused, never guessed at.
                if rec.len() != headers.len() {
                    let (column, what) = if rec.len() < headers.len() {
                        (rec.len() + 1, "too few")
                    } else {
                        (headers.len() + 1, "too many")
                    };
                    ragged.push(RowError {
                        line,
                        column,
                        message: format!(
                            "this row has {} cells, the header has {}: {what} cells (quote cells that hold the delimiter)",
                            rec.len(),
                            headers.len()
                        ),
                    });
                    continue;
                }
                let cells = rec
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        headers.get(i).map(|h| {
                            let v = if tsv {
                                crate::render::tsv::tsv_unescape(v)
                            } else {
                                v.to_string()
                            };
                            (i + 1, h.clone(), In::Text(v))
                        })
                    })
                    .collect();
                rows.push(Row {
                    line,
                    cells,
                    lines: Vec::new(),
                });
            }
            if !ragged.is_empty() {
                return Err(ImportErrors {
                    source: opts.source.clone(),
                    errors: ragged,
                });
            }
            Ok(rows)
        }
        DataFormat::Json => {
            let items: Vec<&serde_json::value::RawValue> =
                serde_json::from_str(text).map_err(|e| {
                    input_error(
                        &opts.source,
                        e.line(),
                        format!("not a JSON array of objects: {e}"),
                    )
                })?;
            let mut lines = LineCounter::default();
            items
                .into_iter()
                .map(|raw| {
                    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    let line = lines.line_at(text.as_bytes(), offset);
                    let value: serde_json::Value = serde_json::from_str(raw.get())
                        .map_err(|e| input_error(&opts.source, line, e.to_string()))?;
                    json_row(value, line, &opts.source)
                })
                .collect()
        }
        DataFormat::Vcf => super::vcard::read_rows(text, &opts.source),
        DataFormat::Table
        | DataFormat::Yaml
        | DataFormat::Ids
        | DataFormat::Markdown
        | DataFormat::Text
        | DataFormat::Github
        | DataFormat::Html
        | DataFormat::Ics
        | DataFormat::Sqlite
        | DataFormat::Parquet => Err(input_error(
            &opts.source,
            1,
            format!("rows are not read as {}", opts.format),
        )),
        DataFormat::Jsonl => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let value: serde_json::Value = serde_json::from_str(l).map_err(|e| {
                    input_error(&opts.source, i + 1, format!("not a JSON object: {e}"))
                })?;
                json_row(value, i + 1, &opts.source)
            })
            .collect(),
    }
}

fn json_row(value: serde_json::Value, line: usize, source: &str) -> Result<Row, ImportErrors> {
    let serde_json::Value::Object(obj) = value else {
        return Err(input_error(
            source,
            line,
            "expected a JSON object for each record",
        ));
    };
    Ok(Row {
        line,
        cells: obj.into_iter().map(|(k, v)| (1, k, In::Json(v))).collect(),
        lines: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::LineCounter;

    #[test]
    fn lines_are_counted_on_and_back() {
        let text = b"a\nb\r\nc\nd";
        let mut l = LineCounter::default();
        assert_eq!(l.line_at(text, 0), 1);
        assert_eq!(l.line_at(text, 2), 2);
        assert_eq!(l.line_at(text, 5), 3);
        assert_eq!(l.line_at(text, 8), 4);
        // Back to an earlier offset: counted again from the start.
        assert_eq!(l.line_at(text, 3), 2);
    }
}

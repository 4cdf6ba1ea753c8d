//! Staff exports of the facility directory as CSV (UTF-8 with BOM, `;`, so Italian Excel
//! opens it as is) and XLSX. One table, two encodings. Text cells that a spreadsheet would
//! run as a formula are neutralised with a leading apostrophe.

use domain::AppError;
use types::directory::{accreditation_key, area_key, setting_key, StaffFacilityOut};
use types::i18n::t;
use types::Lang;

/// A cell: numbers stay numbers in XLSX.
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn num(n: Option<impl Into<f64>>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Number(n.into()))
}

const COLUMNS: [&str; 24] = [
    "export.id",
    "field.name",
    "field.facility_type",
    "field.area",
    "field.setting",
    "field.organization",
    "field.address",
    "field.postal_code",
    "field.comune",
    "export.istat",
    "field.latitude",
    "field.longitude",
    "field.places_authorised",
    "field.places_accredited",
    "field.places_free",
    "field.accreditation",
    "field.phone",
    "field.email",
    "field.website",
    "field.status",
    "facilities.stale",
    "facilities.verified_at",
    "facilities.kept_by",
    "facilities.source",
];

/// Header and rows of the export, in `lang`.
pub fn table(rows: &[StaffFacilityOut], lang: Lang) -> (Vec<String>, Vec<Vec<Cell>>) {
    let header = COLUMNS.iter().map(|k| t(lang, k)).collect();
    let yes_no = |b: bool| t(lang, if b { "common.yes" } else { "common.no" });
    let body = rows
        .iter()
        .map(|s| {
            let f = &s.facility;
            let status = if s.archived {
                "facilities.status.archived"
            } else if s.published {
                "facilities.status.published"
            } else {
                "facilities.status.draft"
            };
            vec![
                Cell::Number(f.id.0 as f64),
                text(&f.name),
                text(&f.facility_type.label),
                text(f.areas.iter().map(|a| t(lang, &area_key(a))).collect::<Vec<_>>().join(", ")),
                text(t(lang, &setting_key(&f.setting))),
                opt(f.organization.as_ref().map(|o| o.name.clone())),
                text(&f.address),
                opt(f.postal_code.clone()),
                text(&f.comune.name),
                text(&f.comune.istat_code),
                num(f.latitude),
                num(f.longitude),
                num(f.places.authorised),
                num(f.places.accredited),
                num(f.places.free),
                opt(f.accreditation.as_deref().map(|a| t(lang, &accreditation_key(a)))),
                opt(f.phone.clone()),
                opt(f.email.clone()),
                opt(f.website.clone()),
                text(t(lang, status)),
                text(yes_no(s.stale)),
                opt(f.verified_at.as_ref().map(|v| v.chars().take(10).collect())),
                text(&f.tenant.name),
                opt(s.source_key.clone()),
            ]
        })
        .collect();
    (header, body)
}

/// A text cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`) gets a leading `'`.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        let fail = |e: csv::Error| AppError::Internal(format!("csv export: {e}"));
        w.write_record(header).map_err(fail)?;
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => defuse(s),
                    // Decimal comma, as an Italian spreadsheet expects.
                    Cell::Number(n) => n.to_string().replace('.', ","),
                    Cell::Empty => String::new(),
                })
                .collect();
            w.write_record(&cells).map_err(fail)?;
        }
        w.flush().map_err(|e| AppError::Internal(format!("csv export: {e}")))?;
    }
    Ok(out)
}

pub fn to_xlsx(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx export: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold).map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, c as u16, s).map_err(fail)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c as u16, *n).map_err(fail)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    sheet.autofilter(0, 0, rows.len() as u32, header.len().saturating_sub(1) as u16).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_use_commas() {
        let rows = vec![vec![text("=HYPERLINK(\"x\")"), Cell::Number(45.5), Cell::Empty]];
        let csv = to_csv(&["a".into(), "b".into(), "c".into()], &rows).unwrap_or_default();
        let s = String::from_utf8_lossy(&csv);
        assert!(s.contains("'=HYPERLINK"), "{s}");
        assert!(s.contains(";\"45,5\";") || s.contains(";45,5;"), "{s}");
        let xlsx = to_xlsx(&["a".into(), "b".into(), "c".into()], &rows).unwrap_or_default();
        assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    }
}

//! Export of the current view (its filter, sort and chosen columns) as CSV or JSON. It fetches
//! every matching row, 1,000 per request, with the same list request the table uses.

use super::columns::{csv_field, Row};
use super::query::{EntityDesc, ListQuery};
use crate::api::{requests, Api, ApiError};
use crate::components::download::save_text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// More rows than this is a job for the bulk API, not for a browser tab.
const MAX_ROWS: u64 = 100_000;

/// Fetches every row of the view and saves the file; returns how many rows went in.
pub async fn export_view(
    api: Api,
    desc: &'static EntityDesc,
    query: ListQuery,
    visible: Vec<usize>,
    format: ExportFormat,
) -> Result<usize, ApiError> {
    let mut rows: Vec<Row> = Vec::new();
    let mut page = 1;
    loop {
        let spec = requests::list(
            desc.entity,
            &query.filter,
            &query.sort.to_string(),
            page,
            1000,
        );
        let body = api.text(&spec, None).await?;
        let data = (desc.decode)(&body).map_err(ApiError::Decode)?;
        let got = data.rows.len();
        rows.extend(data.rows);
        if got == 0 || rows.len() as u64 >= data.count.min(MAX_ROWS) {
            break;
        }
        page += 1;
    }
    let (text, mime, ext) = match format {
        ExportFormat::Csv => (
            to_csv(desc, &visible, &rows),
            "text/csv;charset=utf-8",
            "csv",
        ),
        ExportFormat::Json => (to_json(desc, &visible, &rows), "application/json", "json"),
    };
    let day = crate::format::exact_utc(js_sys::Date::now() as i64);
    let name = format!(
        "shipshape-{}-{}.{ext}",
        desc.entity,
        day.get(0..10).unwrap_or("export")
    );
    save_text(&name, mime, &text).map_err(ApiError::Network)?;
    Ok(rows.len())
}

fn to_csv(desc: &EntityDesc, visible: &[usize], rows: &[Row]) -> String {
    let mut out = String::new();
    let Some(first) = rows.first() else {
        let header: Vec<String> = visible
            .iter()
            .map(|&i| csv_field(desc.columns[i].label))
            .collect();
        return header.join(",") + "\r\n";
    };
    let header: Vec<String> = visible
        .iter()
        .flat_map(|&i| first.cells[i].export_headers(desc.columns[i].label))
        .map(|h| csv_field(&h))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = visible
            .iter()
            .flat_map(|&i| row.cells[i].export_fields())
            .map(|f| csv_field(&f))
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn to_json(desc: &EntityDesc, visible: &[usize], rows: &[Row]) -> String {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let mut m = serde_json::Map::new();
            for &i in visible {
                m.insert(
                    desc.columns[i].label.to_string(),
                    row.cells[i].export_json(),
                );
            }
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}

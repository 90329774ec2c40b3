//! Table widgets: the first rows of a list with the widget's columns. A row opens its detail
//! page; dates read relative to now; a column of a nested token lists each distinct value.

use super::body::empty_view;
use super::figures::parse_answer;
use crate::components::list::query::url_value;
use crate::components::reltime::RelTime;
use crate::navigation::use_navigator;
use leptos::prelude::*;
use serde_json::Value;
use shipshape_model::{Widget, WidgetEntity};
use shipshape_qql::TokenType;
use wasm_bindgen::JsCast;

pub fn table_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let v: Value = parse_answer(body)?;
    let rows = v
        .get("data")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    let columns = w.columns.clone().unwrap_or_default();
    let entity = w.entity.qql();
    if rows.is_empty() {
        return Ok(empty_view(w));
    }
    let key_field = if w.entity == WidgetEntity::Sensor {
        "uuid"
    } else {
        "sha"
    };
    let plural = w.entity.plural();
    let head = columns
        .iter()
        .map(|c| view! { <th scope="col">{column_label(c)}</th> })
        .collect_view();
    let nav = use_navigator();
    let body_rows = rows
        .iter()
        .map(|row| {
            let key = row.get(key_field).and_then(|k| k.as_str()).unwrap_or("");
            let href = format!("/{plural}/{}", url_value(key));
            let cells = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let values = token_values(row, c);
                    let date = matches!(
                        shipshape_qql::lookup(entity, c).map(|t| t.ty),
                        Some(TokenType::Date)
                    );
                    let content = if date {
                        view! { <RelTime ms=epoch_ms(&values) /> }.into_any()
                    } else {
                        cell_text(&values).into_any()
                    };
                    if i == 0 {
                        view! { <td><a href=href.clone()>{content}</a></td> }.into_any()
                    } else {
                        view! { <td>{content}</td> }.into_any()
                    }
                })
                .collect_view();
            let go = href.clone();
            view! {
                <tr class="clickable" on:click=move |ev| {
                    let on_link = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("a").ok().flatten())
                        .is_some();
                    if !on_link { nav.push(&go) }
                }>{cells}</tr>
            }
        })
        .collect_view();
    Ok(view! {
        <div class="widget-table-wrap">
            <table class="widget-table" data-testid="widget-table">
                <thead><tr>{head}</tr></thead>
                <tbody>{body_rows}</tbody>
            </table>
        </div>
    }
    .into_any())
}

/// A dotted token's values in a JSON row (`repo.tag` → every `repo[].tag`), nulls left out.
fn token_values(row: &Value, token: &str) -> Vec<Value> {
    let flatten = |v: Value| match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut values = vec![row.clone()];
    for part in token.split('.') {
        values = values
            .into_iter()
            .flat_map(flatten)
            .filter_map(|v| v.get(part).cloned())
            .collect();
    }
    values
        .into_iter()
        .flat_map(flatten)
        .filter(|v| !v.is_null())
        .collect()
}

/// A column's heading from its token: `associatedContainersCount` → "Associated containers count".
fn column_label(token: &str) -> String {
    let last = token.rsplit('.').next().unwrap_or(token);
    let mut out = String::new();
    for (i, c) in last.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A cell's text: each distinct value once, in order, counts with thousands separators; "—"
/// for none.
fn cell_text(values: &[Value]) -> String {
    let mut seen = Vec::new();
    for v in values {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n
                .as_u64()
                .map(crate::format::thousands)
                .unwrap_or_else(|| n.to_string()),
            other => other.to_string(),
        };
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    if seen.is_empty() {
        "—".to_string()
    } else {
        seen.join(", ")
    }
}

/// A date cell's instant: epoch milliseconds, as a number or as the API's string form.
fn epoch_ms(values: &[Value]) -> Option<i64> {
    values.first().and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_tokens_reach_into_lists() {
        let row = json!({"repo": [{"tag": "1"}, {"tag": "2"}, {"tag": null}], "size": 5});
        assert_eq!(token_values(&row, "repo.tag"), vec![json!("1"), json!("2")]);
        assert_eq!(token_values(&row, "size"), vec![json!(5)]);
        assert!(token_values(&row, "nope.x").is_empty());
        // A list at the end is its items.
        let row = json!({"labels": {"names": ["a", "b"]}});
        assert_eq!(
            token_values(&row, "labels.names"),
            vec![json!("a"), json!("b")]
        );
    }

    #[test]
    fn headings_are_sentences_of_the_tokens_last_part() {
        assert_eq!(
            column_label("associatedContainersCount"),
            "Associated containers count"
        );
        assert_eq!(column_label("repo.tag"), "Tag");
        assert_eq!(column_label("name"), "Name");
    }

    #[test]
    fn a_cell_lists_each_distinct_value_once() {
        assert_eq!(
            cell_text(&[json!("debian"), json!("alpine"), json!("debian")]),
            "debian, alpine"
        );
        assert_eq!(cell_text(&[json!(1234567)]), "1,234,567");
        assert_eq!(
            cell_text(&[json!(-3), json!(1.5), json!(true)]),
            "-3, 1.5, true"
        );
        assert_eq!(cell_text(&[]), "—");
    }

    #[test]
    fn a_date_cell_reads_milliseconds_as_a_number_or_a_string() {
        assert_eq!(
            epoch_ms(&[json!(1_700_000_000_000_i64)]),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            epoch_ms(&[json!("1700000000000"), json!(5)]),
            Some(1_700_000_000_000)
        );
        assert_eq!(epoch_ms(&[json!("yesterday")]), None);
        assert_eq!(epoch_ms(&[]), None);
    }
}

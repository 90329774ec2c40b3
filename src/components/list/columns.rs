//! Table columns and cells. Each entity turns its rows into `Cell`s once; the table draws them
//! and the exports write them, so the screen and the files agree.

use crate::components::reltime::RelTime;
use crate::components::severity::SeverityBadges;
use crate::format;
use leptos::prelude::*;
use serde_json::{json, Value};
use shipshape_model::severity::severity_label;
use shipshape_model::SeverityCounts;

/// A column of an entity's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnMeta {
    /// Stable id, used in the URL's `columns=` list.
    pub id: &'static str,
    pub label: &'static str,
    /// The QQL token to sort by, when the column is sortable.
    pub sort: Option<&'static str>,
    /// Numbers are right-aligned with tabular figures.
    pub numeric: bool,
    /// Shown when the URL does not choose columns.
    pub default_visible: bool,
}

impl ColumnMeta {
    pub const fn new(id: &'static str, label: &'static str) -> Self {
        Self {
            id,
            label,
            sort: None,
            numeric: false,
            default_visible: true,
        }
    }
    pub const fn sort(mut self, token: &'static str) -> Self {
        self.sort = Some(token);
        self
    }
    pub const fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }
    pub const fn hidden(mut self) -> Self {
        self.default_visible = false;
        self
    }
}

/// One value in one row, with what it means (so it can be drawn and exported properly).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(Option<String>),
    /// Ids and hashes, in a monospace face.
    Mono(Option<String>),
    /// The row's name, with an optional badge next to it (such as "Update available").
    Name(String, Option<&'static str>),
    Time(Option<i64>),
    Count(u64),
    Bytes(i64),
    Severity(SeverityCounts),
    /// An enumerated state (RUNNING, STOPPED, …) drawn as a pill.
    State(String),
    List(Vec<String>),
    Flag(bool),
}

impl Cell {
    pub fn text(s: &Option<String>) -> Cell {
        Cell::Text(s.clone())
    }

    pub fn view(&self) -> AnyView {
        match self {
            Cell::Text(Some(s)) => view! { <span title=s.clone()>{s.clone()}</span> }.into_any(),
            Cell::Mono(Some(s)) => view! { <code class="mono">{s.clone()}</code> }.into_any(),
            Cell::Text(None) | Cell::Mono(None) => view! { <span class="muted">"—"</span> }.into_any(),
            Cell::Name(name, badge) => view! {
                <span class="name" title=name.clone()>{name.clone()}</span>
                {badge.map(|b| view! { <span class="badge badge-accent" data-testid="update-badge">{b}</span> })}
            }
            .into_any(),
            Cell::Time(ms) => view! { <RelTime ms=*ms /> }.into_any(),
            Cell::Count(n) => format::thousands(*n).into_any(),
            Cell::Bytes(n) => view! { <span title=format!("{n} bytes")>{format::bytes(*n)}</span> }.into_any(),
            Cell::Severity(c) => view! { <SeverityBadges counts=*c /> }.into_any(),
            Cell::State(s) => view! { <span class=format!("pill pill-{}", s.to_ascii_lowercase())>{s.clone()}</span> }.into_any(),
            Cell::List(items) => {
                let first = items.first().cloned();
                let more = items.len().saturating_sub(1);
                let title = items.join("\n");
                match first {
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                    Some(f) => view! {
                        <span title=title>
                            {f}
                            {(more > 0).then(|| view! { <span class="more">{format!(" +{more}")}</span> })}
                        </span>
                    }
                    .into_any(),
                }
            }
            Cell::Flag(b) => (if *b { "Yes" } else { "No" }).into_any(),
        }
    }

    /// CSV headers for this column: severity counts take one column per severity label.
    pub fn export_headers(&self, label: &str) -> Vec<String> {
        match self {
            Cell::Severity(_) => (1..=5u8)
                .rev()
                .map(|s| format!("{label} {}", severity_label(s)))
                .collect(),
            _ => vec![label.to_string()],
        }
    }

    /// CSV fields, matching `export_headers`.
    pub fn export_fields(&self) -> Vec<String> {
        match self {
            Cell::Text(s) | Cell::Mono(s) => vec![s.clone().unwrap_or_default()],
            Cell::Name(n, _) => vec![n.clone()],
            Cell::Time(ms) => vec![ms.map(format::exact_utc).unwrap_or_default()],
            Cell::Count(n) => vec![n.to_string()],
            Cell::Bytes(n) => vec![n.to_string()],
            Cell::Severity(c) => c.as_array().iter().rev().map(|n| n.to_string()).collect(),
            Cell::State(s) => vec![s.clone()],
            Cell::List(items) => vec![items.join("; ")],
            Cell::Flag(b) => vec![if *b { "Yes" } else { "No" }.to_string()],
        }
    }

    /// The JSON export's value (severity counts keyed by their on-screen labels).
    pub fn export_json(&self) -> Value {
        match self {
            Cell::Text(s) | Cell::Mono(s) => json!(s),
            Cell::Name(n, badge) => match badge {
                Some(b) => json!({ "name": n, "badge": b }),
                None => json!(n),
            },
            Cell::Time(ms) => json!(ms.map(format::exact_utc)),
            Cell::Count(n) => json!(n),
            Cell::Bytes(n) => json!(n),
            Cell::Severity(c) => {
                let a = c.as_array();
                let mut m = serde_json::Map::new();
                for s in (1..=5u8).rev() {
                    m.insert(severity_label(s).to_string(), json!(a[usize::from(s) - 1]));
                }
                Value::Object(m)
            }
            Cell::State(s) => json!(s),
            Cell::List(items) => json!(items),
            Cell::Flag(b) => json!(b),
        }
    }
}

/// A list row as the table needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The id the delete endpoint takes.
    pub key: String,
    /// The detail view's URL.
    pub href: String,
    /// One cell per column of the entity, in column order.
    pub cells: Vec<Cell>,
}

/// The Columns menu: a checkbox per column of the entity, ticked while it shows. A click hands
/// `on_choose` the ids to show from then on, in the entity's column order whatever the click
/// order (the URL's `columns=`).
#[component]
pub fn ColumnChooser(
    columns: &'static [ColumnMeta],
    #[prop(into)] visible: Signal<Vec<usize>>,
    on_choose: Callback<Vec<String>>,
) -> impl IntoView {
    move || {
        let vis = visible.get();
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let on = vis.contains(&i);
                view! {
                    <label class="check-label">
                        <input
                            type="checkbox"
                            data-testid=format!("column-{}", c.id)
                            prop:checked=on
                            on:change=move |_| {
                                let mut ids: Vec<String> = visible
                                    .get_untracked()
                                    .into_iter()
                                    .map(|j| columns[j].id.to_string())
                                    .collect();
                                if on {
                                    ids.retain(|id| id != c.id);
                                } else {
                                    ids.push(c.id.to_string());
                                }
                                // Keep the entity's column order whatever the click order.
                                let ordered: Vec<String> = columns
                                    .iter()
                                    .filter(|col| ids.iter().any(|id| id == col.id))
                                    .map(|col| col.id.to_string())
                                    .collect();
                                on_choose.run(ordered);
                            }
                        />
                        {c.label}
                    </label>
                }
            })
            .collect_view()
    }
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_exports_use_the_on_screen_labels() {
        let c = Cell::Severity(SeverityCounts::from_array([1, 2, 3, 4, 5]));
        assert_eq!(c.export_headers("Vulns")[0], "Vulns Critical");
        assert_eq!(c.export_fields()[0], "5");
        assert_eq!(c.export_json()["Critical"], 5);
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}

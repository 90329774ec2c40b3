//! Audit log: every change made through the API or the console, as a list with the asset tabs'
//! conventions — QQL over the entry's fields, sort, paging, URL state, export and the API
//! request panel. Administrators only.

use crate::components::list::columns::{Cell, ColumnMeta, Row};
use crate::components::list::list_page;
use crate::components::list::query::{decode_list, EntityDesc, ListData};
use leptos::prelude::*;
use serde_json::Value;
use shipshape_model::audit::AuditRecord;

const COLUMNS: &[ColumnMeta] = &[
    ColumnMeta::new("at", "When").sort("at"),
    ColumnMeta::new("actor", "Who").sort("actor"),
    ColumnMeta::new("action", "What").sort("action"),
    ColumnMeta::new("status", "Status").sort("status"),
    ColumnMeta::new("summary", "Change"),
    ColumnMeta::new("details", "Details (JSON)").hidden(),
    ColumnMeta::new("completed", "Completed").hidden(),
];

/// Leaf values of a JSON object by dotted path (`rules.containers.days`).
fn leaves(v: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                leaves(x, &path, out);
            }
        }
        other => out.push((at.to_string(), other.clone())),
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// One line saying what an entry changed: the fields that differ between `before` and
/// `after`, or what a deletion or purge selected and removed.
pub fn summary(details: &Value) -> String {
    if let (Some(before), Some(after)) = (details.get("before"), details.get("after")) {
        let name = after
            .get("profileName")
            .or_else(|| before.get("profileName"))
            .and_then(Value::as_str);
        let prefix = name.map(|n| format!("{n}: ")).unwrap_or_default();
        if before.is_null() {
            return format!("{prefix}created");
        }
        if after.is_null() {
            return format!("{prefix}deleted");
        }
        let (mut b, mut a) = (Vec::new(), Vec::new());
        leaves(before, "", &mut b);
        leaves(after, "", &mut a);
        let mut changes: Vec<String> = a
            .iter()
            .filter(|(k, v)| b.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv) != Some(v))
            .map(|(k, v)| {
                let old = b
                    .iter()
                    .find(|(bk, _)| bk == k)
                    .map(|(_, bv)| short(bv))
                    .unwrap_or_else(|| "none".into());
                format!("{k} {old} → {}", short(v))
            })
            .collect();
        changes.extend(
            b.iter()
                .filter(|(k, _)| !a.iter().any(|(ak, _)| ak == k))
                .map(|(k, v)| format!("{k} {} → none", short(v))),
        );
        let n = changes.len();
        changes.truncate(3);
        let more = if n > 3 {
            format!(" and {} more", n - 3)
        } else {
            String::new()
        };
        return match n {
            0 => format!("{prefix}saved unchanged"),
            _ => format!("{prefix}{}{more}", changes.join("; ")),
        };
    }
    let mut parts = Vec::new();
    if let Some(f) = details.get("filter").and_then(Value::as_str) {
        parts.push(format!("filter {f}"));
    }
    if let Some(ids) = details.get("ids").and_then(Value::as_array) {
        parts.push(format!("{} ids", ids.len()));
    }
    if let Some(t) = details.get("trigger").and_then(Value::as_str) {
        parts.push(format!("by {t}"));
    }
    match details.get("deleted") {
        Some(Value::Object(m)) => {
            let counts: Vec<String> = m.iter().map(|(k, v)| format!("{v} {k}")).collect();
            parts.push(format!("deleted {}", counts.join(", ")));
        }
        Some(v @ Value::Number(_)) => parts.push(format!("deleted {v}")),
        _ => {}
    }
    parts.join("; ")
}

fn to_row(e: &AuditRecord) -> Row {
    Row {
        key: e.id.to_string(),
        href: String::new(),
        cells: vec![
            Cell::Time(Some(e.at)),
            Cell::Text(Some(e.actor.clone())),
            Cell::Mono(Some(e.action.clone())),
            Cell::Text(e.status.clone()),
            Cell::Text(Some(summary(&e.details))),
            Cell::Mono(Some(e.details.to_string())),
            Cell::Time(e.completed),
        ],
    }
}

fn decode(body: &str) -> Result<ListData, String> {
    decode_list::<AuditRecord>(body, to_row)
}

pub static AUDIT: EntityDesc = EntityDesc {
    entity: "audit",
    title: "Audit log",
    noun: "entries",
    delete_field: "",
    columns: COLUMNS,
    decode,
    example_filter: "action:SETTINGS_DATA_RETENTION and at>now-7d",
    chips: &[],
    default_sort: "at:desc",
    deletable: false,
    actions: None,
};

#[component]
pub fn AuditPage() -> impl IntoView {
    list_page(&AUDIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_summary_says_what_changed() {
        let d = json!({ "before": { "enabled": false, "rules": { "containers": { "days": 365 } } },
                        "after": { "enabled": true, "rules": { "containers": { "days": 7 } } } });
        assert_eq!(
            summary(&d),
            "enabled false → true; rules.containers.days 365 → 7"
        );
        let created = json!({ "before": null, "after": { "profileName": "Night" } });
        assert_eq!(summary(&created), "Night: created");
        let purge = json!({ "trigger": "schedule", "deleted": { "containers": 3, "images": 1 } });
        assert_eq!(
            summary(&purge),
            "by schedule; deleted 3 containers, 1 images"
        );
        let delete = json!({ "filter": "state:STOPPED", "deleted": 12 });
        assert_eq!(summary(&delete), "filter state:STOPPED; deleted 12");
    }
}

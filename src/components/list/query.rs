//! A list view's state as it lives in the URL, in the API's own parameter names:
//! `?filter=…&sort=created:desc&pageNumber=2&pageSize=50&columns=…&selected=…`.

use super::columns::{ColumnMeta, Row};
use crate::api::requests;
use leptos_router::params::ParamsMap;
use shipshape_model::{PageSize, RequestSpec, SortOrder, SortSpec};
use shipshape_qql::{lookup, Entity, TokenType};

/// What an entity's list needs to know about it.
pub struct EntityDesc {
    /// API path segment and console route: `sensors`, `images`, `containers`.
    pub entity: &'static str,
    pub title: &'static str,
    /// Plural noun for counts and empty states.
    pub noun: &'static str,
    /// The delete body's field: `sensorIds`, `imageIds`, `containerIds`.
    pub delete_field: &'static str,
    pub columns: &'static [ColumnMeta],
    /// Body of a list answer → total count and rows.
    pub decode: fn(&str) -> Result<ListData, String>,
    /// An example filter for the search field's placeholder.
    pub example_filter: &'static str,
    /// Quick filters shown under the search bar as toggles with their counts: (label, QQL).
    pub chips: &'static [(&'static str, &'static str)],
    /// The sort when the URL names none (`created:desc` for assets).
    pub default_sort: &'static str,
    /// Rows can be selected and deleted (the assets; not the audit log).
    pub deletable: bool,
    /// More toolbar actions (the Images tab's "Import report"); the callback reloads the list.
    pub actions: Option<fn(leptos::prelude::Callback<()>) -> leptos::prelude::AnyView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListData {
    pub count: u64,
    pub rows: Vec<Row>,
}

/// Decodes `{"count", "data"}` of `T` and turns each row into table cells.
pub fn decode_list<T: serde::de::DeserializeOwned>(
    body: &str,
    to_row: fn(&T) -> Row,
) -> Result<ListData, String> {
    let list: shipshape_model::ListResponse<T> =
        serde_json::from_str(body).map_err(|e| e.to_string())?;
    Ok(ListData {
        count: list.count,
        rows: list.data.iter().map(to_row).collect(),
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    pub filter: String,
    pub sort: SortSpec,
    pub page: u32,
    pub size: u32,
    /// Chosen column ids; `None` means the entity's defaults.
    pub columns: Option<Vec<String>>,
    /// Rows ticked for bulk actions (their keys).
    pub selected: Vec<String>,
    /// The "Show API request" panel is open.
    pub request_open: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filter: String::new(),
            sort: SortSpec::default_created(),
            page: 1,
            size: PageSize::DEFAULT.get(),
            columns: None,
            selected: Vec::new(),
            request_open: false,
        }
    }
}

impl ListQuery {
    pub fn from_params(p: &ParamsMap) -> Self {
        Self::from_lookup(|name| p.get(name))
    }

    /// Reads the state through `get(name)` (a plain function, so that it is testable off the
    /// browser: leptos_router's `ParamsMap` decodes through JavaScript).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let p = Getter(get);
        let d = Self::default();
        let list = |name: &str| {
            p.get(name).map(|v| {
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
        };
        Self {
            filter: p.get("filter").unwrap_or_default(),
            sort: p.get("sort").and_then(|s| s.parse().ok()).unwrap_or(d.sort),
            page: p
                .get("pageNumber")
                .or_else(|| p.get("pageNo"))
                .and_then(|s| s.parse::<u32>().ok())
                .map(|n| n.max(1))
                .unwrap_or(1),
            size: p
                .get("pageSize")
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|n| PageSize::try_from(n).ok())
                .map(|s| s.get())
                .unwrap_or(d.size),
            columns: list("columns"),
            selected: list("selected").unwrap_or_default(),
            request_open: p.get("request").as_deref() == Some("open"),
        }
    }

    /// The console URL's query (without `?`); defaults are written too where they make the
    /// link say what it shows (`sort`, `pageSize`).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.filter.is_empty() {
            pairs.push(("filter", self.filter.clone()));
        }
        pairs.push(("sort", self.sort.to_string()));
        pairs.push(("pageNumber", self.page.to_string()));
        pairs.push(("pageSize", self.size.to_string()));
        if let Some(c) = &self.columns {
            pairs.push(("columns", c.join(",")));
        }
        if !self.selected.is_empty() {
            pairs.push(("selected", self.selected.join(",")));
        }
        if self.request_open {
            pairs.push(("request", "open".into()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", url_value(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The API request behind the view (the panel prints exactly this).
    pub fn request(&self, desc: &EntityDesc) -> RequestSpec {
        requests::list(
            desc.entity,
            &self.filter,
            &self.sort.to_string(),
            self.page,
            self.size,
        )
    }

    /// Indices of the visible columns, in the entity's column order.
    pub fn visible(&self, columns: &[ColumnMeta]) -> Vec<usize> {
        let chosen: Vec<usize> = match &self.columns {
            Some(ids) => columns
                .iter()
                .enumerate()
                .filter(|(_, c)| ids.iter().any(|id| id == c.id))
                .map(|(i, _)| i)
                .collect(),
            None => Vec::new(),
        };
        if chosen.is_empty() {
            columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.default_visible)
                .map(|(i, _)| i)
                .collect()
        } else {
            chosen
        }
    }

    /// Clicking a sortable header of `entity`'s list: the same column flips order, another
    /// starts descending for times (the QQL catalogue's dates) and numbers (newest/biggest
    /// first) and ascending for text.
    pub fn toggled_sort(&self, entity: Entity, column: &ColumnMeta) -> Option<SortSpec> {
        let token = column.sort?;
        let is_date = lookup(entity, token).is_some_and(|d| matches!(d.ty, TokenType::Date));
        Some(if self.sort.token == token {
            SortSpec::new(token, self.sort.order.flip())
        } else if column.numeric || is_date {
            SortSpec::new(token, SortOrder::Desc)
        } else {
            SortSpec::new(token, SortOrder::Asc)
        })
    }
}

/// Percent-encodes a URL query value but leaves `:` and `,` readable (`sort=created:desc`),
/// which are legal in a query and decode to themselves.
pub fn url_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Getter<F>(F);

impl<F: Fn(&str) -> Option<String>> Getter<F> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ListQuery {
        let pairs = shipshape_model::request::decode_query(query);
        ListQuery::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn url_round_trips_through_params() {
        let q = ListQuery {
            filter: "repo.tag:\"1.2 & x\"".into(),
            sort: "size:asc".parse().unwrap(),
            page: 3,
            size: 100,
            columns: Some(vec!["name".into(), "size".into()]),
            selected: vec!["a".into()],
            request_open: true,
        };
        let s = q.to_query();
        assert!(s.contains("sort=size:asc&pageNumber=3&pageSize=100"), "{s}");
        assert_eq!(parse(&s), q);
    }

    #[test]
    fn a_new_sort_column_starts_newest_first_for_dates_and_numbers() {
        let q = parse("sort=name:asc");
        let order = |entity, column: ColumnMeta| q.toggled_sort(entity, &column).unwrap().order;
        for (entity, token) in [
            (Entity::Sensor, "created"),
            (Entity::Sensor, "lastCheckedIn"),
            (Entity::Image, "lastScanned"),
            (Entity::Image, "updated"),
            (Entity::Image, "lastUsedDate"),
            (Entity::Container, "stateChanged"),
            (Entity::Audit, "at"),
        ] {
            let column = ColumnMeta::new("c", "C").sort(token);
            assert_eq!(order(entity, column), SortOrder::Desc, "{entity} {token}");
        }
        assert_eq!(
            order(
                Entity::Image,
                ColumnMeta::new("c", "C").sort("size").numeric()
            ),
            SortOrder::Desc
        );
        for (entity, token) in [
            (Entity::Container, "state"),
            (Entity::Image, "imageId"),
            (Entity::Audit, "actor"),
        ] {
            let column = ColumnMeta::new("c", "C").sort(token);
            assert_eq!(order(entity, column), SortOrder::Asc, "{entity} {token}");
        }
        let same = ColumnMeta::new("name", "Name").sort("name");
        assert_eq!(order(Entity::Container, same), SortOrder::Desc, "flips");
    }

    #[test]
    fn bad_page_size_falls_back_to_the_default() {
        assert_eq!(parse("pageSize=5000").size, 50);
        assert_eq!(parse("pageNo=3").page, 3);
        assert_eq!(
            parse("sort=bogus:sideways").sort.to_string(),
            "created:desc"
        );
    }
}

/// `filter` already requires `clause` (as a whole filter, or as a top-level `and` term).
pub fn has_clause(filter: &str, clause: &str) -> bool {
    let f = filter.trim();
    f.eq_ignore_ascii_case(clause)
        || f.to_ascii_lowercase()
            .ends_with(&format!(" and {}", clause.to_ascii_lowercase()))
}

/// `filter` with `clause` added as an `and` term, or taken out when it is there.
pub fn toggle_clause(filter: &str, clause: &str) -> String {
    let f = filter.trim();
    if f.eq_ignore_ascii_case(clause) {
        return String::new();
    }
    if has_clause(f, clause) {
        let cut = f.len() - clause.len() - " and ".len();
        let rest = f[..cut].trim();
        // `(a or b) and clause` → `a or b`, as it was written before the chip added it.
        return match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            Some(inner) if balanced(inner) => inner.to_string(),
            _ => rest.to_string(),
        };
    }
    if f.is_empty() {
        clause.to_string()
    } else if f.to_ascii_lowercase().contains(" or ") {
        format!("({f}) and {clause}")
    } else {
        format!("{f} and {clause}")
    }
}

/// Every `(` in `s` is closed, and no `)` closes what `s` did not open.
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[cfg(test)]
mod chip_tests {
    use super::*;

    #[test]
    fn a_chip_adds_its_clause_and_takes_it_out_again() {
        let c = "updateAvailable:true";
        for before in ["", "status:RUNNING", "status:RUNNING or status:INACTIVE"] {
            let on = toggle_clause(before, c);
            assert!(has_clause(&on, c), "{on}");
            let parsed = shipshape_qql::parse(&on, shipshape_qql::Entity::Sensor);
            assert!(parsed.is_ok(), "{on}: {parsed:?}");
            assert_eq!(toggle_clause(&on, c), before);
        }
        assert_eq!(
            toggle_clause("status:RUNNING", c),
            "status:RUNNING and updateAvailable:true"
        );
        assert_eq!(
            toggle_clause("a:1 or b:2", c),
            "(a:1 or b:2) and updateAvailable:true"
        );
        assert!(!has_clause("updateAvailable:trueish", c));
        assert_eq!(
            toggle_clause("(a:1) or (b:2) and updateAvailable:true", c),
            "(a:1) or (b:2)"
        );
    }
}

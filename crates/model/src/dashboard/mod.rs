//! A dashboard as JSON (`shared/spec/dashboard.md`, "Model"): what the server stores, the
//! console draws, and export/import carries. [`Dashboard::import`] checks a document before
//! anything is created from it; each refusal names the widget and the field.

pub mod templates;

use crate::grid::{self, Layout, COLUMNS};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The one `schemaVersion` this server reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
/// Most widgets on one dashboard.
pub const MAX_WIDGETS: usize = 60;
/// Longest name, description and widget title, in characters.
pub const MAX_NAME: usize = 100;
pub const MAX_DESCRIPTION: usize = 1000;
/// Most groups or rows a widget asks for.
pub const MAX_LIMIT: u32 = 100;
/// Longest trend, in days.
pub const MAX_DAYS: u32 = 365;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WidgetKind {
    Count,
    Ratio,
    Bar,
    Pie,
    Table,
    Trend,
}

/// What a widget counts: assets, or findings across images (`vulnerability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WidgetEntity {
    Sensor,
    Image,
    Container,
    Vulnerability,
}

impl WidgetEntity {
    /// The API path segment and console tab: `sensors`, `images`, `containers`.
    pub fn plural(self) -> &'static str {
        match self {
            WidgetEntity::Sensor => "sensors",
            WidgetEntity::Image => "images",
            WidgetEntity::Container => "containers",
            WidgetEntity::Vulnerability => "vulnerabilities",
        }
    }

    /// What its rows are called in sentences: `sensors`, `images`, `containers`, `findings`.
    pub fn noun(self) -> &'static str {
        match self {
            WidgetEntity::Vulnerability => "findings",
            e => e.plural(),
        }
    }

    /// Whether widgets of `kind` can ask about this entity: findings have no list (no table) and
    /// no daily history (no trend).
    pub fn has_kind(self, kind: WidgetKind) -> bool {
        self != WidgetEntity::Vulnerability
            || !matches!(kind, WidgetKind::Table | WidgetKind::Trend)
    }

    /// The QQL entity whose catalogue checks the widget's tokens.
    pub fn qql(self) -> shipshape_qql::Entity {
        match self {
            WidgetEntity::Sensor => shipshape_qql::Entity::Sensor,
            WidgetEntity::Image => shipshape_qql::Entity::Image,
            WidgetEntity::Container => shipshape_qql::Entity::Container,
            WidgetEntity::Vulnerability => shipshape_qql::Entity::Vulnerability,
        }
    }
}

/// One widget: the question it asks (in QQL) and where it sits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Widget {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub id: String,
    pub kind: WidgetKind,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub title: String,
    pub entity: WidgetEntity,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "qql", max_length = 4096))]
    pub query: String,
    /// Ratio widgets: the query of the whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "qql", max_length = 4096))]
    pub base_query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub days: Option<u32>,
    /// Trend widgets: what each day's point is (`count` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<crate::TrendSeries>,
    pub layout: Layout,
}

/// A dashboard document (also the export and import format).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dashboard {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub schema_version: u32,
    /// Given by the server; ignored on import.
    #[serde(default)]
    pub id: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 24, maximum = 24))]
    pub columns: u32,
    #[cfg_attr(feature = "openapi", schema(max_items = 60))]
    pub widgets: Vec<Widget>,
}

/// A dashboard as the list shows it: who owns it, whether everyone can view it, whether it is
/// the caller's landing page, and its version (the `ETag` of its document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DashboardInfo {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner: String,
    pub shared: bool,
    pub landing: bool,
    pub widgets: u32,
    pub version: u64,
    pub created: crate::EpochMillis,
    pub updated: crate::EpochMillis,
}

/// Why a dashboard document was refused: the widget (its id, or its position when it has
/// none), the field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub widget: Option<String>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.widget {
            Some(w) => write!(f, "widget '{w}', {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

fn refuse(widget: Option<&str>, field: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        widget: widget.map(str::to_string),
        field: field.to_string(),
        message: message.into(),
    }
}

impl Dashboard {
    /// Reads and checks a dashboard document: the schema version first (a newer document is
    /// refused as such, whatever else it holds), then its shape, then every widget.
    pub fn import(json: &str) -> Result<Dashboard, ImportError> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| refuse(None, "document", format!("is not JSON: {e}")))?;
        match value
            .get("schemaVersion")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(refuse(
                    None,
                    "schemaVersion",
                    format!("{v} is not a version this server reads (it reads {SCHEMA_VERSION})"),
                ))
            }
            None => return Err(refuse(None, "schemaVersion", "is missing or not a number")),
        }
        // Each widget is read on its own, so a shape error names its widget.
        let widgets = value
            .get("widgets")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| refuse(None, "widgets", "is missing or not a list"))?;
        for (i, w) in widgets.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<Widget>(w.clone()) {
                let name = w
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("#{}", i + 1));
                return Err(refuse(Some(&name), "widget", e.to_string()));
            }
        }
        let d: Dashboard =
            serde_json::from_value(value).map_err(|e| refuse(None, "document", e.to_string()))?;
        d.check()?;
        Ok(d)
    }

    /// Every rule a stored dashboard obeys.
    pub fn check(&self) -> Result<(), ImportError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(refuse(
                None,
                "name",
                format!("must have 1 to {MAX_NAME} characters"),
            ));
        }
        if self.description.as_deref().unwrap_or("").chars().count() > MAX_DESCRIPTION {
            return Err(refuse(
                None,
                "description",
                format!("must have at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if self.columns != COLUMNS {
            return Err(refuse(
                None,
                "columns",
                format!("must be {COLUMNS}, not {}", self.columns),
            ));
        }
        if self.widgets.len() > MAX_WIDGETS {
            return Err(refuse(
                None,
                "widgets",
                format!("has {}; at most {MAX_WIDGETS}", self.widgets.len()),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, w) in self.widgets.iter().enumerate() {
            let label = if w.id.trim().is_empty() {
                format!("#{}", i + 1)
            } else {
                w.id.clone()
            };
            if w.id.trim().is_empty() || w.id.chars().count() > MAX_NAME {
                return Err(refuse(
                    Some(&label),
                    "id",
                    format!("must have 1 to {MAX_NAME} characters"),
                ));
            }
            if !ids.insert(w.id.as_str()) {
                return Err(refuse(Some(&label), "id", "is used by another widget"));
            }
            w.check(&label)?;
        }
        let layouts: Vec<Layout> = self.widgets.iter().map(|w| w.layout).collect();
        if let Some((a, b)) = grid::first_overlap(&layouts) {
            return Err(refuse(
                Some(&self.widgets[b].id),
                "layout",
                format!("overlaps widget '{}'", self.widgets[a].id),
            ));
        }
        Ok(())
    }
}

impl Widget {
    fn check(&self, label: &str) -> Result<(), ImportError> {
        let w = Some(label);
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_NAME {
            return Err(refuse(
                w,
                "title",
                format!("must have 1 to {MAX_NAME} characters"),
            ));
        }
        let entity = self.entity.qql();
        if !self.entity.has_kind(self.kind) {
            return Err(refuse(
                w,
                "entity",
                format!(
                    "findings ('vulnerability') have no list and no daily history: a {} widget \
                     needs sensors, images or containers",
                    format!("{:?}", self.kind).to_lowercase()
                ),
            ));
        }
        let qql = |field: &str, text: &str| {
            shipshape_qql::parse(text, entity)
                .map(|_| ())
                .map_err(|e| refuse(w, field, e.message()))
        };
        qql("query", &self.query)?;
        let token = |field: &str, name: &str| {
            shipshape_qql::catalogue(entity)
                .iter()
                .find(|t| t.name == name)
                .ok_or_else(|| refuse(w, field, format!("'{name}' is not a token of this entity")))
        };
        let needs = |field: &str, present: bool| {
            if present {
                Ok(())
            } else {
                Err(refuse(
                    w,
                    field,
                    format!("is required for a {:?} widget", self.kind).to_lowercase(),
                ))
            }
        };
        let limit = |required: bool| -> Result<(), ImportError> {
            match self.limit {
                None if required => needs("limit", false),
                Some(n) if n == 0 || n > MAX_LIMIT => Err(refuse(
                    w,
                    "limit",
                    format!("must be 1 to {MAX_LIMIT}, not {n}"),
                )),
                _ => Ok(()),
            }
        };
        match self.kind {
            WidgetKind::Count => {}
            WidgetKind::Ratio => {
                needs("baseQuery", self.base_query.is_some())?;
                qql("baseQuery", self.base_query.as_deref().unwrap_or(""))?;
            }
            WidgetKind::Bar | WidgetKind::Pie => {
                needs("groupBy", self.group_by.is_some())?;
                let t = token("groupBy", self.group_by.as_deref().unwrap_or(""))?;
                if !t.groupable() {
                    return Err(refuse(
                        w,
                        "groupBy",
                        format!(
                            "'{}' cannot group rows (dates and label pairs cannot)",
                            t.name
                        ),
                    ));
                }
                limit(false)?;
            }
            WidgetKind::Table => {
                let columns = self.columns.as_deref().unwrap_or(&[]);
                needs("columns", !columns.is_empty())?;
                for c in columns {
                    token("columns", c)?;
                }
                if let Some(sort) = &self.sort {
                    let spec = sort
                        .parse::<crate::SortSpec>()
                        .map_err(|e| refuse(w, "sort", e))?;
                    if !token("sort", &spec.token)?.sortable {
                        return Err(refuse(
                            w,
                            "sort",
                            format!("'{}' is not sortable", spec.token),
                        ));
                    }
                }
                limit(false)?;
            }
            WidgetKind::Trend => {
                needs("days", self.days.is_some())?;
                let days = self.days.unwrap_or(0);
                if days == 0 || days > MAX_DAYS {
                    return Err(refuse(
                        w,
                        "days",
                        format!("must be 1 to {MAX_DAYS}, not {days}"),
                    ));
                }
            }
        }
        if let Some(problem) = self.layout.problem() {
            return Err(refuse(w, "layout", problem));
        }
        Ok(())
    }
}

/// The images behind a findings question: `query` (QQL of the `vulnerability` entity) with each
/// token read as the image's token for its findings (`severity` as `vulnerabilities.severity`,
/// `software.name` as `software.name`, …), for "open as list". `None` when the query has a `not`
/// (images without such a finding are not the complement of the findings) or a token images
/// lack.
pub fn findings_as_images(query: &str) -> Option<String> {
    use shipshape_qql::{Entity, Expr};
    fn rename(e: &mut Expr) -> Option<()> {
        match e {
            Expr::Or { operands, .. } | Expr::And { operands, .. } => {
                operands.iter_mut().try_for_each(rename)
            }
            Expr::Not { .. } => None,
            Expr::Clause(c) => {
                let name = match c.token.name {
                    n @ ("software.name"
                    | "software.version"
                    | "software.fixVersion"
                    | "imageId"
                    | "operatingSystem") => n.to_string(),
                    n => format!("vulnerabilities.{n}"),
                };
                c.token.name = shipshape_qql::lookup(Entity::Image, &name)?.name;
                Some(())
            }
        }
    }
    let mut q = shipshape_qql::parse(query, Entity::Vulnerability).ok()?;
    if let Some(e) = q.expr.as_mut() {
        rename(e)?;
    }
    Some(shipshape_qql::print(&q))
}

/// The filter of one group of a bar or pie widget: the widget's query and `token` equal to
/// `key` (a group key as the aggregate answer writes it). Text values are exact (backticks), so
/// the list shows the rows the group counted and no more; keywords, numbers and booleans are
/// written bare.
pub fn group_filter(entity: shipshape_qql::Entity, query: &str, token: &str, key: &str) -> String {
    use shipshape_qql::TokenType;
    let bare = matches!(
        shipshape_qql::lookup(entity, token).map(|t| t.ty),
        Some(TokenType::Keyword(_) | TokenType::Number { .. } | TokenType::Boolean)
    );
    let value = if bare {
        key.to_string()
    } else {
        format!("`{}`", key.replace('\\', "\\\\").replace('`', "\\`"))
    };
    let clause = format!("{token}:{value}");
    match query.trim() {
        "" => clause,
        q => format!("({q}) and {clause}"),
    }
}

#[cfg(test)]
mod tests;

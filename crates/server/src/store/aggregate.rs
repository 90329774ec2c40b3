//! Counts per group, for the dashboard's bar and pie widgets: how many rows matching a filter
//! have each value of a token (`GET /{entity}/aggregate`).
//!
//! A token can be grouped by when it has values to tell apart: keyword, boolean, number and
//! text tokens (not dates, not `label:key=value`). Scalar tokens group the rows by their value;
//! a collection token (`repo.registry`, `software.name`, `label.key`, `vulnerabilities.qid`, …)
//! counts each row once under every value some element of it has, so a row may be in several
//! groups, exactly as `token:`value`` selects it in a list. `vulnerabilities.severity` counts
//! rows with findings of each severity. Rows without a value are in no group; `total` counts
//! every matching row.

use super::db::{Dialect, Engine, Sql};
use super::filter::compile;
use super::filter::targets::{target, Element, From, Target};
use super::listing::ListError;
use super::{Entity, Filter, Store};
use shipshape_qql::TokenType;

/// Most groups one request may ask for.
pub const MAX_GROUPS: u32 = 100;
/// Groups given when the request does not say.
pub const DEFAULT_GROUPS: u32 = 10;

/// One group: a token's value and how many matching rows have it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupRow {
    pub k: String,
    pub n: i64,
}

/// The tokens of `entity` that can be grouped by, in the catalogue's order.
/// The tokens of `entity` that can be grouped by (`TokenDef::groupable`), in the catalogue's
/// order.
pub fn groupable_tokens(entity: Entity) -> impl Iterator<Item = &'static str> {
    shipshape_qql::catalogue(super::filter::qql_entity(entity))
        .iter()
        .filter(|d| d.groupable())
        .map(|d| d.name)
}

/// How a group's value is read: the `FROM` additions and the key expression (as text).
enum Grouping {
    /// A value of the row (or a join that gives each row its elements' values).
    Key { join: String, key: String },
    /// The five severities (`vulnerabilities.severity`).
    Severity,
}

fn group_expr(d: Dialect, entity: Entity, token: &str) -> Option<Grouping> {
    let def = shipshape_qql::catalogue(super::filter::qql_entity(entity))
        .iter()
        .find(|t| t.name == token && t.groupable())?;
    let as_text = |expr: &str| -> Option<String> {
        Some(match def.ty {
            TokenType::Keyword(_) | TokenType::Text => expr.to_string(),
            TokenType::Number { .. } => match d.engine() {
                Engine::Sqlite => format!("CAST({expr} AS TEXT)"),
                Engine::Postgres => format!("({expr})::text"),
            },
            TokenType::Boolean => format!("CASE WHEN {expr} THEN 'true' ELSE 'false' END"),
            TokenType::Date | TokenType::LabelPair => return None,
        })
    };
    match target(entity, token) {
        Target::Col { sql, .. } => Some(Grouping::Key {
            join: String::new(),
            key: as_text(sql)?,
        }),
        Target::Expr(c) => Some(Grouping::Key {
            join: String::new(),
            key: as_text(&c.sql(d))?,
        }),
        Target::Severity => Some(Grouping::Severity),
        Target::InSet {
            key,
            select,
            from: From::Table(table),
            filter,
            inner,
        } => {
            let extra = filter.map(|f| format!(" AND {f}")).unwrap_or_default();
            // `image_vulns v JOIN vuln_defs d ON …`: the first table joins the row, the rest
            // follow it.
            let (first, rest) = match table.split_once(" JOIN ") {
                Some((first, rest)) => (first, format!(" JOIN {rest}")),
                None => (table, String::new()),
            };
            Some(Grouping::Key {
                join: format!(" JOIN {first} ON {select} = {key}{extra}{rest}"),
                key: as_text(inner)?,
            })
        }
        Target::Each { column, element } => {
            let (from, inner) = match element {
                Element::Text => (d.json_each_text(column), "j.value".to_string()),
                Element::Field(f) => (d.json_each(column), d.json_field("j.value", f)),
            };
            Some(Grouping::Key {
                join: format!(", {from}"),
                key: as_text(&inner)?,
            })
        }
        // `vulnerabilities.cveids`: each CVE id of the image's findings.
        Target::InSet {
            key,
            select,
            from: From::VulnCves,
            inner,
            ..
        } => Some(Grouping::Key {
            join: format!(
                " JOIN image_vulns v ON {select} = {key} JOIN vuln_defs d ON d.qid = v.qid, {}",
                d.json_each_text("d.cveids")
            ),
            key: as_text(inner)?,
        }),
        Target::LabelPair { .. } | Target::Unknown => None,
    }
}

/// `FROM <table> <alias><join> WHERE (<filter>) AND <extra>`.
fn scope(d: Dialect, filter: &Filter, join: &str, extra: &str) -> Sql {
    let e = filter.entity;
    let cond = compile(d, filter);
    let mut sql = Sql::new(format!("FROM {} {}{join} WHERE ", e.table(), e.alias()));
    if cond.text.is_empty() {
        sql.push(extra);
    } else {
        sql.push("(").append(&cond).push(&format!(") AND {extra}"));
    }
    sql
}

impl Store {
    /// The largest `limit` groups of `token`'s values among the rows matching `filter` (most
    /// rows first, then by value), and how many rows match. `None` when the token cannot be
    /// grouped by (see [`groupable_tokens`]).
    pub async fn aggregate(
        &self,
        filter: &Filter,
        token: &str,
        limit: u32,
    ) -> Result<Option<(u64, Vec<GroupRow>)>, ListError> {
        let d = self.engine().dialect();
        let e = filter.entity;
        let a = e.alias();
        let Some(grouping) = group_expr(d, e, token) else {
            return Ok(None);
        };
        let mut sql = match grouping {
            Grouping::Key { join, key } => {
                let mut sql = Sql::new(format!("SELECT {key} AS k, count(DISTINCT {a}.id) AS n "));
                sql.append(&scope(d, filter, &join, &format!("{key} IS NOT NULL")));
                sql.push(" GROUP BY 1");
                sql
            }
            Grouping::Severity => {
                let mut sql = Sql::new("SELECT k, n FROM (");
                for s in (1..=5).rev() {
                    if s < 5 {
                        sql.push(" UNION ALL ");
                    }
                    sql.push(&format!("SELECT '{s}' AS k, count(*) AS n "));
                    sql.append(&scope(d, filter, "", &format!("{a}.sev{s} > 0")));
                }
                sql.push(") g WHERE n > 0");
                sql
            }
        };
        sql.push(" ORDER BY 2 DESC, 1 ASC LIMIT ")
            .push_bind(i64::from(limit.clamp(1, MAX_GROUPS)));
        let groups: Vec<GroupRow> = {
            let _permit = self.heavy_permit().await?;
            sql.fetch_all(self.db()).await?
        };
        let total = self.count(filter).await?;
        Ok(Some((total, groups)))
    }
}

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
use super::trends::DAY_MS;
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

/// A number as text, the type of a group's key.
fn number_as_text(d: Dialect, expr: &str) -> String {
    match d.engine() {
        Engine::Sqlite => format!("CAST({expr} AS TEXT)"),
        Engine::Postgres => format!("({expr})::text"),
    }
}

fn group_expr(d: Dialect, entity: Entity, token: &str) -> Option<Grouping> {
    let def = shipshape_qql::catalogue(super::filter::qql_entity(entity))
        .iter()
        .find(|t| t.name == token && t.groupable())?;
    let as_text = |expr: &str| -> Option<String> {
        Some(match def.ty {
            TokenType::Keyword(_) | TokenType::Text => expr.to_string(),
            TokenType::Number { .. } => number_as_text(d, expr),
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
            // follow it. Grouping reads every finding, so finding by finding (`+`, as in
            // `targets::VULNS_DEFS_SCAN`).
            let (first, rest) = match table.split_once(" JOIN ") {
                Some((first, rest)) => (
                    first,
                    format!(" JOIN {}", rest.replace("d.qid = v.qid", "d.qid = +v.qid")),
                ),
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
        // `vulnerabilities.cveids`: each CVE id of the image's findings, through `vuln_cves`
        // (one row per CVE id of a definition) instead of each finding's definition's JSON.
        Target::InSet {
            key,
            select,
            from: From::VulnCves,
            inner,
            ..
        } => Some(Grouping::Key {
            join: format!(
                " JOIN image_vulns v ON {select} = {key} JOIN vuln_cves j ON j.qid = v.qid"
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
    let mut sql = Sql::new(format!("FROM {}{join} WHERE ", e.from()));
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
    ///
    /// The groups are kept per statement for the database version they were counted at
    /// (`store_version`, bumped by every asset write in any process), so a dashboard opened
    /// again, by anyone, is answered from memory until the data changes; requests for the same
    /// groups at once count them once.
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
        let limit = limit.clamp(1, MAX_GROUPS) as usize;
        let sql = match &grouping {
            Grouping::Key { join, key } => {
                // A join can repeat a row (one per element): count it once per value. Findings
                // join only their definition's CVE ids, which are distinct.
                let n = if join.is_empty() || e == Entity::Vulnerability {
                    "count(*)".to_string()
                } else {
                    format!("count(DISTINCT {a}.id)")
                };
                let mut sql = Sql::new(format!("SELECT {key} AS k, {n} AS n "));
                sql.append(&scope(d, filter, join, &format!("{key} IS NOT NULL")));
                sql.push(" GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ")
                    .push_bind(limit as i64);
                sql
            }
            // One pass over the rows counts all five severities.
            Grouping::Severity => {
                let sums: Vec<String> = (1..=5)
                    .rev()
                    .map(|s| format!("sum(CASE WHEN {a}.sev{s} > 0 THEN 1 ELSE 0 END) AS s{s}"))
                    .collect();
                let mut sql = Sql::new(format!("SELECT {} ", sums.join(", ")));
                sql.append(&scope(d, filter, "", "1 = 1"));
                sql
            }
        };
        let version = self.version().await?;
        let severity = matches!(grouping, Grouping::Severity);
        let mut groups = self.kept_groups(&sql, version, severity).await?;
        // The severities are kept all five, whatever the limit.
        groups.truncate(limit);
        let total = self.count_for(filter, version).await?;
        Ok(Some((total, groups)))
    }

    /// The groups `sql` selects (`k`, `n` rows; or one row of the five severities' sums when
    /// `severity`), kept in memory for the database version they were counted at; requests
    /// for the same statement at once count it once.
    async fn kept_groups(
        &self,
        sql: &Sql,
        version: i64,
        severity: bool,
    ) -> Result<Vec<GroupRow>, ListError> {
        let key = format!("{}|{:?}", sql.text, sql.binds);
        if let Some(g) = self.counts.groups(&key, version) {
            return Ok(g);
        }
        let _counting = self.counts.lock_for(&key).await;
        if let Some(g) = self.counts.groups(&key, version) {
            return Ok(g);
        }
        let groups = {
            let _permit = self.heavy_permit().await?;
            if severity {
                severity_groups(sql.fetch_one(self.db()).await?)
            } else {
                sql.fetch_all(self.db()).await?
            }
        };
        self.counts.put_groups(key, version, groups.clone());
        Ok(groups)
    }

    /// How many rows matching `filter` were created on each UTC day from `from` to `to` (day
    /// numbers, both included), from their `created` timestamps: every day of the range, oldest
    /// first, days without one at 0. Kept like the aggregates.
    pub async fn created_per_day(
        &self,
        filter: &Filter,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, u64)>, ListError> {
        let d = self.engine().dialect();
        let a = filter.entity.alias();
        let key = number_as_text(d, &format!("{a}.created / {DAY_MS}"));
        // Whole numbers computed here, not input: written into the statement.
        let range = format!(
            "{a}.created >= {} AND {a}.created < {}",
            from * DAY_MS,
            (to + 1) * DAY_MS
        );
        let mut sql = Sql::new(format!("SELECT {key} AS k, count(*) AS n "));
        sql.append(&scope(d, filter, "", &range));
        sql.push(" GROUP BY 1");
        let version = self.version().await?;
        let groups = self.kept_groups(&sql, version, false).await?;
        let mut per_day: std::collections::HashMap<i64, u64> = groups
            .into_iter()
            .filter_map(|g| Some((g.k.parse().ok()?, g.n.max(0) as u64)))
            .collect();
        Ok((from..=to)
            .map(|day| (day, per_day.remove(&day).unwrap_or(0)))
            .collect())
    }
}

/// Rows with findings of each severity (`NULL` when no row matched).
#[derive(sqlx::FromRow)]
struct SeverityRow {
    s5: Option<i64>,
    s4: Option<i64>,
    s3: Option<i64>,
    s2: Option<i64>,
    s1: Option<i64>,
}

/// The severities some row has, most rows first (then by severity, as text).
fn severity_groups(r: SeverityRow) -> Vec<GroupRow> {
    let mut groups: Vec<GroupRow> = [(5, r.s5), (4, r.s4), (3, r.s3), (2, r.s2), (1, r.s1)]
        .into_iter()
        .filter_map(|(s, n)| {
            n.filter(|n| *n > 0).map(|n| GroupRow {
                k: s.to_string(),
                n,
            })
        })
        .collect();
    groups.sort_by(|x, y| y.n.cmp(&x.n).then_with(|| x.k.cmp(&y.k)));
    groups
}

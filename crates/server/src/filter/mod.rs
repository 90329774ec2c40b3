//! QQL filters to SQL: the `filter` parameter of every list, bulk list and delete-by-filter.
//!
//! [`compile`] strict-parses the query with `shipshape_qql` (a parse error becomes a 400 with the
//! error's sentence and span) and walks the tree into a `WHERE` condition over the entity's table
//! alias (`s`, `i`, `c`). Every value a client wrote reaches SQL only as a bound parameter; the
//! SQL text is made of the fixed fragments in `targets` and operators.
//!
//! # Semantics
//!
//! - Text `:` word or phrase: contains, ASCII case-insensitive (`instr(lower(col), ?) > 0`, the
//!   value lowered in Rust). SQLite's `lower()` folds ASCII letters only, so the value is folded
//!   the same way.
//! - Text `` `exact` ``: equality, case-sensitive.
//! - Text wildcard (`*` any run, `?` one character): the whole value matches, ASCII
//!   case-insensitive, as `lower(col) GLOB ?`. The literal prefix before the first wildcard is
//!   also compiled to a range `col COLLATE NOCASE >= 'node-1' AND col COLLATE NOCASE < 'node-2'`
//!   (a superset of the matches, so it only narrows), which an index on `col COLLATE NOCASE`
//!   (migration 0002) turns into an index range scan. The index holds the raw column, so the
//!   `GLOB` and the `IS NOT NULL` guard are checked from the index too (covering). A plain
//!   `prefix*` is exactly its range, so it compiles to the range alone (no per-row `GLOB`).
//!   Beside a `state` equality, a host name range carries a planner hint (see
//!   `HINTED_RANGE_COLUMN`).
//! - Keywords, numbers, dates, booleans: `=`, comparisons, `IN` for lists, `>=`/`<=` (or `>`/`<`)
//!   for ranges. Relative dates (`now-7d`) are resolved with `now_ms`, the request's time.
//! - Collections (`vulnerabilities.*`, `software.*`, `repo.*`, image `host.*`, `imagesInUse`):
//!   "some element matches", as `key IN (SELECT … WHERE <condition>)` — an uncorrelated subquery
//!   SQLite evaluates once, instead of a correlated `EXISTS` per row. JSON arrays (`label.*`,
//!   image `source`) use `EXISTS (SELECT 1 FROM json_each(col) j WHERE …)`; `label:k=v` needs one
//!   label with both.
//! - `vulnerabilities.severity` uses the denormalised per-severity counts (`sev5 > 0`; a list,
//!   range or comparison is an `OR` over the severities it admits).
//! - Every clause is two-valued (never SQL `NULL`): nullable columns are guarded with
//!   `col IS NOT NULL AND …`, so `not x` is exactly the rows `x` does not match (a missing value
//!   does not match any clause, so it matches its negation).
//! - Sensor `updateAvailable`: the sensor's `version_key` is below the latest release's, read from
//!   the `sensorReleaseKey` setting that `Store::put_setting` keeps next to `sensorRelease` (see
//!   `store::settings`); no release known means no update available, as in the sensor view.

pub(crate) mod targets;

use crate::error::ApiError;
use crate::store::listing::Bind;
use crate::store::{Entity, SqlFilter};
use shipshape_qql::{
    Clause, Expr, LabelPair, Operator, Range, Scalar, ScalarKind, Text, TextMode, Value,
};
use targets::{target, Target};

/// Compiles the `filter` parameter for `entity` into a parameterised SQL condition.
///
/// An absent, empty or blank filter is no condition. A QQL error is `ApiError::Qql` (a 400
/// with the error's sentence and span in characters).
pub fn compile(entity: Entity, filter: Option<&str>, now_ms: i64) -> Result<SqlFilter, ApiError> {
    let Some(text) = filter else {
        return Ok(SqlFilter::default());
    };
    let query = shipshape_qql::parse(text, qql_entity(entity)).map_err(|e| ApiError::Qql {
        message: e.message(),
        span: shipshape_model::Span {
            start: e.span.start,
            end: e.span.end,
        },
    })?;
    let Some(expr) = &query.expr else {
        return Ok(SqlFilter::default());
    };
    let mut b = Builder {
        entity,
        now_ms,
        binds: Vec::new(),
        beside_state: false,
    };
    let sql = b.expr(expr);
    Ok(SqlFilter {
        sql,
        binds: b.binds,
    })
}

/// The parser's name for a store entity.
pub fn qql_entity(entity: Entity) -> shipshape_qql::Entity {
    match entity {
        Entity::Sensor => shipshape_qql::Entity::Sensor,
        Entity::Image => shipshape_qql::Entity::Image,
        Entity::Container => shipshape_qql::Entity::Container,
    }
}

struct Builder {
    entity: Entity,
    now_ms: i64,
    binds: Vec<Bind>,
    /// The clause being compiled sits in an `and` next to `state:<one value>` (containers):
    /// see `HINTED_RANGE_COLUMN`.
    beside_state: bool,
}

/// The column whose wildcard prefix range gets a planner hint beside a `state` equality.
///
/// `state:RUNNING and host.hostname:node-1*` can be answered two ways: the range on
/// `containers_state_host` then a sort of every match by `created` (tens of thousands of rows
/// for a short prefix), or a walk of `containers_state_created` (state, created, id,
/// host_hostname, sev…) in page order, checking the host from the index and stopping after one
/// page. SQLite guesses a range keeps 1/16 of the rows and picks the sort; wrapping the two
/// bounds in `likelihood(…, 0.9)` tells it a prefix usually keeps most of them, so the page
/// walks the index (well under a millisecond for `node-1*` at a million containers), while
/// `count(*)` still takes the range (covering). The walk never touches the table, so a very
/// selective prefix costs at most one pass over that state's index entries.
const HINTED_RANGE_COLUMN: &str = "c.host_hostname";

/// A typed value of a clause, ready to bind.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Int(i64),
    Text(String),
}

impl Builder {
    fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::Or { operands, .. } | Expr::And { operands, .. } => {
                let sep = if matches!(e, Expr::Or { .. }) {
                    " OR "
                } else {
                    " AND "
                };
                let outer = self.beside_state;
                let state_eq = matches!(e, Expr::And { .. })
                    && self.entity == Entity::Container
                    && operands.iter().any(is_state_equality);
                let mut parts = Vec::with_capacity(operands.len());
                for o in operands {
                    self.beside_state = state_eq && matches!(o, Expr::Clause(_));
                    parts.push(self.expr(o));
                }
                self.beside_state = outer;
                format!("({})", parts.join(sep))
            }
            Expr::Not { operand, .. } => {
                let outer = std::mem::replace(&mut self.beside_state, false);
                let inner = self.expr(operand);
                self.beside_state = outer;
                format!("(NOT {inner})")
            }
            Expr::Clause(c) => self.clause(c),
        }
    }

    fn bind(&mut self, a: Atom) -> &'static str {
        self.binds.push(match a {
            Atom::Int(v) => Bind::Int(v),
            Atom::Text(v) => Bind::Text(v),
        });
        "?"
    }

    fn atom(&self, s: &Scalar) -> Atom {
        match &s.kind {
            ScalarKind::Text(t) => Atom::Text(t.text.clone()),
            ScalarKind::Number(n) => Atom::Int(*n),
            ScalarKind::Boolean(b) => Atom::Int(i64::from(*b)),
            ScalarKind::Keyword(k) => Atom::Text((*k).to_string()),
            ScalarKind::Date(d) => Atom::Int(d.resolve(self.now_ms)),
        }
    }

    fn clause(&mut self, c: &Clause) -> String {
        let a = self.entity.alias();
        match target(self.entity, c.token.name) {
            Target::Col { sql, nullable } => {
                let cond = self.value(sql, c.op, &c.value, true);
                if nullable {
                    format!("({sql} IS NOT NULL AND {cond})")
                } else {
                    cond
                }
            }
            Target::Severity => self.severity(a, c),
            Target::InSet {
                key,
                select,
                from,
                filter,
                inner,
            } => {
                let cond = self.value(inner, c.op, &c.value, false);
                let extra = filter.map(|f| format!("{f} AND ")).unwrap_or_default();
                format!("{key} IN (SELECT {select} FROM {from} WHERE {extra}{cond})")
            }
            Target::Each { column, inner } => {
                let cond = self.value(inner, c.op, &c.value, false);
                format!("EXISTS (SELECT 1 FROM json_each({column}) j WHERE {cond})")
            }
            Target::LabelPair { column } => match &c.value {
                Value::Label(LabelPair { key, value, .. }) => {
                    let k = self.text("json_extract(j.value, '$.key')", key, false);
                    let v = self.text("json_extract(j.value, '$.value')", value, false);
                    format!("EXISTS (SELECT 1 FROM json_each({column}) j WHERE {k} AND {v})")
                }
                // The parser only gives `label` a key=value pair.
                _ => "0".into(),
            },
            // Unreachable for a parsed query (every catalogue token has a target; a unit test
            // checks it): match nothing rather than everything.
            Target::Unknown => "0".into(),
        }
    }

    /// `expr <matches> value` for the clause's operator and value. `prefix_range` adds the
    /// index-friendly range for a wildcard's literal prefix.
    fn value(&mut self, expr: &str, op: Operator, v: &Value, prefix_range: bool) -> String {
        match v {
            Value::Scalar(s) => self.scalar(expr, op, s, prefix_range),
            Value::List { items, .. } => {
                if items.iter().all(|s| !matches!(s.kind, ScalarKind::Text(_))) {
                    let atoms: Vec<Atom> = items.iter().map(|s| self.atom(s)).collect();
                    let ph: Vec<&str> = atoms.into_iter().map(|a| self.bind(a)).collect();
                    format!("{expr} IN ({})", ph.join(", "))
                } else {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|s| self.scalar(expr, Operator::Match, s, prefix_range))
                        .collect();
                    format!("({})", parts.join(" OR "))
                }
            }
            Value::Range(Range {
                lo, hi, inclusive, ..
            }) => {
                let (lo, hi) = (self.atom(lo), self.atom(hi));
                let (ge, le) = if *inclusive { (">=", "<=") } else { (">", "<") };
                let l = self.bind(lo);
                let h = self.bind(hi);
                format!("({expr} {ge} {l} AND {expr} {le} {h})")
            }
            // A label pair on a token that is not `label`: the parser does not produce it.
            Value::Label(_) => "0".into(),
        }
    }

    fn scalar(&mut self, expr: &str, op: Operator, s: &Scalar, prefix_range: bool) -> String {
        if let ScalarKind::Text(t) = &s.kind {
            return self.text(expr, t, prefix_range);
        }
        let sql_op = match op {
            Operator::Match | Operator::Eq => "=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
        };
        let a = self.atom(s);
        let p = self.bind(a);
        format!("{expr} {sql_op} {p}")
    }

    fn text(&mut self, expr: &str, t: &Text, prefix_range: bool) -> String {
        match t.mode {
            TextMode::Exact => {
                let p = self.bind(Atom::Text(t.text.clone()));
                format!("{expr} = {p}")
            }
            TextMode::Contains => {
                let p = self.bind(Atom::Text(t.text.to_ascii_lowercase()));
                format!("instr(lower({expr}), {p}) > 0")
            }
            TextMode::Wildcard => {
                let lowered = t.text.to_ascii_lowercase();
                let bounds = if prefix_range {
                    prefix_bounds(&lowered)
                } else {
                    None
                };
                let mut parts = Vec::new();
                if let Some(b) = &bounds {
                    let l = self.bind(Atom::Text(b.lo.clone()));
                    let h = self.bind(Atom::Text(b.hi.clone()));
                    if self.beside_state && expr == HINTED_RANGE_COLUMN {
                        parts.push(format!(
                            "likelihood({expr} COLLATE NOCASE >= {l}, 0.9) AND \
                             likelihood({expr} COLLATE NOCASE < {h}, 0.9)"
                        ));
                    } else {
                        parts.push(format!(
                            "{expr} COLLATE NOCASE >= {l} AND {expr} COLLATE NOCASE < {h}"
                        ));
                    }
                }
                // `prefix*` is exactly the range: no GLOB to evaluate on every row in it.
                if !bounds.is_some_and(|b| b.exact) {
                    let p = self.bind(Atom::Text(glob_pattern(&lowered)));
                    parts.push(format!("lower({expr}) GLOB {p}"));
                }
                format!("({})", parts.join(" AND "))
            }
        }
    }

    /// `vulnerabilities.severity`: an `OR` over the `sevN > 0` columns of the severities the
    /// clause admits (`0` when none does, e.g. `severity>5`).
    fn severity(&mut self, alias: &str, c: &Clause) -> String {
        let admitted: Vec<i64> = (1..=5)
            .filter(|s| number_matches(*s, c.op, &c.value))
            .collect();
        if admitted.is_empty() {
            return "0".into();
        }
        let parts: Vec<String> = admitted
            .iter()
            .map(|s| format!("{alias}.sev{s} > 0"))
            .collect();
        format!("({})", parts.join(" OR "))
    }
}

/// `state:RUNNING` or `state=RUNNING` (one value, not a list).
fn is_state_equality(e: &Expr) -> bool {
    matches!(e, Expr::Clause(c) if c.token.name == "state" && matches!(c.value, Value::Scalar(_)))
}

/// Whether the number `n` satisfies `op value` (for severities, evaluated in Rust).
fn number_matches(n: i64, op: Operator, v: &Value) -> bool {
    let num = |s: &Scalar| match s.kind {
        ScalarKind::Number(x) => Some(x),
        _ => None,
    };
    match v {
        Value::Scalar(s) => match num(s) {
            Some(x) => match op {
                Operator::Match | Operator::Eq => n == x,
                Operator::Gt => n > x,
                Operator::Ge => n >= x,
                Operator::Lt => n < x,
                Operator::Le => n <= x,
            },
            None => false,
        },
        Value::List { items, .. } => items.iter().any(|s| num(s) == Some(n)),
        Value::Range(r) => match (num(&r.lo), num(&r.hi)) {
            (Some(lo), Some(hi)) if r.inclusive => lo <= n && n <= hi,
            (Some(lo), Some(hi)) => lo < n && n < hi,
            _ => false,
        },
        Value::Label(_) => false,
    }
}

/// A QQL wildcard (`*`, `?`) as a GLOB pattern: `[` is GLOB's only other special character
/// (a bare word cannot contain one, but a pattern must never depend on that).
fn glob_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for ch in pattern.chars() {
        match ch {
            '[' => out.push_str("[[]"),
            other => out.push(other),
        }
    }
    out
}

/// The strings that start with a wildcard pattern's literal prefix, under `COLLATE NOCASE`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PrefixBounds {
    lo: String,
    hi: String,
    /// The pattern is `prefix*` and the range holds exactly the matching values, so the range
    /// alone decides.
    exact: bool,
}

/// `node-1*` → `node-1` ≤ value < `node-2` (compared with `COLLATE NOCASE`, which folds ASCII
/// letters like `lower()`; `pattern` is already ASCII-lowered). `None` when there is no literal
/// prefix or its last character cannot be incremented. When the incremented character is an
/// upper-case letter, NOCASE folds the bound upwards and the range is wider than the prefix:
/// still a superset, so the `GLOB` stays.
fn prefix_bounds(pattern: &str) -> Option<PrefixBounds> {
    let prefix: String = pattern
        .chars()
        .take_while(|c| *c != '*' && *c != '?')
        .collect();
    let last = prefix.chars().last()?;
    let next = char::from_u32(u32::from(last) + 1)?;
    let mut hi: String = prefix.chars().take(prefix.chars().count() - 1).collect();
    hi.push(next);
    let rest = &pattern[prefix.len()..];
    let exact = rest == "*" && !next.is_ascii_uppercase();
    Some(PrefixBounds {
        lo: prefix,
        hi,
        exact,
    })
}

#[cfg(test)]
mod tests;

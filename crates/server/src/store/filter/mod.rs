//! QQL filters to SQL, for both engines: the `filter` of every list, bulk list, count and
//! delete-by-filter.
//!
//! Routes hand the store a [`Filter`] (the parsed tree and the instant its relative dates
//! resolve at); [`compile`] walks the tree into a `WHERE` condition over the entity's table
//! alias (`s`, `i`, `c`) for one [`Dialect`]. Every value a client wrote reaches SQL only as a
//! bound parameter; the SQL text is made of the fixed fragments in `targets`, the dialect's
//! fragments and operators.
//!
//! # Semantics (identical on both engines; the differential test is the referee)
//!
//! - Text `:` word or phrase: contains, ASCII case-insensitive. The value is folded in Rust
//!   (`to_ascii_lowercase`) and the column in SQL ([`Dialect::fold`]: `lower()`, which folds
//!   ASCII only in SQLite and in PostgreSQL's "C" collation). SQLite:
//!   `instr(lower(col), ?) > 0`; PostgreSQL: `fold(col) LIKE '%value%'` with `%`, `_` and `\`
//!   escaped, which a `pg_trgm` index serves.
//! - Text `` `exact` ``: equality, case-sensitive.
//! - Text wildcard (`*` any run, `?` one character): the whole value matches, ASCII
//!   case-insensitive. SQLite: `lower(col) GLOB ?`; PostgreSQL: `fold(col) LIKE ?`. The literal
//!   prefix before the first wildcard is also compiled to a range (a superset of the matches,
//!   so it only narrows) that an index serves: on SQLite `col COLLATE NOCASE >= 'node-1' AND
//!   col COLLATE NOCASE < 'node-2'` (an index on `col COLLATE NOCASE`), on PostgreSQL the same
//!   bounds on `fold(col)` (an index on that expression; the columns use the "C" collation,
//!   so the range is exactly the prefix). When the range is exactly the matches (`prefix*`),
//!   there is no per-row pattern match. On SQLite, beside a `state` equality, a host name
//!   range carries a planner hint (see `HINTED_RANGE_COLUMN`).
//! - Keywords, numbers, dates, booleans: `=`, comparisons, `IN` for lists, `>=`/`<=` (or
//!   `>`/`<`) for ranges. Relative dates (`now-7d`) resolve at [`Filter::now_ms`].
//! - Collections (`vulnerabilities.*`, `software.*`, `repo.*`, image `host.*`, `imagesInUse`):
//!   "some element matches", as `key IN (SELECT … WHERE <condition>)`, an uncorrelated
//!   subquery both engines evaluate once. JSON arrays (`label.*`, image `source`) use
//!   `EXISTS` over the array's elements ([`Dialect::json_each`]); `label:k=v` needs one label
//!   with both.
//! - `vulnerabilities.severity` uses the denormalised per-severity counts (`sev5 > 0`; a list,
//!   range or comparison is an `OR` over the severities it admits).
//! - Every clause is two-valued (never SQL `NULL`): nullable columns are guarded with
//!   `col IS NOT NULL AND …`, so `not x` is exactly the rows `x` does not match (a missing value
//!   does not match any clause, so it matches its negation).
//! - Sensor `updateAvailable`: the sensor's `version_key` is below the latest release's (see
//!   `targets::Computed`); no release known means no update available, as in the sensor view.

pub(crate) mod targets;

use crate::store::db::{Bind, Dialect, Engine, Sql};
use crate::store::Entity;
use shipshape_qql::{
    Clause, Expr, LabelPair, Operator, QqlError, Query, Range, Scalar, ScalarKind, Text, TextMode,
    Value,
};
use targets::{target, Element, Target};

/// A parsed QQL filter: what routes hand the store.
#[derive(Clone, Debug)]
pub struct Filter {
    pub entity: Entity,
    /// The QQL as the user wrote it (kept for the audit log and for jobs that resume).
    pub text: String,
    pub query: Query,
    /// The instant relative dates (`now-7d`) resolve at: the request's time.
    pub now_ms: i64,
}

impl Filter {
    /// Strict-parses `text` for `entity`. Absent, empty or blank is no condition.
    pub fn parse(entity: Entity, text: Option<&str>, now_ms: i64) -> Result<Self, QqlError> {
        let text = text.unwrap_or("");
        let query = shipshape_qql::parse(text, qql_entity(entity))?;
        Ok(Self {
            entity,
            text: text.to_string(),
            query,
            now_ms,
        })
    }

    /// Every row of `entity`.
    pub fn all(entity: Entity) -> Self {
        Self {
            entity,
            text: String::new(),
            query: Query { expr: None },
            now_ms: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.query.expr.is_none()
    }
}

/// The parser's name for a store entity.
pub fn qql_entity(entity: Entity) -> shipshape_qql::Entity {
    match entity {
        Entity::Sensor => shipshape_qql::Entity::Sensor,
        Entity::Image => shipshape_qql::Entity::Image,
        Entity::Container => shipshape_qql::Entity::Container,
        Entity::Vulnerability => shipshape_qql::Entity::Vulnerability,
        Entity::Audit => shipshape_qql::Entity::Audit,
    }
}

/// The filter as a `WHERE` condition (without `WHERE`) for `dialect`; empty text for no
/// condition.
pub fn compile(dialect: Dialect, filter: &Filter) -> Sql {
    let Some(expr) = &filter.query.expr else {
        return Sql::default();
    };
    let mut b = Builder {
        d: dialect,
        entity: filter.entity,
        now_ms: filter.now_ms,
        binds: Vec::new(),
        beside_state: false,
    };
    let text = b.expr(expr);
    Sql {
        text,
        binds: b.binds,
    }
}

struct Builder {
    d: Dialect,
    entity: Entity,
    now_ms: i64,
    binds: Vec<Bind>,
    /// The clause being compiled sits in an `and` next to `state:<one value>` (containers):
    /// see `HINTED_RANGE_COLUMN`.
    beside_state: bool,
}

/// SQL that matches no row, valid as a condition on both engines.
const NOTHING: &str = "(1 = 0)";

/// The column whose wildcard prefix range gets a planner hint beside a `state` equality
/// (SQLite only).
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
    Bool(bool),
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
            Atom::Int(v) => Bind::from(v),
            Atom::Bool(v) => Bind::from(v),
            Atom::Text(v) => Bind::from(v),
        });
        "?"
    }

    fn atom(&self, s: &Scalar) -> Atom {
        match &s.kind {
            ScalarKind::Text(t) => Atom::Text(t.text.clone()),
            ScalarKind::Number(n) => Atom::Int(*n),
            ScalarKind::Boolean(b) => Atom::Bool(*b),
            ScalarKind::Keyword(k) => Atom::Text((*k).to_string()),
            ScalarKind::Date(d) => Atom::Int(d.resolve(self.now_ms)),
        }
    }

    fn clause(&mut self, c: &Clause) -> String {
        let a = self.entity.alias();
        match target(self.entity, c.token.name) {
            Target::Col { sql, nullable } => self.guarded(sql, nullable, c),
            Target::Expr(computed) => {
                let sql = computed.sql(self.d);
                self.guarded(&sql, computed.nullable(), c)
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
                let from = match from {
                    targets::From::Table(t) => t.to_string(),
                    targets::From::VulnCves => {
                        "image_vulns v JOIN vuln_cves j ON j.qid = v.qid".to_string()
                    }
                };
                format!("{key} IN (SELECT {select} FROM {from} WHERE {extra}{cond})")
            }
            Target::Each { column, element } => {
                let (from, inner) = match element {
                    Element::Text => (self.d.json_each_text(column), "j.value".to_string()),
                    Element::Field(f) => {
                        (self.d.json_each(column), self.d.json_field("j.value", f))
                    }
                };
                // A JSON element's text may be NULL (a label without a value): guard it.
                let cond = self.value(&inner, c.op, &c.value, false);
                format!("EXISTS (SELECT 1 FROM {from} WHERE {inner} IS NOT NULL AND {cond})")
            }
            Target::LabelPair { column } => match &c.value {
                Value::Label(LabelPair { key, value, .. }) => {
                    let (kx, vx) = (
                        self.d.json_field("j.value", "key"),
                        self.d.json_field("j.value", "value"),
                    );
                    let k = self.text(&kx, key, false);
                    let v = self.text(&vx, value, false);
                    format!(
                        "EXISTS (SELECT 1 FROM {} WHERE {kx} IS NOT NULL AND {vx} IS NOT NULL \
                         AND {k} AND {v})",
                        self.d.json_each(column)
                    )
                }
                // The parser only gives `label` a key=value pair.
                _ => NOTHING.into(),
            },
            // Unreachable for a parsed query (every catalogue token has a target; a unit test
            // checks it): match nothing rather than everything.
            Target::Unknown => NOTHING.into(),
        }
    }

    /// A clause on a row value, guarded with `IS NOT NULL` when the value may be missing.
    fn guarded(&mut self, sql: &str, nullable: bool, c: &Clause) -> String {
        let cond = self.value(sql, c.op, &c.value, true);
        if nullable {
            format!("({sql} IS NOT NULL AND {cond})")
        } else {
            cond
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
            Value::Label(_) => NOTHING.into(),
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
        let lowered = t.text.to_ascii_lowercase();
        match (t.mode, self.d.engine()) {
            (TextMode::Exact, _) => {
                let p = self.bind(Atom::Text(t.text.clone()));
                format!("{expr} = {p}")
            }
            (TextMode::Contains, Engine::Sqlite) => {
                let p = self.bind(Atom::Text(lowered));
                format!("instr(lower({expr}), {p}) > 0")
            }
            (TextMode::Contains, Engine::Postgres) => {
                let p = self.bind(Atom::Text(format!("%{}%", like_escape(&lowered))));
                format!("{} LIKE {p}", self.d.fold(expr))
            }
            (TextMode::Wildcard, engine) => {
                let bounds = if prefix_range {
                    prefix_bounds(&lowered, engine)
                } else {
                    None
                };
                let folded = self.d.fold(expr);
                let mut parts = Vec::new();
                if let Some(b) = &bounds {
                    let l = self.bind(Atom::Text(b.lo.clone()));
                    let h = self.bind(Atom::Text(b.hi.clone()));
                    parts.push(match engine {
                        Engine::Sqlite if self.beside_state && expr == HINTED_RANGE_COLUMN => {
                            format!(
                                "likelihood({expr} COLLATE NOCASE >= {l}, 0.9) AND \
                                 likelihood({expr} COLLATE NOCASE < {h}, 0.9)"
                            )
                        }
                        Engine::Sqlite => {
                            format!("{expr} COLLATE NOCASE >= {l} AND {expr} COLLATE NOCASE < {h}")
                        }
                        Engine::Postgres => format!("{folded} >= {l} AND {folded} < {h}"),
                    });
                }
                // `prefix*` is exactly the range: no pattern to match on every row in it.
                if !bounds.is_some_and(|b| b.exact) {
                    match engine {
                        Engine::Sqlite => {
                            let p = self.bind(Atom::Text(glob_pattern(&lowered)));
                            parts.push(format!("{folded} GLOB {p}"));
                        }
                        Engine::Postgres => {
                            let p = self.bind(Atom::Text(like_pattern(&lowered)));
                            parts.push(format!("{folded} LIKE {p}"));
                        }
                    }
                }
                format!("({})", parts.join(" AND "))
            }
        }
    }

    /// `vulnerabilities.severity`: an `OR` over the `sevN > 0` columns of the severities the
    /// clause admits (nothing when none does, e.g. `severity>5`).
    fn severity(&mut self, alias: &str, c: &Clause) -> String {
        let admitted: Vec<i64> = (1..=5)
            .filter(|s| number_matches(*s, c.op, &c.value))
            .collect();
        if admitted.is_empty() {
            return NOTHING.into();
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

/// A QQL wildcard (`*`, `?`) as a SQLite GLOB pattern: `[` is GLOB's only other special
/// character (a bare word cannot contain one, but a pattern must never depend on that).
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

/// Text matched literally inside a PostgreSQL `LIKE` pattern (backslash is the escape).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A QQL wildcard (`*`, `?`) as a PostgreSQL `LIKE` pattern.
fn like_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for ch in pattern.chars() {
        match ch {
            '*' => out.push('%'),
            '?' => out.push('_'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            other => out.push(other),
        }
    }
    out
}

/// The strings that start with a wildcard pattern's literal prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PrefixBounds {
    lo: String,
    hi: String,
    /// The pattern is `prefix*` and the range holds exactly the matching values, so the range
    /// alone decides.
    exact: bool,
}

/// `node-1*` → `node-1` ≤ value < `node-2`. `pattern` is already ASCII-lowered. `None` when
/// there is no literal prefix or its last character cannot be incremented.
///
/// On SQLite the bounds compare with `COLLATE NOCASE`, which folds ASCII letters like
/// `lower()`: when the incremented character is an upper-case letter, NOCASE folds the bound
/// upwards and the range is wider than the prefix, still a superset, so the `GLOB` stays. On
/// PostgreSQL the bounds compare the folded value byte-wise ("C" collation), so the range is
/// always exactly the prefix.
fn prefix_bounds(pattern: &str, engine: Engine) -> Option<PrefixBounds> {
    let prefix: String = pattern
        .chars()
        .take_while(|c| *c != '*' && *c != '?')
        .collect();
    let last = prefix.chars().last()?;
    let next = char::from_u32(u32::from(last) + 1)?;
    let mut hi: String = prefix.chars().take(prefix.chars().count() - 1).collect();
    hi.push(next);
    let rest = &pattern[prefix.len()..];
    let exact = rest == "*" && (engine == Engine::Postgres || !next.is_ascii_uppercase());
    Some(PrefixBounds {
        lo: prefix,
        hi,
        exact,
    })
}

#[cfg(test)]
mod tests;

//! Exact counts of filters with relative dates, without recounting: `created:[now-7d .. now]`
//! resolves to a different range on every request, so a plain count cache never hits, and
//! counting a week of a million containers is tens of milliseconds on PostgreSQL.
//!
//! A filter of the form `G and <comparisons of one date column with relative dates>` (`G`
//! free of relative dates) selects `G` rows whose column lies in an interval `I(now)`. When
//! the database has not changed since a count `c0` at `now0`, then
//! `count(now) = c0 + count(G ∧ col ∈ I(now) ∖ I(now0)) − count(G ∧ col ∈ I(now0) ∖ I(now))`:
//! two counts over the few milliseconds the window moved, which the column's index answers at
//! once. Any other shape is counted as usual.

use super::db::Sql;
use super::filter::targets::{target, Target};
use super::filter::{compile, Filter};
use shipshape_qql::{Clause, Expr, Operator, Query, ScalarKind, Span, Value};

/// Integer milliseconds, both ends included; empty when `lo > hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub lo: i64,
    pub hi: i64,
}

impl Interval {
    const ALL: Interval = Interval {
        lo: i64::MIN,
        hi: i64::MAX,
    };

    fn and(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo.max(o.lo),
            hi: self.hi.min(o.hi),
        }
    }

    fn is_empty(self) -> bool {
        self.lo > self.hi
    }

    /// `self ∖ other`: at most two intervals.
    pub fn minus(self, other: Interval) -> Vec<Interval> {
        if self.is_empty() {
            return Vec::new();
        }
        if other.is_empty() {
            return vec![self];
        }
        let mut out = Vec::new();
        let below = Interval {
            lo: self.lo,
            hi: self.hi.min(other.lo.saturating_sub(1)),
        };
        let above = Interval {
            lo: self.lo.max(other.hi.saturating_add(1)),
            hi: self.hi,
        };
        for part in [below, above] {
            if !part.is_empty() {
                out.push(part);
            }
        }
        out
    }
}

/// A filter split into its date-free part and a sliding window on one date column.
#[derive(Clone, Debug)]
pub struct Window {
    /// The date column's SQL (e.g. `c.created`).
    pub column: &'static str,
    /// The clauses on that column.
    clauses: Vec<Clause>,
    /// The rest of the filter (no relative dates).
    pub rest: Filter,
}

fn is_relative(s: &shipshape_qql::Scalar) -> bool {
    matches!(
        s.kind,
        ScalarKind::Date(shipshape_qql::DateValue::Now { .. })
    )
}

fn has_relative(v: &Value) -> bool {
    match v {
        Value::Scalar(s) => is_relative(s),
        Value::List { items, .. } => items.iter().any(is_relative),
        Value::Range(r) => is_relative(&r.lo) || is_relative(&r.hi),
        Value::Label(_) => false,
    }
}

fn expr_has_relative(e: &Expr) -> bool {
    match e {
        Expr::Or { operands, .. } | Expr::And { operands, .. } => {
            operands.iter().any(expr_has_relative)
        }
        Expr::Not { operand, .. } => expr_has_relative(operand),
        Expr::Clause(c) => has_relative(&c.value),
    }
}

impl Window {
    /// The window of `filter`, when it has that shape.
    pub fn of(filter: &Filter) -> Option<Window> {
        let expr = filter.query.expr.as_ref()?;
        let operands: Vec<&Expr> = match expr {
            Expr::And { operands, .. } => operands.iter().collect(),
            single => vec![single],
        };
        let mut column: Option<&'static str> = None;
        let (mut clauses, mut rest) = (Vec::new(), Vec::new());
        for o in operands {
            match o {
                Expr::Clause(c) if has_relative(&c.value) => {
                    // Only ranges and comparisons on a plain column form an interval.
                    let ordered = matches!(c.value, Value::Range(_))
                        || matches!(
                            (&c.value, c.op),
                            (
                                Value::Scalar(_),
                                Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le
                            )
                        );
                    let Target::Col { sql, .. } = target(filter.entity, c.token.name) else {
                        return None;
                    };
                    if !ordered || column.is_some_and(|col| col != sql) {
                        return None;
                    }
                    column = Some(sql);
                    clauses.push(c.clone());
                }
                other if expr_has_relative(other) => return None,
                other => rest.push((*other).clone()),
            }
        }
        let column = column?;
        let expr = match rest.len() {
            0 => None,
            1 => rest.pop(),
            _ => Some(Expr::And {
                operands: rest,
                span: Span { start: 0, end: 0 },
            }),
        };
        Some(Window {
            column,
            clauses,
            rest: Filter {
                entity: filter.entity,
                text: String::new(),
                query: Query { expr },
                now_ms: filter.now_ms,
            },
        })
    }

    /// The column values the window admits at `now_ms`.
    pub fn interval(&self, now_ms: i64) -> Interval {
        let at = |s: &shipshape_qql::Scalar| match &s.kind {
            ScalarKind::Date(d) => d.resolve(now_ms),
            ScalarKind::Number(n) => *n,
            _ => 0,
        };
        let mut i = Interval::ALL;
        for c in &self.clauses {
            let part = match (&c.value, c.op) {
                (Value::Range(r), _) if r.inclusive => Interval {
                    lo: at(&r.lo),
                    hi: at(&r.hi),
                },
                (Value::Range(r), _) => Interval {
                    lo: at(&r.lo).saturating_add(1),
                    hi: at(&r.hi).saturating_sub(1),
                },
                (Value::Scalar(s), Operator::Gt) => Interval {
                    lo: at(s).saturating_add(1),
                    hi: i64::MAX,
                },
                (Value::Scalar(s), Operator::Ge) => Interval {
                    lo: at(s),
                    hi: i64::MAX,
                },
                (Value::Scalar(s), Operator::Lt) => Interval {
                    lo: i64::MIN,
                    hi: at(s).saturating_sub(1),
                },
                (Value::Scalar(s), Operator::Le) => Interval {
                    lo: i64::MIN,
                    hi: at(s),
                },
                _ => Interval::ALL,
            };
            i = i.and(part);
        }
        i
    }

    /// A key shared by every `now` of this filter: the date-free part's SQL and values, and
    /// the window's shape.
    pub fn key(&self, d: super::db::Dialect) -> String {
        let rest = compile(d, &self.rest);
        let shape: Vec<String> = self
            .clauses
            .iter()
            .map(|c| {
                shipshape_qql::print(&Query {
                    expr: Some(Expr::Clause(c.clone())),
                })
            })
            .collect();
        format!(
            "window|{}|{}|{:?}|{}",
            self.rest.entity.table(),
            rest.text,
            rest.binds,
            shape.join(" and ")
        )
    }

    /// `SELECT count(*)` of the date-free part with the column in `part`.
    pub fn count_sql(&self, d: super::db::Dialect, part: Interval) -> Sql {
        let e = self.rest.entity;
        let rest = compile(d, &self.rest);
        let mut sql = Sql::new(format!(
            "SELECT count(*) FROM {} {} WHERE {} >= ",
            e.table(),
            e.alias(),
            self.column
        ));
        sql.push_bind(part.lo)
            .push(&format!(" AND {} <= ", self.column))
            .push_bind(part.hi);
        if !rest.text.is_empty() {
            sql.push(" AND (").append(&rest).push(")");
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entity;

    fn window(q: &str) -> Option<Window> {
        Window::of(&Filter::parse(Entity::Container, Some(q), 1_000_000).unwrap())
    }

    #[test]
    fn windows_are_found_only_where_the_arithmetic_holds() {
        for q in [
            "created:[now-7d .. now]",
            "created>now-30d and state:RUNNING",
            "state:RUNNING and created>=now-1h and created<now and isRoot:true",
            "updated:(now-2d .. now-1d)",
        ] {
            assert!(window(q).is_some(), "{q}");
        }
        for q in [
            "state:RUNNING",
            "created:[1 .. 2]",
            "created>now-1d or state:RUNNING",
            "not created>now-1d",
            "created>now-1d and updated>now-2d",
            "created=now",
            "created:[now-1d, now]",
            "(created>now-1d or isRoot:true) and state:RUNNING",
        ] {
            assert!(window(q).is_none(), "{q}");
        }
    }

    #[test]
    fn intervals_follow_each_operator() {
        let now = 100_000;
        let w = window("created:[now-10s .. now]").unwrap();
        assert_eq!(
            w.interval(now),
            Interval {
                lo: 90_000,
                hi: now
            }
        );
        let w = window("created:(now-10s .. now)").unwrap();
        assert_eq!(
            w.interval(now),
            Interval {
                lo: 90_001,
                hi: now - 1
            }
        );
        let w = window("created>now-10s and created<=now-2s").unwrap();
        assert_eq!(
            w.interval(now),
            Interval {
                lo: 90_001,
                hi: 98_000
            }
        );
        // A fixed bound stays with the rest of the filter, which every count applies.
        let w = window("created>=now-10s and created<now and created>95000").unwrap();
        assert_eq!(
            w.interval(now),
            Interval {
                lo: 90_000,
                hi: now - 1
            }
        );
        assert!(!w.rest.is_empty());
    }

    #[test]
    fn differences_of_intervals() {
        let a = Interval { lo: 10, hi: 20 };
        assert_eq!(
            a.minus(Interval { lo: 12, hi: 25 }),
            vec![Interval { lo: 10, hi: 11 }]
        );
        assert_eq!(
            a.minus(Interval { lo: 12, hi: 15 }),
            vec![Interval { lo: 10, hi: 11 }, Interval { lo: 16, hi: 20 }]
        );
        assert_eq!(a.minus(a), vec![]);
        assert_eq!(a.minus(Interval { lo: 30, hi: 40 }), vec![a]);
        assert_eq!(a.minus(Interval { lo: 5, hi: 1 }), vec![a]);
    }
}

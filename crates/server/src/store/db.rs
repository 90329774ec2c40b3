//! The two engines under one small API: SQL text with `?` placeholders and a list of typed
//! values ([`Sql`]), run on a pool or inside a transaction of either engine ([`Db`], [`Tx`]),
//! rows decoded into named structs (`#[derive(sqlx::FromRow)]` works for both).
//!
//! Why not sqlx's `Any` driver: it hides the engine-specific connection (SQLite's progress
//! handler for time limits, PostgreSQL's `COPY` for bulk loads) and still passes SQL text
//! through unchanged, so placeholders would differ anyway. Here PostgreSQL gets the same text
//! with `?` rewritten to `$1, $2, …` outside quoted strings; the few fragments that really
//! differ live in [`Dialect`].
//!
//! Time limits: a statement run for a request stops after [`Db::limit`]. SQLite: a progress
//! handler armed before each statement (and before each transaction) interrupts it past the
//! deadline; PostgreSQL: `statement_timeout` on the request pool's connections. Both surface
//! as [`is_timeout`] errors, which the API answers with 503. Background jobs run on their own
//! pool without a limit, so a long purge never starves requests of connections or the reverse.

use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, Postgres, Sqlite, Type};
use std::time::{Duration, Instant};

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn dialect(self) -> Dialect {
        Dialect(self)
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A bound value. `None` binds a typed SQL `NULL` (PostgreSQL needs the type).
#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    /// A blob (report files' chunks).
    Bytes(Option<Vec<u8>>),
}

macro_rules! bind_from {
    ($t:ty, $v:ident => $e:expr) => {
        impl From<$t> for Bind {
            fn from($v: $t) -> Self {
                $e
            }
        }
    };
}
bind_from!(i64, v => Bind::Int(Some(v)));
bind_from!(Option<i64>, v => Bind::Int(v));
bind_from!(f64, v => Bind::Real(Some(v)));
bind_from!(Option<f64>, v => Bind::Real(v));
bind_from!(bool, v => Bind::Bool(Some(v)));
bind_from!(Option<bool>, v => Bind::Bool(v));
bind_from!(Vec<u8>, v => Bind::Bytes(Some(v)));
bind_from!(String, v => Bind::Text(Some(v)));
bind_from!(&String, v => Bind::Text(Some(v.clone())));
bind_from!(&str, v => Bind::Text(Some(v.to_string())));
bind_from!(Option<String>, v => Bind::Text(v));
bind_from!(&Option<String>, v => Bind::Text(v.clone()));
bind_from!(Option<&str>, v => Bind::Text(v.map(str::to_string)));

/// Adds each value to an engine's argument list. Encoding these value types cannot fail on
/// either engine, so the results are not inspected.
macro_rules! add_binds {
    ($args:ident, $binds:expr) => {
        for b in &$binds {
            let _ = match b {
                Bind::Int(v) => $args.add(*v),
                Bind::Real(v) => $args.add(*v),
                Bind::Text(v) => $args.add(v.clone()),
                Bind::Bool(v) => $args.add(*v),
                Bind::Bytes(v) => $args.add(v.clone()),
            };
        }
    };
}

/// SQL text with `?` placeholders and the values bound to them, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            binds: Vec::new(),
        }
    }

    /// Binds the next `?`.
    pub fn bind(mut self, v: impl Into<Bind>) -> Self {
        self.binds.push(v.into());
        self
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a `?` and binds it.
    pub fn push_bind(&mut self, v: impl Into<Bind>) -> &mut Self {
        self.text.push('?');
        self.binds.push(v.into());
        self
    }

    /// Appends another fragment with its values.
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        self.text.push_str(&other.text);
        self.binds.extend(other.binds.iter().cloned());
        self
    }

    /// `?, ?, ?` for each value, bound.
    pub fn push_list<V: Into<Bind>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_bind(v);
        }
        self
    }

    fn sqlite_args(&self) -> SqliteArguments<'static> {
        let mut args = SqliteArguments::default();
        add_binds!(args, self.binds);
        args
    }

    fn pg_args(&self) -> PgArguments {
        let mut args = PgArguments::default();
        add_binds!(args, self.binds);
        args
    }

    fn pg_text(&self) -> String {
        pg_placeholders(&self.text)
    }
}

/// `?` → `$1, $2, …`, leaving quoted strings and identifiers alone.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for ch in sql.chars() {
        match quote {
            Some(q) => {
                if ch == q {
                    quote = None;
                }
                out.push(ch);
            }
            None => match ch {
                '\'' | '"' => {
                    quote = Some(ch);
                    out.push(ch);
                }
                '?' => {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                _ => out.push(ch),
            },
        }
    }
    out
}

/// A row type both engines decode (`#[derive(sqlx::FromRow)]`).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column value both engines decode.
pub trait Column:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Column for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// The engine-specific connection pool.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A pool and the time limit of the statements run on it.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: Pool,
    /// Statements run through this handle stop after this long (`None`: no limit).
    pub limit: Option<Duration>,
}

/// Where a statement runs: a pool (one connection for the statement) or a connection.
pub enum Exec<'a> {
    Pool(&'a Db),
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        Exec::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        match tx {
            Tx::Sqlite(t) => Exec::Sqlite(&mut *t),
            Tx::Postgres(t) => Exec::Postgres(&mut *t),
        }
    }
}

/// An open transaction on either engine; dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Arms (or disarms) SQLite's progress handler so a statement stops at the deadline.
async fn arm_sqlite(conn: &mut SqliteConnection, limit: Option<Duration>) -> sqlx::Result<()> {
    let mut handle = conn.lock_handle().await?;
    match limit {
        Some(limit) => {
            let deadline = Instant::now() + limit;
            // About every 10,000 VM steps: microseconds apart, so the limit is kept closely.
            handle.set_progress_handler(10_000, move || Instant::now() < deadline);
        }
        None => handle.remove_progress_handler(),
    }
    Ok(())
}

impl Db {
    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// a transaction that reads and then writes never fails on a concurrent writer's commit.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                arm_sqlite(&mut tx, self.limit).await?;
                Ok(Tx::Sqlite(tx))
            }
            Pool::Postgres(p) => Ok(Tx::Postgres(p.begin().await?)),
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Runs `$body` once per kind of executor, with `$db` naming the engine's sqlx database type,
/// `$text` and `$args` the statement for it, and `$e` the executor.
macro_rules! on_engine {
    ($ex:expr, $sql:expr, |$db:ident, $text:ident, $args:ident, $e:ident| $body:expr) => {{
        let sql: &Sql = $sql;
        match $ex {
            Exec::Pool(db) => match &db.pool {
                Pool::Sqlite(p) => {
                    let mut conn = p.acquire().await?;
                    arm_sqlite(&mut conn, db.limit).await?;
                    type $db = Sqlite;
                    let ($text, $args) = (sql.text.as_str(), sql.sqlite_args());
                    let $e = &mut *conn;
                    $body
                }
                Pool::Postgres(p) => {
                    type $db = Postgres;
                    let owned = sql.pg_text();
                    let ($text, $args) = (owned.as_str(), sql.pg_args());
                    let $e = p;
                    $body
                }
            },
            Exec::Sqlite(conn) => {
                type $db = Sqlite;
                let ($text, $args) = (sql.text.as_str(), sql.sqlite_args());
                let $e = conn;
                $body
            }
            Exec::Postgres(conn) => {
                type $db = Postgres;
                let owned = sql.pg_text();
                let ($text, $args) = (owned.as_str(), sql.pg_args());
                let $e = conn;
                $body
            }
        }
    }};
}

impl Sql {
    /// Runs a statement; returns the rows it changed.
    pub async fn execute<'a>(&self, ex: impl Into<Exec<'a>>) -> sqlx::Result<u64> {
        on_engine!(ex.into(), self, |D, text, args, e| Ok(sqlx::query_with::<
            D,
            _,
        >(text, args)
        .execute(e)
        .await?
        .rows_affected()))
    }

    pub async fn fetch_all<'a, T: Record>(&self, ex: impl Into<Exec<'a>>) -> sqlx::Result<Vec<T>> {
        on_engine!(ex.into(), self, |D, text, args, e| sqlx::query_as_with::<
            D,
            T,
            _,
        >(text, args)
        .fetch_all(e)
        .await)
    }

    pub async fn fetch_optional<'a, T: Record>(
        &self,
        ex: impl Into<Exec<'a>>,
    ) -> sqlx::Result<Option<T>> {
        on_engine!(ex.into(), self, |D, text, args, e| sqlx::query_as_with::<
            D,
            T,
            _,
        >(text, args)
        .fetch_optional(e)
        .await)
    }

    pub async fn fetch_one<'a, T: Record>(&self, ex: impl Into<Exec<'a>>) -> sqlx::Result<T> {
        on_engine!(ex.into(), self, |D, text, args, e| sqlx::query_as_with::<
            D,
            T,
            _,
        >(text, args)
        .fetch_one(e)
        .await)
    }

    /// The first column of every row.
    pub async fn scalars<'a, T: Column>(&self, ex: impl Into<Exec<'a>>) -> sqlx::Result<Vec<T>> {
        on_engine!(ex.into(), self, |D, text, args, e| {
            sqlx::query_scalar_with::<D, T, _>(text, args)
                .fetch_all(e)
                .await
        })
    }

    /// The first column of the one row.
    pub async fn scalar<'a, T: Column>(&self, ex: impl Into<Exec<'a>>) -> sqlx::Result<T> {
        on_engine!(ex.into(), self, |D, text, args, e| {
            sqlx::query_scalar_with::<D, T, _>(text, args)
                .fetch_one(e)
                .await
        })
    }

    /// The first column of the first row, if any.
    pub async fn scalar_optional<'a, T: Column>(
        &self,
        ex: impl Into<Exec<'a>>,
    ) -> sqlx::Result<Option<T>> {
        on_engine!(ex.into(), self, |D, text, args, e| {
            sqlx::query_scalar_with::<D, T, _>(text, args)
                .fetch_optional(e)
                .await
        })
    }
}

/// True when a statement was stopped by its time limit (SQLite interrupt, PostgreSQL
/// `statement_timeout`).
pub fn is_timeout(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code();
            let code = code.as_deref();
            // SQLite: SQLITE_INTERRUPT (9); PostgreSQL: query_canceled (57014).
            code == Some("9") || code == Some("57014")
        }
        _ => false,
    }
}

/// The SQL fragments that differ between the engines. Everything else is written once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect(pub Engine);

impl Dialect {
    pub fn engine(self) -> Engine {
        self.0
    }

    /// `expr` with ASCII letters lowered, nothing else: the QQL contract (`to_ascii_lowercase`
    /// in Rust). SQLite's `lower()` (without ICU) does exactly that; PostgreSQL's does in the
    /// "C" collation (it folds other letters too in linguistic ones), which the asset columns
    /// have and which is given here for values that are not columns (JSON fields). The
    /// expression indexes in `migrations/postgres` are on this same expression.
    pub fn fold(self, expr: &str) -> String {
        match self.0 {
            Engine::Sqlite => format!("lower({expr})"),
            Engine::Postgres => format!("lower(({expr}) COLLATE \"C\")"),
        }
    }

    /// `FROM`-list item yielding the elements of a JSON array column as `j.value` (JSON).
    pub fn json_each(self, column: &str) -> String {
        match self.0 {
            Engine::Sqlite => format!("json_each({column}) j"),
            Engine::Postgres => format!("jsonb_array_elements(({column})::jsonb) j(value)"),
        }
    }

    /// `FROM`-list item yielding the text elements of a JSON array of strings as `j.value`.
    pub fn json_each_text(self, column: &str) -> String {
        match self.0 {
            Engine::Sqlite => format!("json_each({column}) j"),
            Engine::Postgres => format!("jsonb_array_elements_text(({column})::jsonb) j(value)"),
        }
    }

    /// The text of field `key` of the JSON object `expr` (e.g. a label's `key`).
    pub fn json_field(self, expr: &str, key: &str) -> String {
        match self.0 {
            Engine::Sqlite => format!("json_extract({expr}, '$.{key}')"),
            Engine::Postgres => format!("({expr} ->> '{key}')"),
        }
    }

    /// The JSON text column `expr` holding a JSON string, as that string.
    pub fn json_string(self, expr: &str) -> String {
        match self.0 {
            Engine::Sqlite => format!("json_extract({expr}, '$')"),
            Engine::Postgres => format!("(({expr})::jsonb #>> '{{}}')"),
        }
    }

    /// An aggregate giving the selected rows as one JSON array of objects (text), `[]` when
    /// there are none: `fields` are (key, SQL expression) pairs. Booleans must be given as
    /// numbers (SQLite has none) and floating-point values through [`Dialect::real_text`].
    /// The array's order is not defined.
    pub fn json_rows(self, fields: &[(&str, &str)]) -> String {
        let pairs: Vec<String> = fields.iter().map(|(k, e)| format!("'{k}', {e}")).collect();
        match self.0 {
            Engine::Sqlite => format!("json_group_array(json_object({}))", pairs.join(", ")),
            Engine::Postgres => format!(
                "coalesce(json_agg(json_build_object({}))::text, '[]')",
                pairs.join(", ")
            ),
        }
    }

    /// A floating-point value as text that reads back as the same number: SQLite's JSON and
    /// text renderings keep only 15 digits (and its printf 16, unless given the `!` flag), so
    /// it is printed with 17; PostgreSQL's text is the shortest exact form.
    pub fn real_text(self, expr: &str) -> String {
        match self.0 {
            Engine::Sqlite => {
                format!("CASE WHEN {expr} IS NULL THEN NULL ELSE printf('%!.17g', {expr}) END")
            }
            Engine::Postgres => format!("({expr})::text"),
        }
    }

    /// The boolean `FALSE` (SQLite has no boolean type).
    pub fn false_(self) -> &'static str {
        match self.0 {
            Engine::Sqlite => "0",
            Engine::Postgres => "FALSE",
        }
    }

    /// `ORDER BY` term with SQLite's `NULL` placement (smallest) on both engines.
    pub fn order_term(self, expr: &str, desc: bool) -> String {
        match (self.0, desc) {
            (Engine::Sqlite, false) => format!("{expr} ASC"),
            (Engine::Sqlite, true) => format!("{expr} DESC"),
            (Engine::Postgres, false) => format!("{expr} ASC NULLS FIRST"),
            (Engine::Postgres, true) => format!("{expr} DESC NULLS LAST"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT ? , '?' , \"a?\" , ?"),
            "SELECT $1 , '?' , \"a?\" , $2"
        );
        assert_eq!(
            pg_placeholders("x = 'it''s ?' AND y = ?"),
            "x = 'it''s ?' AND y = $1"
        );
    }
}

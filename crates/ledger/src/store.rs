//! The database handle shared by every layer.
//!
//! PostgreSQL takes concurrent writers and relies on row locks and conditional updates.
//! SQLite has a single writer: concurrent write transactions would fail with `SQLITE_BUSY`
//! instead of queueing, so [`Db::begin_write`] serialises them in-process with an async
//! mutex held for the life of the transaction. Reads never take it.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    write_lock: Option<Arc<Mutex<()>>>,
    /// Test-only fault injection (see [`Db::with_faults`]); `None` everywhere else.
    faults: Option<FaultHook>,
}

/// Where an injected fault may strike: the start or the commit of a write transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    Begin,
    Commit,
}

/// What an injected fault does at a [`FaultPoint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing: the call goes ahead.
    None,
    /// The call fails with a `DbErr`: no transaction is begun, or the transaction is rolled
    /// back instead of committed.
    Fail,
    /// At a commit: the transaction commits, then the call fails anyway, as when the
    /// connection drops before the answer arrives. (At a begin it is [`Fault::Fail`].)
    FailAfterCommit,
}

/// Decides, at every begin and commit of a write transaction, whether a fault strikes there.
#[derive(Clone)]
pub struct FaultHook(Arc<dyn Fn(FaultPoint) -> Fault + Send + Sync>);

impl std::fmt::Debug for FaultHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaultHook")
    }
}

fn injected(point: &str) -> DbErr {
    DbErr::Custom(format!("injected fault at {point}"))
}

/// Settings for opening the database.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub url: String,
    pub pool_max: u32,
    pub acquire_timeout_ms: u64,
}

impl Db {
    pub async fn connect(options: &DbOptions) -> Result<Db, DbErr> {
        let mut connect = ConnectOptions::new(options.url.clone());
        connect
            .max_connections(options.pool_max)
            .min_connections(1)
            .acquire_timeout(Duration::from_millis(options.acquire_timeout_ms))
            .sqlx_logging(false);
        let conn = Database::connect(connect).await?;
        let write_lock = match conn.get_database_backend() {
            DbBackend::Sqlite => {
                // WAL lets readers proceed while the single writer commits; busy_timeout
                // covers the other processes (the CLI) that may touch the same file.
                conn.execute_unprepared("PRAGMA journal_mode=WAL").await?;
                conn.execute_unprepared("PRAGMA busy_timeout=10000").await?;
                Some(Arc::new(Mutex::new(())))
            }
            _ => None,
        };
        Ok(Db { conn, write_lock, faults: None })
    }

    /// Test-only: this handle (and its clones) with `hook` consulted at every begin and
    /// commit of a write transaction, so a test can make a use-case fail midway as if the
    /// database had errored (the deterministic simulation does). Only code that builds a `Db`
    /// can call it; no setting or request reaches it, and without it the check is one `None`.
    pub fn with_faults(mut self, hook: Arc<dyn Fn(FaultPoint) -> Fault + Send + Sync>) -> Db {
        self.faults = Some(FaultHook(hook));
        self
    }

    fn fault(&self, point: FaultPoint) -> Fault {
        self.faults.as_ref().map_or(Fault::None, |hook| (hook.0)(point))
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Starts a transaction that may write.
    pub async fn begin_write(&self) -> Result<WriteTx, DbErr> {
        if self.fault(FaultPoint::Begin) != Fault::None {
            return Err(injected("begin"));
        }
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = match self.backend() {
            // IMMEDIATE takes SQLite's write lock at BEGIN (waiting on the busy timeout), so a
            // transaction never reads a snapshot it then cannot upgrade to a write on: a
            // deferred one would fail with "database is locked" when another connection (a
            // CLI, or a single-statement update outside this lock) committed in between.
            DbBackend::Sqlite => {
                let options = TransactionOptions {
                    isolation_level: None,
                    access_mode: None,
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                };
                self.conn.begin_with_options(options).await?
            }
            _ => self.conn.begin().await?,
        };
        Ok(WriteTx { tx, _guard: guard, faults: self.faults.clone() })
    }

    /// Starts a write transaction scoped to one tenant: on PostgreSQL it sets
    /// `creditloop.tenant` for this transaction only, which the row-level security policies
    /// use to hide every other tenant's rows. The setting dies with the transaction, so it
    /// cannot leak to the next user of the pooled connection.
    pub async fn begin_write_for(&self, tenant: uuid::Uuid) -> Result<WriteTx, DbErr> {
        let tx = self.begin_write().await?;
        if self.backend() == DbBackend::Postgres {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT set_config('creditloop.tenant', $1, true)",
                vec![Value::from(tenant.to_string())],
            ))
            .await?;
        }
        Ok(tx)
    }

    /// `FOR UPDATE SKIP LOCKED` where the database has it (PostgreSQL), so that workers on
    /// several replicas claim different rows; SQLite has one writer and needs nothing.
    pub fn skip_locked(&self) -> &'static str {
        if self.backend() == DbBackend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" }
    }

    /// Claims up to `limit` due rows of a work queue: rows of `table` in status `PENDING` whose
    /// `next_attempt_at` has come and whose lease (`locked_until`) is free or lapsed. The claim
    /// sets the lease and counts the attempt in one committed statement, so a worker that dies
    /// holding rows only delays them until the lease lapses. `table` and `returning` are
    /// literals of the calling module, never input.
    pub async fn claim_due(
        &self,
        table: &'static str,
        returning: &'static str,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
        limit: u64,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let sql = format!(
            "UPDATE {table} SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
               SELECT id FROM {table} WHERE status = 'PENDING' AND next_attempt_at <= $2 \
               AND (locked_until IS NULL OR locked_until < $2) ORDER BY next_attempt_at LIMIT $3 {}) \
             RETURNING {returning}",
            self.skip_locked()
        );
        // Claiming is platform work across tenants: no tenant scope.
        let tx = self.begin_write().await?;
        let rows = query_all(&*tx, &sql, vec![lease_until.into(), now.into(), (limit as i64).into()]).await?;
        tx.commit().await?;
        Ok(rows)
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }
}

/// A write transaction; on SQLite it also holds the process-wide writer lock.
pub struct WriteTx {
    tx: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
    faults: Option<FaultHook>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        match self.faults.as_ref().map_or(Fault::None, |hook| (hook.0)(FaultPoint::Commit)) {
            Fault::None => self.tx.commit().await,
            Fault::Fail => {
                self.tx.rollback().await?;
                Err(injected("commit"))
            }
            Fault::FailAfterCommit => {
                self.tx.commit().await?;
                Err(injected("the answer to a commit"))
            }
        }
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

/// Builds a statement from SQL written with PostgreSQL-style `$1` placeholders, rewriting
/// them to SQLite's numbered `?1` form where needed. The SQL text is always a literal of the
/// calling module; values are always bound, never formatted in.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

pub async fn exec<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<ExecResult, DbErr> {
    c.execute_raw(stmt(c.get_database_backend(), sql, values)).await
}

pub async fn query_all<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, DbErr> {
    c.query_all_raw(stmt(c.get_database_backend(), sql, values)).await
}

pub async fn query_one<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<Option<QueryResult>, DbErr> {
    c.query_one_raw(stmt(c.get_database_backend(), sql, values)).await
}

/// `$start, $start+1, ...` placeholders for an `IN (...)` list of `count` values.
pub fn placeholders(start: usize, count: usize) -> String {
    (start..start + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// True when a database error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &DbErr) -> bool {
    let text = err.to_string();
    text.contains("UNIQUE constraint failed") || text.contains("duplicate key value") || text.contains("23505")
}

/// Builds a `WHERE` clause from optional filters, numbering placeholders as it goes, so that
/// only the filters present reach the query planner.
#[derive(Debug, Default)]
pub struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a clause in which `?` stands for the bound value, e.g. `"tenant_id = ?"`.
    pub fn and(&mut self, clause: &str, value: impl Into<Value>) -> &mut Self {
        self.and_many(clause, vec![value.into()])
    }

    /// Adds a clause with several `?`, bound in order.
    pub fn and_many(&mut self, clause: &str, values: Vec<Value>) -> &mut Self {
        let mut sql = String::with_capacity(clause.len() + 8);
        let mut values = values.into_iter();
        for piece in clause.split_inclusive('?') {
            match piece.strip_suffix('?') {
                Some(head) => {
                    sql.push_str(head);
                    if let Some(value) = values.next() {
                        self.values.push(value);
                        sql.push_str(&format!("${}", self.values.len()));
                    }
                }
                None => sql.push_str(piece),
            }
        }
        self.clauses.push(sql);
        self
    }

    /// Adds the clause only when the value is present.
    pub fn and_opt<V: Into<Value>>(&mut self, clause: &str, value: Option<V>) -> &mut Self {
        if let Some(value) = value {
            self.and(clause, value);
        }
        self
    }

    /// The next placeholder number, for clauses appended after the filter (e.g. `LIMIT`).
    pub fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    pub fn sql(&self) -> String {
        if self.clauses.is_empty() { "TRUE".to_owned() } else { self.clauses.join(" AND ") }
    }

    pub fn values(&self) -> Vec<Value> {
        self.values.clone()
    }

    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

//! CSV exports for finance and audit, streamed with constant memory.
//!
//! An export is a stream of byte chunks: the header, then one chunk per page of at most
//! [`PAGE_ROWS`] rows read with keyset pagination (`WHERE key > last ORDER BY key LIMIT n`),
//! so memory stays flat however large the tenant is. Every chunk is written by the `csv`
//! crate (RFC 4180: quoted where needed, CRLF line ends). Text cells that a spreadsheet would
//! run as a formula are neutralised with a leading `'`; amounts are a separate cell type,
//! so our own signed decimals ("-12.30") stay numbers.

use crate::principal::Principal;
use crate::{audit, outbox, App, AppError, AppResult};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use creditloop_domain::{Fen, Permission, Rate, TenantId};
use creditloop_ledger::store::{exec, placeholders, query_all, query_one};
use futures::Stream;
use serde::{Deserialize, Serialize};
use sea_orm::{QueryResult, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per database query and per chunk written to the client.
pub const PAGE_ROWS: i64 = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Entries,
    Statements,
    Balances,
    Payouts,
    Settlements,
    Audit,
    Reconciliation,
}

impl ExportKind {
    pub const ALL: [ExportKind; 7] = [
        ExportKind::Entries,
        ExportKind::Statements,
        ExportKind::Balances,
        ExportKind::Payouts,
        ExportKind::Settlements,
        ExportKind::Audit,
        ExportKind::Reconciliation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Entries => "entries",
            ExportKind::Statements => "statements",
            ExportKind::Balances => "balances",
            ExportKind::Payouts => "payouts",
            ExportKind::Settlements => "settlements",
            ExportKind::Audit => "audit",
            ExportKind::Reconciliation => "reconciliation",
        }
    }

    pub fn parse(s: &str) -> Option<ExportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            ExportKind::Entries => &[
                "entry_id", "created_at", "posted_at", "template", "status", "memo", "batch_id", "reverses_id",
                "created_by", "seq", "account_id", "account_kind", "account_name", "account_owner", "asset", "amount",
            ],
            ExportKind::Statements => {
                &["employee_no", "employee", "department", "date", "entry_id", "template", "memo", "amount", "balance"]
            }
            ExportKind::Balances => &["account_id", "kind", "name", "owner", "employee_no", "asset", "balance", "as_of"],
            ExportKind::Payouts => {
                &["cashout_id", "employee_no", "name", "email", "credit", "rate", "amount", "status", "created_at", "paid_at"]
            }
            ExportKind::Settlements => &[
                "recycle_id", "status", "voucher_number", "voucher_hash", "face", "rate", "gross", "fee", "net",
                "rounding_remainder_1e4_fen", "created_at", "settled_at",
            ],
            ExportKind::Audit => &["seq", "at", "actor", "action", "target", "outcome", "ip", "details", "prev_hash", "hash"],
            ExportKind::Reconciliation => &["topup_id", "ledger", "carrier"],
        }
    }
}

/// What to export, as the client sent it; the bounds are read in the tenant's time zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExportQuery {
    /// Inclusive start: a date (`2026-11-01`) or an RFC 3339 time.
    pub from: Option<String>,
    /// End: a date (inclusive: the whole day) or an RFC 3339 time (exclusive).
    pub to: Option<String>,
    pub bom: bool,
    /// Statements: one employee, by employee number or email.
    pub employee: Option<String>,
    /// Statements: one department.
    pub department: Option<String>,
}

fn bound(text: Option<&str>, tz: chrono_tz::Tz, end: bool, field: &str) -> AppResult<Option<DateTime<Utc>>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse_bound(t, tz, end)
            .map(Some)
            .ok_or_else(|| AppError::validation(field, format!("{field} must be a date (2026-11-30) or an RFC 3339 time"))),
    }
}

/// Reads a range bound: RFC 3339, or a date in the tenant's time zone. A date as `from`
/// means the start of that day; as `to`, the end of it (the next day's start, exclusive).
pub fn parse_bound(text: &str, tz: chrono_tz::Tz, end: bool) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let date = if end { date.succ_opt()? } else { date };
    tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN)).earliest().map(|d| d.with_timezone(&Utc))
}

/// One cell. Only `Text` can carry a formula; the other kinds are written as they are.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Amount(Fen),
    Int(i64),
    Time(DateTime<Utc>),
    Empty,
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

impl From<Option<DateTime<Utc>>> for Cell {
    fn from(v: Option<DateTime<Utc>>) -> Cell {
        v.map(Cell::Time).unwrap_or(Cell::Empty)
    }
}

/// Prefixes a `'` to text a spreadsheet would read as a formula or a control sequence:
/// a leading `=`, `+`, `-`, `@`, tab, CR or any other control character (OWASP's CSV
/// injection advice). The quote shows in the cell, which is the point: it is text.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some(c) if matches!(c, '=' | '+' | '-' | '@') || c.is_control() => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Writes rows as one RFC 4180 chunk.
fn write_rows(rows: &[Vec<Cell>], tz: chrono_tz::Tz) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::with_capacity(rows.len() * 160));
    let mut record: Vec<String> = Vec::new();
    for row in rows {
        record.clear();
        record.extend(row.iter().map(|cell| match cell {
            Cell::Text(t) => neutralise(t).into_owned(),
            Cell::Amount(f) => f.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Time(at) => at.with_timezone(&tz).to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
            Cell::Empty => String::new(),
        }));
        w.write_record(&record).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

/// The permissions an export of `kind` needs, checked before any work.
fn require_export(principal: &Principal, kind: ExportKind) -> AppResult<()> {
    principal.require(Permission::ExportsRead)?;
    if kind == ExportKind::Reconciliation {
        principal.require(Permission::LedgerVerify)?;
    }
    Ok(())
}

/// Where the next page starts, per kind.
#[derive(Debug, Clone)]
enum Cursor {
    Start,
    Statement { account: Uuid, at: DateTime<Utc>, entry: Uuid, seq: i32 },
    Id(Uuid),
    /// After this (created_at, id): the order of the `(tenant_id, created_at, id)` index.
    At(DateTime<Utc>, Uuid),
    Seq(i64),
    Done,
}

/// A statement's running state across pages.
#[derive(Debug, Default)]
struct Running {
    account: Option<Uuid>,
    balance: i64,
}

/// The state of one export between chunks.
pub struct Exporter {
    app: App,
    principal: Principal,
    tenant: TenantId,
    kind: ExportKind,
    tz: chrono_tz::Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    bom: bool,
    /// Statements for one wallet only.
    wallet: Option<Uuid>,
    department: Option<String>,
    cursor: Cursor,
    header_sent: bool,
    running: Running,
    /// Data rows written so far (the header not counted).
    rows_written: u64,
}

/// A ready export: its file name and its chunks.
pub struct ExportFile {
    pub filename: String,
    pub exporter: Exporter,
}

impl ExportFile {
    /// The chunks, each a complete set of CSV lines.
    pub fn into_stream(self) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
        futures::stream::unfold(self.exporter, |mut ex| async move {
            match ex.next_chunk().await {
                Ok(Some(bytes)) => Some((Ok(bytes), ex)),
                Ok(None) => None,
                Err(e) => {
                    // Stop after an error: the client sees a cut-off download, never a
                    // file that silently skips a page.
                    ex.cursor = Cursor::Done;
                    Some((Err(e), ex))
                }
            }
        })
    }
}

impl App {
    /// Checks the permission and the parameters and prepares an export; the rows are read
    /// as the stream is consumed.
    pub async fn export(&self, principal: &Principal, kind: ExportKind, query: ExportQuery) -> AppResult<ExportFile> {
        require_export(principal, kind)?;
        self.prepare_export(principal, kind, query, None).await
    }

    /// Prepares an export without checking permissions (done by the caller). `as_of` stands
    /// in for "now" as the default end of the range (a background job's request time).
    async fn prepare_export(
        &self,
        principal: &Principal,
        kind: ExportKind,
        query: ExportQuery,
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<ExportFile> {
        let tenant = self.tenant(principal).await?;
        let tz: chrono_tz::Tz = tenant.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        let from_at = bound(query.from.as_deref(), tz, false, "from")?;
        let to_at = bound(query.to.as_deref(), tz, true, "to")?;
        let from = from_at.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let to = to_at.unwrap_or_else(|| as_of.unwrap_or_else(|| self.now()) + chrono::Duration::seconds(1));
        if to <= from {
            return Err(AppError::validation("to", "the end of the range must be after its start"));
        }
        let wallet = match &query.employee {
            Some(who) => Some(self.wallet_for_export(principal.tenant, who).await?),
            None => None,
        };
        let day = |at: DateTime<Utc>| at.with_timezone(&tz).format("%Y%m%d").to_string();
        let from_label = from_at.map(day).unwrap_or_else(|| "start".into());
        let to_label = day(to - chrono::Duration::microseconds(1));
        let filename = format!("creditloop-{}-{from_label}-{to_label}.csv", kind.as_str());
        Ok(ExportFile {
            filename,
            exporter: Exporter {
                app: self.clone(),
                principal: principal.clone(),
                tenant: principal.tenant,
                kind,
                tz,
                from,
                to,
                bom: query.bom,
                wallet,
                department: query.department.filter(|d| !d.trim().is_empty()),
                cursor: Cursor::Start,
                header_sent: false,
                running: Running::default(),
                rows_written: 0,
            },
        })
    }

    async fn wallet_for_export(&self, tenant: TenantId, who: &str) -> AppResult<Uuid> {
        let row = creditloop_ledger::store::query_one(
            self.db.conn(),
            "SELECT id FROM users WHERE tenant_id = $1 AND (employee_no = $2 OR email = $3)",
            vec![tenant.0.into(), who.into(), who.to_lowercase().into()],
        )
        .await?
        .ok_or_else(|| AppError::not_found("employee").at("employee"))?;
        let user = creditloop_domain::UserId(row.try_get("", "id")?);
        let account = creditloop_ledger::account::get_by_ref(self.db.conn(), tenant, creditloop_ledger::AccountRef::Wallet(user))
            .await?
            .ok_or_else(|| AppError::not_found("wallet").at("employee"))?;
        Ok(account.id.0)
    }
}

/// Employee number, name, email and department of the users behind a page's rows.
struct People(HashMap<String, (Option<String>, String, String, Option<String>)>);

impl People {
    async fn load(app: &App, tenant: TenantId, ids: impl Iterator<Item = String>) -> AppResult<People> {
        let mut ids: Vec<Uuid> = ids.filter_map(|s| Uuid::parse_str(&s).ok()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut map = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut values: Vec<Value> = vec![tenant.0.into()];
            values.extend(chunk.iter().map(|u| Value::from(*u)));
            let sql = format!(
                "SELECT id, employee_no, name, email, department FROM users WHERE tenant_id = $1 AND id IN ({})",
                placeholders(2, chunk.len())
            );
            for r in query_all(app.db.conn(), &sql, values).await? {
                let id: Uuid = r.try_get("", "id")?;
                map.insert(id.to_string(), (r.try_get("", "employee_no")?, r.try_get("", "name")?, r.try_get("", "email")?, r.try_get("", "department")?));
            }
        }
        Ok(People(map))
    }

    fn get(&self, id: &str) -> Option<&(Option<String>, String, String, Option<String>)> {
        self.0.get(id)
    }
}

fn fen(row: &QueryResult, column: &str) -> AppResult<Fen> {
    Ok(Fen::new(row.try_get::<i64>("", column)?))
}

fn rate(row: &QueryResult, column: &str) -> AppResult<Cell> {
    let bps: i32 = row.try_get("", column)?;
    Ok(u32::try_from(bps).ok().and_then(Rate::from_bps).map(|r| Cell::Text(r.to_decimal_string())).unwrap_or(Cell::Int(i64::from(bps))))
}

impl Exporter {
    async fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if !self.header_sent {
            self.header_sent = true;
            let mut out = if self.bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
            let header: Vec<Cell> = self.kind.header().iter().map(|h| Cell::Text((*h).to_owned())).collect();
            out.extend(write_rows(&[header], self.tz)?);
            return Ok(Some(out));
        }
        loop {
            if matches!(self.cursor, Cursor::Done) {
                return Ok(None);
            }
            let rows = match self.kind {
                ExportKind::Entries => self.entries().await?,
                ExportKind::Statements => self.statements().await?,
                ExportKind::Balances => self.balances().await?,
                ExportKind::Payouts => self.payouts().await?,
                ExportKind::Settlements => self.settlements().await?,
                ExportKind::Audit => self.audit().await?,
                ExportKind::Reconciliation => self.reconciliation().await?,
            };
            // A page can be empty after filtering (statements by department) while more
            // pages follow; only an exhausted cursor ends the file.
            if !rows.is_empty() {
                self.rows_written += rows.len() as u64;
                return Ok(Some(write_rows(&rows, self.tz)?));
            }
        }
    }

    fn advance(&mut self, fetched: usize, next: Cursor) {
        self.cursor = if i64::try_from(fetched).unwrap_or(0) < PAGE_ROWS { Cursor::Done } else { next };
    }

    /// A page of entries in the order of the `(tenant_id, created_at, id)` index, then their
    /// postings in one primary-key lookup: two index range scans per page on both databases
    /// (one joined query with a three-part keyset made PostgreSQL sort the range per page).
    async fn entries(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        const ENTRIES_PER_PAGE: i64 = PAGE_ROWS / 2;
        let (after_at, after_id) = match self.cursor {
            Cursor::At(at, id) => (at, id),
            _ => (self.from, Uuid::nil()),
        };
        let entries = query_all(
            self.app.db.conn(),
            "SELECT id, created_at, posted_at, template, status, memo, batch_id, reverses_id, created_by FROM entries \
             WHERE tenant_id = $1 AND (created_at, id) > ($2, $3) AND created_at < $4 ORDER BY created_at, id LIMIT $5",
            vec![self.tenant.0.into(), after_at.into(), after_id.into(), self.to.into(), ENTRIES_PER_PAGE.into()],
        )
        .await?;
        let ids: Vec<Uuid> = entries.iter().map(|r| r.try_get::<Uuid>("", "id")).collect::<Result<_, _>>()?;
        let mut legs: HashMap<Uuid, Vec<QueryResult>> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut values: Vec<Value> = vec![self.tenant.0.into()];
            values.extend(chunk.iter().map(|u| Value::from(*u)));
            let sql = format!(
                "SELECT p.entry_id, p.seq, p.account_id, a.kind, a.name, a.owner, p.asset, p.amount \
                 FROM postings p JOIN accounts a ON a.id = p.account_id \
                 WHERE p.tenant_id = $1 AND p.entry_id IN ({}) ORDER BY p.entry_id, p.seq",
                placeholders(2, chunk.len())
            );
            for r in query_all(self.app.db.conn(), &sql, values).await? {
                legs.entry(r.try_get("", "entry_id")?).or_default().push(r);
            }
        }
        let mut out = Vec::with_capacity(ids.len() * 2);
        for (e, id) in entries.iter().zip(&ids) {
            for p in legs.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                out.push(vec![
                    Cell::Text(id.to_string()),
                    Cell::Time(e.try_get("", "created_at")?),
                    e.try_get::<Option<DateTime<Utc>>>("", "posted_at")?.into(),
                    Cell::Text(e.try_get("", "template")?),
                    Cell::Text(e.try_get("", "status")?),
                    e.try_get::<Option<String>>("", "memo")?.into(),
                    e.try_get::<Option<Uuid>>("", "batch_id")?.map(|u| u.to_string()).into(),
                    e.try_get::<Option<Uuid>>("", "reverses_id")?.map(|u| u.to_string()).into(),
                    Cell::Text(e.try_get("", "created_by")?),
                    Cell::Int(i64::from(p.try_get::<i32>("", "seq")?)),
                    Cell::Text(p.try_get::<Uuid>("", "account_id")?.to_string()),
                    Cell::Text(p.try_get("", "kind")?),
                    Cell::Text(p.try_get("", "name")?),
                    Cell::Text(p.try_get("", "owner")?),
                    Cell::Text(p.try_get("", "asset")?),
                    Cell::Amount(fen(p, "amount")?),
                ]);
            }
        }
        self.cursor = match (entries.last(), ids.last()) {
            (Some(row), Some(last)) if i64::try_from(ids.len()).unwrap_or(0) >= ENTRIES_PER_PAGE => {
                Cursor::At(row.try_get("", "created_at")?, *last)
            }
            _ => Cursor::Done,
        };
        Ok(out)
    }

    /// Wallet postings of posted entries in posting order, with each wallet's running
    /// balance (opened with the balance just before `from`).
    async fn statements(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let (account, at, entry, seq) = match self.cursor {
            Cursor::Statement { account, at, entry, seq } => (account, at, entry, seq),
            _ => (Uuid::nil(), DateTime::<Utc>::UNIX_EPOCH, Uuid::nil(), -1),
        };
        let mut values: Vec<Value> = vec![
            self.tenant.0.into(),
            self.from.into(),
            self.to.into(),
            account.into(),
            at.into(),
            entry.into(),
            seq.into(),
            PAGE_ROWS.into(),
        ];
        let wallet_clause = match self.wallet {
            Some(wallet) => {
                values.push(wallet.into());
                "AND p.account_id = $9"
            }
            None => "",
        };
        let sql = format!(
            "SELECT p.account_id, a.owner, e.posted_at, p.entry_id, p.seq, e.template, e.memo, p.amount \
             FROM postings p JOIN entries e ON e.id = p.entry_id JOIN accounts a ON a.id = p.account_id \
             WHERE p.tenant_id = $1 AND a.kind = 'WALLET' AND e.status = 'POSTED' AND e.posted_at >= $2 AND e.posted_at < $3 \
             {wallet_clause} \
             AND (p.account_id > $4 OR (p.account_id = $4 AND (e.posted_at > $5 OR (e.posted_at = $5 \
                  AND (p.entry_id > $6 OR (p.entry_id = $6 AND p.seq > $7)))))) \
             ORDER BY p.account_id, e.posted_at, p.entry_id, p.seq LIMIT $8"
        );
        let rows = query_all(self.app.db.conn(), &sql, values).await?;
        let people = People::load(&self.app, self.tenant, rows.iter().filter_map(|r| r.try_get::<String>("", "owner").ok())).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = (account, at, entry, seq);
        for r in &rows {
            let account_id: Uuid = r.try_get("", "account_id")?;
            let posted_at: DateTime<Utc> = r.try_get("", "posted_at")?;
            let entry_id: Uuid = r.try_get("", "entry_id")?;
            let seq: i32 = r.try_get("", "seq")?;
            last = (account_id, posted_at, entry_id, seq);
            if self.running.account != Some(account_id) {
                self.running = Running { account: Some(account_id), balance: self.opening_balance(account_id).await? };
            }
            let amount = fen(r, "amount")?;
            self.running.balance = self.running.balance.saturating_add(amount.get());
            let owner: String = r.try_get("", "owner")?;
            let person = people.get(&owner);
            if let Some(department) = &self.department {
                if person.and_then(|p| p.3.as_ref()) != Some(department) {
                    continue;
                }
            }
            out.push(vec![
                person.and_then(|p| p.0.clone()).into(),
                person.map(|p| p.1.clone()).into(),
                person.and_then(|p| p.3.clone()).into(),
                Cell::Time(posted_at),
                Cell::Text(entry_id.to_string()),
                Cell::Text(r.try_get("", "template")?),
                r.try_get::<Option<String>>("", "memo")?.into(),
                Cell::Amount(amount),
                Cell::Amount(Fen::new(self.running.balance)),
            ]);
        }
        self.advance(rows.len(), Cursor::Statement { account: last.0, at: last.1, entry: last.2, seq: last.3 });
        Ok(out)
    }

    async fn opening_balance(&self, account: Uuid) -> AppResult<i64> {
        let row = creditloop_ledger::store::query_one(
            self.app.db.conn(),
            "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) AS balance FROM postings p JOIN entries e ON e.id = p.entry_id \
             WHERE p.tenant_id = $1 AND p.account_id = $2 AND e.status = 'POSTED' AND e.posted_at < $3",
            vec![self.tenant.0.into(), account.into(), self.from.into()],
        )
        .await?;
        Ok(row.map(|r| r.try_get::<i64>("", "balance")).transpose()?.unwrap_or(0))
    }

    /// Every account's balance as of `to`, recomputed from the postings of entries posted
    /// before it (not read from the live balance, which may have moved on).
    async fn balances(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let after = match self.cursor {
            Cursor::Id(id) => id,
            _ => Uuid::nil(),
        };
        let accounts = query_all(
            self.app.db.conn(),
            "SELECT id, kind, name, owner, asset FROM accounts WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            vec![self.tenant.0.into(), after.into(), PAGE_ROWS.into()],
        )
        .await?;
        let ids: Vec<Uuid> = accounts.iter().map(|r| r.try_get::<Uuid>("", "id")).collect::<Result<_, _>>()?;
        let mut sums: HashMap<Uuid, i64> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut values: Vec<Value> = vec![self.tenant.0.into(), self.to.into()];
            values.extend(chunk.iter().map(|u| Value::from(*u)));
            let sql = format!(
                "SELECT p.account_id, CAST(SUM(p.amount) AS BIGINT) AS balance FROM postings p JOIN entries e ON e.id = p.entry_id \
                 WHERE p.tenant_id = $1 AND e.status = 'POSTED' AND e.posted_at < $2 AND p.account_id IN ({}) GROUP BY p.account_id",
                placeholders(3, chunk.len())
            );
            for r in query_all(self.app.db.conn(), &sql, values).await? {
                sums.insert(r.try_get("", "account_id")?, r.try_get("", "balance")?);
            }
        }
        let people = People::load(&self.app, self.tenant, accounts.iter().filter_map(|r| r.try_get::<String>("", "owner").ok())).await?;
        let mut out = Vec::with_capacity(accounts.len());
        for (r, id) in accounts.iter().zip(&ids) {
            let owner: String = r.try_get("", "owner")?;
            out.push(vec![
                Cell::Text(id.to_string()),
                Cell::Text(r.try_get("", "kind")?),
                Cell::Text(r.try_get("", "name")?),
                Cell::Text(owner.clone()),
                people.get(&owner).and_then(|p| p.0.clone()).into(),
                Cell::Text(r.try_get("", "asset")?),
                Cell::Amount(Fen::new(sums.get(id).copied().unwrap_or(0))),
                Cell::Time(self.to),
            ]);
        }
        self.advance(accounts.len(), Cursor::Id(ids.last().copied().unwrap_or(after)));
        Ok(out)
    }

    async fn payouts(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let after = match self.cursor {
            Cursor::Id(id) => id,
            _ => Uuid::nil(),
        };
        let rows = query_all(
            self.app.db.conn(),
            "SELECT id, employee_id, credit, rate_bps, cash, status, created_at, paid_at FROM cashouts \
             WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND id > $4 ORDER BY id LIMIT $5",
            vec![self.tenant.0.into(), self.from.into(), self.to.into(), after.into(), PAGE_ROWS.into()],
        )
        .await?;
        let owners: Vec<String> = rows.iter().filter_map(|r| r.try_get::<Uuid>("", "employee_id").ok().map(|u| u.to_string())).collect();
        let people = People::load(&self.app, self.tenant, owners.into_iter()).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = after;
        for r in &rows {
            last = r.try_get("", "id")?;
            let employee: Uuid = r.try_get("", "employee_id")?;
            let person = people.get(&employee.to_string());
            out.push(vec![
                Cell::Text(last.to_string()),
                person.and_then(|p| p.0.clone()).into(),
                person.map(|p| p.1.clone()).into(),
                person.map(|p| p.2.clone()).into(),
                Cell::Amount(fen(r, "credit")?),
                rate(r, "rate_bps")?,
                Cell::Amount(fen(r, "cash")?),
                Cell::Text(r.try_get("", "status")?),
                Cell::Time(r.try_get("", "created_at")?),
                r.try_get::<Option<DateTime<Utc>>>("", "paid_at")?.into(),
            ]);
        }
        self.advance(rows.len(), Cursor::Id(last));
        Ok(out)
    }

    async fn settlements(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let after = match self.cursor {
            Cursor::Id(id) => id,
            _ => Uuid::nil(),
        };
        let rows = query_all(
            self.app.db.conn(),
            "SELECT r.id, r.status, v.number, v.hash, r.face_value, r.rate_bps, r.gross, r.fee, r.net, r.rounding_remainder, \
             r.created_at, r.settled_at FROM recycles r \
             LEFT JOIN vouchers v ON v.tenant_id = r.tenant_id AND v.recycle_id = r.id \
             WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.id > $4 ORDER BY r.id LIMIT $5",
            vec![self.tenant.0.into(), self.from.into(), self.to.into(), after.into(), PAGE_ROWS.into()],
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = after;
        for r in &rows {
            last = r.try_get("", "id")?;
            out.push(vec![
                Cell::Text(last.to_string()),
                Cell::Text(r.try_get("", "status")?),
                r.try_get::<Option<String>>("", "number")?.into(),
                r.try_get::<Option<String>>("", "hash")?.into(),
                Cell::Amount(fen(r, "face_value")?),
                rate(r, "rate_bps")?,
                Cell::Amount(fen(r, "gross")?),
                Cell::Amount(fen(r, "fee")?),
                Cell::Amount(fen(r, "net")?),
                Cell::Int(r.try_get("", "rounding_remainder")?),
                Cell::Time(r.try_get("", "created_at")?),
                r.try_get::<Option<DateTime<Utc>>>("", "settled_at")?.into(),
            ]);
        }
        self.advance(rows.len(), Cursor::Id(last));
        Ok(out)
    }

    async fn audit(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let after = match self.cursor {
            Cursor::Seq(seq) => seq,
            _ => 0,
        };
        let rows = query_all(
            self.app.db.conn(),
            "SELECT seq, at, actor, action, target, outcome, ip, details, prev_hash, hash FROM audit_events \
             WHERE tenant_id = $1 AND at >= $2 AND at < $3 AND seq > $4 ORDER BY seq LIMIT $5",
            vec![self.tenant.0.into(), self.from.into(), self.to.into(), after.into(), PAGE_ROWS.into()],
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = after;
        for r in &rows {
            last = r.try_get("", "seq")?;
            out.push(vec![
                Cell::Int(last),
                Cell::Time(r.try_get("", "at")?),
                Cell::Text(r.try_get("", "actor")?),
                Cell::Text(r.try_get("", "action")?),
                r.try_get::<Option<String>>("", "target")?.into(),
                Cell::Text(r.try_get("", "outcome")?),
                r.try_get::<Option<String>>("", "ip")?.into(),
                r.try_get::<Option<String>>("", "details")?.into(),
                Cell::Text(r.try_get("", "prev_hash")?),
                Cell::Text(r.try_get("", "hash")?),
            ]);
        }
        self.advance(rows.len(), Cursor::Seq(last));
        Ok(out)
    }

    /// The carrier comparison is one report built by [`App::reconcile`]; it is written as
    /// one chunk (its size is the number of disagreements, not of top-ups).
    async fn reconciliation(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        let mismatches = self.app.reconcile(Some(&self.principal)).await?;
        self.cursor = Cursor::Done;
        Ok(mismatches
            .into_iter()
            .map(|m| vec![Cell::Text(m.topup_id.to_string()), Cell::Text(m.ledger), Cell::Text(m.carrier)])
            .collect())
    }
}

// ---------------------------------------------------------------------------------------
// Background exports
// ---------------------------------------------------------------------------------------

/// How long a finished background export can be downloaded.
pub const EXPORT_KEEP_DAYS: i64 = 7;
/// A worker's lease on an export job. It is renewed while the file is written, so only a
/// crashed (or stuck) worker loses its job to another one.
pub const EXPORT_LEASE_SECONDS: i64 = 300;
/// Claims of one job, at most: a job that keeps crashing its worker ends as FAILED.
pub const EXPORT_ATTEMPTS_MAX: i32 = 3;
/// Jobs claimed per pass (run one after the other).
const EXPORT_CLAIM_BATCH: i64 = 2;
/// Chunks written between lease renewals.
const LEASE_RENEW_CHUNKS: u64 = 20;
/// Bytes per chunk of a download.
const DOWNLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// What a background job exports: the filters as sent, and when it was asked for (the
/// default end of the range, so a job run later exports what the request would have).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobParams {
    #[serde(flatten)]
    query: ExportQuery,
    as_of: DateTime<Utc>,
}

/// A background export as its requester sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportJob {
    pub id: Uuid,
    pub kind: String,
    /// PENDING, RUNNING, DONE, FAILED or EXPIRED (the file was removed after
    /// [`EXPORT_KEEP_DAYS`]).
    pub status: String,
    pub file_name: String,
    pub byte_size: Option<i64>,
    pub row_count: Option<i64>,
    pub error: Option<String>,
    pub requested_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    tenant: TenantId,
    #[serde(skip)]
    params: String,
}

impl ExportJob {
    fn from_row(r: &QueryResult) -> AppResult<ExportJob> {
        Ok(ExportJob {
            id: r.try_get("", "id")?,
            kind: r.try_get("", "kind")?,
            status: r.try_get("", "status")?,
            file_name: r.try_get("", "file_name")?,
            byte_size: r.try_get("", "byte_size")?,
            row_count: r.try_get("", "row_count")?,
            error: r.try_get("", "error")?,
            requested_by: r.try_get("", "requested_by")?,
            created_at: r.try_get("", "created_at")?,
            finished_at: r.try_get("", "finished_at")?,
            expires_at: r.try_get("", "expires_at")?,
            tenant: TenantId(r.try_get("", "tenant_id")?),
            params: r.try_get("", "params")?,
        })
    }
}

const JOB_COLUMNS: &str = "id, tenant_id, kind, params, status, requested_by, file_name, byte_size, row_count, error, \
                           created_at, finished_at, expires_at";

/// Where a job's finished file lives: `data_dir/exports/{tenant}/{id}.csv`.
fn job_dir(data_dir: &std::path::Path, tenant: TenantId) -> std::path::PathBuf {
    data_dir.join("exports").join(tenant.0.to_string())
}

fn job_path(data_dir: &std::path::Path, tenant: TenantId, id: Uuid) -> std::path::PathBuf {
    job_dir(data_dir, tenant).join(format!("{id}.csv"))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(AppError::internal)?.map_err(AppError::internal)
}

impl App {
    /// Queues an export to be written in the background; the same permissions and filters
    /// as [`App::export`], checked now. The requester is mailed when the file is ready.
    pub async fn request_export_job(&self, principal: &Principal, kind: ExportKind, query: ExportQuery) -> AppResult<ExportJob> {
        require_export(principal, kind)?;
        let user = principal.require_user()?;
        let now = self.now();
        // Validates the filters (and names the file) exactly as a direct download would.
        let file = self.prepare_export(principal, kind, query.clone(), Some(now)).await?;
        let params = serde_json::to_string(&JobParams { query, as_of: now })?;
        let id = Uuid::now_v7();
        let tx = self.tx(principal).await?;
        let result = exec(
            &*tx,
            "INSERT INTO export_jobs (id, tenant_id, kind, params, status, requested_by, file_name, attempts, created_at) \
             VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, 0, $7)",
            vec![id.into(), principal.tenant.0.into(), kind.as_str().into(), params.clone().into(), user.0.into(), file.filename.clone().into(), now.into()],
        )
        .await
        .map(|_| ExportJob {
            id,
            kind: kind.as_str().to_owned(),
            status: "PENDING".into(),
            file_name: file.filename,
            byte_size: None,
            row_count: None,
            error: None,
            requested_by: user.0,
            created_at: now,
            finished_at: None,
            expires_at: None,
            tenant: principal.tenant,
            params,
        })
        .map_err(AppError::from);
        self.finish(tx, principal, "exports.request", Some(format!("export:{id} {}", kind.as_str())), result).await
    }

    /// A background export of the principal's tenant: its requester, or anyone who may read
    /// exports, may see it; another tenant's id is not found.
    pub async fn export_job(&self, principal: &Principal, id: Uuid) -> AppResult<ExportJob> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM export_jobs WHERE tenant_id = $1 AND id = $2");
        let row = query_one(self.db.conn(), &sql, vec![principal.tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("export"))?;
        let job = ExportJob::from_row(&row)?;
        let own = principal.user_id().is_some_and(|u| u.0 == job.requested_by);
        if !own {
            principal.require(Permission::ExportsRead)?;
        }
        Ok(job)
    }

    /// The finished file of a background export, as a stream of chunks read from disk.
    pub async fn export_job_download(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> AppResult<(ExportJob, impl Stream<Item = AppResult<Vec<u8>>> + 'static)> {
        let job = self.export_job(principal, id).await?;
        let expired = job.status == "EXPIRED" || job.expires_at.is_some_and(|at| at <= self.now());
        if expired {
            return Err(AppError::new(creditloop_domain::ErrorCode::NotFound, "this export has expired; request it again"));
        }
        if job.status != "DONE" {
            return Err(AppError::conflict(format!("the export is not ready yet (it is {})", job.status)));
        }
        let path = job_path(&self.config.data_dir, job.tenant, job.id);
        let file = blocking(move || std::fs::File::open(path)).await?;
        let stream = futures::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let read = tokio::task::spawn_blocking(move || {
                use std::io::Read;
                let mut buf = vec![0u8; DOWNLOAD_CHUNK_BYTES];
                let n = file.read(&mut buf)?;
                buf.truncate(n);
                Ok::<_, std::io::Error>((file, buf))
            })
            .await;
            match read {
                Ok(Ok((_, buf))) if buf.is_empty() => None,
                Ok(Ok((file, buf))) => Some((Ok(buf), Some(file))),
                Ok(Err(e)) => Some((Err(AppError::internal(e)), None)),
                Err(e) => Some((Err(AppError::internal(e)), None)),
            }
        });
        Ok((job, stream))
    }

    /// Writes the files of queued background exports (one worker pass). Jobs are claimed
    /// under a lease, so replicas never run one job at the same time, and a crashed worker's
    /// job is taken over once its lease lapses. Returns the jobs finished.
    pub async fn run_export_jobs(&self) -> AppResult<usize> {
        let now = self.now();
        // Platform work across tenants: no tenant scope.
        exec(
            self.db.conn(),
            "UPDATE export_jobs SET status = 'FAILED', error = 'the export was interrupted too many times', \
             finished_at = $1, lease = NULL, locked_until = NULL \
             WHERE status = 'RUNNING' AND locked_until < $1 AND attempts >= $2",
            vec![now.into(), EXPORT_ATTEMPTS_MAX.into()],
        )
        .await?;
        self.expire_export_files(now).await?;
        let token = Uuid::new_v4();
        let skip_locked = self.db.skip_locked();
        let sql = format!(
            "UPDATE export_jobs SET status = 'RUNNING', lease = $1, locked_until = $2, attempts = attempts + 1, started_at = $3 \
             WHERE id IN (SELECT id FROM export_jobs WHERE (status = 'PENDING' OR (status = 'RUNNING' AND locked_until < $3)) \
               AND attempts < $4 ORDER BY created_at LIMIT $5 {skip_locked}) \
             RETURNING {JOB_COLUMNS}, attempts"
        );
        let tx = self.db.begin_write().await?;
        let rows = query_all(
            &*tx,
            &sql,
            vec![
                token.into(),
                (now + chrono::Duration::seconds(EXPORT_LEASE_SECONDS)).into(),
                now.into(),
                EXPORT_ATTEMPTS_MAX.into(),
                EXPORT_CLAIM_BATCH.into(),
            ],
        )
        .await?;
        tx.commit().await?;
        let mut finished = 0;
        for row in &rows {
            let job = ExportJob::from_row(row)?;
            let attempts: i32 = row.try_get("", "attempts")?;
            match self.write_export_job(&job, token).await {
                Ok(true) => finished += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(export = %job.id, error = %err, attempts, "background export failed");
                    let retry = attempts < EXPORT_ATTEMPTS_MAX;
                    exec(
                        self.db.conn(),
                        "UPDATE export_jobs SET status = $1, error = $2, finished_at = $3, lease = NULL, locked_until = NULL \
                         WHERE id = $4 AND status = 'RUNNING' AND lease = $5",
                        vec![
                            (if retry { "PENDING" } else { "FAILED" }).into(),
                            err.public_message().to_owned().into(),
                            (if retry { None } else { Some(self.now()) }).into(),
                            job.id.into(),
                            token.into(),
                        ],
                    )
                    .await?;
                }
            }
        }
        Ok(finished)
    }

    /// Streams one job's export into `{id}.{lease}.tmp` beside its final place, renames it
    /// into place and marks the job DONE (with the mail to its requester) in one
    /// transaction. `Ok(false)`: the lease was lost to another worker.
    async fn write_export_job(&self, job: &ExportJob, token: Uuid) -> AppResult<bool> {
        let kind = ExportKind::parse(&job.kind).ok_or_else(|| AppError::internal(format!("unknown export kind {}", job.kind)))?;
        let params: JobParams = serde_json::from_str(&job.params)?;
        let system = Principal::system(job.tenant);
        let file = self.prepare_export(&system, kind, params.query, Some(params.as_of)).await?;
        let dir = job_dir(&self.config.data_dir, job.tenant);
        let tmp = dir.join(format!("{}.{}.tmp", job.id, token.simple()));
        let path = job_path(&self.config.data_dir, job.tenant, job.id);
        let out = {
            let (dir, tmp) = (dir.clone(), tmp.clone());
            blocking(move || {
                std::fs::create_dir_all(&dir)?;
                std::fs::File::create(&tmp)
            })
            .await?
        };
        let written = self.write_chunks(file.exporter, out, job.id, token).await;
        let (bytes, rows) = match written {
            Ok(Some(sizes)) => sizes,
            other => {
                let tmp = tmp.clone();
                if let Err(e) = blocking(move || std::fs::remove_file(tmp)).await {
                    tracing::warn!(export = %job.id, error = %e, "could not remove a partial export file");
                }
                return other.map(|_| false);
            }
        };
        {
            let (tmp, path) = (tmp.clone(), path.clone());
            blocking(move || std::fs::rename(tmp, path)).await?;
        }
        let now = self.now();
        let tx = self.tx(&system).await?;
        let flipped = exec(
            &*tx,
            "UPDATE export_jobs SET status = 'DONE', byte_size = $1, row_count = $2, error = NULL, finished_at = $3, \
             expires_at = $4, lease = NULL, locked_until = NULL \
             WHERE tenant_id = $5 AND id = $6 AND status = 'RUNNING' AND lease = $7",
            vec![
                i64::try_from(bytes).unwrap_or(i64::MAX).into(),
                i64::try_from(rows).unwrap_or(i64::MAX).into(),
                now.into(),
                (now + chrono::Duration::days(EXPORT_KEEP_DAYS)).into(),
                job.tenant.0.into(),
                job.id.into(),
                token.into(),
            ],
        )
        .await?
        .rows_affected()
            == 1;
        if flipped {
            let message = outbox::Message::ExportReady {
                export_id: job.id,
                user_id: creditloop_domain::UserId(job.requested_by),
                name: job.file_name.clone(),
            };
            outbox::enqueue(&*tx, job.tenant, message, now).await?;
            let target = format!("export:{} {} rows {rows} bytes {bytes}", job.id, job.kind);
            audit::append(&*tx, &system, "exports.finish", Some(&target), "ok", None, now).await?;
        }
        tx.commit().await?;
        Ok(flipped)
    }

    /// Writes every chunk of `exporter` to `out` and syncs it; renews the lease as it goes.
    /// Returns (bytes, data rows), or `None` when the lease was lost.
    async fn write_chunks(&self, mut exporter: Exporter, out: std::fs::File, id: Uuid, token: Uuid) -> AppResult<Option<(u64, u64)>> {
        let mut out = Some(out);
        let (mut bytes, mut chunks) = (0u64, 0u64);
        while let Some(chunk) = exporter.next_chunk().await? {
            bytes += chunk.len() as u64;
            chunks += 1;
            let mut file = out.take().ok_or_else(|| AppError::internal("export file lost"))?;
            out = Some(
                blocking(move || {
                    use std::io::Write;
                    file.write_all(&chunk)?;
                    Ok(file)
                })
                .await?,
            );
            if chunks % LEASE_RENEW_CHUNKS == 0 {
                let renewed = exec(
                    self.db.conn(),
                    "UPDATE export_jobs SET locked_until = $1 WHERE id = $2 AND status = 'RUNNING' AND lease = $3",
                    vec![(self.now() + chrono::Duration::seconds(EXPORT_LEASE_SECONDS)).into(), id.into(), token.into()],
                )
                .await?
                .rows_affected();
                if renewed != 1 {
                    tracing::warn!(export = %id, "lost the lease on a background export; another worker has it");
                    return Ok(None);
                }
            }
        }
        let file = out.ok_or_else(|| AppError::internal("export file lost"))?;
        blocking(move || file.sync_all()).await?;
        Ok(Some((bytes, exporter.rows_written)))
    }

    /// Removes the files of finished exports past their keep time and marks them EXPIRED.
    async fn expire_export_files(&self, now: DateTime<Utc>) -> AppResult<()> {
        let rows = query_all(
            self.db.conn(),
            "SELECT id, tenant_id FROM export_jobs WHERE status = 'DONE' AND expires_at <= $1 ORDER BY expires_at LIMIT 100",
            vec![now.into()],
        )
        .await?;
        for r in &rows {
            let id: Uuid = r.try_get("", "id")?;
            let tenant = TenantId(r.try_get("", "tenant_id")?);
            let path = job_path(&self.config.data_dir, tenant, id);
            let removed = blocking(move || match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            })
            .await;
            if let Err(e) = removed {
                tracing::warn!(export = %id, error = %e, "could not remove an expired export file");
                continue;
            }
            exec(self.db.conn(), "UPDATE export_jobs SET status = 'EXPIRED' WHERE id = $1 AND status = 'DONE'", vec![id.into()]).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("张三"), "张三");
        let rows = vec![vec![Cell::Amount(Fen::new(-1230)), Cell::Text("-1230".into())]];
        let out = write_rows(&rows, chrono_tz::Asia::Shanghai).unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&out), "-12.30,'-1230\r\n");
    }

    #[test]
    fn a_date_as_the_end_includes_that_day() {
        let to = parse_bound("2030-01-31", chrono_tz::Asia::Shanghai, true).map(|d| d.to_rfc3339());
        assert_eq!(to.as_deref(), Some("2030-01-31T16:00:00+00:00"));
    }
}

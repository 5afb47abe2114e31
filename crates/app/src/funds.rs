//! Moving value: funding, grants (single and batch), reversals, and the read side of
//! accounts, entries and wallets.

use crate::principal::Principal;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use creditloop_domain::{
    AccountId, EntryId, Fen, IdempotencyKey, LotId, Permission, Role, TenantId, UserId,
};
use creditloop_ledger::idempotency::{self, Claim};
use creditloop_ledger::lots::{self, Lot};
use creditloop_ledger::store::{placeholders, query_all};
use creditloop_ledger::{account, engine, entry, Account, AccountKind, AccountRef, Entry, EntryFilter, Template, WriteTx};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::future::Future;

/// Runs `work` at most once per idempotency key: a replay with the same request returns the
/// stored response; with a different request it is a `CONFLICT`.
pub(crate) async fn idempotent<T, F>(
    tx: &WriteTx,
    tenant: TenantId,
    key: &IdempotencyKey,
    operation: &str,
    request: &serde_json::Value,
    now: DateTime<Utc>,
    work: F,
) -> AppResult<T>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = AppResult<T>>,
{
    let hash = idempotency::request_hash(operation, &request.to_string());
    match idempotency::claim(&**tx, tenant, key.as_str(), operation, &hash, now).await? {
        Claim::Replay(response) => Ok(serde_json::from_str(&response)?),
        Claim::New => {
            let value = work.await?;
            idempotency::complete(&**tx, tenant, key.as_str(), &serde_json::to_string(&value)?).await?;
            Ok(value)
        }
    }
}

/// What the idempotency key of a single grant fingerprints (the grouped and the single path
/// alike, so a replay is recognised whichever wrote the original).
pub(crate) fn grant_request(employee: UserId, amount: Fen, expires_at: DateTime<Utc>, memo: &Option<String>) -> serde_json::Value {
    serde_json::json!({ "employee": employee, "amount": amount, "expires_at": expires_at, "memo": memo })
}

/// The longest a grant may run before it expires.
pub const GRANT_EXPIRY_DAYS_MAX: i64 = 5 * 366;
pub const MEMO_LEN_MAX: usize = 200;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct GrantOutcome {
    pub entry_id: EntryId,
    pub lot_id: LotId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub batch_id: uuid::Uuid,
    pub count: usize,
    pub total: Fen,
}

#[derive(Debug, Clone)]
pub struct GrantLine {
    pub employee: UserId,
    pub amount: Fen,
    pub expires_at: Option<DateTime<Utc>>,
    pub memo: Option<String>,
}

/// A wallet as the employee sees it.
#[derive(Debug, Clone)]
pub struct Wallet {
    pub account: Account,
    pub lots: Vec<Lot>,
    pub now: DateTime<Utc>,
}

impl Wallet {
    /// What can be spent now: free credit in unexpired lots.
    pub fn available(&self) -> Fen {
        self.lots.iter().filter(|l| l.expires_at > self.now).map(Lot::free).sum()
    }

    pub fn next_expiry(&self) -> Option<(DateTime<Utc>, Fen)> {
        self.lots.iter().filter(|l| l.expires_at > self.now && l.free().is_positive()).map(|l| (l.expires_at, l.free())).next()
    }
}

fn clean_memo(memo: Option<&str>) -> AppResult<Option<String>> {
    memo.map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| creditloop_domain::text::bounded("memo", m, 1, MEMO_LEN_MAX).map_err(|e| AppError::from(e).at("memo")))
        .transpose()
}

/// After grants in the caller's transaction: tells every grantee, and tells finance when the
/// pool has just fallen below the tenant's low-balance threshold (once, on the crossing, not
/// on every grant below it).
pub(crate) async fn notify_grants<C: sea_orm::ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    grants: &[(UserId, EntryId, Fen, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let messages: Vec<crate::outbox::Message> = grants
        .iter()
        .map(|(user, entry, amount, expires_at)| crate::outbox::Message::CreditReceived {
            user_id: *user,
            entry_id: entry.0,
            amount: amount.to_string(),
            expires_at: *expires_at,
        })
        .collect();
    crate::outbox::enqueue_many(c, tenant, &messages, now).await?;
    let total: i64 = grants.iter().map(|g| g.2.get()).sum();
    let policy = crate::policy::load(c, tenant).await?;
    if let Some(pool) = account::get_by_ref(c, tenant, AccountRef::Pool).await? {
        let after = pool.available();
        let threshold = policy.low_pool_threshold;
        if after < threshold && after.get() + total >= threshold.get() {
            let message = crate::outbox::Message::LowPoolBalance { balance: after.to_string(), threshold: threshold.to_string() };
            crate::outbox::enqueue(c, tenant, message, now).await?;
        }
    }
    Ok(())
}

impl App {
    fn check_expiry(&self, expires_at: DateTime<Utc>, field: &str) -> AppResult<()> {
        let now = self.now();
        if expires_at <= now {
            return Err(AppError::validation(field, "the expiry must be in the future"));
        }
        if expires_at > now + Duration::days(GRANT_EXPIRY_DAYS_MAX) {
            return Err(AppError::validation(field, "the expiry must be within five years"));
        }
        Ok(())
    }

    fn meta(&self, principal: &Principal, key: &IdempotencyKey, memo: Option<String>) -> engine::Meta {
        engine::Meta { idempotency_key: key.as_str().to_owned(), created_by: principal.label(), memo, metadata: None }
    }

    /// The stored answer when this exact request was already applied under `key`. Checked
    /// before the checks that depend on time or on other data (an expiry that has passed since,
    /// an employee deactivated since): a client retrying an applied request must get its
    /// answer, never a refusal for something that happened. A different request under the key
    /// is a `CONFLICT`; a key still in flight (no answer yet) goes the ordinary way, where the
    /// claim waits for it.
    async fn replayed<T: DeserializeOwned>(
        &self,
        tenant: TenantId,
        key: &IdempotencyKey,
        operation: &str,
        request: &serde_json::Value,
    ) -> AppResult<Option<T>> {
        let Some((stored_operation, stored_hash, response)) = idempotency::lookup(self.db.conn(), tenant, key.as_str()).await? else {
            return Ok(None);
        };
        if response.is_empty() {
            return Ok(None);
        }
        if stored_operation != operation || stored_hash != idempotency::request_hash(operation, &request.to_string()) {
            return Err(creditloop_ledger::LedgerError::IdempotencyConflict.into());
        }
        Ok(Some(serde_json::from_str(&response)?))
    }

    /// Records a bank deposit into the tenant's funding account.
    pub async fn fund(&self, principal: &Principal, amount: Fen, reference: &str, key: &IdempotencyKey) -> AppResult<EntryId> {
        principal.require(Permission::FundingCreate)?;
        let reference = creditloop_domain::text::bounded("reference", reference, 1, 100)
            .map_err(|e| AppError::from(e).at("reference"))?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "amount": amount, "reference": reference });
        let result = idempotent(&tx, principal.tenant, key, "funding.create", &request, now, async {
            let meta = self.meta(principal, key, Some(reference.clone()));
            Ok(engine::record(&*tx, principal.tenant, now, &Template::Fund { amount }, &meta).await?.entry_id)
        })
        .await;
        self.finish(tx, principal, "funding.create", Some(format!("amount:{amount}")), result).await
    }

    /// Grants credit from the pool to one employee, as a lot that expires. Concurrent grants
    /// of a tenant are written together (see [`crate::group`]); each answer is the one the
    /// grant would have got alone.
    pub async fn grant(&self, principal: &Principal, line: GrantLine, key: &IdempotencyKey) -> AppResult<GrantOutcome> {
        principal.require(Permission::GrantsCreate)?;
        let expires_at = line.expires_at.ok_or_else(|| AppError::validation("expiresAt", "an expiry is required"))?;
        let memo = clean_memo(line.memo.as_deref())?;
        let request = grant_request(line.employee, line.amount, expires_at, &memo);
        if let Some(answer) = self.replayed(principal.tenant, key, "grants.create", &request).await? {
            return Ok(answer);
        }
        self.check_expiry(expires_at, "expiresAt")?;
        self.check_grantees(principal, &[line.employee]).await?;
        self.submit_grant(principal.clone(), line.employee, line.amount, expires_at, memo, key.clone()).await
    }

    /// One checked grant in a transaction of its own.
    pub(crate) async fn grant_alone(
        &self,
        principal: &Principal,
        employee: UserId,
        amount: Fen,
        expires_at: DateTime<Utc>,
        memo: Option<String>,
        key: &IdempotencyKey,
    ) -> AppResult<GrantOutcome> {
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = grant_request(employee, amount, expires_at, &memo);
        let result = idempotent(&tx, principal.tenant, key, "grants.create", &request, now, async {
            let template = Template::Grant { employee, amount, expires_at };
            let recorded = engine::record(&*tx, principal.tenant, now, &template, &self.meta(principal, key, memo.clone())).await?;
            let lot_id = recorded.lot_id.ok_or_else(|| AppError::internal("grant created no lot"))?;
            notify_grants(&*tx, principal.tenant, &[(employee, recorded.entry_id, amount, expires_at)], now).await?;
            Ok(GrantOutcome { entry_id: recorded.entry_id, lot_id })
        })
        .await;
        let target = format!("user:{employee} amount:{amount}");
        self.finish(tx, principal, "grants.create", Some(target), result).await
    }

    /// Grants to many employees at once, all or nothing.
    pub async fn grant_batch(
        &self,
        principal: &Principal,
        lines: Vec<GrantLine>,
        default_expiry: DateTime<Utc>,
        memo: Option<&str>,
        key: &IdempotencyKey,
    ) -> AppResult<BatchOutcome> {
        principal.require(Permission::GrantsCreate)?;
        if lines.is_empty() {
            return Err(AppError::validation("items", "a batch needs at least one line"));
        }
        if lines.len() > self.config.batch_grant_rows_max {
            return Err(AppError::limit(format!(
                "a batch may have at most {} lines; use a CSV import for more",
                self.config.batch_grant_rows_max
            )));
        }
        let memo = clean_memo(memo)?;
        let mut items = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let expires_at = line.expires_at.unwrap_or(default_expiry);
            let line_memo = clean_memo(line.memo.as_deref()).map_err(|e| e.at(&format!("items[{i}].memo")))?;
            items.push(engine::BatchGrantItem { employee: line.employee, amount: line.amount, expires_at, memo: line_memo });
        }
        let request = serde_json::json!({
            "memo": memo,
            "items": items.iter().map(|i| serde_json::json!([i.employee, i.amount, i.expires_at, i.memo])).collect::<Vec<_>>(),
        });
        if let Some(answer) = self.replayed(principal.tenant, key, "grants.batch", &request).await? {
            return Ok(answer);
        }
        self.check_expiry(default_expiry, "expiresAt")?;
        for (i, item) in items.iter().enumerate() {
            self.check_expiry(item.expires_at, &format!("items[{i}].expiresAt"))?;
        }
        let employees: Vec<UserId> = items.iter().map(|i| i.employee).collect();
        self.check_grantees(principal, &employees).await?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = idempotent(&tx, principal.tenant, key, "grants.batch", &request, now, async {
            let batch = engine::grant_batch(&*tx, principal.tenant, now, &items, &self.meta(principal, key, memo.clone())).await?;
            let notes: Vec<_> = items.iter().zip(&batch.entry_ids).map(|(i, e)| (i.employee, *e, i.amount, i.expires_at)).collect();
            notify_grants(&*tx, principal.tenant, &notes, now).await?;
            Ok(BatchOutcome { batch_id: batch.batch_id, count: batch.count, total: batch.total })
        })
        .await;
        let target = format!("lines:{}", items.len());
        self.finish(tx, principal, "grants.batch", Some(target), result).await
    }

    /// Every grantee must be an employee of this tenant who is not deactivated.
    async fn check_grantees(&self, principal: &Principal, employees: &[UserId]) -> AppResult<()> {
        let mut unique: Vec<UserId> = employees.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let employee_bit = i32::from(creditloop_domain::RoleSet::empty().with(Role::Employee).bits());
        let mut ok = std::collections::HashSet::with_capacity(unique.len());
        for chunk in unique.chunks(500) {
            let mut values: Vec<sea_orm::Value> = vec![principal.tenant.0.into(), employee_bit.into()];
            values.extend(chunk.iter().map(|u| sea_orm::Value::from(u.0)));
            let sql = format!(
                "SELECT id FROM users WHERE tenant_id = $1 AND (roles & $2) <> 0 AND status <> 'DEACTIVATED' AND id IN ({})",
                placeholders(3, chunk.len())
            );
            for row in query_all(self.db.conn(), &sql, values).await? {
                ok.insert(UserId(row.try_get("", "id")?));
            }
        }
        match employees.iter().position(|e| !ok.contains(e)) {
            None => Ok(()),
            Some(i) if employees.len() == 1 => {
                let _ = i;
                Err(AppError::not_found("active employee").at("employeeId"))
            }
            Some(i) => Err(AppError::not_found(&format!("active employee {} (line {})", employees[i], i + 1))
                .at(&format!("items[{i}].employeeId"))),
        }
    }

    /// Reverses a posted entry (a correction; the original stays as it was).
    pub async fn reverse_entry(
        &self,
        principal: &Principal,
        id: EntryId,
        reason: &str,
        key: &IdempotencyKey,
    ) -> AppResult<EntryId> {
        principal.require(Permission::EntriesReverse)?;
        let reason = creditloop_domain::text::bounded("reason", reason, 1, MEMO_LEN_MAX).map_err(|e| AppError::from(e).at("reason"))?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "entry": id, "reason": reason });
        let result = idempotent(&tx, principal.tenant, key, "entries.reverse", &request, now, async {
            let meta = self.meta(principal, key, Some(reason.clone()));
            Ok(engine::reverse(&*tx, principal.tenant, id, now, &meta).await?.entry_id)
        })
        .await;
        self.finish(tx, principal, "entries.reverse", Some(format!("entry:{id}")), result).await
    }

    pub async fn entry(&self, principal: &Principal, id: EntryId) -> AppResult<Entry> {
        let entry = entry::get(self.db.conn(), principal.tenant, id).await?.ok_or_else(|| AppError::not_found("entry"))?;
        if !principal.can(Permission::EntriesRead) {
            // Employees may see the entries that touch their own wallet.
            let own = self.own_wallet(principal).await?;
            let postings = entry::postings(self.db.conn(), principal.tenant, &[id]).await?;
            if !postings.iter().any(|p| p.account_id == own.id) {
                return Err(AppError::forbidden("this requires the permission entries.read"));
            }
        }
        Ok(entry)
    }

    pub async fn entries(
        &self,
        principal: &Principal,
        filter: &EntryFilter,
        before: Option<EntryId>,
        limit: u64,
    ) -> AppResult<(Vec<Entry>, i64)> {
        principal.require(Permission::EntriesRead)?;
        let list = entry::list(self.db.conn(), principal.tenant, filter, before, limit).await?;
        let total = entry::count(self.db.conn(), principal.tenant, filter).await?;
        Ok((list, total))
    }

    /// Postings of entries the caller may already see.
    pub async fn postings(&self, principal: &Principal, ids: &[EntryId]) -> AppResult<Vec<entry::Posting>> {
        Ok(entry::postings(self.db.conn(), principal.tenant, ids).await?)
    }

    pub async fn accounts(
        &self,
        principal: &Principal,
        kind: Option<AccountKind>,
        after: Option<AccountId>,
        limit: u64,
    ) -> AppResult<(Vec<Account>, i64)> {
        principal.require(Permission::AccountsRead)?;
        let list = account::list(self.db.conn(), principal.tenant, kind, after, limit).await?;
        let total = account::count(self.db.conn(), principal.tenant, kind).await?;
        Ok((list, total))
    }

    pub async fn account(&self, principal: &Principal, id: AccountId) -> AppResult<Account> {
        let account = account::get(self.db.conn(), principal.tenant, id).await?.ok_or_else(|| AppError::not_found("account"))?;
        if !principal.can(Permission::AccountsRead) && account.owner != principal.user_id().map(|u| u.to_string()).unwrap_or_default() {
            return Err(AppError::forbidden("this requires the permission accounts.read"));
        }
        Ok(account)
    }

    async fn own_wallet(&self, principal: &Principal) -> AppResult<Account> {
        principal.require(Permission::WalletOwn)?;
        let user = principal.require_user()?;
        account::get_by_ref(self.db.conn(), principal.tenant, AccountRef::Wallet(user))
            .await?
            .ok_or_else(|| AppError::not_found("wallet"))
    }

    /// The signed-in employee's wallet.
    pub async fn my_wallet(&self, principal: &Principal) -> AppResult<Wallet> {
        let account = self.own_wallet(principal).await?;
        self.wallet_of_account(principal, account).await
    }

    /// An employee's wallet, for staff with `users.read` (or the employee themself).
    pub async fn wallet_of(&self, principal: &Principal, user: UserId) -> AppResult<Option<Wallet>> {
        if principal.user_id() != Some(user) {
            principal.require(Permission::UsersRead)?;
        }
        match account::get_by_ref(self.db.conn(), principal.tenant, AccountRef::Wallet(user)).await? {
            Some(account) => Ok(Some(self.wallet_of_account(principal, account).await?)),
            None => Ok(None),
        }
    }

    async fn wallet_of_account(&self, principal: &Principal, account: Account) -> AppResult<Wallet> {
        let lots = lots::of_wallet(self.db.conn(), principal.tenant, account.id, true).await?;
        Ok(Wallet { account, lots, now: self.now() })
    }

    /// Entries touching a wallet (the employee's history).
    pub async fn wallet_entries(
        &self,
        principal: &Principal,
        wallet: AccountId,
        before: Option<EntryId>,
        limit: u64,
    ) -> AppResult<(Vec<Entry>, i64)> {
        let account = self.account(principal, wallet).await?;
        let filter = EntryFilter { account_id: Some(account.id), ..EntryFilter::default() };
        let list = entry::list(self.db.conn(), principal.tenant, &filter, before, limit).await?;
        let total = entry::count(self.db.conn(), principal.tenant, &filter).await?;
        Ok((list, total))
    }
}

//! Top-ups: an employee (or HR on their behalf) sends credit to a phone.
//!
//! The request holds the amount on the wallet (`TOPUP_HOLD`, earliest-expiring lots first)
//! and writes the top-up row in the same transaction; that row is the carrier call's outbox.
//! A worker claims due rows with a lease, calls the carrier with the hold's entry id as the
//! carrier-side order id, posts the hold on delivery and voids it on a definite failure. A
//! timeout is never a failure: the worker asks for the order's status, and until it knows
//! the hold stays. Risk rules (limits, velocity, numbers shared between employees) refuse a
//! request or send it to the review queue; a number other than the employee's own needs a
//! one-time code.

use crate::principal::Principal;
use crate::{audit, outbox, policy, App, AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use creditloop_carrier::{deliver_from, CarrierOrder, DeliveryResult, RetryPolicy, Step};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{EntryId, Fen, IdempotencyKey, Permission, TenantId, UserId};
use creditloop_ledger::store::{exec, query_all, query_one};
use creditloop_ledger::{engine, idempotency, Template};
use rand::Rng;
use sea_orm::{ConnectionTrait, QueryResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopupStatus {
    /// Waiting for finance to approve (risk rules); the amount is held.
    Review,
    /// Approved and on its way to the carrier.
    Pending,
    Succeeded,
    Failed,
    /// Refused in review; the hold was released.
    Rejected,
}

impl TopupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TopupStatus::Review => "REVIEW",
            TopupStatus::Pending => "PENDING",
            TopupStatus::Succeeded => "SUCCEEDED",
            TopupStatus::Failed => "FAILED",
            TopupStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(s: &str) -> Option<TopupStatus> {
        [TopupStatus::Review, TopupStatus::Pending, TopupStatus::Succeeded, TopupStatus::Failed, TopupStatus::Rejected]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Topup {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub phone: String,
    pub operator: String,
    pub amount: Fen,
    pub status: TopupStatus,
    pub entry_id: EntryId,
    pub review_reason: Option<String>,
    pub failure_reason: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl Topup {
    fn from_row(row: &QueryResult) -> AppResult<Topup> {
        let status: String = row.try_get("", "status")?;
        Ok(Topup {
            id: row.try_get("", "id")?,
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            user_id: UserId(row.try_get("", "user_id")?),
            phone: row.try_get("", "phone")?,
            operator: row.try_get("", "operator")?,
            amount: Fen::new(row.try_get("", "amount")?),
            status: TopupStatus::parse(&status).ok_or_else(|| AppError::internal(format!("top-up status {status}")))?,
            entry_id: EntryId(row.try_get("", "entry_id")?),
            review_reason: row.try_get("", "review_reason")?,
            failure_reason: row.try_get("", "failure_reason")?,
            attempts: row.try_get("", "attempts")?,
            created_at: row.try_get("", "created_at")?,
            completed_at: row.try_get("", "completed_at")?,
        })
    }
}

/// How long a one-time code lives, and how many wrong guesses it survives.
pub const CODE_MINUTES: i64 = 10;
pub const CODE_ATTEMPTS_MAX: i32 = 5;
pub const CODES_PER_HOUR_MAX: i64 = 5;
/// Top-ups one worker pass claims.
pub const CLAIM_BATCH: u64 = 32;
/// A number topped up by another employee within this many days is "shared".
pub const SHARED_NUMBER_DAYS: i64 = 30;

fn code_hash(tenant: TenantId, user: UserId, phone: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{tenant}:{user}:{phone}:{code}").as_bytes()))
}

/// The start of the day and of the month containing `now`, in the tenant's time zone.
fn period_starts(now: DateTime<Utc>, timezone: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let local = now.with_timezone(&tz);
    let midnight = |date: chrono::NaiveDate| {
        tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN)).earliest().map(|d| d.with_timezone(&Utc)).unwrap_or(now)
    };
    let day = midnight(local.date_naive());
    let month = local.date_naive().with_day(1).map(midnight).unwrap_or(day);
    (day, month)
}

/// A parsed top-up request.
#[derive(Debug, Clone)]
pub struct TopupRequest {
    pub employee: UserId,
    pub phone: PhoneNumber,
    pub amount: Fen,
    /// The one-time code, required for a number that is not the employee's own.
    pub code: Option<String>,
}

impl App {
    /// Sends a one-time code by email for topping up a number other than one's own.
    pub async fn request_topup_code(&self, principal: &Principal, phone: &PhoneNumber) -> AppResult<()> {
        principal.require(Permission::TopupsCreateOwn)?;
        let user = self.user(principal, principal.require_user()?).await?;
        if user.phone.as_deref() == Some(phone.as_str()) {
            return Err(AppError::validation("phone", "this is your own number: no code is needed"));
        }
        let now = self.now();
        let recent = query_one(
            self.db.conn(),
            "SELECT COUNT(*) AS n FROM one_time_codes WHERE tenant_id = $1 AND user_id = $2 AND created_at > $3",
            vec![principal.tenant.0.into(), user.id.0.into(), (now - Duration::hours(1)).into()],
        )
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
        if recent >= CODES_PER_HOUR_MAX {
            return Err(AppError::rate_limited("too many codes requested; try again within the hour"));
        }
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
        let tx = self.tx(principal).await?;
        let result = async {
            exec(
                &*tx,
                "INSERT INTO one_time_codes (id, tenant_id, user_id, phone, code_hash, attempts, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
                vec![
                    Uuid::now_v7().into(),
                    principal.tenant.0.into(),
                    user.id.0.into(),
                    phone.as_str().into(),
                    code_hash(principal.tenant, user.id, phone.as_str(), &code).into(),
                    (now + Duration::minutes(CODE_MINUTES)).into(),
                    now.into(),
                ],
            )
            .await?;
            outbox::enqueue(
                &*tx,
                principal.tenant,
                outbox::Message::OneTimeCode { user_id: user.id, email: user.email.clone(), locale: user.locale.clone(), phone: phone.masked(), code: code.clone() },
                now,
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "topups.request_code", Some(format!("phone:{}", phone.masked())), result).await
    }

    /// Checks and uses up a one-time code. Wrong guesses count against the code, in their
    /// own transaction, so they stick even though the top-up is refused.
    async fn consume_code(&self, principal: &Principal, user: UserId, phone: &PhoneNumber, code: Option<&str>) -> AppResult<()> {
        let code = code.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
            AppError::validation("code", "topping up a number other than your own needs the one-time code sent to your email")
        })?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let row = query_one(
            &*tx,
            "SELECT id, code_hash, attempts FROM one_time_codes WHERE tenant_id = $1 AND user_id = $2 AND phone = $3 \
             AND used_at IS NULL AND expires_at > $4 ORDER BY created_at DESC LIMIT 1",
            vec![principal.tenant.0.into(), user.0.into(), phone.as_str().into(), now.into()],
        )
        .await?;
        let Some(row) = row else {
            return Err(AppError::validation("code", "no valid code for this number: request a new one"));
        };
        let id: Uuid = row.try_get("", "id")?;
        let attempts: i32 = row.try_get("", "attempts")?;
        if attempts >= CODE_ATTEMPTS_MAX {
            return Err(AppError::rate_limited("too many wrong codes: request a new one"));
        }
        let stored: String = row.try_get("", "code_hash")?;
        if stored != code_hash(principal.tenant, user, phone.as_str(), code.trim()) {
            exec(&*tx, "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $1", vec![id.into()]).await?;
            tx.commit().await?;
            return Err(AppError::validation("code", "the code is wrong"));
        }
        exec(&*tx, "UPDATE one_time_codes SET used_at = $1 WHERE id = $2", vec![now.into(), id.into()]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An employee tops up a phone from their own wallet.
    pub async fn topup_own(&self, principal: &Principal, phone: PhoneNumber, amount: Fen, code: Option<String>, key: &IdempotencyKey) -> AppResult<Topup> {
        principal.require(Permission::TopupsCreateOwn)?;
        let employee = principal.require_user()?;
        self.create_topup(principal, TopupRequest { employee, phone, amount, code }, key).await
    }

    /// HR tops up an employee's phone (their registered number unless another is given).
    pub async fn topup_for(&self, principal: &Principal, employee: UserId, phone: Option<PhoneNumber>, amount: Fen, key: &IdempotencyKey) -> AppResult<Topup> {
        principal.require(Permission::TopupsCreateFor)?;
        let user = self.user(principal, employee).await?;
        let phone = match phone {
            Some(p) => p,
            None => user
                .phone
                .as_deref()
                .and_then(|p| PhoneNumber::parse(p).ok())
                .ok_or_else(|| AppError::validation("phone", "the employee has no registered phone number"))?,
        };
        self.create_topup(principal, TopupRequest { employee, phone, amount, code: None }, key).await
    }

    async fn create_topup(&self, principal: &Principal, request: TopupRequest, key: &IdempotencyKey) -> AppResult<Topup> {
        let tenant = principal.tenant;
        let user = self.user(principal, request.employee).await?;
        let own_number = user.phone.as_deref() == Some(request.phone.as_str());
        let request_json = serde_json::json!({ "employee": request.employee, "phone": request.phone.as_str(), "amount": request.amount });
        let hash = idempotency::request_hash("topups.create", &request_json.to_string());
        // A replay answers from the stored response before the code or the employee is
        // checked again.
        if let Some((operation, stored_hash, response)) = idempotency::lookup(self.db.conn(), tenant, key.as_str()).await? {
            if operation != "topups.create" || stored_hash != hash {
                return Err(AppError::conflict("idempotency key was already used for a different request"));
            }
            let id: Uuid = serde_json::from_str(&response)?;
            return self.topup(principal, id).await;
        }
        // After the replay: an applied top-up answers as applied even if the employee has
        // been offboarded since.
        if user.status == crate::users::UserStatus::Deactivated || !user.roles.contains(creditloop_domain::Role::Employee) {
            return Err(AppError::not_found("active employee").at("employeeId"));
        }
        let staff_acting = principal.user_id() != Some(request.employee);
        if !own_number && !staff_acting {
            self.consume_code(principal, request.employee, &request.phone, request.code.as_deref()).await?;
        }
        let tenant_row = self.tenant(principal).await?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = crate::funds::idempotent(&tx, tenant, key, "topups.create", &request_json, now, async {
            let policy = policy::load(&*tx, tenant).await?;
            let review = self.check_risk(&*tx, &policy, &tenant_row.timezone, &request, now).await?;
            let meta = engine::Meta {
                idempotency_key: key.as_str().to_owned(),
                created_by: principal.label(),
                memo: Some(format!("top-up {}", request.phone.masked())),
                metadata: None,
            };
            let hold = engine::record(&*tx, tenant, now, &Template::TopupHold { employee: request.employee, amount: request.amount }, &meta).await?;
            let id = Uuid::now_v7();
            let status = if review.is_some() { TopupStatus::Review } else { TopupStatus::Pending };
            exec(
                &*tx,
                "INSERT INTO topups (id, tenant_id, user_id, phone, operator, amount, status, entry_id, review_reason, created_by, \
                 attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11)",
                vec![
                    id.into(),
                    tenant.0.into(),
                    request.employee.0.into(),
                    request.phone.as_str().into(),
                    request.phone.operator().as_str().into(),
                    request.amount.get().into(),
                    status.as_str().into(),
                    hold.entry_id.0.into(),
                    review.clone().into(),
                    principal.label().into(),
                    now.into(),
                ],
            )
            .await?;
            if let Some(reason) = review {
                outbox::enqueue(&*tx, tenant, outbox::Message::ReviewNeeded { kind: "topup".into(), id, reason }, now).await?;
            }
            Ok(id)
        })
        .await;
        let target = format!("user:{} phone:{} amount:{}", request.employee, request.phone.masked(), request.amount);
        let id = self.finish(tx, principal, "topups.create", Some(target), result).await?;
        self.topup(principal, id).await
    }

    /// Refuses what breaks a limit; returns a reason when the request must be reviewed.
    async fn check_risk<C: ConnectionTrait>(
        &self,
        c: &C,
        policy: &policy::Policy,
        timezone: &str,
        request: &TopupRequest,
        now: DateTime<Utc>,
    ) -> AppResult<Option<String>> {
        if request.amount > policy.topup_single_max {
            return Err(AppError::limit(format!("a single top-up may be at most {}", policy.topup_single_max)).at("amount"));
        }
        let (day, month) = period_starts(now, timezone);
        let tenant = policy_tenant(c, request.employee).await?;
        let sum = |sql: &'static str, values: Vec<sea_orm::Value>| async move {
            let row = query_one(c, sql, values).await?;
            Ok::<i64, AppError>(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
        };
        const LIVE: &str = "status IN ('REVIEW', 'PENDING', 'SUCCEEDED')";
        let user_sum = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM topups WHERE tenant_id = $1 AND user_id = $2 AND created_at >= $3 AND status IN ('REVIEW', 'PENDING', 'SUCCEEDED')";
        let today = sum(user_sum, vec![tenant.0.into(), request.employee.0.into(), day.into()]).await?;
        if today + request.amount.get() > policy.topup_daily_limit.get() {
            return Err(AppError::limit(format!(
                "this would exceed your daily top-up limit of {} ({} used today)",
                policy.topup_daily_limit,
                Fen::new(today)
            )));
        }
        let this_month = sum(user_sum, vec![tenant.0.into(), request.employee.0.into(), month.into()]).await?;
        if this_month + request.amount.get() > policy.topup_monthly_limit.get() {
            return Err(AppError::limit(format!(
                "this would exceed your monthly top-up limit of {} ({} used this month)",
                policy.topup_monthly_limit,
                Fen::new(this_month)
            )));
        }
        let tenant_today = sum(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM topups WHERE tenant_id = $1 AND created_at >= $2 AND status IN ('REVIEW', 'PENDING', 'SUCCEEDED')",
            vec![tenant.0.into(), day.into()],
        )
        .await?;
        if tenant_today + request.amount.get() > policy.tenant_daily_cap.get() {
            return Err(AppError::limit("the company's daily top-up cap is reached; try again tomorrow"));
        }
        let _ = LIVE;
        let window = now - Duration::minutes(i64::from(policy.velocity_window_minutes));
        let recent = sum(
            "SELECT COUNT(*) AS n FROM topups WHERE tenant_id = $1 AND user_id = $2 AND created_at >= $3",
            vec![tenant.0.into(), request.employee.0.into(), window.into()],
        )
        .await?;
        if recent >= i64::from(policy.velocity_max_topups) {
            return Ok(Some(format!(
                "velocity: {} top-ups within {} minutes",
                recent + 1,
                policy.velocity_window_minutes
            )));
        }
        let shared = sum(
            "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND phone = $2 AND id <> $3",
            vec![tenant.0.into(), request.phone.as_str().into(), request.employee.0.into()],
        )
        .await?
            + sum(
                "SELECT COUNT(*) AS n FROM topups WHERE tenant_id = $1 AND phone = $2 AND user_id <> $3 AND created_at >= $4",
                vec![tenant.0.into(), request.phone.as_str().into(), request.employee.0.into(), (now - Duration::days(SHARED_NUMBER_DAYS)).into()],
            )
            .await?;
        if shared > 0 {
            return Ok(Some("shared number: another employee uses or topped up this number".into()));
        }
        Ok(None)
    }

    pub async fn topup(&self, principal: &Principal, id: Uuid) -> AppResult<Topup> {
        let row = query_one(self.db.conn(), "SELECT * FROM topups WHERE tenant_id = $1 AND id = $2", vec![principal.tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("top-up"))?;
        let topup = Topup::from_row(&row)?;
        if principal.user_id() != Some(topup.user_id) {
            principal.require(Permission::TopupsRead)?;
        }
        Ok(topup)
    }

    /// Top-ups of the tenant (topups.read), or the caller's own (`own`).
    pub async fn topups(&self, principal: &Principal, user: Option<UserId>, status: Option<TopupStatus>, limit: u64) -> AppResult<Vec<Topup>> {
        if user.is_none() || user != principal.user_id() {
            principal.require(Permission::TopupsRead)?;
        }
        query_all(
            self.db.conn(),
            "SELECT * FROM topups WHERE tenant_id = $1 AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR status = $3) \
             ORDER BY id DESC LIMIT $4",
            vec![principal.tenant.0.into(), user.map(|u| u.0).into(), status.map(|s| s.as_str().to_owned()).into(), (limit as i64).into()],
        )
        .await?
        .iter()
        .map(Topup::from_row)
        .collect()
    }

    /// Finance approves a top-up in review (it goes to the carrier) or rejects it (the hold
    /// is released).
    pub async fn decide_topup(&self, principal: &Principal, id: Uuid, approve: bool, reason: Option<&str>) -> AppResult<Topup> {
        principal.require(Permission::ReviewsDecide)?;
        let topup = self.topup(principal, id).await?;
        if principal.user_id() == Some(topup.user_id) {
            return Err(AppError::forbidden("you cannot review your own top-up"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            if !approve {
                // The released credit may go on to the pool (an offboarded employee): the pool first.
                crate::users::lock_pool(&*tx, principal.tenant).await?;
            }
            let (status, sql) = if approve {
                ("PENDING", "UPDATE topups SET status = 'PENDING', next_attempt_at = $1 WHERE tenant_id = $2 AND id = $3 AND status = 'REVIEW'")
            } else {
                ("REJECTED", "UPDATE topups SET status = 'REJECTED', completed_at = $1 WHERE tenant_id = $2 AND id = $3 AND status = 'REVIEW'")
            };
            let done = exec(&*tx, sql, vec![now.into(), principal.tenant.0.into(), id.into()]).await?;
            if done.rows_affected() != 1 {
                return Err(AppError::conflict(format!("this top-up is {}, not in review", topup.status.as_str())));
            }
            if !approve {
                engine::void_pending(&*tx, principal.tenant, topup.entry_id, now).await?;
                crate::users::reclaim_if_offboarded(&*tx, principal.tenant, topup.user_id, &format!("topup:{id}"), now).await?;
                let reason = reason.map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| AppError::validation("reason", "a rejection needs a reason"))?;
                exec(&*tx, "UPDATE topups SET failure_reason = $1 WHERE id = $2", vec![reason.into(), id.into()]).await?;
            }
            Ok(status)
        }
        .await;
        let action = if approve { "reviews.approve_topup" } else { "reviews.reject_topup" };
        self.finish(tx, principal, action, Some(format!("topup:{id}")), result).await?;
        self.topup(principal, id).await
    }

    /// One worker pass: claims due top-ups and drives each to the carrier. Returns how many
    /// reached a terminal state in this pass.
    pub async fn process_due_topups(&self) -> AppResult<usize> {
        let claimed = self.claim_topups().await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let policy = RetryPolicy { attempts_max: 4, backoff_base_ms: 20, backoff_max_ms: 200 };
        // Each future owns its top-up, so the whole pass is `Send` for any spawner.
        let carrier = self.carrier.clone();
        let results = futures::future::join_all(claimed.into_iter().map(|t| {
            let carrier = carrier.clone();
            async move {
                let order = match PhoneNumber::parse(&t.phone) {
                    Ok(phone) => CarrierOrder::new(t.entry_id.to_string(), phone, t.amount.get()),
                    Err(e) => return (t, DeliveryResult::Failed { reason: format!("bad stored number: {e}") }),
                };
                let first = if t.attempts <= 1 { Step::Submit } else { Step::QueryStatus };
                let started = std::time::Instant::now();
                let result = deliver_from(carrier.as_ref(), &order, &policy, first).await;
                let outcome = match &result {
                    DeliveryResult::Delivered => "delivered",
                    DeliveryResult::Failed { .. } => "failed",
                    DeliveryResult::Undecided => "undecided",
                };
                metrics::counter!("carrier_calls_total", "outcome" => outcome).increment(1);
                metrics::histogram!("carrier_call_duration_seconds").record(started.elapsed().as_secs_f64());
                (t, result)
            }
        }))
        .await;
        let mut finished = 0;
        for (topup, result) in results {
            if self.settle_topup(&topup, result).await? {
                finished += 1;
            }
        }
        Ok(finished)
    }

    async fn claim_topups(&self) -> AppResult<Vec<Topup>> {
        let now = self.now();
        let rows = self.db.claim_due("topups", "*", now, now + Duration::seconds(self.config.topup_lease_seconds), CLAIM_BATCH).await?;
        rows.iter().map(Topup::from_row).collect()
    }

    /// Records the carrier's answer. Only a definite answer ends a top-up; the status flip
    /// is conditional, so a top-up settles once even if two workers raced for it.
    async fn settle_topup(&self, topup: &Topup, result: DeliveryResult) -> AppResult<bool> {
        let now = self.now();
        let system = Principal::system(topup.tenant_id);
        let tx = self.tx(&system).await?;
        if matches!(result, DeliveryResult::Failed { .. }) {
            // The released credit may go on to the pool (an offboarded employee): the pool first.
            crate::users::lock_pool(&*tx, topup.tenant_id).await?;
        }
        let (sql, values, terminal): (&str, Vec<sea_orm::Value>, bool) = match &result {
            DeliveryResult::Delivered => (
                "UPDATE topups SET status = 'SUCCEEDED', completed_at = $1, locked_until = NULL WHERE id = $2 AND status = 'PENDING'",
                vec![now.into(), topup.id.into()],
                true,
            ),
            DeliveryResult::Failed { reason } => (
                "UPDATE topups SET status = 'FAILED', failure_reason = $3, completed_at = $1, locked_until = NULL WHERE id = $2 AND status = 'PENDING'",
                vec![now.into(), topup.id.into(), reason.clone().into()],
                true,
            ),
            DeliveryResult::Undecided => {
                let wait = Duration::seconds((5i64 << topup.attempts.clamp(0, 6)).min(300));
                (
                    "UPDATE topups SET locked_until = NULL, next_attempt_at = $1 WHERE id = $2 AND status = 'PENDING'",
                    vec![(now + wait).into(), topup.id.into()],
                    false,
                )
            }
        };
        let flipped = exec(&*tx, sql, values).await?.rows_affected() == 1;
        if flipped && terminal {
            match result {
                DeliveryResult::Delivered => engine::post_pending(&*tx, topup.tenant_id, topup.entry_id, now).await?,
                _ => {
                    let voided = engine::void_pending(&*tx, topup.tenant_id, topup.entry_id, now).await?;
                    let cause = format!("topup:{}", topup.id);
                    crate::users::reclaim_if_offboarded(&*tx, topup.tenant_id, topup.user_id, &cause, now).await?;
                    voided
                }
            };
            let outcome = if matches!(result, DeliveryResult::Delivered) { "SUCCEEDED" } else { "FAILED" };
            outbox::enqueue(&*tx, topup.tenant_id, outbox::Message::TopupResult { topup_id: topup.id, user_id: topup.user_id, status: outcome.into() }, now).await?;
            audit::append(&*tx, &system, "topups.settle", Some(&format!("topup:{} {outcome}", topup.id)), "ok", None, now).await?;
        }
        tx.commit().await?;
        Ok(flipped && terminal)
    }

    /// Compares the carrier's view of every settled or in-flight top-up with the ledger and
    /// lists each disagreement.
    pub async fn reconcile(&self, principal: Option<&Principal>) -> AppResult<Vec<Mismatch>> {
        if let Some(p) = principal {
            p.require(Permission::LedgerVerify)?;
        }
        let rows = query_all(
            self.db.conn(),
            "SELECT t.id, t.tenant_id, t.status, t.entry_id, t.amount, e.status AS entry_status FROM topups t \
             JOIN entries e ON e.id = t.entry_id WHERE ($1 IS NULL OR t.tenant_id = $1) \
             AND t.status IN ('PENDING', 'SUCCEEDED', 'FAILED') ORDER BY t.id",
            vec![principal.map(|p| p.tenant.0).into()],
        )
        .await?;
        let mut out = Vec::new();
        for row in rows {
            let id: Uuid = row.try_get("", "id")?;
            let status: String = row.try_get("", "status")?;
            let entry_status: String = row.try_get("", "entry_status")?;
            let entry: Uuid = row.try_get("", "entry_id")?;
            let carrier = self.carrier_status(&entry.to_string()).await;
            use creditloop_carrier::OrderStatus as C;
            let expected_entry = match status.as_str() {
                "SUCCEEDED" => "POSTED",
                "FAILED" => "VOIDED",
                _ => "PENDING",
            };
            let agrees = match (status.as_str(), &carrier) {
                ("SUCCEEDED", Some(C::Delivered)) => true,
                ("FAILED", Some(C::Failed { .. } | C::NotFound)) => true,
                // In flight: any carrier state is possible until the worker settles it.
                ("PENDING", _) => true,
                _ => false,
            };
            if !agrees || entry_status != expected_entry {
                out.push(Mismatch {
                    topup_id: id,
                    tenant_id: TenantId(row.try_get("", "tenant_id")?),
                    ledger: format!("{status} (entry {entry_status})"),
                    carrier: carrier.map(|c| format!("{c:?}")).unwrap_or_else(|| "unknown (no answer)".into()),
                });
            }
        }
        Ok(out)
    }

    /// The carrier's answer for one order. "Status unknown" is transient, so it is asked again
    /// (20 times: with a 30% unknown rate a false "no answer" is a 1-in-10^10 event); an
    /// order that still has no answer is reported as such, never guessed.
    async fn carrier_status(&self, order: &str) -> Option<creditloop_carrier::OrderStatus> {
        for _ in 0..20 {
            if let Ok(status) = self.carrier.status(order).await {
                return Some(status);
            }
        }
        None
    }
}

/// A top-up on which the ledger and the carrier disagree.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub topup_id: Uuid,
    pub tenant_id: TenantId,
    pub ledger: String,
    pub carrier: String,
}

async fn policy_tenant<C: ConnectionTrait>(c: &C, user: UserId) -> AppResult<TenantId> {
    let row = query_one(c, "SELECT tenant_id FROM users WHERE id = $1", vec![user.0.into()])
        .await?
        .ok_or_else(|| AppError::not_found("employee"))?;
    Ok(TenantId(row.try_get("", "tenant_id")?))
}

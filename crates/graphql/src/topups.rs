//! Top-ups, one-time codes, the review queue, disputes, allowance schedules, the expiry
//! sweep, the policy, and reconciliation.

use crate::error::{GqlResult, IntoGql};
use crate::scalars::{Money, Rate};
use crate::types::*;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use creditloop_app::policy::PolicyChange;
use creditloop_app::schedules::{Frequency, ScheduleInput as AppScheduleInput, Target};
use creditloop_app::topups::TopupStatus as AppTopupStatus;
use creditloop_app::AppError;
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{IdempotencyKey, UserId};

fn key(text: &str) -> GqlResult<IdempotencyKey> {
    IdempotencyKey::parse(text).map_err(|e| crate::to_gql_error(AppError::from(e).at("idempotencyKey")))
}

fn phone(text: &str) -> GqlResult<PhoneNumber> {
    PhoneNumber::parse(text).map_err(|e| crate::to_gql_error(AppError::validation("phone", e.to_string())))
}

fn uuid_of(id: &ID, what: &str) -> GqlResult<uuid::Uuid> {
    parse_id(id, what, "id", |s| uuid::Uuid::try_parse(s).ok())
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum TopupStatus {
    Review,
    Pending,
    Succeeded,
    Failed,
    Rejected,
}

impl From<AppTopupStatus> for TopupStatus {
    fn from(s: AppTopupStatus) -> Self {
        match s {
            AppTopupStatus::Review => TopupStatus::Review,
            AppTopupStatus::Pending => TopupStatus::Pending,
            AppTopupStatus::Succeeded => TopupStatus::Succeeded,
            AppTopupStatus::Failed => TopupStatus::Failed,
            AppTopupStatus::Rejected => TopupStatus::Rejected,
        }
    }
}

impl From<TopupStatus> for AppTopupStatus {
    fn from(s: TopupStatus) -> Self {
        match s {
            TopupStatus::Review => AppTopupStatus::Review,
            TopupStatus::Pending => AppTopupStatus::Pending,
            TopupStatus::Succeeded => AppTopupStatus::Succeeded,
            TopupStatus::Failed => AppTopupStatus::Failed,
            TopupStatus::Rejected => AppTopupStatus::Rejected,
        }
    }
}

pub struct TopupObj(pub creditloop_app::topups::Topup);

#[Object(name = "Topup")]
impl TopupObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn phone(&self) -> &str {
        &self.0.phone
    }
    /// CHINA_MOBILE, CHINA_UNICOM, CHINA_TELECOM or CHINA_BROADNET.
    async fn operator(&self) -> &str {
        &self.0.operator
    }
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }
    async fn status(&self) -> TopupStatus {
        self.0.status.into()
    }
    async fn review_reason(&self) -> Option<&str> {
        self.0.review_reason.as_deref()
    }
    async fn failure_reason(&self) -> Option<&str> {
        self.0.failure_reason.as_deref()
    }
    /// Carrier calls made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    async fn user(&self, ctx: &Context<'_>) -> GqlResult<UserObj> {
        Ok(UserObj(app(ctx).user(principal(ctx)?, self.0.user_id).await.gql()?))
    }
    /// The hold (posted when delivered, voided when failed).
    async fn entry(&self, ctx: &Context<'_>) -> GqlResult<EntryObj> {
        Ok(EntryObj(app(ctx).entry(principal(ctx)?, self.0.entry_id).await.gql()?))
    }
}

pub struct DisputeObj(pub creditloop_app::disputes::Dispute);

#[Object(name = "Dispute")]
impl DisputeObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn topup(&self, ctx: &Context<'_>) -> GqlResult<TopupObj> {
        Ok(TopupObj(app(ctx).topup(principal(ctx)?, self.0.topup_id).await.gql()?))
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// OPEN, REFUNDED or REJECTED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn resolution(&self) -> Option<&str> {
        self.0.resolution.as_deref()
    }
    async fn refund_entry_id(&self) -> Option<ID> {
        self.0.refund_entry_id.map(|e| ID(e.to_string()))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ScheduleFrequency {
    Once,
    Weekly,
    Monthly,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ScheduleTarget {
    All,
    Department,
    List,
}

pub struct ScheduleObj(pub creditloop_app::schedules::Schedule);

#[Object(name = "AllowanceSchedule")]
impl ScheduleObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }
    async fn frequency(&self) -> ScheduleFrequency {
        match self.0.frequency {
            Frequency::Once => ScheduleFrequency::Once,
            Frequency::Weekly => ScheduleFrequency::Weekly,
            Frequency::Monthly => ScheduleFrequency::Monthly,
        }
    }
    async fn day_of_month(&self) -> Option<i32> {
        self.0.day_of_month
    }
    async fn day_of_week(&self) -> Option<i32> {
        self.0.day_of_week
    }
    async fn target(&self) -> ScheduleTarget {
        match self.0.target {
            Target::All => ScheduleTarget::All,
            Target::Department(_) => ScheduleTarget::Department,
            Target::List(_) => ScheduleTarget::List,
        }
    }
    async fn department(&self) -> Option<&str> {
        match &self.0.target {
            Target::Department(d) => Some(d),
            _ => None,
        }
    }
    async fn employee_ids(&self) -> Option<Vec<ID>> {
        match &self.0.target {
            Target::List(ids) => Some(ids.iter().map(|i| ID(i.to_string())).collect()),
            _ => None,
        }
    }
    async fn expiry_days(&self) -> Option<i32> {
        self.0.expiry_days
    }
    async fn expire_at_period_end(&self) -> bool {
        self.0.expire_at_period_end
    }
    async fn paused(&self) -> bool {
        self.0.paused
    }
    async fn next_run_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_run_at
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// The run report: one row per period paid (or failed and to be retried).
    async fn runs(&self, ctx: &Context<'_>) -> GqlResult<Vec<AllowanceRun>> {
        let runs = app(ctx).schedule_runs(principal(ctx)?, self.0.id).await.gql()?;
        Ok(runs
            .into_iter()
            .map(|r| AllowanceRun {
                id: ID(r.id.to_string()),
                period: r.period,
                status: r.status,
                count: r.count,
                total: Money(r.total),
                error: r.error,
                started_at: r.started_at,
                finished_at: r.finished_at,
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct AllowanceRun {
    pub id: ID,
    /// e.g. "2026-12", "2026-W49" or "once".
    pub period: String,
    /// DONE or FAILED (retried after 15 minutes).
    pub status: String,
    pub count: i32,
    pub total: Money,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct ScheduleInput {
    pub name: String,
    pub amount: Money,
    pub frequency: ScheduleFrequency,
    /// 1-31 for MONTHLY (clamped to short months).
    pub day_of_month: Option<i32>,
    /// 1 (Monday) to 7 (Sunday) for WEEKLY.
    pub day_of_week: Option<i32>,
    /// For ONCE.
    pub run_at: Option<DateTime<Utc>>,
    pub target: ScheduleTarget,
    pub department: Option<String>,
    pub employee_ids: Option<Vec<ID>>,
    /// Days the credit lives, unless it expires at the period's end.
    pub expiry_days: Option<i32>,
    #[graphql(default = true)]
    pub expire_at_period_end: bool,
}

#[derive(SimpleObject)]
pub struct SweepResult {
    pub lots: i64,
    pub total: Money,
}

#[derive(SimpleObject)]
pub struct ReconciliationMismatch {
    pub topup_id: ID,
    pub ledger: String,
    pub carrier: String,
}

#[derive(InputObject)]
pub struct PolicyInput {
    pub topup_daily_limit: Option<Money>,
    pub topup_monthly_limit: Option<Money>,
    pub topup_single_max: Option<Money>,
    pub tenant_daily_cap: Option<Money>,
    pub purchase_approval_threshold: Option<Money>,
    pub recycle_review_threshold: Option<Money>,
    pub cashout_review_threshold: Option<Money>,
    pub velocity_max_topups: Option<i32>,
    pub velocity_window_minutes: Option<i32>,
    pub recycle_rate: Option<Rate>,
    pub recycle_fee: Option<Money>,
    pub settlement_delay_days: Option<i32>,
    pub cashout_enabled: Option<bool>,
    pub cashout_rate: Option<Rate>,
    pub low_pool_threshold: Option<Money>,
}

#[derive(Default)]
pub struct TopupQuery;

#[Object]
impl TopupQuery {
    /// Top-ups of the tenant (topups.read), newest first.
    async fn topups(&self, ctx: &Context<'_>, user_id: Option<ID>, status: Option<TopupStatus>, first: Option<i32>) -> GqlResult<Vec<TopupObj>> {
        let limit = crate::connection::page_size(first)?;
        let user = user_id.map(|u| parse_id(&u, "user", "userId", UserId::parse)).transpose()?;
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::TopupsRead).gql()?;
        Ok(app(ctx).topups(p, user, status.map(Into::into), limit).await.gql()?.into_iter().map(TopupObj).collect())
    }

    /// The signed-in employee's own top-ups.
    async fn my_topups(&self, ctx: &Context<'_>, first: Option<i32>) -> GqlResult<Vec<TopupObj>> {
        let limit = crate::connection::page_size(first)?;
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::WalletOwn).gql()?;
        let me = p.require_user().gql()?;
        Ok(app(ctx).topups(p, Some(me), None, limit).await.gql()?.into_iter().map(TopupObj).collect())
    }

    /// One top-up (topups.read, or one's own).
    async fn topup_by_id(&self, ctx: &Context<'_>, id: ID) -> GqlResult<TopupObj> {
        Ok(TopupObj(app(ctx).topup(principal(ctx)?, uuid_of(&id, "top-up")?).await.gql()?))
    }

    /// Top-ups waiting for a finance decision (reviews.decide).
    async fn review_queue(&self, ctx: &Context<'_>) -> GqlResult<Vec<TopupObj>> {
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::ReviewsDecide).gql()?;
        Ok(app(ctx).topups(p, None, Some(AppTopupStatus::Review), 200).await.gql()?.into_iter().map(TopupObj).collect())
    }

    /// Disputes: all of them (disputes.read) or the caller's own.
    async fn disputes(&self, ctx: &Context<'_>, status: Option<String>) -> GqlResult<Vec<DisputeObj>> {
        Ok(app(ctx).disputes(principal(ctx)?, status.as_deref()).await.gql()?.into_iter().map(DisputeObj).collect())
    }

    /// Allowance schedules (schedules.read).
    async fn schedules(&self, ctx: &Context<'_>) -> GqlResult<Vec<ScheduleObj>> {
        Ok(app(ctx).schedules(principal(ctx)?).await.gql()?.into_iter().map(ScheduleObj).collect())
    }

    /// Compares the carrier's view of every top-up with the ledger (ledger.verify); empty
    /// when they agree.
    async fn reconciliation(&self, ctx: &Context<'_>) -> GqlResult<Vec<ReconciliationMismatch>> {
        let found = app(ctx).reconcile(Some(principal(ctx)?)).await.gql()?;
        Ok(found
            .into_iter()
            .map(|m| ReconciliationMismatch { topup_id: ID(m.topup_id.to_string()), ledger: m.ledger, carrier: m.carrier })
            .collect())
    }
}

#[derive(Default)]
pub struct TopupMutation;

#[Object]
impl TopupMutation {
    /// Emails a one-time code for topping up a number other than one's own.
    async fn request_topup_code(&self, ctx: &Context<'_>, phone: String) -> GqlResult<bool> {
        app(ctx).request_topup_code(principal(ctx)?, &crate::topups::phone(&phone)?).await.gql()?;
        Ok(true)
    }

    /// Tops up a phone from the signed-in employee's wallet (topups.create_own).
    async fn topup(&self, ctx: &Context<'_>, phone: String, amount: Money, code: Option<String>, idempotency_key: String) -> GqlResult<TopupObj> {
        let app = app(ctx);
        let amount = positive(amount, app.config.amount_max, "amount")?;
        let t = app.topup_own(principal(ctx)?, crate::topups::phone(&phone)?, amount, code, &key(&idempotency_key)?).await.gql()?;
        Ok(TopupObj(t))
    }

    /// Tops up an employee's phone on their behalf (topups.create_for).
    async fn topup_for(&self, ctx: &Context<'_>, employee_id: ID, phone: Option<String>, amount: Money, idempotency_key: String) -> GqlResult<TopupObj> {
        let app = app(ctx);
        let amount = positive(amount, app.config.amount_max, "amount")?;
        let employee = parse_id(&employee_id, "employee", "employeeId", UserId::parse)?;
        let phone = phone.filter(|p| !p.trim().is_empty()).map(|p| crate::topups::phone(&p)).transpose()?;
        Ok(TopupObj(app.topup_for(principal(ctx)?, employee, phone, amount, &key(&idempotency_key)?).await.gql()?))
    }

    /// Lets a top-up in review go to the carrier (reviews.decide).
    async fn approve_topup(&self, ctx: &Context<'_>, id: ID) -> GqlResult<TopupObj> {
        Ok(TopupObj(app(ctx).decide_topup(principal(ctx)?, uuid_of(&id, "top-up")?, true, None).await.gql()?))
    }

    /// Refuses a top-up in review and releases its hold (reviews.decide).
    async fn reject_topup(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<TopupObj> {
        Ok(TopupObj(app(ctx).decide_topup(principal(ctx)?, uuid_of(&id, "top-up")?, false, Some(&reason)).await.gql()?))
    }

    /// Disputes one's own delivered top-up (disputes.own).
    async fn open_dispute(&self, ctx: &Context<'_>, topup_id: ID, reason: String) -> GqlResult<DisputeObj> {
        let topup = parse_id(&topup_id, "top-up", "topupId", |s| uuid::Uuid::try_parse(s).ok())?;
        Ok(DisputeObj(app(ctx).open_dispute(principal(ctx)?, topup, &reason).await.gql()?))
    }

    /// Refunds (reverses the top-up) or rejects a dispute (disputes.resolve).
    async fn resolve_dispute(&self, ctx: &Context<'_>, id: ID, refund: bool, resolution: String, idempotency_key: String) -> GqlResult<DisputeObj> {
        let id = uuid_of(&id, "dispute")?;
        Ok(DisputeObj(app(ctx).resolve_dispute(principal(ctx)?, id, refund, &resolution, &key(&idempotency_key)?).await.gql()?))
    }

    /// Creates an allowance schedule (schedules.manage).
    async fn create_schedule(&self, ctx: &Context<'_>, input: ScheduleInput) -> GqlResult<ScheduleObj> {
        let app = app(ctx);
        let amount = positive(input.amount, app.config.amount_max, "amount")?;
        let target = match input.target {
            ScheduleTarget::All => Target::All,
            ScheduleTarget::Department => Target::Department(input.department.unwrap_or_default()),
            ScheduleTarget::List => Target::List(
                input
                    .employee_ids
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(i, id)| parse_id(id, "employee", &format!("employeeIds[{i}]"), UserId::parse))
                    .collect::<GqlResult<_>>()?,
            ),
        };
        let to_u32 = |v: Option<i32>| v.and_then(|d| u32::try_from(d).ok());
        let schedule = AppScheduleInput {
            name: input.name,
            amount,
            frequency: match input.frequency {
                ScheduleFrequency::Once => Frequency::Once,
                ScheduleFrequency::Weekly => Frequency::Weekly,
                ScheduleFrequency::Monthly => Frequency::Monthly,
            },
            day_of_month: to_u32(input.day_of_month),
            day_of_week: to_u32(input.day_of_week),
            run_at: input.run_at,
            target,
            expiry_days: input.expiry_days.map(i64::from),
            expire_at_period_end: input.expire_at_period_end,
        };
        Ok(ScheduleObj(app.create_schedule(principal(ctx)?, schedule).await.gql()?))
    }

    async fn set_schedule_paused(&self, ctx: &Context<'_>, id: ID, paused: bool) -> GqlResult<ScheduleObj> {
        Ok(ScheduleObj(app(ctx).set_schedule_paused(principal(ctx)?, uuid_of(&id, "schedule")?, paused).await.gql()?))
    }

    /// Returns expired credit to the pool now, instead of waiting for the worker (sweeps.run).
    async fn run_expiry_sweep(&self, ctx: &Context<'_>) -> GqlResult<SweepResult> {
        let report = app(ctx).sweep_expired_for(principal(ctx)?).await.gql()?;
        Ok(SweepResult { lots: report.lots as i64, total: Money(report.total) })
    }

    /// Changes the tenant's risk policy and limits (policy.manage).
    async fn update_policy(&self, ctx: &Context<'_>, input: PolicyInput) -> GqlResult<PolicyObj> {
        let m = |v: Option<Money>| v.map(|m| m.0);
        let r = |v: Option<Rate>| v.map(|r| r.0);
        let change = PolicyChange {
            topup_daily_limit: m(input.topup_daily_limit),
            topup_monthly_limit: m(input.topup_monthly_limit),
            topup_single_max: m(input.topup_single_max),
            tenant_daily_cap: m(input.tenant_daily_cap),
            purchase_approval_threshold: m(input.purchase_approval_threshold),
            recycle_review_threshold: m(input.recycle_review_threshold),
            cashout_review_threshold: m(input.cashout_review_threshold),
            velocity_max_topups: input.velocity_max_topups,
            velocity_window_minutes: input.velocity_window_minutes,
            recycle_rate: r(input.recycle_rate),
            recycle_fee: m(input.recycle_fee),
            settlement_delay_days: input.settlement_delay_days,
            cashout_enabled: input.cashout_enabled,
            cashout_rate: r(input.cashout_rate),
            low_pool_threshold: m(input.low_pool_threshold),
        };
        Ok(PolicyObj(app(ctx).update_policy(principal(ctx)?, change).await.gql()?))
    }
}

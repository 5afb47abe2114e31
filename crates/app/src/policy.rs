//! The tenant's risk policy and limits, with safe defaults.

use crate::principal::Principal;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use creditloop_domain::{Fen, Permission, Rate, TenantId};
use creditloop_ledger::store::{exec, query_one};
use sea_orm::{ConnectionTrait, QueryResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub topup_daily_limit: Fen,
    pub topup_monthly_limit: Fen,
    pub topup_single_max: Fen,
    pub tenant_daily_cap: Fen,
    pub purchase_approval_threshold: Fen,
    pub recycle_review_threshold: Fen,
    pub cashout_review_threshold: Fen,
    pub velocity_max_topups: i32,
    pub velocity_window_minutes: i32,
    pub recycle_rate: Rate,
    pub recycle_fee: Fen,
    pub settlement_delay_days: i32,
    pub cashout_enabled: bool,
    pub cashout_rate: Rate,
    pub low_pool_threshold: Fen,
}

impl Default for Policy {
    /// Safe defaults: 500.00 a month per employee (as carriers commonly cap), purchases
    /// above 10,000.00 need approval, recycling settles T+1, cash-out is off.
    fn default() -> Self {
        Policy {
            topup_daily_limit: Fen::new(200_00),
            topup_monthly_limit: Fen::new(500_00),
            topup_single_max: Fen::new(200_00),
            tenant_daily_cap: Fen::new(100_000_00),
            purchase_approval_threshold: Fen::new(10_000_00),
            recycle_review_threshold: Fen::new(50_000_00),
            cashout_review_threshold: Fen::new(500_00),
            velocity_max_topups: 5,
            velocity_window_minutes: 60,
            recycle_rate: Rate::from_bps(9_000).unwrap_or(Rate::ZERO),
            recycle_fee: Fen::new(0),
            settlement_delay_days: 1,
            cashout_enabled: false,
            cashout_rate: Rate::from_bps(8_500).unwrap_or(Rate::ZERO),
            low_pool_threshold: Fen::new(1_000_00),
        }
    }
}

impl Policy {
    fn from_row(row: &QueryResult) -> AppResult<Policy> {
        let fen = |c: &str| -> AppResult<Fen> { Ok(Fen::new(row.try_get::<i64>("", c)?)) };
        let rate = |c: &str| -> AppResult<Rate> {
            let bps: i32 = row.try_get("", c)?;
            u32::try_from(bps).ok().and_then(Rate::from_bps).ok_or_else(|| AppError::internal(format!("bad rate in {c}")))
        };
        Ok(Policy {
            topup_daily_limit: fen("topup_daily_limit")?,
            topup_monthly_limit: fen("topup_monthly_limit")?,
            topup_single_max: fen("topup_single_max")?,
            tenant_daily_cap: fen("tenant_daily_cap")?,
            purchase_approval_threshold: fen("purchase_approval_threshold")?,
            recycle_review_threshold: fen("recycle_review_threshold")?,
            cashout_review_threshold: fen("cashout_review_threshold")?,
            velocity_max_topups: row.try_get("", "velocity_max_topups")?,
            velocity_window_minutes: row.try_get("", "velocity_window_minutes")?,
            recycle_rate: rate("recycle_rate_bps")?,
            recycle_fee: fen("recycle_fee")?,
            settlement_delay_days: row.try_get("", "settlement_delay_days")?,
            cashout_enabled: row.try_get("", "cashout_enabled")?,
            cashout_rate: rate("cashout_rate_bps")?,
            low_pool_threshold: fen("low_pool_threshold")?,
        })
    }
}

/// Writes the default policy for a new tenant.
pub async fn init<C: ConnectionTrait>(c: &C, tenant: TenantId, now: DateTime<Utc>) -> AppResult<()> {
    let p = Policy::default();
    exec(
        c,
        "INSERT INTO policies (tenant_id, topup_daily_limit, topup_monthly_limit, topup_single_max, tenant_daily_cap, \
         purchase_approval_threshold, recycle_review_threshold, cashout_review_threshold, velocity_max_topups, \
         velocity_window_minutes, recycle_rate_bps, recycle_fee, settlement_delay_days, cashout_enabled, cashout_rate_bps, \
         low_pool_threshold, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        vec![
            tenant.0.into(),
            p.topup_daily_limit.get().into(),
            p.topup_monthly_limit.get().into(),
            p.topup_single_max.get().into(),
            p.tenant_daily_cap.get().into(),
            p.purchase_approval_threshold.get().into(),
            p.recycle_review_threshold.get().into(),
            p.cashout_review_threshold.get().into(),
            p.velocity_max_topups.into(),
            p.velocity_window_minutes.into(),
            (p.recycle_rate.bps() as i32).into(),
            p.recycle_fee.get().into(),
            p.settlement_delay_days.into(),
            p.cashout_enabled.into(),
            (p.cashout_rate.bps() as i32).into(),
            p.low_pool_threshold.get().into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn load<C: ConnectionTrait>(c: &C, tenant: TenantId) -> AppResult<Policy> {
    let row = query_one(c, "SELECT * FROM policies WHERE tenant_id = $1", vec![tenant.0.into()])
        .await?
        .ok_or_else(|| AppError::internal(format!("tenant {tenant} has no policy")))?;
    Policy::from_row(&row)
}

impl App {
    pub async fn policy(&self, principal: &Principal) -> AppResult<Policy> {
        if !principal.can(Permission::WalletOwn) {
            principal.require(Permission::PolicyRead)?;
        }
        load(self.db.conn(), principal.tenant).await
    }
}

/// A partial change to the policy; absent fields keep their value.
#[derive(Debug, Clone, Default)]
pub struct PolicyChange {
    pub topup_daily_limit: Option<Fen>,
    pub topup_monthly_limit: Option<Fen>,
    pub topup_single_max: Option<Fen>,
    pub tenant_daily_cap: Option<Fen>,
    pub purchase_approval_threshold: Option<Fen>,
    pub recycle_review_threshold: Option<Fen>,
    pub cashout_review_threshold: Option<Fen>,
    pub velocity_max_topups: Option<i32>,
    pub velocity_window_minutes: Option<i32>,
    pub recycle_rate: Option<Rate>,
    pub recycle_fee: Option<Fen>,
    pub settlement_delay_days: Option<i32>,
    pub cashout_enabled: Option<bool>,
    pub cashout_rate: Option<Rate>,
    pub low_pool_threshold: Option<Fen>,
}

impl Policy {
    fn apply(mut self, c: PolicyChange) -> Policy {
        macro_rules! set {
            ($($f:ident),*) => { $(if let Some(v) = c.$f { self.$f = v; })* };
        }
        set!(
            topup_daily_limit, topup_monthly_limit, topup_single_max, tenant_daily_cap, purchase_approval_threshold,
            recycle_review_threshold, cashout_review_threshold, velocity_max_topups, velocity_window_minutes, recycle_rate,
            recycle_fee, settlement_delay_days, cashout_enabled, cashout_rate, low_pool_threshold
        );
        self
    }

    /// The policy must make sense as a whole, not only field by field.
    pub fn validate(&self) -> AppResult<()> {
        let fail = |field: &str, message: &str| Err(AppError::validation(field, message));
        if self.topup_single_max > self.topup_daily_limit {
            return fail("topupSingleMax", "the single top-up maximum cannot exceed the daily limit");
        }
        if self.topup_daily_limit > self.topup_monthly_limit {
            return fail("topupDailyLimit", "the daily limit cannot exceed the monthly limit");
        }
        if !self.topup_single_max.is_positive() {
            return fail("topupSingleMax", "the single top-up maximum must be greater than zero");
        }
        if !(1..=1000).contains(&self.velocity_max_topups) {
            return fail("velocityMaxTopups", "allow between 1 and 1000 top-ups per window");
        }
        if !(1..=10_080).contains(&self.velocity_window_minutes) {
            return fail("velocityWindowMinutes", "the window is 1 minute to 7 days");
        }
        if !(0..=30).contains(&self.settlement_delay_days) {
            return fail("settlementDelayDays", "settlement is T+0 to T+30");
        }
        if self.recycle_rate.bps() == 0 {
            return fail("recycleRate", "the recycle rate must be above zero");
        }
        Ok(())
    }
}

impl App {
    /// Changes the tenant's policy (policy.manage); the whole result is validated.
    pub async fn update_policy(&self, principal: &Principal, change: PolicyChange) -> AppResult<Policy> {
        principal.require(Permission::PolicyManage)?;
        let next = load(self.db.conn(), principal.tenant).await?.apply(change);
        next.validate()?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let p = next.clone();
        let result = exec(
            &*tx,
            "UPDATE policies SET topup_daily_limit = $1, topup_monthly_limit = $2, topup_single_max = $3, tenant_daily_cap = $4, \
             purchase_approval_threshold = $5, recycle_review_threshold = $6, cashout_review_threshold = $7, \
             velocity_max_topups = $8, velocity_window_minutes = $9, recycle_rate_bps = $10, recycle_fee = $11, \
             settlement_delay_days = $12, cashout_enabled = $13, cashout_rate_bps = $14, low_pool_threshold = $15, updated_at = $16 \
             WHERE tenant_id = $17",
            vec![
                p.topup_daily_limit.get().into(),
                p.topup_monthly_limit.get().into(),
                p.topup_single_max.get().into(),
                p.tenant_daily_cap.get().into(),
                p.purchase_approval_threshold.get().into(),
                p.recycle_review_threshold.get().into(),
                p.cashout_review_threshold.get().into(),
                p.velocity_max_topups.into(),
                p.velocity_window_minutes.into(),
                (p.recycle_rate.bps() as i32).into(),
                p.recycle_fee.get().into(),
                p.settlement_delay_days.into(),
                p.cashout_enabled.into(),
                (p.cashout_rate.bps() as i32).into(),
                p.low_pool_threshold.get().into(),
                now.into(),
                principal.tenant.0.into(),
            ],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        self.finish(tx, principal, "policy.manage", None, result).await?;
        Ok(next)
    }
}

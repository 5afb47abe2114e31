//! Allowance schedules: e.g. every month on day 1, 50.00 to every active employee of a
//! department, expiring at month end. The scheduler pays each (schedule, period) at most
//! once: a run row with a unique `(schedule_id, period)` is inserted in the same transaction
//! as the grants, so a second replica, a restart or a crash can never pay a period twice.

use crate::principal::Principal;
use crate::{audit, App, AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use creditloop_domain::{Fen, Permission, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::engine::{self, BatchGrantItem};
use creditloop_ledger::store::{exec, placeholders, query_all, query_one};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Once,
    Weekly,
    Monthly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Once => "ONCE",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        [Frequency::Once, Frequency::Weekly, Frequency::Monthly].into_iter().find(|f| f.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    Department(String),
    List(Vec<UserId>),
}

#[derive(Debug, Clone)]
pub struct ScheduleInput {
    pub name: String,
    pub amount: Fen,
    pub frequency: Frequency,
    /// 1..=31 for monthly (clamped to the month's length).
    pub day_of_month: Option<u32>,
    /// 1 (Monday) ..= 7 (Sunday) for weekly.
    pub day_of_week: Option<u32>,
    /// For a one-off run.
    pub run_at: Option<DateTime<Utc>>,
    pub target: Target,
    /// Lots expire this many days after the run, unless they expire at the period's end.
    pub expiry_days: Option<i64>,
    pub expire_at_period_end: bool,
}

#[derive(Debug, Clone)]
pub struct Schedule {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub name: String,
    pub amount: Fen,
    pub frequency: Frequency,
    pub day_of_month: Option<i32>,
    pub day_of_week: Option<i32>,
    pub target: Target,
    pub expiry_days: Option<i32>,
    pub expire_at_period_end: bool,
    pub paused: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Schedule {
    fn from_row(row: &QueryResult) -> AppResult<Schedule> {
        let frequency: String = row.try_get("", "frequency")?;
        let target: String = row.try_get("", "target")?;
        let target = match target.as_str() {
            "ALL" => Target::All,
            "DEPARTMENT" => Target::Department(row.try_get::<Option<String>>("", "department")?.unwrap_or_default()),
            _ => {
                let ids: Option<String> = row.try_get("", "employee_ids")?;
                let ids: Vec<UserId> = serde_json::from_str(ids.as_deref().unwrap_or("[]"))?;
                Target::List(ids)
            }
        };
        Ok(Schedule {
            id: row.try_get("", "id")?,
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            name: row.try_get("", "name")?,
            amount: Fen::new(row.try_get("", "amount")?),
            frequency: Frequency::parse(&frequency).ok_or_else(|| AppError::internal(format!("frequency {frequency}")))?,
            day_of_month: row.try_get("", "day_of_month")?,
            day_of_week: row.try_get("", "day_of_week")?,
            target,
            expiry_days: row.try_get("", "expiry_days")?,
            expire_at_period_end: row.try_get("", "expire_at_period_end")?,
            paused: row.try_get("", "paused")?,
            next_run_at: row.try_get("", "next_run_at")?,
            last_error: row.try_get("", "last_error")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Run {
    pub id: Uuid,
    pub schedule_id: Uuid,
    pub period: String,
    pub status: String,
    pub count: i32,
    pub total: Fen,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Run {
    fn from_row(row: &QueryResult) -> AppResult<Run> {
        Ok(Run {
            id: row.try_get("", "id")?,
            schedule_id: row.try_get("", "schedule_id")?,
            period: row.try_get("", "period")?,
            status: row.try_get("", "status")?,
            count: row.try_get("", "count")?,
            total: Fen::new(row.try_get("", "total")?),
            error: row.try_get("", "error")?,
            started_at: row.try_get("", "started_at")?,
            finished_at: row.try_get("", "finished_at")?,
        })
    }
}

fn tz_of(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

fn local_midnight(tz: chrono_tz::Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN)).earliest().map(|d| d.with_timezone(&Utc))
}

fn month_start(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    if date.month() == 12 { month_start(date.year() + 1, 1) } else { month_start(date.year(), date.month() + 1) }
}

/// The monthly run date in the month of `first` (day clamped to the month's length).
fn monthly_date(first: NaiveDate, day: u32) -> Option<NaiveDate> {
    let last = next_month(first)?.pred_opt()?.day();
    first.with_day(day.min(last))
}

/// The first run time at or after `from`, in the tenant's zone.
fn next_run(s: &ScheduleShape, tz: chrono_tz::Tz, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let today = from.with_timezone(&tz).date_naive();
    match s.frequency {
        Frequency::Once => s.run_at.filter(|at| *at >= from).or(s.run_at),
        Frequency::Monthly => {
            let day = s.day_of_month?;
            let mut month = month_start(today.year(), today.month())?;
            for _ in 0..3 {
                let at = local_midnight(tz, monthly_date(month, day)?)?;
                if at >= from {
                    return Some(at);
                }
                month = next_month(month)?;
            }
            None
        }
        Frequency::Weekly => {
            let weekday = Weekday::try_from(u8::try_from(s.day_of_week?.checked_sub(1)?).ok()?).ok()?;
            for offset in 0..8 {
                let date = today + Duration::days(offset);
                if date.weekday() == weekday {
                    let at = local_midnight(tz, date)?;
                    if at >= from {
                        return Some(at);
                    }
                }
            }
            None
        }
    }
}

/// The period a run at `at` pays for, and when that period ends (the exclusive end).
fn period_of(s: &ScheduleShape, tz: chrono_tz::Tz, at: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
    let date = at.with_timezone(&tz).date_naive();
    match s.frequency {
        Frequency::Once => Some(("once".into(), at + Duration::days(s.expiry_days.unwrap_or(30)))),
        Frequency::Monthly => {
            let end = local_midnight(tz, next_month(date.with_day(1)?)?)?;
            Some((format!("{:04}-{:02}", date.year(), date.month()), end))
        }
        Frequency::Weekly => {
            let week = date.iso_week();
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            let end = local_midnight(tz, monday + Duration::days(7))?;
            Some((format!("{:04}-W{:02}", week.year(), week.week()), end))
        }
    }
}

/// The fields that decide timing.
struct ScheduleShape {
    frequency: Frequency,
    day_of_month: Option<u32>,
    day_of_week: Option<u32>,
    run_at: Option<DateTime<Utc>>,
    expiry_days: Option<i64>,
}

impl From<&Schedule> for ScheduleShape {
    fn from(s: &Schedule) -> Self {
        ScheduleShape {
            frequency: s.frequency,
            day_of_month: s.day_of_month.and_then(|d| u32::try_from(d).ok()),
            day_of_week: s.day_of_week.and_then(|d| u32::try_from(d).ok()),
            run_at: if s.frequency == Frequency::Once { s.next_run_at } else { None },
            expiry_days: s.expiry_days.map(i64::from),
        }
    }
}

/// Schedules checked per worker pass.
pub const DUE_BATCH: i64 = 50;

impl App {
    pub async fn create_schedule(&self, principal: &Principal, input: ScheduleInput) -> AppResult<Schedule> {
        principal.require(Permission::SchedulesManage)?;
        let name = creditloop_domain::text::bounded("name", &input.name, 1, 100).map_err(|e| AppError::from(e).at("name"))?;
        match input.frequency {
            Frequency::Monthly if !input.day_of_month.is_some_and(|d| (1..=31).contains(&d)) => {
                return Err(AppError::validation("dayOfMonth", "a monthly schedule needs a day of the month from 1 to 31"));
            }
            Frequency::Weekly if !input.day_of_week.is_some_and(|d| (1..=7).contains(&d)) => {
                return Err(AppError::validation("dayOfWeek", "a weekly schedule needs a day of the week from 1 (Monday) to 7"));
            }
            Frequency::Once if !input.run_at.is_some_and(|at| at > self.now()) => {
                return Err(AppError::validation("runAt", "a one-off schedule needs a run time in the future"));
            }
            _ => {}
        }
        if !input.expire_at_period_end || input.frequency == Frequency::Once {
            if !input.expiry_days.is_some_and(|d| (1..=366).contains(&d)) {
                return Err(AppError::validation("expiryDays", "give the credit's life in days (1 to 366)"));
            }
        }
        if let Target::Department(d) = &input.target {
            if d.trim().is_empty() {
                return Err(AppError::validation("department", "name the department"));
            }
        }
        if let Target::List(ids) = &input.target {
            if ids.is_empty() || ids.len() > 10_000 {
                return Err(AppError::validation("employeeIds", "list 1 to 10,000 employees"));
            }
        }
        let tenant = self.tenant(principal).await?;
        let shape = ScheduleShape {
            frequency: input.frequency,
            day_of_month: input.day_of_month,
            day_of_week: input.day_of_week,
            run_at: input.run_at,
            expiry_days: input.expiry_days,
        };
        let now = self.now();
        let next = next_run(&shape, tz_of(&tenant.timezone), now).ok_or_else(|| AppError::validation("frequency", "cannot work out the next run"))?;
        let id = Uuid::now_v7();
        let (target, department, employee_ids) = match &input.target {
            Target::All => ("ALL", None, None),
            Target::Department(d) => ("DEPARTMENT", Some(d.trim().to_owned()), None),
            Target::List(ids) => ("LIST", None, Some(serde_json::to_string(ids)?)),
        };
        let tx = self.tx(principal).await?;
        let result = exec(
            &*tx,
            "INSERT INTO allowance_schedules (id, tenant_id, name, amount, frequency, day_of_month, day_of_week, target, department, \
             employee_ids, expiry_days, expire_at_period_end, paused, next_run_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, FALSE, $13, $14, $15)",
            vec![
                id.into(),
                principal.tenant.0.into(),
                name.into(),
                input.amount.get().into(),
                input.frequency.as_str().into(),
                input.day_of_month.map(|d| d as i32).into(),
                input.day_of_week.map(|d| d as i32).into(),
                target.into(),
                department.into(),
                employee_ids.into(),
                input.expiry_days.map(|d| d as i32).into(),
                (input.expire_at_period_end && input.frequency != Frequency::Once).into(),
                next.into(),
                principal.label().into(),
                now.into(),
            ],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        self.finish(tx, principal, "schedules.create", Some(format!("schedule:{id}")), result).await?;
        self.schedule(principal, id).await
    }

    pub async fn set_schedule_paused(&self, principal: &Principal, id: Uuid, paused: bool) -> AppResult<Schedule> {
        principal.require(Permission::SchedulesManage)?;
        self.schedule(principal, id).await?;
        let tx = self.tx(principal).await?;
        let result = exec(
            &*tx,
            "UPDATE allowance_schedules SET paused = $1 WHERE tenant_id = $2 AND id = $3",
            vec![paused.into(), principal.tenant.0.into(), id.into()],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        let action = if paused { "schedules.pause" } else { "schedules.resume" };
        self.finish(tx, principal, action, Some(format!("schedule:{id}")), result).await?;
        self.schedule(principal, id).await
    }

    pub async fn schedule(&self, principal: &Principal, id: Uuid) -> AppResult<Schedule> {
        principal.require(Permission::SchedulesRead)?;
        let row = query_one(self.db.conn(), "SELECT * FROM allowance_schedules WHERE tenant_id = $1 AND id = $2", vec![principal.tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("schedule"))?;
        Schedule::from_row(&row)
    }

    pub async fn schedules(&self, principal: &Principal) -> AppResult<Vec<Schedule>> {
        principal.require(Permission::SchedulesRead)?;
        query_all(self.db.conn(), "SELECT * FROM allowance_schedules WHERE tenant_id = $1 ORDER BY created_at DESC", vec![principal.tenant.0.into()])
            .await?
            .iter()
            .map(Schedule::from_row)
            .collect()
    }

    pub async fn schedule_runs(&self, principal: &Principal, schedule: Uuid) -> AppResult<Vec<Run>> {
        principal.require(Permission::SchedulesRead)?;
        query_all(
            self.db.conn(),
            "SELECT * FROM allowance_runs WHERE tenant_id = $1 AND schedule_id = $2 ORDER BY started_at DESC LIMIT 100",
            vec![principal.tenant.0.into(), schedule.into()],
        )
        .await?
        .iter()
        .map(Run::from_row)
        .collect()
    }

    /// Runs every due schedule of every tenant once (the background worker). Returns the
    /// number of periods paid.
    pub async fn run_due_schedules(&self) -> AppResult<usize> {
        let now = self.now();
        let due = query_all(
            self.db.conn(),
            "SELECT * FROM allowance_schedules WHERE paused = FALSE AND next_run_at <= $1 \
             AND (retry_after IS NULL OR retry_after <= $1) ORDER BY next_run_at LIMIT $2",
            vec![now.into(), DUE_BATCH.into()],
        )
        .await?;
        let mut paid = 0;
        for row in &due {
            let schedule = Schedule::from_row(row)?;
            if self.run_schedule(&schedule).await? {
                paid += 1;
            }
        }
        Ok(paid)
    }

    /// Pays one period of a schedule, once. A failure (say, the pool is short) is recorded
    /// as a failed run and retried after 15 minutes.
    async fn run_schedule(&self, schedule: &Schedule) -> AppResult<bool> {
        let Some(at) = schedule.next_run_at else { return Ok(false) };
        let tenant = self.tenant_by_id(schedule.tenant_id).await?;
        let tz = tz_of(&tenant.timezone);
        let shape = ScheduleShape::from(schedule);
        let (period, period_end) = period_of(&shape, tz, at).ok_or_else(|| AppError::internal("schedule period"))?;
        let now = self.now();
        let system = Principal::system(schedule.tenant_id);
        let tx = self.tx(&system).await?;
        let outcome = self.pay_period(&tx, schedule, &period, period_end, now).await;
        match outcome {
            Ok(None) => {
                tx.rollback().await?;
                Ok(false)
            }
            Ok(Some((count, total))) => {
                let next = match schedule.frequency {
                    Frequency::Once => None,
                    _ => next_run(&shape, tz, period_end.max(at + Duration::hours(1))),
                };
                exec(
                    &*tx,
                    "UPDATE allowance_schedules SET next_run_at = $1, retry_after = NULL, last_error = NULL WHERE id = $2",
                    vec![next.into(), schedule.id.into()],
                )
                .await?;
                let detail = format!("schedule:{} period:{period} employees:{count} total:{total}", schedule.id);
                audit::append(&*tx, &system, "schedules.run", Some(&detail), "ok", None, now).await?;
                tx.commit().await?;
                Ok(true)
            }
            Err(err) => {
                tx.rollback().await?;
                self.record_failed_run(schedule, &period, &err, now).await?;
                Ok(false)
            }
        }
    }

    /// Claims the period and grants. `None` when another worker has it or has paid it.
    async fn pay_period(
        &self,
        tx: &creditloop_ledger::WriteTx,
        schedule: &Schedule,
        period: &str,
        period_end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> AppResult<Option<(usize, Fen)>> {
        let run_id = Uuid::now_v7();
        let claimed = exec(
            &**tx,
            "INSERT INTO allowance_runs (id, tenant_id, schedule_id, period, status, count, total, started_at) \
             VALUES ($1, $2, $3, $4, 'RUNNING', 0, 0, $5) ON CONFLICT (schedule_id, period) DO NOTHING",
            vec![run_id.into(), schedule.tenant_id.0.into(), schedule.id.into(), period.into(), now.into()],
        )
        .await?
        .rows_affected()
            == 1;
        let run_id = if claimed {
            run_id
        } else {
            // Only a failed attempt may be tried again.
            let retry = query_one(
                &**tx,
                "UPDATE allowance_runs SET status = 'RUNNING', error = NULL, started_at = $1 \
                 WHERE schedule_id = $2 AND period = $3 AND status = 'FAILED' RETURNING id",
                vec![now.into(), schedule.id.into(), period.into()],
            )
            .await?;
            match retry {
                Some(row) => row.try_get("", "id")?,
                None => return Ok(None),
            }
        };
        let employees = self.schedule_targets(&**tx, schedule).await?;
        let expires_at = if schedule.expire_at_period_end {
            period_end
        } else {
            now + Duration::days(i64::from(schedule.expiry_days.unwrap_or(30)))
        };
        let items: Vec<BatchGrantItem> = employees
            .iter()
            .map(|e| BatchGrantItem { employee: *e, amount: schedule.amount, expires_at, memo: Some(format!("{} {period}", schedule.name)) })
            .collect();
        let meta = engine::Meta {
            idempotency_key: format!("sys:allowance:{}:{period}", schedule.id),
            created_by: format!("schedule:{}", schedule.id),
            memo: Some(schedule.name.clone()),
            metadata: None,
        };
        let batch = engine::grant_batch(&**tx, schedule.tenant_id, now, &items, &meta).await?;
        let notes: Vec<_> = items.iter().zip(&batch.entry_ids).map(|(i, e)| (i.employee, *e, i.amount, i.expires_at)).collect();
        crate::funds::notify_grants(&**tx, schedule.tenant_id, &notes, now).await?;
        exec(
            &**tx,
            "UPDATE allowance_runs SET status = 'DONE', count = $1, total = $2, batch_id = $3, finished_at = $4 WHERE id = $5",
            vec![(batch.count as i32).into(), batch.total.get().into(), batch.batch_id.into(), now.into(), run_id.into()],
        )
        .await?;
        Ok(Some((batch.count, batch.total)))
    }

    async fn schedule_targets<C: ConnectionTrait>(&self, c: &C, schedule: &Schedule) -> AppResult<Vec<UserId>> {
        let employee_bit = i32::from(RoleSet::empty().with(Role::Employee).bits());
        let base = "SELECT id FROM users WHERE tenant_id = $1 AND (roles & $2) <> 0 AND status <> 'DEACTIVATED'";
        let mut values: Vec<Value> = vec![schedule.tenant_id.0.into(), employee_bit.into()];
        let sql = match &schedule.target {
            Target::All => format!("{base} ORDER BY id"),
            Target::Department(d) => {
                values.push(d.clone().into());
                format!("{base} AND department = $3 ORDER BY id")
            }
            Target::List(ids) => {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut out = Vec::new();
                for chunk in ids.chunks(500) {
                    let mut v = values.clone();
                    v.extend(chunk.iter().map(|u| Value::from(u.0)));
                    let sql = format!("{base} AND id IN ({}) ORDER BY id", placeholders(3, chunk.len()));
                    for row in query_all(c, &sql, v).await? {
                        out.push(UserId(row.try_get("", "id")?));
                    }
                }
                return Ok(out);
            }
        };
        query_all(c, &sql, values).await?.iter().map(|r| Ok(UserId(r.try_get("", "id")?))).collect()
    }

    async fn record_failed_run(&self, schedule: &Schedule, period: &str, err: &AppError, now: DateTime<Utc>) -> AppResult<()> {
        let message = err.public_message().to_owned();
        let tx = self.tx(&Principal::system(schedule.tenant_id)).await?;
        let inserted = exec(
            &*tx,
            "INSERT INTO allowance_runs (id, tenant_id, schedule_id, period, status, count, total, error, started_at, finished_at) \
             VALUES ($1, $2, $3, $4, 'FAILED', 0, 0, $5, $6, $6) ON CONFLICT (schedule_id, period) DO NOTHING",
            vec![Uuid::now_v7().into(), schedule.tenant_id.0.into(), schedule.id.into(), period.into(), message.clone().into(), now.into()],
        )
        .await?;
        if inserted.rows_affected() == 0 {
            exec(
                &*tx,
                "UPDATE allowance_runs SET error = $1, finished_at = $2 WHERE schedule_id = $3 AND period = $4 AND status = 'FAILED'",
                vec![message.clone().into(), now.into(), schedule.id.into(), period.into()],
            )
            .await?;
        }
        exec(
            &*tx,
            "UPDATE allowance_schedules SET retry_after = $1, last_error = $2 WHERE id = $3",
            vec![(now + Duration::minutes(15)).into(), message.clone().into(), schedule.id.into()],
        )
        .await?;
        let system = Principal::system(schedule.tenant_id);
        audit::append(&*tx, &system, "schedules.run", Some(&format!("schedule:{} period:{period}", schedule.id)), err.code().as_str(), Some(&message), now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(frequency: Frequency, day_of_month: Option<u32>, day_of_week: Option<u32>) -> ScheduleShape {
        ScheduleShape { frequency, day_of_month, day_of_week, run_at: None, expiry_days: None }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn monthly_runs_on_the_day_in_the_tenant_zone_and_clamps_short_months() {
        let tz = chrono_tz::Asia::Shanghai;
        let s = shape(Frequency::Monthly, Some(1), None);
        // 2026-11-24 in Shanghai: the next 1st is 2026-12-01 00:00 +08:00.
        assert_eq!(next_run(&s, tz, utc("2026-11-24T10:00:00Z")), Some(utc("2026-11-30T16:00:00Z")));
        let s31 = shape(Frequency::Monthly, Some(31), None);
        assert_eq!(next_run(&s31, tz, utc("2027-02-01T00:00:00Z")), Some(utc("2027-02-27T16:00:00Z")));
        let (period, end) = period_of(&s, tz, utc("2026-11-30T16:00:00Z")).unwrap_or_default();
        assert_eq!(period, "2026-12");
        assert_eq!(end, utc("2026-12-31T16:00:00Z"));
    }

    #[test]
    fn weekly_runs_name_the_iso_week() {
        let tz = chrono_tz::UTC;
        let s = shape(Frequency::Weekly, None, Some(1));
        let next = next_run(&s, tz, utc("2026-11-25T12:00:00Z"));
        assert_eq!(next, Some(utc("2026-11-30T00:00:00Z")));
        let (period, end) = period_of(&s, tz, utc("2026-11-30T00:00:00Z")).unwrap_or_default();
        assert_eq!((period.as_str(), end), ("2026-W49", utc("2026-12-07T00:00:00Z")));
    }
}

//! Queries.

use crate::connection::{decode_cursor, page_size};
use crate::error::{GqlResult, IntoGql};
use crate::types::*;
use async_graphql::{Context, Object, ID};
use creditloop_app::audit;
use creditloop_app::AppError;
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{AccountId, EntryId, UserId};
use creditloop_ledger::EntryFilter as LEntryFilter;

#[derive(Default)]
pub struct CoreQuery;

fn bad_cursor() -> async_graphql::Error {
    crate::to_gql_error(AppError::validation("after", "the cursor is not one this API gave out"))
}

pub(crate) fn entry_cursor(after: Option<&str>) -> GqlResult<Option<EntryId>> {
    after.map(|c| decode_cursor(c).and_then(|s| EntryId::parse(&s)).ok_or_else(bad_cursor)).transpose()
}

fn optional_id<T>(id: Option<&ID>, what: &str, field: &str, parse: impl Fn(&str) -> Option<T>) -> GqlResult<Option<T>> {
    id.map(|i| parse_id(i, what, field, &parse)).transpose()
}

#[Object]
impl CoreQuery {
    /// Who is asking: the signed-in user or API key, their tenant and permissions.
    async fn viewer(&self, ctx: &Context<'_>) -> GqlResult<Viewer> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let user = match p.user_id() {
            Some(id) => Some(UserObj(app.user(p, id).await.gql()?)),
            None => None,
        };
        let api_key = match &p.actor {
            creditloop_app::Actor::ApiKey { id, .. } => Some(ApiKeyObj(app.api_key(p, *id).await.gql()?)),
            _ => None,
        };
        Ok(Viewer {
            user,
            api_key,
            permissions: p.permissions().into_iter().map(str::to_owned).collect(),
            csrf_token: p.csrf_token.clone(),
        })
    }

    async fn tenant(&self, ctx: &Context<'_>) -> GqlResult<TenantObj> {
        Ok(TenantObj(app(ctx).tenant(principal(ctx)?).await.gql()?))
    }

    /// Users and employees of the tenant (users.read), in creation order.
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<UserFilter>,
    ) -> GqlResult<UserConnection> {
        let limit = page_size(first)?;
        let after = after.map(|c| decode_cursor(&c).and_then(|s| UserId::parse(&s)).ok_or_else(bad_cursor)).transpose()?;
        let filter = filter
            .map(|f| creditloop_app::users::UserFilter {
                search: f.search,
                role: f.role.map(Into::into),
                status: f.status.map(Into::into),
                department: f.department,
            })
            .unwrap_or_default();
        let (rows, total) = app(ctx).users(principal(ctx)?, &filter, after, limit + 1).await.gql()?;
        Ok(UserConnection::from_rows(rows.into_iter().map(UserObj).collect(), limit, total, |u| u.0.id.to_string()))
    }

    async fn user(&self, ctx: &Context<'_>, id: ID) -> GqlResult<UserObj> {
        let id = parse_id(&id, "user", "id", UserId::parse)?;
        Ok(UserObj(app(ctx).user(principal(ctx)?, id).await.gql()?))
    }

    /// The signed-in employee's wallet (wallet.own).
    async fn my_wallet(&self, ctx: &Context<'_>) -> GqlResult<WalletObj> {
        Ok(WalletObj(app(ctx).my_wallet(principal(ctx)?).await.gql()?))
    }

    /// Ledger accounts (accounts.read), in creation order.
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        kind: Option<AccountKind>,
    ) -> GqlResult<AccountConnection> {
        let limit = page_size(first)?;
        let after = after.map(|c| decode_cursor(&c).and_then(|s| AccountId::parse(&s)).ok_or_else(bad_cursor)).transpose()?;
        let (rows, total) = app(ctx).accounts(principal(ctx)?, kind.map(Into::into), after, limit + 1).await.gql()?;
        Ok(AccountConnection::from_rows(rows.into_iter().map(AccountObj).collect(), limit, total, |a| a.0.id.to_string()))
    }

    async fn account(&self, ctx: &Context<'_>, id: ID) -> GqlResult<AccountObj> {
        let id = parse_id(&id, "account", "id", AccountId::parse)?;
        Ok(AccountObj(app(ctx).account(principal(ctx)?, id).await.gql()?))
    }

    /// Journal entries (entries.read), newest first.
    async fn entries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<EntryFilter>,
    ) -> GqlResult<EntryConnection> {
        let limit = page_size(first)?;
        let before = entry_cursor(after.as_deref())?;
        let filter = match filter {
            None => LEntryFilter::default(),
            Some(f) => LEntryFilter {
                template: f.template.map(Into::into),
                status: f.status.map(Into::into),
                account_id: optional_id(f.account_id.as_ref(), "account", "filter.accountId", AccountId::parse)?,
                batch_id: optional_id(f.batch_id.as_ref(), "batch", "filter.batchId", |s| uuid::Uuid::try_parse(s).ok())?,
                from: f.from,
                to: f.to,
            },
        };
        let (rows, total) = app(ctx).entries(principal(ctx)?, &filter, before, limit + 1).await.gql()?;
        Ok(EntryConnection::from_rows(rows.into_iter().map(EntryObj).collect(), limit, total, |e| e.0.id.to_string()))
    }

    async fn entry(&self, ctx: &Context<'_>, id: ID) -> GqlResult<EntryObj> {
        let id = parse_id(&id, "entry", "id", EntryId::parse)?;
        Ok(EntryObj(app(ctx).entry(principal(ctx)?, id).await.gql()?))
    }

    /// The tenant's API keys (apikeys.manage).
    async fn api_keys(&self, ctx: &Context<'_>) -> GqlResult<Vec<ApiKeyObj>> {
        Ok(app(ctx).api_keys(principal(ctx)?).await.gql()?.into_iter().map(ApiKeyObj).collect())
    }

    /// The audit log (audit.read), newest first.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AuditFilter>,
    ) -> GqlResult<AuditEventConnection> {
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::AuditRead).gql()?;
        let limit = page_size(first)?;
        let before = after.map(|c| decode_cursor(&c).and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad_cursor)).transpose()?;
        let filter = filter
            .map(|f| audit::AuditFilter { action: f.action, actor_contains: f.actor, from: f.from, to: f.to })
            .unwrap_or_default();
        let conn = app(ctx).db.conn();
        let rows = audit::list(conn, p.tenant, &filter, before, limit + 1).await.gql()?;
        let total = audit::count(conn, p.tenant, &filter).await.gql()?;
        Ok(AuditEventConnection::from_rows(rows.into_iter().map(AuditEvent::from).collect(), limit, total, |e| e.seq.to_string()))
    }

    /// Checks every ledger invariant and the audit chain of the tenant (ledger.verify).
    async fn verify(&self, ctx: &Context<'_>) -> GqlResult<VerifyReport> {
        let report = app(ctx).verify(Some(principal(ctx)?)).await.gql()?;
        Ok(VerifyReport {
            ok: report.ok(),
            checked_at: report.checked_at,
            entries_checked: report.entries_checked,
            accounts_checked: report.accounts_checked,
            audit_events_checked: report.audit_events_checked,
            violations: report.violations.into_iter().map(|(check, detail)| Violation { check, detail }).collect(),
        })
    }

    /// The operator of a mainland mobile number, from its prefix (号段).
    async fn operator_of(&self, ctx: &Context<'_>, phone: String) -> GqlResult<OperatorInfo> {
        principal(ctx)?;
        let phone = PhoneNumber::parse(&phone).map_err(|e| crate::to_gql_error(AppError::validation("phone", e.to_string())))?;
        let operator = phone.operator();
        Ok(OperatorInfo {
            operator: operator.as_str().to_owned(),
            operator_name_zh: operator.display_name_zh().to_owned(),
            operator_name_en: operator.display_name_en().to_owned(),
            phone: phone.as_str().to_owned(),
        })
    }

    /// Purchase orders (purchases.read), newest first.
    async fn purchase_orders(
        &self,
        ctx: &Context<'_>,
        status: Option<PurchaseStatus>,
        first: Option<i32>,
    ) -> GqlResult<Vec<PurchaseOrderObj>> {
        let limit = page_size(first)?;
        let rows = app(ctx).purchase_orders(principal(ctx)?, status.map(Into::into), limit).await.gql()?;
        Ok(rows.into_iter().map(PurchaseOrderObj).collect())
    }

    /// Where to upload a CSV import of `kind` (`employees`, `distributions`, `allowances`):
    /// a multipart `POST` with the file in the field `file`, then `POST {id}/commit`
    /// (imports.run, plus the permission of the data; the endpoint checks both again).
    async fn csv_import_url(&self, ctx: &Context<'_>, kind: String) -> GqlResult<String> {
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::ImportsRun).gql()?;
        if !["employees", "distributions", "allowances"].contains(&kind.as_str()) {
            return Err(crate::to_gql_error(AppError::validation("kind", "kind must be employees, distributions or allowances")));
        }
        Ok(format!("/api/imports/{kind}"))
    }

    /// Where to download a CSV export of `kind`, streamed (exports.read). `from` and `to`
    /// are dates in the tenant's time zone; `bom` adds a byte-order mark for Excel. For large
    /// exports, `POST` the same path plus `/jobs` and download when the mail says it is ready.
    async fn csv_export_url(
        &self,
        ctx: &Context<'_>,
        kind: String,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
        #[graphql(default = false)] bom: bool,
    ) -> GqlResult<String> {
        let p = principal(ctx)?;
        p.require(creditloop_domain::Permission::ExportsRead).gql()?;
        const KINDS: [&str; 7] = ["entries", "statements", "balances", "payouts", "settlements", "audit", "reconciliation"];
        if !KINDS.contains(&kind.as_str()) {
            return Err(crate::to_gql_error(AppError::validation("kind", format!("kind must be one of {}", KINDS.join(", ")))));
        }
        let mut query: Vec<String> = Vec::new();
        if let Some(from) = from {
            query.push(format!("from={from}"));
        }
        if let Some(to) = to {
            query.push(format!("to={to}"));
        }
        if bom {
            query.push("bom=1".into());
        }
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        Ok(format!("/api/exports/{kind}{query}"))
    }

    async fn purchase_order(&self, ctx: &Context<'_>, id: ID) -> GqlResult<PurchaseOrderObj> {
        let id = parse_id(&id, "purchase order", "id", |s| uuid::Uuid::try_parse(s).ok())?;
        Ok(PurchaseOrderObj(app(ctx).purchase_order(principal(ctx)?, id).await.gql()?))
    }
}

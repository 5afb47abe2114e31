//! Output and input types, and the mapping between GraphQL enums and domain types.

use crate::connection::connection;
use crate::error::{GqlResult, IntoGql};
use crate::scalars::{Money, Rate};
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use creditloop_app::funds::Wallet;
use creditloop_app::{App, AppError, Principal};
use creditloop_domain::{Fen, Role as DomainRole, RoleSet};
use creditloop_ledger::{lots::Lot, Account, AccountKind as LAccountKind, Entry, EntryStatus as LEntryStatus, TemplateCode};

pub(crate) fn app<'a>(ctx: &Context<'a>) -> &'a App {
    ctx.data_unchecked::<App>()
}

pub(crate) fn request<'a>(ctx: &Context<'a>) -> &'a crate::RequestContext {
    ctx.data_unchecked::<crate::RequestContext>()
}

/// The authenticated principal, or `UNAUTHENTICATED`.
pub(crate) fn principal<'a>(ctx: &Context<'a>) -> GqlResult<&'a Principal> {
    request(ctx).principal.as_ref().ok_or_else(|| crate::to_gql_error(AppError::unauthenticated("sign in first")))
}

pub(crate) fn parse_id<T>(id: &ID, what: &str, field: &str, parse: impl Fn(&str) -> Option<T>) -> GqlResult<T> {
    parse(id.as_str()).ok_or_else(|| crate::to_gql_error(AppError::not_found(what).at(field)))
}

macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident => $domain:ty { $($variant:ident = $dv:path),* $(,)? }) => {
        $(#[$m])*
        #[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
        pub enum $name { $($variant,)* }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $($dv => $name::$variant,)* }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => $dv,)* }
            }
        }
    };
}

mirror_enum!(Role => DomainRole {
    Owner = DomainRole::Owner, HrAdmin = DomainRole::HrAdmin, Finance = DomainRole::Finance,
    Auditor = DomainRole::Auditor, Employee = DomainRole::Employee,
});
mirror_enum!(UserStatus => creditloop_app::users::UserStatus {
    Invited = creditloop_app::users::UserStatus::Invited, Active = creditloop_app::users::UserStatus::Active,
    Deactivated = creditloop_app::users::UserStatus::Deactivated,
});
mirror_enum!(Asset => creditloop_domain::Asset { Cash = creditloop_domain::Asset::Cash, Credit = creditloop_domain::Asset::Credit });
mirror_enum!(AccountKind => LAccountKind {
    Funding = LAccountKind::Funding, Pool = LAccountKind::Pool, Wallet = LAccountKind::Wallet,
    Payout = LAccountKind::Payout, Fees = LAccountKind::Fees, External = LAccountKind::External,
});
mirror_enum!(EntryStatus => LEntryStatus { Pending = LEntryStatus::Pending, Posted = LEntryStatus::Posted, Voided = LEntryStatus::Voided });
mirror_enum!(Template => TemplateCode {
    Fund = TemplateCode::Fund, Purchase = TemplateCode::Purchase, Grant = TemplateCode::Grant,
    TopupHold = TemplateCode::TopupHold, Expire = TemplateCode::Expire, Reclaim = TemplateCode::Reclaim,
    RecycleHold = TemplateCode::RecycleHold, Cashout = TemplateCode::Cashout, Payout = TemplateCode::Payout,
    Reversal = TemplateCode::Reversal,
});
mirror_enum!(PurchaseStatus => creditloop_app::purchases::PurchaseStatus {
    PendingApproval = creditloop_app::purchases::PurchaseStatus::PendingApproval,
    Approved = creditloop_app::purchases::PurchaseStatus::Approved,
    Rejected = creditloop_app::purchases::PurchaseStatus::Rejected,
});

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_str(s: &str) -> Locale {
        if s == "en" { Locale::En } else { Locale::ZhCn }
    }
}

pub(crate) fn roles_out(set: RoleSet) -> Vec<Role> {
    set.iter().map(Role::from).collect()
}

pub(crate) fn roles_in(roles: &[Role]) -> RoleSet {
    roles.iter().map(|r| DomainRole::from(*r)).collect()
}

pub struct TenantObj(pub creditloop_app::tenants::Tenant);

#[derive(SimpleObject)]
pub struct TenantBalances {
    pub funding: Money,
    pub pool: Money,
    pub granted: Money,
    pub payout: Money,
}

#[Object(name = "Tenant")]
impl TenantObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// IANA time zone, e.g. "Asia/Shanghai".
    async fn timezone(&self) -> &str {
        &self.0.timezone
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Headline balances (tenant.read).
    async fn balances(&self, ctx: &Context<'_>) -> GqlResult<TenantBalances> {
        let b = app(ctx).tenant_balances(principal(ctx)?).await.gql()?;
        Ok(TenantBalances { funding: Money(b.funding), pool: Money(b.pool), granted: Money(b.granted), payout: Money(b.payout) })
    }
    /// The tenant's risk policy and limits (policy.read, or any employee).
    async fn policy(&self, ctx: &Context<'_>) -> GqlResult<PolicyObj> {
        Ok(PolicyObj(app(ctx).policy(principal(ctx)?).await.gql()?))
    }
}

pub struct PolicyObj(pub creditloop_app::policy::Policy);

#[Object(name = "Policy")]
impl PolicyObj {
    async fn topup_daily_limit(&self) -> Money { Money(self.0.topup_daily_limit) }
    async fn topup_monthly_limit(&self) -> Money { Money(self.0.topup_monthly_limit) }
    async fn topup_single_max(&self) -> Money { Money(self.0.topup_single_max) }
    async fn tenant_daily_cap(&self) -> Money { Money(self.0.tenant_daily_cap) }
    async fn purchase_approval_threshold(&self) -> Money { Money(self.0.purchase_approval_threshold) }
    async fn recycle_review_threshold(&self) -> Money { Money(self.0.recycle_review_threshold) }
    async fn cashout_review_threshold(&self) -> Money { Money(self.0.cashout_review_threshold) }
    async fn velocity_max_topups(&self) -> i32 { self.0.velocity_max_topups }
    async fn velocity_window_minutes(&self) -> i32 { self.0.velocity_window_minutes }
    async fn recycle_rate(&self) -> Rate { Rate(self.0.recycle_rate) }
    async fn recycle_fee(&self) -> Money { Money(self.0.recycle_fee) }
    async fn settlement_delay_days(&self) -> i32 { self.0.settlement_delay_days }
    async fn cashout_enabled(&self) -> bool { self.0.cashout_enabled }
    async fn cashout_rate(&self) -> Rate { Rate(self.0.cashout_rate) }
    async fn low_pool_threshold(&self) -> Money { Money(self.0.low_pool_threshold) }
}

#[derive(Clone, Debug)]
pub struct UserObj(pub creditloop_app::users::User);

#[Object(name = "User")]
impl UserObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn roles(&self) -> Vec<Role> {
        roles_out(self.0.roles)
    }
    async fn status(&self) -> UserStatus {
        self.0.status.into()
    }
    async fn employee_no(&self) -> Option<&str> {
        self.0.employee_no.as_deref()
    }
    /// The employee's registered phone number (11 digits).
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    async fn cost_center(&self) -> Option<&str> {
        self.0.cost_center.as_deref()
    }
    async fn locale(&self) -> Locale {
        Locale::from_str(&self.0.locale)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at
    }
    /// The wallet of an employee; null for staff without the EMPLOYEE role.
    async fn wallet(&self, ctx: &Context<'_>) -> GqlResult<Option<WalletObj>> {
        Ok(app(ctx).wallet_of(principal(ctx)?, self.0.id).await.gql()?.map(WalletObj))
    }
}

pub struct WalletObj(pub Wallet);

#[Object(name = "Wallet")]
impl WalletObj {
    async fn account_id(&self) -> ID {
        ID(self.0.account.id.to_string())
    }
    /// Posted credit, including credit held by top-ups in flight and expired lots not yet swept.
    async fn balance(&self) -> Money {
        Money(self.0.account.posted)
    }
    /// What can be spent now: free credit in unexpired lots.
    async fn available(&self) -> Money {
        Money(self.0.available())
    }
    /// Reserved by pending top-ups and cash-outs.
    async fn held(&self) -> Money {
        Money(self.0.account.pending_out)
    }
    async fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.0.next_expiry().map(|(at, _)| at)
    }
    async fn next_expiry_amount(&self) -> Option<Money> {
        self.0.next_expiry().map(|(_, amount)| Money(amount))
    }
    async fn lots(&self, #[graphql(default = false)] include_empty: bool) -> Vec<LotObj> {
        self.0
            .lots
            .iter()
            .filter(|l| include_empty || l.remaining.is_positive())
            .map(|l| LotObj { lot: l.clone(), now: self.0.now })
            .collect()
    }
    /// The wallet's history, newest first.
    async fn entries(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> GqlResult<EntryConnection> {
        let limit = crate::connection::page_size(first)?;
        let before = crate::query::entry_cursor(after.as_deref())?;
        let (rows, total) = app(ctx).wallet_entries(principal(ctx)?, self.0.account.id, before, limit + 1).await.gql()?;
        let nodes = rows.into_iter().map(EntryObj).collect();
        Ok(EntryConnection::from_rows(nodes, limit, total, |e| e.0.id.to_string()))
    }
}

pub struct LotObj {
    pub lot: Lot,
    pub now: DateTime<Utc>,
}

#[Object(name = "Lot")]
impl LotObj {
    async fn id(&self) -> ID {
        ID(self.lot.id.to_string())
    }
    async fn original(&self) -> Money {
        Money(self.lot.original)
    }
    async fn remaining(&self) -> Money {
        Money(self.lot.remaining)
    }
    async fn held(&self) -> Money {
        Money(self.lot.held)
    }
    async fn expires_at(&self) -> DateTime<Utc> {
        self.lot.expires_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.lot.created_at
    }
    async fn memo(&self) -> Option<&str> {
        self.lot.memo.as_deref()
    }
    async fn expired(&self) -> bool {
        self.lot.expires_at <= self.now
    }
}

#[derive(Clone, Debug)]
pub struct AccountObj(pub Account);

#[Object(name = "Account")]
impl AccountObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> AccountKind {
        self.0.kind.into()
    }
    async fn asset(&self) -> Asset {
        self.0.asset.into()
    }
    /// A user id for WALLET and PAYOUT, the counterparty for EXTERNAL, null otherwise.
    async fn owner(&self) -> Option<&str> {
        (!self.0.owner.is_empty()).then_some(self.0.owner.as_str())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn posted(&self) -> Money {
        Money(self.0.posted)
    }
    async fn pending_out(&self) -> Money {
        Money(self.0.pending_out)
    }
    async fn pending_in(&self) -> Money {
        Money(self.0.pending_in)
    }
    async fn available(&self) -> Money {
        Money(self.0.available())
    }
}

#[derive(SimpleObject)]
pub struct Posting {
    pub account_id: ID,
    pub account_kind: AccountKind,
    pub account_name: String,
    pub asset: Asset,
    /// Signed: negative leaves the account.
    pub amount: Money,
}

#[derive(Clone, Debug)]
pub struct EntryObj(pub Entry);

#[Object(name = "Entry")]
impl EntryObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn template(&self) -> Template {
        self.0.template.into()
    }
    async fn status(&self) -> EntryStatus {
        self.0.status.into()
    }
    async fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
    }
    async fn batch_id(&self) -> Option<ID> {
        self.0.batch_id.map(|b| ID(b.to_string()))
    }
    async fn reverses_id(&self) -> Option<ID> {
        self.0.reverses_id.map(|r| ID(r.to_string()))
    }
    async fn reversed_by_id(&self, ctx: &Context<'_>) -> GqlResult<Option<ID>> {
        let p = principal(ctx)?;
        let found = creditloop_ledger::entry::reversal_of(app(ctx).db.conn(), p.tenant, self.0.id)
            .await
            .map_err(|e| crate::to_gql_error(e.into()))?;
        Ok(found.map(|r| ID(r.to_string())))
    }
    async fn idempotency_key(&self) -> &str {
        &self.0.idempotency_key
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn posted_at(&self) -> Option<DateTime<Utc>> {
        self.0.posted_at
    }
    async fn voided_at(&self) -> Option<DateTime<Utc>> {
        self.0.voided_at
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    /// The headline amount: the largest absolute posting.
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }
    async fn postings(&self, ctx: &Context<'_>) -> GqlResult<Vec<Posting>> {
        let rows = app(ctx).postings(principal(ctx)?, &[self.0.id]).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|p| Posting {
                account_id: ID(p.account_id.to_string()),
                account_kind: p.account_kind.into(),
                account_name: p.account_name,
                asset: p.asset.into(),
                amount: Money(p.amount),
            })
            .collect())
    }
}

pub struct ApiKeyObj(pub creditloop_app::apikeys::ApiKey);

#[Object(name = "ApiKey")]
impl ApiKeyObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the key, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    async fn roles(&self) -> Vec<Role> {
        roles_out(self.0.roles)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

#[derive(SimpleObject)]
pub struct CreatedApiKey {
    pub api_key: ApiKeyObj,
    /// Shown exactly once; store it now.
    pub secret: String,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct AuditEvent {
    pub id: ID,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub details: Option<String>,
    pub hash: String,
}

impl From<creditloop_app::audit::AuditEvent> for AuditEvent {
    fn from(e: creditloop_app::audit::AuditEvent) -> Self {
        AuditEvent {
            id: ID(e.id.to_string()),
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            ip: e.ip,
            details: e.details,
            hash: e.hash,
        }
    }
}

#[derive(SimpleObject)]
pub struct Violation {
    pub check: String,
    pub detail: String,
}

#[derive(SimpleObject)]
pub struct VerifyReport {
    pub ok: bool,
    pub checked_at: DateTime<Utc>,
    pub entries_checked: i64,
    pub accounts_checked: i64,
    pub audit_events_checked: i64,
    pub violations: Vec<Violation>,
}

#[derive(SimpleObject)]
pub struct Session {
    /// For API clients; the web app uses the HttpOnly cookie instead.
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserObj,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    pub user: Option<UserObj>,
    pub api_key: Option<ApiKeyObj>,
    /// Dotted permission names, e.g. "grants.create".
    pub permissions: Vec<String>,
    pub csrf_token: Option<String>,
}

#[ComplexObject]
impl Viewer {
    async fn tenant(&self, ctx: &Context<'_>) -> GqlResult<TenantObj> {
        Ok(TenantObj(app(ctx).tenant(principal(ctx)?).await.gql()?))
    }
}

pub struct GrantResult {
    pub entry: EntryObj,
    pub lot_id: creditloop_domain::LotId,
}

#[Object(name = "GrantResult")]
impl GrantResult {
    async fn entry(&self) -> &EntryObj {
        &self.entry
    }
    async fn lot(&self, ctx: &Context<'_>) -> GqlResult<LotObj> {
        let p = principal(ctx)?;
        let postings = app(ctx).postings(p, &[self.entry.0.id]).await.gql()?;
        let wallet = postings
            .iter()
            .find(|p| p.account_kind == LAccountKind::Wallet)
            .ok_or_else(|| crate::to_gql_error(AppError::internal("grant without wallet posting")))?;
        let lots = creditloop_ledger::lots::of_wallet(app(ctx).db.conn(), p.tenant, wallet.account_id, true)
            .await
            .map_err(|e| crate::to_gql_error(e.into()))?;
        let lot = lots
            .into_iter()
            .find(|l| l.id == self.lot_id)
            .ok_or_else(|| crate::to_gql_error(AppError::not_found("lot")))?;
        Ok(LotObj { lot, now: app(ctx).now() })
    }
}

#[derive(SimpleObject)]
pub struct BatchGrantResult {
    pub batch_id: ID,
    pub count: i64,
    pub total: Money,
}

#[derive(SimpleObject)]
pub struct OperatorInfo {
    /// CHINA_MOBILE, CHINA_UNICOM, CHINA_TELECOM or CHINA_BROADNET.
    pub operator: String,
    pub operator_name_zh: String,
    pub operator_name_en: String,
    /// The number, normalised to 11 digits.
    pub phone: String,
}

pub struct PurchaseOrderObj(pub creditloop_app::purchases::PurchaseOrder);

#[Object(name = "PurchaseOrder")]
impl PurchaseOrderObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn face_value(&self) -> Money {
        Money(self.0.face_value)
    }
    async fn price(&self) -> Money {
        Money(self.0.price)
    }
    async fn supplier(&self) -> &str {
        &self.0.supplier
    }
    async fn status(&self) -> PurchaseStatus {
        self.0.status.into()
    }
    async fn requested_by(&self, ctx: &Context<'_>) -> GqlResult<UserObj> {
        Ok(UserObj(app(ctx).user(principal(ctx)?, self.0.requested_by).await.gql()?))
    }
    async fn decided_by(&self, ctx: &Context<'_>) -> GqlResult<Option<UserObj>> {
        match self.0.decided_by {
            Some(id) => Ok(Some(UserObj(app(ctx).user(principal(ctx)?, id).await.gql()?))),
            None => Ok(None),
        }
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    async fn entry(&self, ctx: &Context<'_>) -> GqlResult<Option<EntryObj>> {
        match self.0.entry_id {
            Some(id) => Ok(Some(EntryObj(app(ctx).entry(principal(ctx)?, id).await.gql()?))),
            None => Ok(None),
        }
    }
}

connection!(EntryConnection, EntryEdge, EntryObj);
connection!(UserConnection, UserEdge, UserObj);
connection!(AccountConnection, AccountEdge, AccountObj);
connection!(AuditEventConnection, AuditEventEdge, AuditEvent);

#[derive(InputObject)]
pub struct UserFilter {
    /// Matches name, email or employee number.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub department: Option<String>,
}

#[derive(InputObject)]
pub struct EntryFilter {
    pub template: Option<Template>,
    pub status: Option<EntryStatus>,
    pub account_id: Option<ID>,
    pub batch_id: Option<ID>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct GrantInput {
    pub employee_id: ID,
    pub amount: Money,
    pub expires_at: DateTime<Utc>,
    pub memo: Option<String>,
    pub idempotency_key: String,
}

#[derive(InputObject)]
pub struct BatchGrantItem {
    pub employee_id: ID,
    pub amount: Money,
    /// Defaults to the batch's expiry.
    pub expires_at: Option<DateTime<Utc>>,
    pub memo: Option<String>,
}

#[derive(InputObject)]
pub struct BatchGrantInput {
    pub items: Vec<BatchGrantItem>,
    pub expires_at: DateTime<Utc>,
    pub memo: Option<String>,
    pub idempotency_key: String,
}

#[derive(InputObject)]
pub struct FundInput {
    pub amount: Money,
    /// The bank's reference for the deposit.
    pub reference: String,
    pub idempotency_key: String,
}

#[derive(InputObject)]
pub struct InviteUserInput {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub employee_no: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub cost_center: Option<String>,
    pub locale: Option<Locale>,
}

#[derive(InputObject)]
pub struct UpdateUserInput {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub cost_center: Option<String>,
    pub locale: Option<Locale>,
}

/// Checks a positive amount against the configured maximum.
pub(crate) fn positive(amount: Money, max: Fen, field: &str) -> GqlResult<Fen> {
    let fen = amount.0;
    if !fen.is_positive() {
        return Err(crate::to_gql_error(AppError::validation(field, "amount must be greater than zero")));
    }
    if fen > max {
        return Err(crate::to_gql_error(AppError::validation(field, format!("amount exceeds the maximum of {max}"))));
    }
    Ok(fen)
}

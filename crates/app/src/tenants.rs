//! Tenants: created by the platform operator (the CLI), each with its own accounts, audit
//! chain and policy.

use crate::auth::hash_password;
use crate::principal::Principal;
use crate::{audit, policy, App, AppError, AppResult};
use chrono::{DateTime, Utc};
use creditloop_domain::{Asset, Email, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::store::{exec, query_one};
use creditloop_ledger::{account, AccountRef, Counterparty};
use sea_orm::QueryResult;

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub timezone: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl Tenant {
    fn from_row(row: &QueryResult) -> AppResult<Tenant> {
        Ok(Tenant {
            id: TenantId(row.try_get("", "id")?),
            slug: row.try_get("", "slug")?,
            name: row.try_get("", "name")?,
            timezone: row.try_get("", "timezone")?,
            status: row.try_get("", "status")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

/// The accounts every tenant has from the start.
pub const TENANT_ACCOUNTS: &[AccountRef] = &[
    AccountRef::Funding,
    AccountRef::Pool,
    AccountRef::Fees,
    AccountRef::External(Counterparty::Bank, Asset::Cash),
    AccountRef::External(Counterparty::Supplier, Asset::Cash),
    AccountRef::External(Counterparty::Supplier, Asset::Credit),
    AccountRef::External(Counterparty::Carrier, Asset::Credit),
    AccountRef::External(Counterparty::Recycler, Asset::Credit),
    AccountRef::External(Counterparty::Recycler, Asset::Cash),
    AccountRef::External(Counterparty::Payroll, Asset::Cash),
];

fn valid_slug(slug: &str) -> bool {
    (3..=40).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
}

impl App {
    /// Creates a tenant and its owner. A platform operation: the CLI calls it.
    pub async fn create_tenant(
        &self,
        slug: &str,
        name: &str,
        timezone: &str,
        owner_email: &str,
        owner_name: &str,
        owner_password: &str,
    ) -> AppResult<(Tenant, UserId)> {
        if !valid_slug(slug) {
            return Err(AppError::validation("slug", "slug must be 3-40 lower-case letters, digits or dashes"));
        }
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(AppError::validation("timezone", "unknown IANA time zone"));
        }
        let name = creditloop_domain::text::bounded("name", name, 1, 200)?;
        let email = Email::parse(owner_email).map_err(|e| AppError::from(e).at("ownerEmail"))?;
        crate::auth::check_password_policy(owner_password, email.as_str())?;
        let hash = hash_password(owner_password, self.config.password_hashing)?;
        let now = self.now();
        let tenant = TenantId::generate();
        let owner = UserId::generate();
        let tx = self.db.begin_write().await?;
        let exists = query_one(&*tx, "SELECT id FROM tenants WHERE slug = $1", vec![slug.into()]).await?;
        if exists.is_some() {
            return Err(AppError::conflict(format!("a tenant with slug {slug} already exists")));
        }
        exec(
            &*tx,
            "INSERT INTO tenants (id, slug, name, timezone, status, created_at) VALUES ($1, $2, $3, $4, 'ACTIVE', $5)",
            vec![tenant.0.into(), slug.into(), name.clone().into(), timezone.into(), now.into()],
        )
        .await?;
        account::ensure(&*tx, tenant, TENANT_ACCOUNTS, now).await?;
        audit::init_chain(&*tx, tenant).await?;
        policy::init(&*tx, tenant, now).await?;
        crate::users::insert_user(
            &*tx,
            crate::users::NewUser {
                id: owner,
                tenant,
                email: email.clone(),
                name: owner_name.to_owned(),
                roles: RoleSet::empty().with(Role::Owner),
                status: "ACTIVE",
                password_hash: Some(hash),
                profile: crate::users::Profile::default(),
                locale: "zh-CN".into(),
                invite_token_hash: None,
                invite_expires_at: None,
            },
            now,
        )
        .await?;
        let principal = Principal::system(tenant);
        audit::append(&*tx, &principal, "tenants.create", Some(&format!("tenant:{tenant}")), "ok", None, now).await?;
        tx.commit().await?;
        let tenant = self.tenant_by_id(tenant).await?;
        Ok((tenant, owner))
    }

    pub async fn tenant_by_id(&self, id: TenantId) -> AppResult<Tenant> {
        let row = query_one(self.db.conn(), "SELECT * FROM tenants WHERE id = $1", vec![id.0.into()])
            .await?
            .ok_or_else(|| AppError::not_found("tenant"))?;
        Tenant::from_row(&row)
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> AppResult<Option<Tenant>> {
        query_one(self.db.conn(), "SELECT * FROM tenants WHERE slug = $1", vec![slug.into()])
            .await?
            .map(|r| Tenant::from_row(&r))
            .transpose()
    }

    /// The principal's own tenant.
    pub async fn tenant(&self, principal: &Principal) -> AppResult<Tenant> {
        self.tenant_by_id(principal.tenant).await
    }

    /// The headline balances of the principal's tenant.
    pub async fn tenant_balances(&self, principal: &Principal) -> AppResult<TenantBalances> {
        principal.require(creditloop_domain::Permission::TenantRead)?;
        let row = query_one(
            self.db.conn(),
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN kind = 'FUNDING' THEN posted - pending_out ELSE 0 END), 0) AS BIGINT) AS funding, \
               CAST(COALESCE(SUM(CASE WHEN kind = 'POOL' THEN posted - pending_out ELSE 0 END), 0) AS BIGINT) AS pool, \
               CAST(COALESCE(SUM(CASE WHEN kind = 'WALLET' THEN posted ELSE 0 END), 0) AS BIGINT) AS granted, \
               CAST(COALESCE(SUM(CASE WHEN kind = 'PAYOUT' THEN posted ELSE 0 END), 0) AS BIGINT) AS payout \
             FROM accounts WHERE tenant_id = $1 AND kind IN ('FUNDING', 'POOL', 'WALLET', 'PAYOUT')",
            vec![principal.tenant.0.into()],
        )
        .await?
        .ok_or_else(|| AppError::internal("balance query returned nothing"))?;
        let fen = |c: &str| -> AppResult<creditloop_domain::Fen> { Ok(creditloop_domain::Fen::new(row.try_get("", c)?)) };
        Ok(TenantBalances { funding: fen("funding")?, pool: fen("pool")?, granted: fen("granted")?, payout: fen("payout")? })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct TenantBalances {
    pub funding: creditloop_domain::Fen,
    pub pool: creditloop_domain::Fen,
    pub granted: creditloop_domain::Fen,
    pub payout: creditloop_domain::Fen,
}


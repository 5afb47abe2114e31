//! Users and employees of a tenant.

use crate::auth::{new_secret, secret_hash};
use crate::principal::Principal;
use crate::{outbox, App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::text::bounded;
use creditloop_domain::{Email, IdempotencyKey, Permission, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::store::{exec, query_all, query_one, Filter};
use creditloop_ledger::{account, engine, AccountRef, Template};
use sea_orm::{ConnectionTrait, QueryResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Invited,
    Active,
    Deactivated,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "INVITED",
            UserStatus::Active => "ACTIVE",
            UserStatus::Deactivated => "DEACTIVATED",
        }
    }

    pub fn parse(s: &str) -> Option<UserStatus> {
        match s {
            "INVITED" => Some(UserStatus::Invited),
            "ACTIVE" => Some(UserStatus::Active),
            "DEACTIVATED" => Some(UserStatus::Deactivated),
            _ => None,
        }
    }
}

/// The HR profile of a person; all optional for staff users.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub employee_no: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub department: Option<String>,
    pub cost_center: Option<String>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: String,
    pub roles: RoleSet,
    pub status: UserStatus,
    pub employee_no: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub cost_center: Option<String>,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    fn from_row(row: &QueryResult) -> AppResult<User> {
        let status: String = row.try_get("", "status")?;
        Ok(User {
            id: UserId(row.try_get("", "id")?),
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            email: row.try_get("", "email")?,
            name: row.try_get("", "name")?,
            roles: RoleSet::from_bits(row.try_get::<i32>("", "roles")? as u8),
            status: UserStatus::parse(&status).ok_or_else(|| AppError::internal(format!("user status {status}")))?,
            employee_no: row.try_get("", "employee_no")?,
            phone: row.try_get("", "phone")?,
            department: row.try_get("", "department")?,
            cost_center: row.try_get("", "cost_center")?,
            locale: row.try_get("", "locale")?,
            created_at: row.try_get("", "created_at")?,
            last_login_at: row.try_get("", "last_login_at")?,
        })
    }
}

const USER_COLUMNS: &str = "id, tenant_id, email, name, roles, status, employee_no, phone, department, cost_center, \
                            locale, created_at, last_login_at";

pub(crate) struct NewUser {
    pub id: UserId,
    pub tenant: TenantId,
    pub email: Email,
    pub name: String,
    pub roles: RoleSet,
    pub status: &'static str,
    pub password_hash: Option<String>,
    pub profile: Profile,
    pub locale: String,
    pub invite_token_hash: Option<String>,
    pub invite_expires_at: Option<DateTime<Utc>>,
}

pub(crate) async fn insert_user<C: ConnectionTrait>(c: &C, user: NewUser, now: DateTime<Utc>) -> AppResult<()> {
    let taken = query_one(c, "SELECT tenant_id FROM users WHERE email = $1", vec![user.email.as_str().into()]).await?;
    if taken.is_some() {
        return Err(AppError::conflict("a user with this email already exists").at("email"));
    }
    if let Some(no) = &user.profile.employee_no {
        let taken = query_one(
            c,
            "SELECT id FROM users WHERE tenant_id = $1 AND employee_no = $2",
            vec![user.tenant.0.into(), no.clone().into()],
        )
        .await?;
        if taken.is_some() {
            return Err(AppError::conflict(format!("employee number {no} is already in use")).at("employeeNo"));
        }
    }
    exec(
        c,
        "INSERT INTO users (id, tenant_id, email, name, roles, status, password_hash, employee_no, phone, department, \
         cost_center, locale, invite_token_hash, invite_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
        vec![
            user.id.0.into(),
            user.tenant.0.into(),
            user.email.as_str().into(),
            user.name.clone().into(),
            i32::from(user.roles.bits()).into(),
            user.status.into(),
            user.password_hash.into(),
            user.profile.employee_no.into(),
            user.profile.phone.map(|p| p.as_str().to_owned()).into(),
            user.profile.department.into(),
            user.profile.cost_center.into(),
            user.locale.into(),
            user.invite_token_hash.into(),
            user.invite_expires_at.into(),
            now.into(),
        ],
    )
    .await?;
    if user.roles.contains(Role::Employee) {
        open_wallet(c, user.tenant, user.id, &user.name, now).await?;
    }
    Ok(())
}

async fn open_wallet<C: ConnectionTrait>(c: &C, tenant: TenantId, user: UserId, name: &str, now: DateTime<Utc>) -> AppResult<()> {
    account::ensure(c, tenant, &[AccountRef::Wallet(user)], now).await?;
    account::rename(c, tenant, AccountRef::Wallet(user), &format!("Wallet · {name}")).await?;
    Ok(())
}

/// What an invitation asks for, already parsed.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub email: Email,
    pub name: String,
    pub roles: RoleSet,
    pub profile: Profile,
    pub locale: String,
}

/// The longest text a user search may look for (SQLite also refuses very long patterns).
pub const SEARCH_CHARS_MAX: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub department: Option<String>,
}

impl UserFilter {
    fn to_sql(&self, tenant: TenantId) -> Filter {
        let mut f = Filter::new();
        f.and("tenant_id = ?", tenant.0)
            .and_opt("status = ?", self.status.map(|s| s.as_str().to_owned()))
            .and_opt("department = ?", self.department.clone())
            .and_opt("(roles & ?) <> 0", self.role.map(|r| i32::from(RoleSet::empty().with(r).bits())));
        if let Some(search) = self.search.as_ref().filter(|s| !s.trim().is_empty()) {
            // The text is matched literally: `%`, `_` and the escape character are escaped.
            let literal = search.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let pattern = format!("%{literal}%");
            f.and_many(
                "(LOWER(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' \
                 OR LOWER(COALESCE(employee_no, '')) LIKE ? ESCAPE '\\')",
                vec![pattern.clone().into(), pattern.clone().into(), pattern.into()],
            );
        }
        f
    }
}

/// Who may be given which roles by whom.
fn check_role_assignment(principal: &Principal, roles: RoleSet) -> AppResult<()> {
    if roles.is_empty() {
        return Err(AppError::validation("roles", "a user needs at least one role"));
    }
    if principal.can(Permission::RolesManage) {
        return Ok(());
    }
    if roles.iter().all(|r| r == Role::Employee) {
        return Ok(());
    }
    Err(AppError::forbidden("only the owner may give staff roles"))
}

impl App {
    pub async fn invite_user(&self, principal: &Principal, invitation: Invitation) -> AppResult<User> {
        principal.require(Permission::UsersInvite)?;
        check_role_assignment(principal, invitation.roles)?;
        let name = bounded("name", &invitation.name, 1, 100).map_err(|e| AppError::from(e).at("name"))?;
        let token = new_secret("inv_");
        let now = self.now();
        let id = UserId::generate();
        let tx = self.tx(principal).await?;
        let result = async {
            let expires = now + Duration::days(self.config.invitation_days);
            let email = invitation.email.clone();
            insert_user(
                &*tx,
                NewUser {
                    id,
                    tenant: principal.tenant,
                    email: invitation.email,
                    name: name.clone(),
                    roles: invitation.roles,
                    status: "INVITED",
                    password_hash: None,
                    profile: invitation.profile,
                    locale: invitation.locale.clone(),
                    invite_token_hash: Some(secret_hash(&token)),
                    invite_expires_at: Some(expires),
                },
                now,
            )
            .await?;
            outbox::enqueue(
                &*tx,
                principal.tenant,
                outbox::Message::Invitation {
                    user_id: id,
                    email: email.as_str().to_owned(),
                    name,
                    locale: invitation.locale,
                    token: token.clone(),
                    expires_at: expires,
                },
                now,
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "users.invite", Some(format!("user:{id}")), result).await?;
        self.user(principal, id).await
    }

    /// A user of the principal's tenant. Employees may see only themselves.
    pub async fn user(&self, principal: &Principal, id: UserId) -> AppResult<User> {
        if principal.user_id() != Some(id) {
            principal.require(Permission::UsersRead)?;
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2");
        let row = query_one(self.db.conn(), &sql, vec![principal.tenant.0.into(), id.0.into()])
            .await?
            .ok_or_else(|| AppError::not_found("user"))?;
        User::from_row(&row)
    }

    /// A page of users in creation order.
    pub async fn users(
        &self,
        principal: &Principal,
        filter: &UserFilter,
        after: Option<UserId>,
        limit: u64,
    ) -> AppResult<(Vec<User>, i64)> {
        principal.require(Permission::UsersRead)?;
        if filter.search.as_ref().is_some_and(|s| s.chars().count() > SEARCH_CHARS_MAX) {
            return Err(AppError::validation("filter.search", format!("search for at most {SEARCH_CHARS_MAX} characters")));
        }
        let count_filter = filter.to_sql(principal.tenant);
        let mut f = filter.to_sql(principal.tenant);
        f.and_opt("id > ?", after.map(|a| a.0));
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {} ORDER BY id LIMIT ${}",
            f.sql(),
            f.next_placeholder()
        );
        let mut values = f.into_values();
        values.push((limit as i64).into());
        let users = query_all(self.db.conn(), &sql, values).await?.iter().map(User::from_row).collect::<AppResult<_>>()?;
        let count_sql = format!("SELECT COUNT(*) AS n FROM users WHERE {}", count_filter.sql());
        let total = query_one(self.db.conn(), &count_sql, count_filter.into_values())
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok((users, total))
    }

    pub async fn update_user(
        &self,
        principal: &Principal,
        id: UserId,
        name: Option<String>,
        profile: Profile,
        locale: Option<String>,
    ) -> AppResult<User> {
        if principal.user_id() != Some(id) {
            principal.require(Permission::UsersUpdate)?;
        }
        let current = self.user(principal, id).await?;
        let name = match name {
            Some(n) => bounded("name", &n, 1, 100).map_err(|e| AppError::from(e).at("name"))?,
            None => current.name.clone(),
        };
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            exec(
                &*tx,
                "UPDATE users SET name = $1, phone = COALESCE($2, phone), department = COALESCE($3, department), \
                 cost_center = COALESCE($4, cost_center), locale = COALESCE($5, locale), updated_at = $6 \
                 WHERE tenant_id = $7 AND id = $8",
                vec![
                    name.clone().into(),
                    profile.phone.map(|p| p.as_str().to_owned()).into(),
                    profile.department.into(),
                    profile.cost_center.into(),
                    locale.into(),
                    now.into(),
                    principal.tenant.0.into(),
                    id.0.into(),
                ],
            )
            .await?;
            if current.roles.contains(Role::Employee) {
                account::rename(&*tx, principal.tenant, AccountRef::Wallet(id), &format!("Wallet · {name}")).await?;
            }
            Ok(())
        }
        .await;
        self.finish(tx, principal, "users.update", Some(format!("user:{id}")), result).await?;
        self.user(principal, id).await
    }

    pub async fn set_user_roles(&self, principal: &Principal, id: UserId, roles: RoleSet) -> AppResult<User> {
        principal.require(Permission::RolesManage)?;
        check_role_assignment(principal, roles)?;
        let current = self.user(principal, id).await?;
        if principal.user_id() == Some(id) && !roles.contains(Role::Owner) {
            return Err(AppError::conflict("owners cannot remove their own owner role"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            exec(
                &*tx,
                "UPDATE users SET roles = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
                vec![i32::from(roles.bits()).into(), now.into(), principal.tenant.0.into(), id.0.into()],
            )
            .await?;
            if roles.contains(Role::Employee) {
                open_wallet(&*tx, principal.tenant, id, &current.name, now).await?;
            }
            Ok(())
        }
        .await;
        let detail = format!("user:{id} roles={}", roles.to_db());
        self.finish(tx, principal, "roles.manage", Some(detail), result).await?;
        self.user(principal, id).await
    }

    /// Offboards a user: ends their sessions, and returns all the free credit of their wallet
    /// to the pool (`RECLAIM`). Credit held by a top-up or cash-out in flight returns when it
    /// is released (see [`reclaim_if_offboarded`]).
    pub async fn deactivate_user(&self, principal: &Principal, id: UserId, key: &IdempotencyKey) -> AppResult<User> {
        principal.require(Permission::UsersDeactivate)?;
        if principal.user_id() == Some(id) {
            return Err(AppError::conflict("you cannot deactivate yourself"));
        }
        let user = self.user(principal, id).await?;
        if user.roles.contains(Role::Owner) && !principal.can(Permission::RolesManage) {
            return Err(AppError::forbidden("only an owner may deactivate an owner"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "user": id });
        let result = crate::funds::idempotent(&tx, principal.tenant, key, "users.deactivate", &request, now, async {
            exec(
                &*tx,
                "UPDATE users SET status = 'DEACTIVATED', deactivated_at = $1, invite_token_hash = NULL, updated_at = $1 \
                 WHERE tenant_id = $2 AND id = $3",
                vec![now.into(), principal.tenant.0.into(), id.0.into()],
            )
            .await?;
            exec(&*tx, "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", vec![now.into(), id.0.into()])
                .await?;
            Ok(reclaim_wallet(&*tx, principal, id, key, now).await?.map(|r| r.entry_id))
        })
        .await;
        self.finish(tx, principal, "users.deactivate", Some(format!("user:{id}")), result).await?;
        self.user(principal, id).await
    }
}

/// Locks the tenant's pool row, the first account in the global lock order. Taken before
/// releasing a hold whose credit [`reclaim_if_offboarded`] may then return to the pool.
pub(crate) async fn lock_pool<C: ConnectionTrait>(c: &C, tenant: TenantId) -> AppResult<()> {
    exec(c, "UPDATE accounts SET posted = posted WHERE tenant_id = $1 AND kind = 'POOL'", vec![tenant.0.into()]).await?;
    Ok(())
}

/// Credit released onto an offboarded employee's wallet (a top-up that failed or was
/// rejected, a cash-out rejected, after the offboarding) goes back to the pool, as offboarding
/// promises: a `RECLAIM` under the system key `reclaim:<cause>`. The caller locked the pool
/// first, so an offboarding committing meanwhile either is seen here or reclaims it itself.
pub(crate) async fn reclaim_if_offboarded<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    user: UserId,
    cause: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let status: Option<String> = query_one(c, "SELECT status FROM users WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), user.0.into()])
        .await?
        .map(|r| r.try_get("", "status"))
        .transpose()?;
    if status.as_deref() == Some(UserStatus::Deactivated.as_str()) {
        let key = IdempotencyKey::system(&format!("reclaim:{cause}"));
        reclaim_wallet(c, &Principal::system(tenant), user, &key, now).await?;
    }
    Ok(())
}

/// Returns a wallet's free credit to the pool. Locks the pool, then the wallet (the global
/// lock order) before reading the lots, so the amount cannot change underneath.
pub(crate) async fn reclaim_wallet<C: ConnectionTrait>(
    c: &C,
    principal: &Principal,
    user: UserId,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> AppResult<Option<creditloop_ledger::engine::Recorded>> {
    let tenant = principal.tenant;
    let Some(wallet) = account::get_by_ref(c, tenant, AccountRef::Wallet(user)).await? else {
        return Ok(None);
    };
    for r in [AccountRef::Pool, AccountRef::Wallet(user)] {
        exec(
            c,
            "UPDATE accounts SET posted = posted WHERE tenant_id = $1 AND kind = $2 AND owner = $3",
            vec![tenant.0.into(), r.kind().as_str().into(), r.owner().into()],
        )
        .await?;
    }
    let amount = creditloop_ledger::lots::free_total(c, tenant, wallet.id).await?;
    if !amount.is_positive() {
        return Ok(None);
    }
    let meta = engine::Meta {
        idempotency_key: key.as_str().to_owned(),
        created_by: principal.label(),
        memo: Some("offboarding".into()),
        metadata: None,
    };
    Ok(Some(engine::record(c, tenant, now, &Template::Reclaim { employee: user, amount }, &meta).await?))
}

//! Passwords, sessions, sign-in throttling and token authentication.

use crate::principal::{Actor, Principal};
use crate::{audit, App, AppError, AppResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use creditloop_domain::{ApiKeyId, Email, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::store::{exec, query_one};
use rand::RngCore;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

pub const SESSION_PREFIX: &str = "cls_";
pub const API_KEY_PREFIX: &str = "ck_";
pub const PASSWORD_LEN_MIN: usize = 12;
/// Argon2 work grows with input; an upper bound keeps a login from becoming a DoS.
pub const PASSWORD_LEN_MAX: usize = 128;

/// Argon2id cost. `Owasp` is the OWASP recommendation (19 MiB, 2 passes, 1 lane); `Fast` is
/// for test suites that create thousands of users and is refused in production mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    Owasp,
    Fast,
}

fn argon2(cost: PasswordCost) -> AppResult<Argon2<'static>> {
    let params = match cost {
        PasswordCost::Owasp => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::Fast => Params::new(1024, 1, 1, None),
    }
    .map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password(password: &str, cost: PasswordCost) -> AppResult<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Ok(argon2(cost)?.hash_password(password.as_bytes(), &salt).map_err(AppError::internal)?.to_string())
}

/// Verifies against the stored hash using the parameters recorded in it.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub fn check_password_policy(password: &str, email: &str) -> AppResult<()> {
    let len = password.chars().count();
    if len < PASSWORD_LEN_MIN || len > PASSWORD_LEN_MAX {
        return Err(AppError::validation(
            "password",
            format!("password must be {PASSWORD_LEN_MIN} to {PASSWORD_LEN_MAX} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(email) {
        return Err(AppError::validation("password", "password must not be the email address"));
    }
    Ok(())
}

/// A random secret with a recognisable prefix.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Secrets are high-entropy, so a plain SHA-256 is the right storage hash (no salt needed,
/// and lookups stay one index probe).
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A hash of a password nobody has, checked when the account does not exist so that a
/// failed sign-in takes the same time either way.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&new_secret(""), PasswordCost::Owasp).unwrap_or_default()
});

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: UserId,
    pub tenant_id: TenantId,
}

impl App {
    /// Signs a user in. Failures are throttled per (account, address) and per address, never
    /// per account alone, so an attacker cannot lock a user out from everywhere.
    pub async fn login(&self, email: &str, password: &str, ip: Option<&str>) -> AppResult<NewSession> {
        let now = self.now();
        let email = Email::parse(email).map_err(|_| AppError::unauthenticated("wrong email or password"))?;
        let ip_key = format!("ip:{}", ip.unwrap_or("-"));
        let pair_key = format!("login:{}:{}", email.as_str(), ip.unwrap_or("-"));
        if let Err(e) = self.check_throttle(&[&pair_key, &ip_key], now).await {
            metrics::counter!("login_failures_total").increment(1);
            return Err(e);
        }
        let row = query_one(
            self.db.conn(),
            "SELECT id, tenant_id, name, status, password_hash FROM users WHERE email = $1",
            vec![email.as_str().into()],
        )
        .await?;
        let stored: Option<String> = row.as_ref().map(|r| r.try_get("", "password_hash")).transpose()?.flatten();
        let password_ok = verify_password(password, stored.as_deref().unwrap_or(DUMMY_HASH.as_str())) && stored.is_some();
        let status: Option<String> = row.as_ref().map(|r| r.try_get("", "status")).transpose()?;
        let row = match row {
            Some(row) if password_ok && status.as_deref() == Some("ACTIVE") => row,
            _ => {
                metrics::counter!("login_failures_total").increment(1);
                self.record_failure(&[(&pair_key, self.config.login_failures_max), (&ip_key, self.config.login_failures_per_ip_max)], now)
                    .await?;
                return Err(AppError::unauthenticated("wrong email or password"));
            }
        };
        let user_id = UserId(row.try_get("", "id")?);
        let tenant_id = TenantId(row.try_get("", "tenant_id")?);
        let name: String = row.try_get("", "name")?;
        let tx = self.db.begin_write().await?;
        exec(&*tx, "DELETE FROM login_throttle WHERE key = $1", vec![pair_key.into()]).await?;
        let session = self.create_session(&*tx, tenant_id, user_id, ip, now).await?;
        exec(&*tx, "UPDATE users SET last_login_at = $1 WHERE id = $2", vec![now.into(), user_id.0.into()]).await?;
        let principal = Principal {
            tenant: tenant_id,
            actor: Actor::User { id: user_id, email: email.as_str().to_owned(), name },
            roles: RoleSet::empty(),
            ip: ip.map(str::to_owned),
            csrf_token: None,
        };
        audit::append(&*tx, &principal, "auth.login", Some(&format!("user:{user_id}")), "ok", None, now).await?;
        tx.commit().await?;
        Ok(session)
    }

    pub(crate) async fn create_session<C: ConnectionTrait>(
        &self,
        c: &C,
        tenant: TenantId,
        user: UserId,
        ip: Option<&str>,
        now: DateTime<Utc>,
    ) -> AppResult<NewSession> {
        let token = new_secret(SESSION_PREFIX);
        let csrf_token = new_secret("");
        let expires_at = now + Duration::hours(self.config.session_absolute_hours);
        exec(
            c,
            "INSERT INTO sessions (id, tenant_id, user_id, token_hash, csrf_token, created_at, last_seen_at, \
             absolute_expires_at, revoked_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, NULL, $8)",
            vec![
                uuid::Uuid::now_v7().into(),
                tenant.0.into(),
                user.0.into(),
                secret_hash(&token).into(),
                csrf_token.clone().into(),
                now.into(),
                expires_at.into(),
                ip.map(str::to_owned).into(),
            ],
        )
        .await?;
        Ok(NewSession { token, csrf_token, expires_at, user_id: user, tenant_id: tenant })
    }

    async fn check_throttle(&self, keys: &[&str], now: DateTime<Utc>) -> AppResult<()> {
        for key in keys {
            let row = query_one(
                self.db.conn(),
                "SELECT blocked_until FROM login_throttle WHERE key = $1",
                vec![(*key).into()],
            )
            .await?;
            let blocked: Option<DateTime<Utc>> = row.map(|r| r.try_get("", "blocked_until")).transpose()?.flatten();
            if blocked.is_some_and(|until| until > now) {
                return Err(AppError::rate_limited("too many failed sign-ins; try again later"));
            }
        }
        Ok(())
    }

    async fn record_failure(&self, keys: &[(&str, i64)], now: DateTime<Utc>) -> AppResult<()> {
        let window = Duration::minutes(self.config.login_window_minutes);
        let tx = self.db.begin_write().await?;
        for (key, max) in keys {
            exec(
                &*tx,
                "INSERT INTO login_throttle (key, failures, window_start, blocked_until) VALUES ($1, 0, $2, NULL) \
                 ON CONFLICT (key) DO NOTHING",
                vec![(*key).into(), now.into()],
            )
            .await?;
            // A new window starts when the old one has passed.
            exec(
                &*tx,
                "UPDATE login_throttle SET failures = CASE WHEN window_start < $2 THEN 1 ELSE failures + 1 END, \
                 window_start = CASE WHEN window_start < $2 THEN $3 ELSE window_start END WHERE key = $1",
                vec![(*key).into(), (now - window).into(), now.into()],
            )
            .await?;
            exec(
                &*tx,
                "UPDATE login_throttle SET blocked_until = $2 WHERE key = $1 AND failures >= $3",
                vec![(*key).into(), (now + window).into(), (*max).into()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Resolves a bearer token (session or API key) to a principal.
    pub async fn authenticate(&self, token: &str, ip: Option<&str>) -> AppResult<Principal> {
        if token.starts_with(API_KEY_PREFIX) {
            self.authenticate_api_key(token, ip).await
        } else {
            self.authenticate_session(token, ip).await
        }
    }

    async fn authenticate_session(&self, token: &str, ip: Option<&str>) -> AppResult<Principal> {
        let now = self.now();
        let row = query_one(
            self.db.conn(),
            "SELECT s.id AS session_id, s.tenant_id, s.user_id, s.csrf_token, s.last_seen_at, s.absolute_expires_at, \
             s.revoked_at, u.email, u.name, u.roles, u.status \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            vec![secret_hash(token).into()],
        )
        .await?
        .ok_or_else(|| AppError::unauthenticated("not signed in"))?;
        let last_seen: DateTime<Utc> = row.try_get("", "last_seen_at")?;
        let absolute: DateTime<Utc> = row.try_get("", "absolute_expires_at")?;
        let revoked: Option<DateTime<Utc>> = row.try_get("", "revoked_at")?;
        let status: String = row.try_get("", "status")?;
        let idle = Duration::minutes(self.config.session_idle_minutes);
        if revoked.is_some() || now >= absolute || now >= last_seen + idle || status != "ACTIVE" {
            return Err(AppError::unauthenticated("the session has ended; sign in again"));
        }
        // Sliding expiry, written at most once a minute to keep reads cheap.
        if now - last_seen > Duration::minutes(1) {
            let session: uuid::Uuid = row.try_get("", "session_id")?;
            exec(self.db.conn(), "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", vec![now.into(), session.into()])
                .await?;
        }
        Ok(Principal {
            tenant: TenantId(row.try_get("", "tenant_id")?),
            actor: Actor::User {
                id: UserId(row.try_get("", "user_id")?),
                email: row.try_get("", "email")?,
                name: row.try_get("", "name")?,
            },
            roles: RoleSet::from_bits(row.try_get::<i32>("", "roles")? as u8),
            ip: ip.map(str::to_owned),
            csrf_token: Some(row.try_get("", "csrf_token")?),
        })
    }

    async fn authenticate_api_key(&self, token: &str, ip: Option<&str>) -> AppResult<Principal> {
        let now = self.now();
        let row = query_one(
            self.db.conn(),
            "SELECT k.id, k.tenant_id, k.name, k.roles, k.last_used_at, t.status FROM api_keys k \
             JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
            vec![secret_hash(token).into()],
        )
        .await?
        .ok_or_else(|| AppError::unauthenticated("unknown or revoked API key"))?;
        let id = ApiKeyId(row.try_get("", "id")?);
        let last_used: Option<DateTime<Utc>> = row.try_get("", "last_used_at")?;
        if last_used.is_none_or(|t| now - t > Duration::minutes(1)) {
            exec(self.db.conn(), "UPDATE api_keys SET last_used_at = $1 WHERE id = $2", vec![now.into(), id.0.into()])
                .await?;
        }
        // Keys never act as owner or employee, whatever is stored.
        let roles: RoleSet = RoleSet::from_bits(row.try_get::<i32>("", "roles")? as u8)
            .iter()
            .filter(|r| Role::assignable_to_api_key(*r))
            .collect();
        Ok(Principal {
            tenant: TenantId(row.try_get("", "tenant_id")?),
            actor: Actor::ApiKey { id, name: row.try_get("", "name")? },
            roles,
            ip: ip.map(str::to_owned),
            csrf_token: None,
        })
    }

    /// Ends the session of this token. Reusing the token afterwards fails.
    pub async fn logout(&self, principal: &Principal, token: &str) -> AppResult<()> {
        let tx = self.db.begin_write().await?;
        let result = exec(
            &*tx,
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND tenant_id = $3 AND revoked_at IS NULL",
            vec![self.now().into(), secret_hash(token).into(), principal.tenant.0.into()],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        self.finish(tx, principal, "auth.logout", None, result).await
    }

    /// Changes the signed-in user's password and ends all their other sessions.
    pub async fn change_password(&self, principal: &Principal, token: &str, current: &str, new: &str) -> AppResult<()> {
        let user = principal.require_user()?;
        let row = query_one(self.db.conn(), "SELECT email, password_hash FROM users WHERE id = $1", vec![user.0.into()])
            .await?
            .ok_or_else(|| AppError::not_found("user"))?;
        let email: String = row.try_get("", "email")?;
        let stored: Option<String> = row.try_get("", "password_hash")?;
        if !stored.is_some_and(|h| verify_password(current, &h)) {
            return Err(AppError::validation("current", "the current password is wrong"));
        }
        check_password_policy(new, &email)?;
        let hash = hash_password(new, self.config.password_hashing)?;
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let result = async {
            exec(&*tx, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", vec![hash.into(), now.into(), user.0.into()])
                .await?;
            exec(
                &*tx,
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND token_hash <> $3 AND revoked_at IS NULL",
                vec![now.into(), user.0.into(), secret_hash(token).into()],
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "auth.change_password", Some(format!("user:{user}")), result).await
    }

    /// Sets the password of an invited user and signs them in.
    pub async fn accept_invitation(&self, token: &str, password: &str, ip: Option<&str>) -> AppResult<NewSession> {
        let now = self.now();
        let row = query_one(
            self.db.conn(),
            "SELECT id, tenant_id, email, name, status, invite_expires_at FROM users WHERE invite_token_hash = $1",
            vec![secret_hash(token).into()],
        )
        .await?
        .ok_or_else(|| AppError::not_found("invitation"))?;
        let expires: Option<DateTime<Utc>> = row.try_get("", "invite_expires_at")?;
        let status: String = row.try_get("", "status")?;
        if status != "INVITED" || expires.is_none_or(|e| e <= now) {
            return Err(AppError::conflict("this invitation has expired or was already used"));
        }
        let user = UserId(row.try_get("", "id")?);
        let tenant = TenantId(row.try_get("", "tenant_id")?);
        let email: String = row.try_get("", "email")?;
        check_password_policy(password, &email)?;
        let hash = hash_password(password, self.config.password_hashing)?;
        let principal = Principal {
            tenant,
            actor: Actor::User { id: user, email, name: row.try_get("", "name")? },
            roles: RoleSet::empty(),
            ip: ip.map(str::to_owned),
            csrf_token: None,
        };
        let tx = self.db.begin_write().await?;
        let result = async {
            let done = exec(
                &*tx,
                "UPDATE users SET password_hash = $1, status = 'ACTIVE', invite_token_hash = NULL, \
                 invite_expires_at = NULL, updated_at = $2 WHERE id = $3 AND status = 'INVITED'",
                vec![hash.into(), now.into(), user.0.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::conflict("this invitation was already used"));
            }
            self.create_session(&*tx, tenant, user, ip, now).await
        }
        .await;
        self.finish(tx, &principal, "auth.accept_invitation", Some(format!("user:{user}")), result).await
    }
}

//! API keys for ERP integrations: shown once, stored hashed, scoped to roles, revocable.

use crate::auth::{new_secret, secret_hash, API_KEY_PREFIX};
use crate::principal::Principal;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use creditloop_domain::{ApiKeyId, Permission, RoleSet, TenantId};
use creditloop_ledger::store::{exec, query_all, query_one};
use sea_orm::QueryResult;

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub name: String,
    pub prefix: String,
    pub roles: RoleSet,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    fn from_row(row: &QueryResult) -> AppResult<ApiKey> {
        Ok(ApiKey {
            id: ApiKeyId(row.try_get("", "id")?),
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            name: row.try_get("", "name")?,
            prefix: row.try_get("", "prefix")?,
            roles: RoleSet::from_bits(row.try_get::<i32>("", "roles")? as u8),
            created_at: row.try_get("", "created_at")?,
            last_used_at: row.try_get("", "last_used_at")?,
            revoked_at: row.try_get("", "revoked_at")?,
        })
    }
}

/// Keys per tenant, live or revoked.
pub const API_KEYS_PER_TENANT_MAX: i64 = 100;

impl App {
    /// Creates a key and returns it with its secret; the secret is not stored and cannot be
    /// shown again.
    pub async fn create_api_key(&self, principal: &Principal, name: &str, roles: RoleSet) -> AppResult<(ApiKey, String)> {
        principal.require(Permission::ApiKeysManage)?;
        let name = creditloop_domain::text::bounded("name", name, 1, 100).map_err(|e| AppError::from(e).at("name"))?;
        if roles.is_empty() || roles.iter().any(|r| !r.assignable_to_api_key()) {
            return Err(AppError::validation("roles", "API keys may carry HR_ADMIN, FINANCE or AUDITOR, and at least one"));
        }
        let creator = principal.require_user()?;
        let secret = new_secret(API_KEY_PREFIX);
        let prefix: String = secret.chars().take(API_KEY_PREFIX.len() + 6).collect();
        let id = ApiKeyId::generate();
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            let count = query_one(&*tx, "SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = $1", vec![principal.tenant.0.into()])
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if count >= API_KEYS_PER_TENANT_MAX {
                return Err(AppError::limit(format!("a tenant may have at most {API_KEYS_PER_TENANT_MAX} API keys")));
            }
            exec(
                &*tx,
                "INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, roles, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                vec![
                    id.0.into(),
                    principal.tenant.0.into(),
                    name.clone().into(),
                    prefix.clone().into(),
                    secret_hash(&secret).into(),
                    i32::from(roles.bits()).into(),
                    creator.0.into(),
                    now.into(),
                ],
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "apikeys.create", Some(format!("apikey:{id} roles={}", roles.to_db())), result).await?;
        Ok((self.api_key(principal, id).await?, secret))
    }

    pub async fn api_key(&self, principal: &Principal, id: ApiKeyId) -> AppResult<ApiKey> {
        let row = query_one(
            self.db.conn(),
            "SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2",
            vec![principal.tenant.0.into(), id.0.into()],
        )
        .await?
        .ok_or_else(|| AppError::not_found("API key"))?;
        ApiKey::from_row(&row)
    }

    pub async fn api_keys(&self, principal: &Principal) -> AppResult<Vec<ApiKey>> {
        principal.require(Permission::ApiKeysManage)?;
        query_all(
            self.db.conn(),
            "SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC",
            vec![principal.tenant.0.into()],
        )
        .await?
        .iter()
        .map(ApiKey::from_row)
        .collect()
    }

    pub async fn revoke_api_key(&self, principal: &Principal, id: ApiKeyId) -> AppResult<ApiKey> {
        principal.require(Permission::ApiKeysManage)?;
        self.api_key(principal, id).await?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = exec(
            &*tx,
            "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL",
            vec![now.into(), principal.tenant.0.into(), id.0.into()],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        self.finish(tx, principal, "apikeys.revoke", Some(format!("apikey:{id}")), result).await?;
        self.api_key(principal, id).await
    }
}

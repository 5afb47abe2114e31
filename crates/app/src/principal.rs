//! Who is acting: a signed-in user or an API key, always within one tenant.

use crate::{AppError, AppResult};
use creditloop_domain::{ApiKeyId, Permission, RoleSet, TenantId, UserId};

#[derive(Debug, Clone)]
pub enum Actor {
    User { id: UserId, email: String, name: String },
    ApiKey { id: ApiKeyId, name: String },
    /// Work the system starts itself (sweeps, schedules, the demo seeder).
    System,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: TenantId,
    pub actor: Actor,
    pub roles: RoleSet,
    /// The client's address, for the audit log.
    pub ip: Option<String>,
    /// The session's CSRF token, for cookie-authenticated web clients.
    pub csrf_token: Option<String>,
}

impl Principal {
    pub fn system(tenant: TenantId) -> Principal {
        use creditloop_domain::Role;
        Principal {
            tenant,
            actor: Actor::System,
            roles: [Role::Owner, Role::HrAdmin, Role::Finance].into_iter().collect(),
            ip: None,
            csrf_token: None,
        }
    }

    /// The one gate every use-case passes first.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.roles.allows(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!("this requires the permission {}", permission.as_str())))
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.roles.allows(permission)
    }

    pub fn user_id(&self) -> Option<UserId> {
        match &self.actor {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The user behind a self-service call; API keys have no wallet.
    pub fn require_user(&self) -> AppResult<UserId> {
        self.user_id().ok_or_else(|| AppError::forbidden("this operation needs a signed-in user"))
    }

    /// The stable text that entries and audit events record as their author.
    pub fn label(&self) -> String {
        match &self.actor {
            Actor::User { id, email, .. } => format!("user:{id} {email}"),
            Actor::ApiKey { id, name } => format!("apikey:{id} {name}"),
            Actor::System => "system".to_owned(),
        }
    }

    pub fn permissions(&self) -> Vec<&'static str> {
        Permission::ALL.iter().filter(|p| self.can(**p)).map(|p| p.as_str()).collect()
    }
}

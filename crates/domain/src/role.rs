//! Roles and the closed set of permissions.
//!
//! Every use-case names one [`Permission`] and checks it against the acting principal before
//! it touches data. The table below (`Role::grants`) is the whole policy; `docs/permissions.md`
//! is generated from it by `creditloop permissions` and checked by a test.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Owner,
    HrAdmin,
    Finance,
    Auditor,
    Employee,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Owner, Role::HrAdmin, Role::Finance, Role::Auditor, Role::Employee];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "OWNER",
            Role::HrAdmin => "HR_ADMIN",
            Role::Finance => "FINANCE",
            Role::Auditor => "AUDITOR",
            Role::Employee => "EMPLOYEE",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    fn bit(self) -> u8 {
        match self {
            Role::Owner => 1,
            Role::HrAdmin => 2,
            Role::Finance => 4,
            Role::Auditor => 8,
            Role::Employee => 16,
        }
    }

    /// May an API key carry this role? Keys act for systems, not people: never as the owner,
    /// and never as an employee (a key has no wallet).
    pub fn assignable_to_api_key(self) -> bool {
        !matches!(self, Role::Owner | Role::Employee)
    }

    /// The permissions this role grants. This match is the permission table.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Owner => !permission.is_self_service(),
            Role::HrAdmin => matches!(
                permission,
                P::TenantRead
                    | P::UsersRead
                    | P::UsersInvite
                    | P::UsersUpdate
                    | P::UsersDeactivate
                    | P::AccountsRead
                    | P::EntriesRead
                    | P::PurchasesRead
                    | P::PurchasesRequest
                    | P::GrantsCreate
                    | P::SchedulesRead
                    | P::SchedulesManage
                    | P::SweepsRun
                    | P::TopupsRead
                    | P::TopupsCreateFor
                    | P::PolicyRead
                    | P::ImportsRun
            ),
            Role::Finance => matches!(
                permission,
                P::TenantRead
                    | P::UsersRead
                    | P::AccountsRead
                    | P::EntriesRead
                    | P::EntriesReverse
                    | P::FundingCreate
                    | P::PurchasesRead
                    | P::PurchasesApprove
                    | P::SchedulesRead
                    | P::TopupsRead
                    | P::RecyclesRead
                    | P::RecyclesManage
                    | P::PayoutsRead
                    | P::PayoutsManage
                    | P::ReviewsDecide
                    | P::DisputesRead
                    | P::DisputesResolve
                    | P::PolicyRead
                    | P::LedgerVerify
                    | P::ExportsRead
            ),
            Role::Auditor => permission.is_read_only() && !permission.is_self_service(),
            Role::Employee => permission.is_self_service(),
        }
    }
}

/// A set of roles, stored as a small bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct RoleSet(u8);

impl RoleSet {
    pub fn empty() -> Self {
        RoleSet(0)
    }

    pub fn from_bits(bits: u8) -> Self {
        RoleSet(bits & 0b1_1111)
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn with(mut self, role: Role) -> Self {
        self.0 |= role.bit();
        self
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    pub fn allows(self, permission: Permission) -> bool {
        self.iter().any(|role| role.grants(permission))
    }

    /// The stored form: role names joined by commas, e.g. "HR_ADMIN,EMPLOYEE".
    pub fn to_db(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    pub fn from_db(text: &str) -> RoleSet {
        text.split(',').filter_map(|s| Role::parse(s.trim())).fold(RoleSet::empty(), RoleSet::with)
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        iter.into_iter().fold(RoleSet::empty(), RoleSet::with)
    }
}

macro_rules! permissions {
    ($($variant:ident => $name:literal, $kind:ident, $doc:literal;)*) => {
        /// The closed set of permissions, with dotted names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $(#[doc = $doc] $variant,)*
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $doc,)* }
            }

            fn kind(self) -> PermissionKind {
                match self { $(Permission::$variant => PermissionKind::$kind,)* }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PermissionKind {
    /// Reads tenant data.
    Read,
    /// Changes tenant data.
    Write,
    /// Acts on the principal's own wallet and settings only.
    Own,
}

permissions! {
    TenantRead => "tenant.read", Read, "See the tenant, its balances and its settings.";
    UsersRead => "users.read", Read, "List and see users and employees.";
    UsersInvite => "users.invite", Write, "Invite users (HR admins invite employees only).";
    UsersUpdate => "users.update", Write, "Change a user's profile.";
    UsersDeactivate => "users.deactivate", Write, "Deactivate (offboard) a user; their wallet returns to the pool.";
    RolesManage => "roles.manage", Write, "Change users' roles.";
    ApiKeysManage => "apikeys.manage", Write, "Create and revoke API keys.";
    AccountsRead => "accounts.read", Read, "See ledger accounts and their balances.";
    EntriesRead => "entries.read", Read, "See journal entries.";
    EntriesReverse => "entries.reverse", Write, "Reverse a posted journal entry.";
    FundingCreate => "funding.create", Write, "Record a bank deposit into the funding account.";
    PurchasesRead => "purchases.read", Read, "See purchase orders.";
    PurchasesRequest => "purchases.request", Write, "Request a purchase of credit.";
    PurchasesApprove => "purchases.approve", Write, "Approve or reject purchase orders (never one's own).";
    GrantsCreate => "grants.create", Write, "Grant credit from the pool to employees, singly or in batches.";
    SchedulesRead => "schedules.read", Read, "See allowance schedules and their runs.";
    SchedulesManage => "schedules.manage", Write, "Create, change and pause allowance schedules.";
    SweepsRun => "sweeps.run", Write, "Run the expiry sweep on demand.";
    TopupsRead => "topups.read", Read, "See all top-ups of the tenant.";
    TopupsCreateFor => "topups.create_for", Write, "Top up an employee's phone on their behalf.";
    RecyclesRead => "recycles.read", Read, "See recycles, settlements and vouchers.";
    RecyclesManage => "recycles.manage", Write, "Quote and confirm recycling pool credit to cash.";
    PayoutsRead => "payouts.read", Read, "See employee cash-outs and payouts.";
    PayoutsManage => "payouts.manage", Write, "Mark cash-outs paid.";
    ReviewsDecide => "reviews.decide", Write, "Approve or reject items in the review queue.";
    DisputesRead => "disputes.read", Read, "See all disputes.";
    DisputesResolve => "disputes.resolve", Write, "Refund or reject a dispute.";
    PolicyRead => "policy.read", Read, "See the tenant's risk policy and limits.";
    PolicyManage => "policy.manage", Write, "Change the tenant's risk policy and limits.";
    AuditRead => "audit.read", Read, "Read the audit log.";
    LedgerVerify => "ledger.verify", Read, "Run the ledger and audit-chain verification.";
    ExportsRead => "exports.read", Read, "Download exports.";
    ImportsRun => "imports.run", Write, "Upload and commit CSV imports.";
    WebhooksManage => "webhooks.manage", Write, "Manage ERP webhooks.";
    WalletOwn => "wallet.own", Own, "See one's own wallet, lots and history.";
    TopupsCreateOwn => "topups.create_own", Own, "Top up one's own phone (another number needs a one-time code).";
    CashoutsOwn => "cashouts.own", Own, "Cash out one's own credit where the tenant allows it.";
    DisputesOwn => "disputes.own", Own, "Open and follow disputes on one's own top-ups.";
    NotificationsOwn => "notifications.own", Own, "Choose one's own notifications.";
}

impl Permission {
    pub fn is_read_only(self) -> bool {
        self.kind() == PermissionKind::Read
    }

    pub fn is_self_service(self) -> bool {
        self.kind() == PermissionKind::Own
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.as_str() == s)
    }
}

/// The permission table as Markdown: written to `docs/permissions.md`.
pub fn permission_table_markdown() -> String {
    let mut out = String::from(
        "# Permissions\n\nGenerated by `creditloop permissions` from `crates/domain/src/role.rs`; \
         a test fails when this file differs. API keys may carry HR_ADMIN, FINANCE or AUDITOR.\n\n\
         | permission | OWNER | HR_ADMIN | FINANCE | AUDITOR | EMPLOYEE | what it allows |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for permission in Permission::ALL {
        out.push_str(&format!("| `{}` |", permission.as_str()));
        for role in Role::ALL {
            out.push_str(if role.grants(*permission) { " ✓ |" } else { "   |" });
        }
        out.push_str(&format!(" {} |\n", permission.description()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_storage() {
        let set: RoleSet = [Role::HrAdmin, Role::Employee].into_iter().collect();
        assert_eq!(set.to_db(), "HR_ADMIN,EMPLOYEE");
        assert_eq!(RoleSet::from_db(&set.to_db()), set);
    }

    #[test]
    fn separation_of_duties_holds_in_the_table() {
        assert!(!Role::HrAdmin.grants(Permission::PurchasesApprove));
        assert!(!Role::Finance.grants(Permission::PurchasesRequest));
        assert!(!Role::Auditor.grants(Permission::GrantsCreate));
        assert!(Permission::ALL.iter().filter(|p| Role::Auditor.grants(**p)).all(|p| p.is_read_only()));
        assert!(!Role::Owner.grants(Permission::WalletOwn));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Permission::ALL.len());
    }
}

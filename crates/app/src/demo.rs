//! The demo tenant: a company with an owner, HR, finance, an auditor and a few employees,
//! funded, with credit bought and granted, so a newcomer has something to look at.

use crate::funds::GrantLine;
use crate::principal::{Actor, Principal};
use crate::users::{insert_user, NewUser, Profile};
use crate::{audit, App, AppResult};
use chrono::Duration;
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Email, Fen, IdempotencyKey, Role, RoleSet, TenantId, UserId};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-password-2026";

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub tenant_id: TenantId,
    pub created: bool,
    pub password: &'static str,
    pub logins: Vec<DemoLogin>,
}

struct Seed {
    email: &'static str,
    name: &'static str,
    role: Role,
    employee_no: Option<&'static str>,
    phone: Option<&'static str>,
    department: Option<&'static str>,
}

const PEOPLE: &[Seed] = &[
    Seed { email: "hr@demo.creditloop.test", name: "Helen Hu 胡海伦", role: Role::HrAdmin, employee_no: None, phone: None, department: None },
    Seed { email: "finance@demo.creditloop.test", name: "Frank Fang 方凡", role: Role::Finance, employee_no: None, phone: None, department: None },
    Seed { email: "auditor@demo.creditloop.test", name: "Ada Ai 艾达", role: Role::Auditor, employee_no: None, phone: None, department: None },
    Seed { email: "emp1@demo.creditloop.test", name: "张伟", role: Role::Employee, employee_no: Some("E0001"), phone: Some("13800138001"), department: Some("Sales") },
    Seed { email: "emp2@demo.creditloop.test", name: "王芳", role: Role::Employee, employee_no: Some("E0002"), phone: Some("18612345602"), department: Some("Sales") },
    Seed { email: "emp3@demo.creditloop.test", name: "李娜", role: Role::Employee, employee_no: Some("E0003"), phone: Some("18912345603"), department: Some("Engineering") },
    Seed { email: "emp4@demo.creditloop.test", name: "刘洋", role: Role::Employee, employee_no: Some("E0004"), phone: Some("13912345604"), department: Some("Engineering") },
    Seed { email: "emp5@demo.creditloop.test", name: "陈静", role: Role::Employee, employee_no: Some("E0005"), phone: Some("15012345605"), department: Some("Operations") },
];

const OWNER_EMAIL: &str = "owner@demo.creditloop.test";

fn logins() -> Vec<DemoLogin> {
    let mut out = vec![DemoLogin { role: "OWNER", email: OWNER_EMAIL.into(), name: "Olivia Ou 欧丽".into() }];
    out.extend(PEOPLE.iter().map(|p| DemoLogin { role: p.role.as_str(), email: p.email.into(), name: p.name.into() }));
    out
}

fn principal_of(tenant: TenantId, id: UserId, seed: &Seed) -> Principal {
    Principal {
        tenant,
        actor: Actor::User { id, email: seed.email.into(), name: seed.name.into() },
        roles: RoleSet::empty().with(seed.role),
        ip: None,
        csrf_token: None,
    }
}

impl App {
    /// Creates the demo tenant once; later calls only report the logins.
    pub async fn seed_demo(&self) -> AppResult<DemoReport> {
        if let Some(existing) = self.tenant_by_slug(DEMO_SLUG).await? {
            return Ok(DemoReport { tenant_id: existing.id, created: false, password: DEMO_PASSWORD, logins: logins() });
        }
        let (tenant, _owner) = self
            .create_tenant(DEMO_SLUG, "演示科技 Demo Tech Ltd.", "Asia/Shanghai", OWNER_EMAIL, "Olivia Ou 欧丽", DEMO_PASSWORD)
            .await?;
        let hash = crate::auth::hash_password(DEMO_PASSWORD, self.config.password_hashing)?;
        let now = self.now();
        let mut ids = Vec::with_capacity(PEOPLE.len());
        let tx = self.db.begin_write().await?;
        for seed in PEOPLE {
            let id = UserId::generate();
            let profile = Profile {
                employee_no: seed.employee_no.map(str::to_owned),
                phone: seed.phone.and_then(|p| PhoneNumber::parse(p).ok()),
                department: seed.department.map(str::to_owned),
                cost_center: seed.department.map(|d| format!("CC-{}", d.to_uppercase())),
            };
            let roles = RoleSet::empty().with(seed.role);
            let email = Email::parse(seed.email)?;
            insert_user(&*tx, NewUser {
                id, tenant: tenant.id, email, name: seed.name.into(), roles, status: "ACTIVE",
                password_hash: Some(hash.clone()), profile, locale: "zh-CN".into(),
                invite_token_hash: None, invite_expires_at: None,
            }, now)
            .await?;
            ids.push(id);
        }
        audit::append(&*tx, &Principal::system(tenant.id), "demo.seed", None, "ok", None, now).await?;
        tx.commit().await?;

        let hr = principal_of(tenant.id, ids[0], &PEOPLE[0]);
        let finance = principal_of(tenant.id, ids[1], &PEOPLE[1]);
        let key = |k: &str| IdempotencyKey::parse(&format!("demo-{k}"));
        self.fund(&finance, Fen::new(100_000_00), "BANK-DEMO-0001", &key("fund")?).await?;
        let order = self.request_purchase(&hr, Fen::new(50_000_00), Fen::new(48_000_00), "China Mobile Wholesale 中国移动批发", &key("purchase")?).await?;
        self.approve_purchase(&finance, order.id, &key("approve")?).await?;
        let expiry = now + Duration::days(60);
        let lines: Vec<GrantLine> = ids
            .iter()
            .zip(PEOPLE)
            .filter(|(_, p)| p.role == Role::Employee)
            .map(|(id, _)| GrantLine { employee: *id, amount: Fen::new(200_00), expires_at: None, memo: None })
            .collect();
        self.grant_batch(&hr, lines, expiry, Some("Welcome credit 入职话费"), &key("welcome-grant")?).await?;
        Ok(DemoReport { tenant_id: tenant.id, created: true, password: DEMO_PASSWORD, logins: logins() })
    }
}

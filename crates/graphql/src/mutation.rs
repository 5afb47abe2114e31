//! Mutations. Every value-moving one takes an `idempotencyKey`.

use crate::error::{GqlResult, IntoGql};
use crate::types::*;
use crate::{RequestContext, SESSION_COOKIE};
use async_graphql::{Context, Object, ID};
use creditloop_app::auth::NewSession;
use creditloop_app::funds::GrantLine;
use creditloop_app::users::{Invitation, Profile};
use creditloop_app::AppError;
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{ApiKeyId, Email, EntryId, IdempotencyKey, UserId};

#[derive(Default)]
pub struct CoreMutation;

fn key(text: &str) -> GqlResult<IdempotencyKey> {
    IdempotencyKey::parse(text).map_err(|e| crate::to_gql_error(AppError::from(e).at("idempotencyKey")))
}

fn phone(text: Option<String>) -> GqlResult<Option<PhoneNumber>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| PhoneNumber::parse(&t).map_err(|e| crate::to_gql_error(AppError::validation("phone", e.to_string()))))
        .transpose()
}

fn optional_text(field: &str, text: Option<String>, max: usize) -> GqlResult<Option<String>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| {
            creditloop_domain::text::bounded("text", &t, 1, max)
                .map_err(|_| crate::to_gql_error(AppError::validation(field, format!("{field} must be at most {max} characters"))))
        })
        .transpose()
}

/// Answers a sign-in: the session for API clients, and for the web app an HttpOnly cookie.
async fn session_out(ctx: &Context<'_>, session: NewSession) -> GqlResult<Session> {
    let request = ctx.data_unchecked::<RequestContext>();
    if request.cookie_client {
        let secure = if request.secure_cookies { "; Secure" } else { "" };
        ctx.append_http_header(
            "set-cookie",
            format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                session.token, request.session_cookie_max_age_secs
            ),
        );
    }
    let app = app(ctx);
    let principal = app.authenticate(&session.token, request.ip.as_deref()).await.gql()?;
    let user = app.user(&principal, session.user_id).await.gql()?;
    Ok(Session { token: session.token, csrf_token: session.csrf_token, expires_at: session.expires_at, user: UserObj(user) })
}

#[Object]
impl CoreMutation {
    /// Signs in with email and password.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> GqlResult<Session> {
        let request = ctx.data_unchecked::<RequestContext>();
        let session = app(ctx).login(&email, &password, request.ip.as_deref()).await.gql()?;
        session_out(ctx, session).await
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        let p = principal(ctx)?;
        let request = ctx.data_unchecked::<RequestContext>();
        let token = request.token.as_deref().ok_or_else(|| crate::to_gql_error(AppError::unauthenticated("no session")))?;
        app(ctx).logout(p, token).await.gql()?;
        if request.cookie_client {
            ctx.append_http_header("set-cookie", format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
        }
        Ok(true)
    }

    /// Changes the signed-in user's password; other sessions end.
    async fn change_password(&self, ctx: &Context<'_>, current: String, new: String) -> GqlResult<bool> {
        let p = principal(ctx)?;
        let token = ctx.data_unchecked::<RequestContext>().token.clone().unwrap_or_default();
        app(ctx).change_password(p, &token, &current, &new).await.gql()?;
        Ok(true)
    }

    /// Sets a password with an invitation token and signs in.
    async fn accept_invitation(&self, ctx: &Context<'_>, token: String, password: String) -> GqlResult<Session> {
        let ip = ctx.data_unchecked::<RequestContext>().ip.clone();
        let session = app(ctx).accept_invitation(&token, &password, ip.as_deref()).await.gql()?;
        session_out(ctx, session).await
    }

    /// Invites a user by email (users.invite; HR admins invite employees only).
    async fn invite_user(&self, ctx: &Context<'_>, input: InviteUserInput) -> GqlResult<UserObj> {
        let p = principal(ctx)?;
        let email = Email::parse(&input.email).map_err(|e| crate::to_gql_error(AppError::from(e).at("email")))?;
        let invitation = Invitation {
            email,
            name: input.name,
            roles: roles_in(&input.roles),
            profile: Profile {
                employee_no: optional_text("employeeNo", input.employee_no, 40)?,
                phone: phone(input.phone)?,
                department: optional_text("department", input.department, 100)?,
                cost_center: optional_text("costCenter", input.cost_center, 100)?,
            },
            locale: input.locale.unwrap_or(Locale::ZhCn).as_str().to_owned(),
        };
        Ok(UserObj(app(ctx).invite_user(p, invitation).await.gql()?))
    }

    /// Changes a user's profile (users.update, or one's own).
    async fn update_user(&self, ctx: &Context<'_>, id: ID, input: UpdateUserInput) -> GqlResult<UserObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "user", "id", UserId::parse)?;
        let profile = Profile {
            employee_no: None,
            phone: phone(input.phone)?,
            department: optional_text("department", input.department, 100)?,
            cost_center: optional_text("costCenter", input.cost_center, 100)?,
        };
        let locale = input.locale.map(|l| l.as_str().to_owned());
        Ok(UserObj(app(ctx).update_user(p, id, input.name, profile, locale).await.gql()?))
    }

    /// Replaces a user's roles (roles.manage).
    async fn set_user_roles(&self, ctx: &Context<'_>, id: ID, roles: Vec<Role>) -> GqlResult<UserObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "user", "id", UserId::parse)?;
        Ok(UserObj(app(ctx).set_user_roles(p, id, roles_in(&roles)).await.gql()?))
    }

    /// Offboards a user; their wallet's free credit returns to the pool (users.deactivate).
    async fn deactivate_user(&self, ctx: &Context<'_>, id: ID, idempotency_key: String) -> GqlResult<UserObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "user", "id", UserId::parse)?;
        Ok(UserObj(app(ctx).deactivate_user(p, id, &key(&idempotency_key)?).await.gql()?))
    }

    /// Creates an API key; the secret is returned once (apikeys.manage).
    async fn create_api_key(&self, ctx: &Context<'_>, name: String, roles: Vec<Role>) -> GqlResult<CreatedApiKey> {
        let p = principal(ctx)?;
        let (api_key, secret) = app(ctx).create_api_key(p, &name, roles_in(&roles)).await.gql()?;
        Ok(CreatedApiKey { api_key: ApiKeyObj(api_key), secret })
    }

    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> GqlResult<ApiKeyObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "API key", "id", ApiKeyId::parse)?;
        Ok(ApiKeyObj(app(ctx).revoke_api_key(p, id).await.gql()?))
    }

    /// Records a bank deposit into the funding account (funding.create).
    async fn fund(&self, ctx: &Context<'_>, input: FundInput) -> GqlResult<EntryObj> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let amount = positive(input.amount, app.config.amount_max, "amount")?;
        let id = app.fund(p, amount, &input.reference, &key(&input.idempotency_key)?).await.gql()?;
        Ok(EntryObj(app.entry(p, id).await.gql()?))
    }

    /// Grants credit from the pool to one employee (grants.create).
    async fn grant(&self, ctx: &Context<'_>, input: GrantInput) -> GqlResult<GrantResult> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let amount = positive(input.amount, app.config.amount_max, "amount")?;
        let employee = parse_id(&input.employee_id, "employee", "employeeId", UserId::parse)?;
        let line = GrantLine { employee, amount, expires_at: Some(input.expires_at), memo: input.memo };
        let outcome = app.grant(p, line, &key(&input.idempotency_key)?).await.gql()?;
        Ok(GrantResult { entry: EntryObj(app.entry(p, outcome.entry_id).await.gql()?), lot_id: outcome.lot_id })
    }

    /// Grants to many employees at once, all or nothing (grants.create).
    async fn grant_batch(&self, ctx: &Context<'_>, input: BatchGrantInput) -> GqlResult<BatchGrantResult> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let mut lines = Vec::with_capacity(input.items.len());
        for (i, item) in input.items.into_iter().enumerate() {
            lines.push(GrantLine {
                employee: parse_id(&item.employee_id, "employee", &format!("items[{i}].employeeId"), UserId::parse)?,
                amount: positive(item.amount, app.config.amount_max, &format!("items[{i}].amount"))?,
                expires_at: item.expires_at,
                memo: item.memo,
            });
        }
        let outcome = app.grant_batch(p, lines, input.expires_at, input.memo.as_deref(), &key(&input.idempotency_key)?).await.gql()?;
        Ok(BatchGrantResult {
            batch_id: ID(outcome.batch_id.to_string()),
            count: outcome.count as i64,
            total: crate::scalars::Money(outcome.total),
        })
    }

    /// Reverses a posted entry with a new, opposite entry (entries.reverse).
    async fn reverse_entry(&self, ctx: &Context<'_>, id: ID, reason: String, idempotency_key: String) -> GqlResult<EntryObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "entry", "id", EntryId::parse)?;
        let app = app(ctx);
        let reversal = app.reverse_entry(p, id, &reason, &key(&idempotency_key)?).await.gql()?;
        Ok(EntryObj(app.entry(p, reversal).await.gql()?))
    }

    /// Requests a purchase of credit (purchases.request). At or below the approval threshold
    /// it is approved by policy at once.
    async fn request_purchase(
        &self,
        ctx: &Context<'_>,
        face_value: crate::scalars::Money,
        price: crate::scalars::Money,
        supplier: String,
        idempotency_key: String,
    ) -> GqlResult<PurchaseOrderObj> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let face = positive(face_value, app.config.amount_max, "faceValue")?;
        let price = positive(price, app.config.amount_max, "price")?;
        Ok(PurchaseOrderObj(app.request_purchase(p, face, price, &supplier, &key(&idempotency_key)?).await.gql()?))
    }

    /// Approves a purchase order and posts it (purchases.approve; never one's own).
    async fn approve_purchase(&self, ctx: &Context<'_>, id: ID, idempotency_key: String) -> GqlResult<PurchaseOrderObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "purchase order", "id", |s| uuid::Uuid::try_parse(s).ok())?;
        Ok(PurchaseOrderObj(app(ctx).approve_purchase(p, id, &key(&idempotency_key)?).await.gql()?))
    }

    async fn reject_purchase(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<PurchaseOrderObj> {
        let p = principal(ctx)?;
        let id = parse_id(&id, "purchase order", "id", |s| uuid::Uuid::try_parse(s).ok())?;
        Ok(PurchaseOrderObj(app(ctx).reject_purchase(p, id, &reason).await.gql()?))
    }
}

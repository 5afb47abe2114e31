//! Notifications: ERP webhook endpoints, their delivery log, replays and test events, and
//! each user's choice of optional mail.

use crate::connection::{connection, decode_cursor, page_size};
use crate::error::{GqlResult, IntoGql};
use crate::types::*;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use creditloop_app::webhooks::{self as app_webhooks, DeliveryStatus, EndpointChange};
use creditloop_app::AppError;
use uuid::Uuid;

fn uuid_id(id: &ID, what: &str, field: &str) -> GqlResult<Uuid> {
    parse_id(id, what, field, |s| Uuid::try_parse(s.trim()).ok())
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first attempt or for a retry.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; a replay can still send it.
    Failed,
}

impl From<DeliveryStatus> for WebhookDeliveryStatus {
    fn from(s: DeliveryStatus) -> Self {
        match s {
            DeliveryStatus::Pending => WebhookDeliveryStatus::Pending,
            DeliveryStatus::Delivered => WebhookDeliveryStatus::Delivered,
            DeliveryStatus::Failed => WebhookDeliveryStatus::Failed,
        }
    }
}

impl From<WebhookDeliveryStatus> for DeliveryStatus {
    fn from(s: WebhookDeliveryStatus) -> Self {
        match s {
            WebhookDeliveryStatus::Pending => DeliveryStatus::Pending,
            WebhookDeliveryStatus::Delivered => DeliveryStatus::Delivered,
            WebhookDeliveryStatus::Failed => DeliveryStatus::Failed,
        }
    }
}

/// An ERP endpoint that receives signed event callbacks.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "WebhookEndpoint")]
pub struct WebhookEndpointObj {
    pub id: ID,
    pub url: String,
    /// The events it receives; empty means every event.
    pub events: Vec<String>,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<app_webhooks::WebhookEndpoint> for WebhookEndpointObj {
    fn from(e: app_webhooks::WebhookEndpoint) -> Self {
        WebhookEndpointObj {
            id: ID(e.id.to_string()),
            url: e.url,
            events: e.events,
            description: e.description,
            active: e.active,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new endpoint with its signing secret. The secret is shown only in this answer.
#[derive(SimpleObject, Debug, Clone)]
pub struct CreatedWebhookEndpoint {
    pub endpoint: WebhookEndpointObj,
    /// The HMAC-SHA256 key of `X-Creditloop-Signature: t={timestamp},v1={hex}`, computed
    /// over `"{timestamp}.{body}"`. Store it now: it is never shown again.
    pub secret: String,
}

/// One event sent (or to be sent) to one endpoint.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "WebhookDelivery")]
pub struct WebhookDeliveryObj {
    pub id: ID,
    pub endpoint_id: ID,
    /// e.g. `topup.succeeded`, or `webhook.test`.
    pub event: String,
    /// The JSON body as sent.
    pub payload: String,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last answer, if there was one.
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<app_webhooks::WebhookDelivery> for WebhookDeliveryObj {
    fn from(d: app_webhooks::WebhookDelivery) -> Self {
        WebhookDeliveryObj {
            id: ID(d.id.to_string()),
            endpoint_id: ID(d.endpoint_id.to_string()),
            event: d.event,
            payload: d.payload,
            status: d.status.into(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

connection!(WebhookDeliveryConnection, WebhookDeliveryEdge, WebhookDeliveryObj);

#[derive(InputObject, Debug)]
pub struct CreateWebhookEndpointInput {
    /// `https://` (`http://` only outside production).
    pub url: String,
    /// Events to receive (see `webhookEvents`); empty or absent: every event.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

#[derive(InputObject, Debug)]
pub struct UpdateWebhookEndpointInput {
    pub url: Option<String>,
    /// Replaces the filter; an empty list means every event.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

/// One kind of notification mail and whether the signed-in user gets it.
#[derive(SimpleObject, Debug, Clone)]
pub struct NotificationSetting {
    /// e.g. `topup_result`.
    pub kind: String,
    pub description: String,
    pub enabled: bool,
    /// Always sent (invitations, one-time codes, security notices); cannot be switched off.
    pub mandatory: bool,
}

impl From<creditloop_app::notify::NotificationSetting> for NotificationSetting {
    fn from(s: creditloop_app::notify::NotificationSetting) -> Self {
        NotificationSetting { kind: s.kind, description: s.description, enabled: s.enabled, mandatory: s.mandatory }
    }
}

#[derive(InputObject, Debug)]
pub struct NotificationSettingInput {
    pub kind: String,
    pub enabled: bool,
}

#[derive(Default)]
pub struct NotifyQuery;

#[Object]
impl NotifyQuery {
    /// The tenant's webhook endpoints (webhooks.manage).
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> GqlResult<Vec<WebhookEndpointObj>> {
        Ok(app(ctx).webhook_endpoints(principal(ctx)?).await.gql()?.into_iter().map(Into::into).collect())
    }

    /// Every event an endpoint can subscribe to.
    async fn webhook_events(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        // A fixed list, but like every other query it is for signed-in callers only.
        principal(ctx)?;
        Ok(app_webhooks::EVENTS.iter().map(|e| (*e).to_owned()).collect())
    }

    /// The delivery log, newest first (webhooks.manage).
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        endpoint_id: Option<ID>,
        status: Option<WebhookDeliveryStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<WebhookDeliveryConnection> {
        let limit = page_size(first)?;
        let endpoint = endpoint_id.as_ref().map(|id| uuid_id(id, "webhook endpoint", "endpointId")).transpose()?;
        let after = after
            .map(|c| {
                decode_cursor(&c)
                    .and_then(|s| Uuid::try_parse(&s).ok())
                    .ok_or_else(|| crate::to_gql_error(AppError::validation("after", "the cursor is not one this API gave out")))
            })
            .transpose()?;
        let (rows, total) =
            app(ctx).webhook_deliveries(principal(ctx)?, endpoint, status.map(Into::into), after, limit + 1).await.gql()?;
        let rows = rows.into_iter().map(WebhookDeliveryObj::from).collect();
        Ok(WebhookDeliveryConnection::from_rows(rows, limit, total, |d| d.id.to_string()))
    }

    /// The signed-in user's notification mail choices (notifications.own).
    async fn my_notification_settings(&self, ctx: &Context<'_>) -> GqlResult<Vec<NotificationSetting>> {
        Ok(app(ctx).my_notification_settings(principal(ctx)?).await.gql()?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct NotifyMutation;

#[Object]
impl NotifyMutation {
    /// Registers an endpoint; the answer carries its signing secret, shown only once.
    async fn create_webhook_endpoint(&self, ctx: &Context<'_>, input: CreateWebhookEndpointInput) -> GqlResult<CreatedWebhookEndpoint> {
        let change = EndpointChange { url: Some(input.url), events: input.events, description: input.description, active: input.active };
        let (endpoint, secret) = app(ctx).create_webhook_endpoint(principal(ctx)?, change).await.gql()?;
        Ok(CreatedWebhookEndpoint { endpoint: endpoint.into(), secret })
    }

    async fn update_webhook_endpoint(&self, ctx: &Context<'_>, id: ID, input: UpdateWebhookEndpointInput) -> GqlResult<WebhookEndpointObj> {
        let id = uuid_id(&id, "webhook endpoint", "id")?;
        let change = EndpointChange { url: input.url, events: input.events, description: input.description, active: input.active };
        Ok(app(ctx).update_webhook_endpoint(principal(ctx)?, id, change).await.gql()?.into())
    }

    /// Deletes an endpoint and its delivery log.
    async fn delete_webhook_endpoint(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let id = uuid_id(&id, "webhook endpoint", "id")?;
        app(ctx).delete_webhook_endpoint(principal(ctx)?, id).await.gql()?;
        Ok(true)
    }

    /// Sends a delivery again now, with its original body and event id.
    async fn replay_webhook_delivery(&self, ctx: &Context<'_>, id: ID) -> GqlResult<WebhookDeliveryObj> {
        let id = uuid_id(&id, "webhook delivery", "id")?;
        Ok(app(ctx).replay_webhook_delivery(principal(ctx)?, id).await.gql()?.into())
    }

    /// Sends a `webhook.test` event to the endpoint now.
    async fn send_test_webhook(&self, ctx: &Context<'_>, endpoint_id: ID) -> GqlResult<WebhookDeliveryObj> {
        let id = uuid_id(&endpoint_id, "webhook endpoint", "endpointId")?;
        Ok(app(ctx).send_test_webhook(principal(ctx)?, id).await.gql()?.into())
    }

    /// Switches optional notification mail on or off for the signed-in user.
    async fn update_my_notification_settings(&self, ctx: &Context<'_>, settings: Vec<NotificationSettingInput>) -> GqlResult<Vec<NotificationSetting>> {
        let changes: Vec<(String, bool)> = settings.into_iter().map(|s| (s.kind, s.enabled)).collect();
        Ok(app(ctx).update_my_notification_settings(principal(ctx)?, &changes).await.gql()?.into_iter().map(Into::into).collect())
    }
}

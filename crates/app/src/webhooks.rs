//! Webhooks for ERP systems.
//!
//! A tenant registers endpoints (an `http(s)` URL, an event filter, a signing secret shown
//! once). Every outbox message that is a business event (not an invitation, a one-time code
//! or a security notice: those carry secrets or are personal) fans out into one delivery per
//! active endpoint whose filter matches, in `webhook_deliveries`; a unique index on
//! (endpoint, outbox message) makes the fan-out idempotent. Deliveries are claimed with a
//! lease like the outbox and retried with exponential backoff.
//!
//! # The request
//!
//! `POST` with a JSON body `{"id", "type", "created_at", "tenant_id", "data"}`, where `id`
//! is the event's id (the same for every endpoint, and on every retry or replay: receivers
//! de-duplicate on it), and the headers
//!
//! - `X-Creditloop-Event`: the event type, e.g. `topup.succeeded`;
//! - `X-Creditloop-Delivery`: the delivery's id;
//! - `X-Creditloop-Signature: t={timestamp},v1={hex}`, where `timestamp` is Unix seconds
//!   and `hex` is the lower-case hex HMAC-SHA256, keyed with the endpoint's secret, of the
//!   bytes `"{timestamp}.{body}"`. Receivers recompute it, compare in constant time, and
//!   refuse timestamps more than a few minutes old (which stops replays by third parties).
//!
//! Any 2xx answer is success; anything else, or no answer within `webhook_timeout_ms`, is
//! retried. Redirects are not followed.

use crate::outbox::Message;
use crate::principal::Principal;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use creditloop_domain::{Permission, TenantId};
use creditloop_ledger::store::{exec, query_all, query_one};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, QueryResult};
use sha2::Sha256;
use uuid::Uuid;

/// Every event an endpoint can subscribe to.
pub const EVENTS: &[&str] = &[
    "credit.received",
    "credit.expiring_soon",
    "topup.succeeded",
    "topup.failed",
    "approval.requested",
    "review.needed",
    "dispute.updated",
    "recycle.settled",
    "cashout.paid",
    "balance.low",
    "export.ready",
];

/// The event a test delivery carries; it ignores endpoint filters.
pub const TEST_EVENT: &str = "webhook.test";
pub const DELIVERY_ATTEMPTS_MAX: i32 = 10;
pub const ENDPOINTS_PER_TENANT_MAX: i64 = 20;
pub const URL_CHARS_MAX: usize = 2000;
const CLAIM_BATCH: u64 = 32;
const LEASE_SECONDS: i64 = 120;
const ERROR_CHARS_MAX: usize = 500;

/// The webhook event of an outbox message, if it is one.
pub fn event_of(message: &Message) -> Option<&'static str> {
    Some(match message {
        Message::Invitation { .. } | Message::OneTimeCode { .. } | Message::SecurityAlert { .. } => return None,
        Message::CreditReceived { .. } => "credit.received",
        Message::ExpiringSoon { .. } => "credit.expiring_soon",
        Message::TopupResult { status, .. } if status == "SUCCEEDED" => "topup.succeeded",
        Message::TopupResult { .. } => "topup.failed",
        Message::ApprovalRequested { .. } => "approval.requested",
        Message::ReviewNeeded { .. } => "review.needed",
        Message::DisputeUpdate { .. } => "dispute.updated",
        Message::RecycleSettled { .. } => "recycle.settled",
        Message::CashoutPaid { .. } => "cashout.paid",
        Message::LowPoolBalance { .. } => "balance.low",
        Message::ExportReady { .. } => "export.ready",
    })
}

/// The value of `X-Creditloop-Signature` for a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps it panic-free.
    let hex = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(format!("{timestamp}.{body}").as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("t={timestamp},v1={hex}")
}

#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub url: String,
    /// Empty: every event.
    pub events: Vec<String>,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    fn from_row(r: &QueryResult) -> AppResult<WebhookEndpoint> {
        let events: String = r.try_get("", "events")?;
        Ok(WebhookEndpoint {
            id: r.try_get("", "id")?,
            url: r.try_get("", "url")?,
            events: events.split(',').filter(|e| !e.is_empty()).map(str::to_owned).collect(),
            description: r.try_get("", "description")?,
            active: r.try_get("", "active")?,
            created_at: r.try_get("", "created_at")?,
            updated_at: r.try_get("", "updated_at")?,
        })
    }

    fn wants(&self, event: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == event)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed].into_iter().find(|d| d.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub outbox_id: Option<Uuid>,
    pub event: String,
    /// The body as sent.
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl WebhookDelivery {
    fn from_row(r: &QueryResult) -> AppResult<WebhookDelivery> {
        let status: String = r.try_get("", "status")?;
        Ok(WebhookDelivery {
            id: r.try_get("", "id")?,
            endpoint_id: r.try_get("", "endpoint_id")?,
            outbox_id: r.try_get("", "outbox_id")?,
            event: r.try_get("", "event")?,
            payload: r.try_get("", "payload")?,
            status: DeliveryStatus::parse(&status).ok_or_else(|| AppError::internal(format!("delivery status {status}")))?,
            attempts: r.try_get("", "attempts")?,
            next_attempt_at: r.try_get("", "next_attempt_at")?,
            last_status_code: r.try_get("", "last_status_code")?,
            last_error: r.try_get("", "last_error")?,
            created_at: r.try_get("", "created_at")?,
            delivered_at: r.try_get("", "delivered_at")?,
        })
    }
}

/// What a new endpoint or a change asks for, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct EndpointChange {
    pub url: Option<String>,
    /// `Some(empty)`: every event.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

fn check_url(url: &str, https_only: bool) -> AppResult<String> {
    let url = url.trim();
    if url.len() > URL_CHARS_MAX {
        return Err(AppError::validation("url", format!("a URL may have at most {URL_CHARS_MAX} characters")));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| AppError::validation("url", format!("not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if !https_only => {}
        "http" => return Err(AppError::validation("url", "webhook URLs must use https")),
        _ => return Err(AppError::validation("url", "webhook URLs must be http(s)")),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(AppError::validation("url", "the URL needs a host"));
    }
    Ok(url.to_owned())
}

fn check_events(events: &[String]) -> AppResult<String> {
    let mut out: Vec<&str> = Vec::new();
    for event in events {
        let known = EVENTS.iter().find(|e| **e == event.trim()).ok_or_else(|| {
            AppError::validation("events", format!("unknown event {event}; known: {}", EVENTS.join(", ")))
        })?;
        if !out.contains(known) {
            out.push(known);
        }
    }
    Ok(out.join(","))
}

fn check_description(description: Option<String>) -> AppResult<Option<String>> {
    match description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()) {
        Some(d) if d.chars().count() > 200 => Err(AppError::validation("description", "at most 200 characters")),
        other => Ok(other),
    }
}

/// Creates one delivery per active endpoint of the tenant that wants this message's event.
/// Idempotent: a retry of the outbox row inserts nothing new.
pub(crate) async fn fan_out(app: &App, outbox_id: Uuid, tenant: TenantId, message: &Message, now: DateTime<Utc>) -> AppResult<usize> {
    let Some(event) = event_of(message) else { return Ok(0) };
    let endpoints = query_all(
        app.db.conn(),
        "SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND active = $2 ORDER BY id",
        vec![tenant.0.into(), true.into()],
    )
    .await?
    .iter()
    .map(WebhookEndpoint::from_row)
    .collect::<AppResult<Vec<_>>>()?;
    let targets: Vec<&WebhookEndpoint> = endpoints.iter().filter(|e| e.wants(event)).collect();
    if targets.is_empty() {
        return Ok(0);
    }
    let body = body(outbox_id, event, tenant, now, message)?;
    let tx = app.db.begin_write().await?;
    let mut created = 0;
    for endpoint in targets {
        created += insert_delivery(&*tx, tenant, endpoint.id, Some(outbox_id), event, &body, now).await?;
    }
    tx.commit().await?;
    Ok(created)
}

fn body(event_id: Uuid, event: &str, tenant: TenantId, now: DateTime<Utc>, message: &Message) -> AppResult<String> {
    let mut data = serde_json::to_value(message)?;
    if let Some(map) = data.as_object_mut() {
        map.remove("type");
    }
    Ok(serde_json::json!({
        "id": event_id,
        "type": event,
        "created_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "tenant_id": tenant.0,
        "data": data,
    })
    .to_string())
}

async fn insert_delivery<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    endpoint: Uuid,
    outbox_id: Option<Uuid>,
    event: &str,
    body: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let inserted = exec(
        c,
        "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, outbox_id, event, payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 0, $7, $7) ON CONFLICT (endpoint_id, outbox_id) DO NOTHING",
        vec![Uuid::now_v7().into(), tenant.0.into(), endpoint.into(), outbox_id.into(), event.into(), body.into(), now.into()],
    )
    .await?;
    Ok(inserted.rows_affected() as usize)
}

/// Backoff after the `attempts`-th failure: 10 s, 20 s, 40 s, … at most an hour.
fn backoff(attempts: i32) -> Duration {
    Duration::seconds((10i64 << (attempts - 1).clamp(0, 9)).min(3600))
}

/// The answer to one call.
struct Outcome {
    status_code: Option<i32>,
    error: Option<String>,
}

impl App {
    fn webhook_client(&self) -> AppResult<reqwest::Client> {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(self.config.notify.webhook_timeout_ms.max(100)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("creditloop-webhooks/1")
            .build()
            .map_err(AppError::internal)
    }

    /// One pass over due deliveries. Returns how many succeeded.
    pub(crate) async fn deliver_webhooks(&self) -> AppResult<usize> {
        let claimed = self.claim_deliveries().await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let client = self.webhook_client()?;
        // Each future owns what it uses, so the pass is `Send` for any spawner.
        let results = futures::future::join_all(claimed.into_iter().map(|(d, url, secret)| {
            let (app, client) = (self.clone(), client.clone());
            async move {
                let outcome = app.call(&client, &d, &url, &secret).await;
                app.record_outcome(&d, outcome).await
            }
        }))
        .await;
        let mut delivered = 0;
        for r in results {
            if r? == DeliveryStatus::Delivered {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    async fn claim_deliveries(&self) -> AppResult<Vec<(WebhookDelivery, String, String)>> {
        let now = self.now();
        let due = query_one(
            self.db.conn(),
            "SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) LIMIT 1",
            vec![now.into()],
        )
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let rows = self.db.claim_due("webhook_deliveries", "*", now, now + Duration::seconds(LEASE_SECONDS), CLAIM_BATCH as u64).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let delivery = WebhookDelivery::from_row(row)?;
            match self.endpoint_target(delivery.endpoint_id).await? {
                Some((url, secret)) => out.push((delivery, url, secret)),
                // The endpoint was deleted or switched off after the fan-out.
                None => {
                    let gone = Outcome { status_code: None, error: Some("the endpoint is inactive or deleted".into()) };
                    self.finish_delivery(&delivery, gone, DeliveryStatus::Failed).await?;
                }
            }
        }
        Ok(out)
    }

    async fn endpoint_target(&self, endpoint: Uuid) -> AppResult<Option<(String, String)>> {
        let row = query_one(
            self.db.conn(),
            "SELECT url, secret FROM webhook_endpoints WHERE id = $1 AND active = $2",
            vec![endpoint.into(), true.into()],
        )
        .await?;
        row.map(|r| Ok((r.try_get("", "url")?, r.try_get("", "secret")?))).transpose()
    }

    async fn call(&self, client: &reqwest::Client, delivery: &WebhookDelivery, url: &str, secret: &str) -> Outcome {
        let timestamp = self.now().timestamp();
        let sent = client
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Creditloop-Event", delivery.event.as_str())
            .header("X-Creditloop-Delivery", delivery.id.to_string())
            .header("X-Creditloop-Signature", signature(secret, timestamp, &delivery.payload))
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Outcome { status_code: Some(i32::from(response.status().as_u16())), error: None },
            Ok(response) => {
                let code = response.status().as_u16();
                Outcome { status_code: Some(i32::from(code)), error: Some(format!("HTTP {code}")) }
            }
            // Without the URL: it may carry credentials in its user-info or query.
            Err(e) => Outcome { status_code: None, error: Some(e.without_url().to_string()) },
        }
    }

    async fn record_outcome(&self, delivery: &WebhookDelivery, outcome: Outcome) -> AppResult<DeliveryStatus> {
        let status = match (&outcome.error, delivery.attempts >= DELIVERY_ATTEMPTS_MAX) {
            (None, _) => DeliveryStatus::Delivered,
            (Some(_), true) => {
                tracing::error!(delivery_id = %delivery.id, attempts = delivery.attempts, "giving up on a webhook delivery");
                DeliveryStatus::Failed
            }
            // A replay of a delivery that had already failed for good stays failed.
            (Some(_), false) if delivery.status == DeliveryStatus::Failed => DeliveryStatus::Failed,
            (Some(_), false) => DeliveryStatus::Pending,
        };
        self.finish_delivery(delivery, outcome, status).await?;
        Ok(status)
    }

    async fn finish_delivery(&self, delivery: &WebhookDelivery, outcome: Outcome, status: DeliveryStatus) -> AppResult<()> {
        let now = self.now();
        let error = outcome.error.map(|e| e.chars().take(ERROR_CHARS_MAX).collect::<String>());
        let delivered_at = (status == DeliveryStatus::Delivered).then_some(now);
        let next = if status == DeliveryStatus::Pending { now + backoff(delivery.attempts) } else { delivery.next_attempt_at };
        self.write(
            "UPDATE webhook_deliveries SET status = $1, last_status_code = $2, last_error = $3, locked_until = NULL, \
             next_attempt_at = $4, delivered_at = COALESCE($5, delivered_at) WHERE id = $6",
            vec![status.as_str().into(), outcome.status_code.into(), error.into(), next.into(), delivered_at.into(), delivery.id.into()],
        )
        .await
    }

    /// Sends a delivery now, whatever its state, and records the answer. The body (and so
    /// the event id) is the original one, so a receiver recognises a replay.
    async fn send_now(&self, tenant: TenantId, id: Uuid) -> AppResult<WebhookDelivery> {
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let row = query_one(
            &*tx,
            "UPDATE webhook_deliveries SET attempts = attempts + 1, locked_until = $1 WHERE tenant_id = $2 AND id = $3 RETURNING *",
            vec![(now + Duration::seconds(LEASE_SECONDS)).into(), tenant.0.into(), id.into()],
        )
        .await?
        .ok_or_else(|| AppError::not_found("webhook delivery"))?;
        tx.commit().await?;
        let delivery = WebhookDelivery::from_row(&row)?;
        let outcome = match self.endpoint_target_any(delivery.endpoint_id).await? {
            Some((url, secret)) => self.call(&self.webhook_client()?, &delivery, &url, &secret).await,
            None => Outcome { status_code: None, error: Some("the endpoint was deleted".into()) },
        };
        self.record_outcome(&delivery, outcome).await?;
        self.delivery_of(tenant, id).await
    }

    /// The endpoint's target even when it is switched off: a replay or a test is explicit.
    async fn endpoint_target_any(&self, endpoint: Uuid) -> AppResult<Option<(String, String)>> {
        let row = query_one(self.db.conn(), "SELECT url, secret FROM webhook_endpoints WHERE id = $1", vec![endpoint.into()]).await?;
        row.map(|r| Ok((r.try_get("", "url")?, r.try_get("", "secret")?))).transpose()
    }

    async fn delivery_of(&self, tenant: TenantId, id: Uuid) -> AppResult<WebhookDelivery> {
        let row = query_one(self.db.conn(), "SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("webhook delivery"))?;
        WebhookDelivery::from_row(&row)
    }

    async fn endpoint_of(&self, tenant: TenantId, id: Uuid) -> AppResult<WebhookEndpoint> {
        let row = query_one(self.db.conn(), "SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("webhook endpoint").at("id"))?;
        WebhookEndpoint::from_row(&row)
    }

    pub async fn webhook_endpoints(&self, principal: &Principal) -> AppResult<Vec<WebhookEndpoint>> {
        principal.require(Permission::WebhooksManage)?;
        query_all(self.db.conn(), "SELECT * FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id", vec![principal.tenant.0.into()])
            .await?
            .iter()
            .map(WebhookEndpoint::from_row)
            .collect()
    }

    /// Registers an endpoint. Returns it with its signing secret, which is shown only here.
    pub async fn create_webhook_endpoint(&self, principal: &Principal, input: EndpointChange) -> AppResult<(WebhookEndpoint, String)> {
        principal.require(Permission::WebhooksManage)?;
        let url = check_url(input.url.as_deref().unwrap_or_default(), self.config.notify.webhook_https_only)?;
        let events = check_events(&input.events.unwrap_or_default())?;
        let description = check_description(input.description)?;
        let secret = crate::auth::new_secret("whsec_");
        let id = Uuid::now_v7();
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let result = async {
            let count = query_one(&*tx, "SELECT COUNT(*) AS n FROM webhook_endpoints WHERE tenant_id = $1", vec![principal.tenant.0.into()])
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if count >= ENDPOINTS_PER_TENANT_MAX {
                return Err(AppError::limit(format!("a tenant may have at most {ENDPOINTS_PER_TENANT_MAX} webhook endpoints")));
            }
            exec(
                &*tx,
                "INSERT INTO webhook_endpoints (id, tenant_id, url, secret, events, description, active, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                vec![
                    id.into(),
                    principal.tenant.0.into(),
                    url.clone().into(),
                    secret.clone().into(),
                    events.clone().into(),
                    description.clone().into(),
                    input.active.unwrap_or(true).into(),
                    principal.label().into(),
                    now.into(),
                ],
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "webhooks.create", Some(format!("webhook:{id} {url}")), result).await?;
        Ok((self.endpoint_of(principal.tenant, id).await?, secret))
    }

    pub async fn update_webhook_endpoint(&self, principal: &Principal, id: Uuid, change: EndpointChange) -> AppResult<WebhookEndpoint> {
        principal.require(Permission::WebhooksManage)?;
        let current = self.endpoint_of(principal.tenant, id).await?;
        let url = match change.url {
            Some(u) => check_url(&u, self.config.notify.webhook_https_only)?,
            None => current.url.clone(),
        };
        let events = match change.events {
            Some(e) => check_events(&e)?,
            None => current.events.join(","),
        };
        let description = match change.description {
            Some(d) => check_description(Some(d))?,
            None => current.description.clone(),
        };
        let active = change.active.unwrap_or(current.active);
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let result = exec(
            &*tx,
            "UPDATE webhook_endpoints SET url = $1, events = $2, description = $3, active = $4, updated_at = $5 WHERE tenant_id = $6 AND id = $7",
            vec![url.into(), events.into(), description.into(), active.into(), now.into(), principal.tenant.0.into(), id.into()],
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
        self.finish(tx, principal, "webhooks.update", Some(format!("webhook:{id} active={active}")), result).await?;
        self.endpoint_of(principal.tenant, id).await
    }

    /// Deletes an endpoint and its delivery log.
    pub async fn delete_webhook_endpoint(&self, principal: &Principal, id: Uuid) -> AppResult<()> {
        principal.require(Permission::WebhooksManage)?;
        self.endpoint_of(principal.tenant, id).await?;
        let tx = self.db.begin_write().await?;
        let result = async {
            exec(&*tx, "DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2", vec![principal.tenant.0.into(), id.into()]).await?;
            exec(&*tx, "DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2", vec![principal.tenant.0.into(), id.into()]).await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "webhooks.delete", Some(format!("webhook:{id}")), result).await
    }

    /// The delivery log, newest first; `after` is the last id of the previous page.
    pub async fn webhook_deliveries(
        &self,
        principal: &Principal,
        endpoint: Option<Uuid>,
        status: Option<DeliveryStatus>,
        after: Option<Uuid>,
        limit: u64,
    ) -> AppResult<(Vec<WebhookDelivery>, i64)> {
        principal.require(Permission::WebhooksManage)?;
        let filter = "tenant_id = $1 AND ($2 IS NULL OR endpoint_id = $2) AND ($3 IS NULL OR status = $3)";
        let base = vec![principal.tenant.0.into(), endpoint.into(), status.map(|s| s.as_str().to_owned()).into()];
        let mut values = base.clone();
        values.push(after.into());
        values.push((limit as i64).into());
        let rows = query_all(
            self.db.conn(),
            &format!("SELECT * FROM webhook_deliveries WHERE {filter} AND ($4 IS NULL OR id < $4) ORDER BY id DESC LIMIT $5"),
            values,
        )
        .await?;
        let total = query_one(self.db.conn(), &format!("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE {filter}"), base)
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok((rows.iter().map(WebhookDelivery::from_row).collect::<AppResult<_>>()?, total))
    }

    /// Sends a delivery again now, whatever its state (the operator asked for it).
    pub async fn replay_webhook_delivery(&self, principal: &Principal, id: Uuid) -> AppResult<WebhookDelivery> {
        principal.require(Permission::WebhooksManage)?;
        self.delivery_of(principal.tenant, id).await?;
        let delivery = self.send_now(principal.tenant, id).await?;
        self.audit_ok(principal, "webhooks.replay", format!("delivery:{id} {}", delivery.status.as_str())).await?;
        Ok(delivery)
    }

    /// Sends a `webhook.test` event to an endpoint now (switched off or not), and leaves it
    /// in the delivery log like any other (retried if it fails).
    pub async fn send_test_webhook(&self, principal: &Principal, endpoint: Uuid) -> AppResult<WebhookDelivery> {
        principal.require(Permission::WebhooksManage)?;
        self.endpoint_of(principal.tenant, endpoint).await?;
        let now = self.now();
        let id = Uuid::now_v7();
        let body = serde_json::json!({
            "id": id,
            "type": TEST_EVENT,
            "created_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "tenant_id": principal.tenant.0,
            "data": { "message": "This is a test event from creditloop." },
        })
        .to_string();
        let tx = self.db.begin_write().await?;
        exec(
            &*tx,
            "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, outbox_id, event, payload, status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, NULL, $4, $5, 'PENDING', 0, $6, $6)",
            vec![id.into(), principal.tenant.0.into(), endpoint.into(), TEST_EVENT.into(), body.into(), now.into()],
        )
        .await?;
        tx.commit().await?;
        let delivery = self.send_now(principal.tenant, id).await?;
        self.audit_ok(principal, "webhooks.test", format!("webhook:{endpoint} {}", delivery.status.as_str())).await?;
        Ok(delivery)
    }

    /// Audits an operation whose effect happened outside one transaction (an HTTP call).
    async fn audit_ok(&self, principal: &Principal, action: &str, target: String) -> AppResult<()> {
        let tx = self.db.begin_write().await?;
        self.finish(tx, principal, action, Some(target), Ok(())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_become_webhook_events() {
        let code = Message::OneTimeCode {
            user_id: creditloop_domain::UserId::generate(),
            email: "a@b.test".into(),
            locale: "en".into(),
            phone: "138****0001".into(),
            code: "123456".into(),
        };
        assert_eq!(event_of(&code), None);
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://erp.example.com/hook", true).is_ok());
        assert!(check_url("http://erp.example.com/hook", true).is_err());
        assert!(check_url("http://127.0.0.1:9000/hook", false).is_ok());
        assert!(check_url("ftp://erp.example.com/", false).is_err());
        assert!(check_url("not a url", false).is_err());
    }

    #[test]
    fn the_signature_is_over_timestamp_dot_body() {
        // RFC 4231-style sanity check against a known HMAC-SHA256 value.
        let header = signature("key", 1, "body");
        assert!(header.starts_with("t=1,v1=") && header.len() == "t=1,v1=".len() + 64);
    }
}

//! Delivering the outbox: email to people, and (through [`crate::webhooks`]) HTTP callbacks
//! to ERP systems.
//!
//! Rows are written by the use-cases in the same transaction as their event. A pass claims
//! due `PENDING` rows with a lease (`locked_until`, and `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), so replicas share the work and a crashed worker's rows are taken over when
//! the lease lapses: nothing is lost. For each row it fans out one webhook delivery per
//! matching endpoint (a unique index makes that idempotent), resolves the recipients, sends
//! one mail per recipient, and marks the row `DONE`. Failures retry with exponential backoff
//! up to [`MAIL_ATTEMPTS_MAX`] attempts, then the row is `FAILED` with `last_error`.
//!
//! Sent at most once, as far as a database can promise it: every mail the server accepts is
//! recorded in `outbox_sends` (outbox id, recipient) in its own statement right after the
//! SMTP transaction, and a retry skips recorded recipients. The remaining window is a crash
//! (or a failed write) between the server's "250 OK" and that insert: the mail is then sent
//! again on retry, with the *same* `Message-ID` (derived from the outbox id and the
//! recipient), so receiving systems and mail clients that de-duplicate on `Message-ID` show
//! it once. In the default start, without `smtp_url`, mail is written to `mail_dir` as
//! `.eml` files named after the same id, so a retry overwrites rather than duplicates.
//!
//! Secrets in messages (invitation tokens, one-time codes) go into the mail body only:
//! nothing here logs a payload, a rendered body or a `Message` with `{:?}`.

#[path = "mail/mod.rs"]
mod mail;

use crate::outbox::Message;
use crate::principal::Principal;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Fen, Permission, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::store::{exec, query_all, query_one};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::{QueryResult, Value};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;

/// Attempts per outbox message before it is given up as `FAILED`.
pub const MAIL_ATTEMPTS_MAX: i32 = 10;
/// Outbox rows one pass claims.
pub const CLAIM_BATCH: u64 = 32;
/// Mails sent at the same time within a pass.
const SEND_CONCURRENCY: usize = 4;
/// How long a claim lasts; a little more than the slowest send (the SMTP timeout).
const LEASE_SECONDS: i64 = 120;
/// Lots examined per "expiring soon" batch.
const EXPIRY_BATCH: u64 = 500;

/// The SMTP server URL. It may carry a user name and password, so its `Debug` shows only
/// the scheme and the host.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn new(url: impl Into<String>) -> SmtpUrl {
        SmtpUrl(url.into())
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("?", &self.0));
        let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
        write!(f, "{scheme}://***@{host}")
    }
}

/// Mail and webhook settings.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// `smtp://user:pass@host:port` (plain, or `?tls=required` for STARTTLS) or
    /// `smtps://...`. Unset: mail is written to `mail_dir` as `.eml` files.
    pub smtp_url: Option<SmtpUrl>,
    /// The `From` of every mail, e.g. `creditloop <noreply@example.com>`.
    pub mail_from: String,
    pub mail_dir: PathBuf,
    /// The web app's address, for links in mail.
    pub public_url: String,
    /// "Expiring soon" goes out for lots that expire within this many days.
    pub expiry_notice_days: i64,
    /// How long one SMTP send may take.
    pub mail_timeout_ms: u64,
    /// How long one webhook call may take.
    pub webhook_timeout_ms: u64,
    /// Refuse `http://` webhook URLs (production).
    pub webhook_https_only: bool,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            smtp_url: None,
            mail_from: "creditloop <noreply@creditloop.localhost>".into(),
            mail_dir: PathBuf::from("./data/mail"),
            public_url: "http://127.0.0.1:8080".into(),
            expiry_notice_days: 7,
            mail_timeout_ms: 10_000,
            webhook_timeout_ms: 10_000,
            webhook_https_only: false,
        }
    }
}

impl NotifyConfig {
    /// Checks the settings once at startup, so that a typo fails the start instead of every
    /// mail.
    pub fn check(&self) -> Result<(), String> {
        self.mail_from.parse::<Mailbox>().map_err(|e| format!("mail_from: {e}"))?;
        if let Some(url) = &self.smtp_url {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0).map_err(|e| format!("smtp_url: {e}"))?;
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err("public_url must start with http:// or https://".into());
        }
        if !(1..=365).contains(&self.expiry_notice_days) {
            return Err("expiry_notice_days must be between 1 and 365".into());
        }
        Ok(())
    }
}

/// Where mail goes.
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    fn from_config(config: &NotifyConfig) -> Result<Transport, String> {
        match &config.smtp_url {
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0).map_err(|e| format!("smtp_url: {e}"))?;
                let timeout = std::time::Duration::from_millis(config.mail_timeout_ms.max(100));
                Ok(Transport::Smtp(builder.timeout(Some(timeout)).build()))
            }
            None => Ok(Transport::Files(config.mail_dir.clone())),
        }
    }

    async fn send(&self, message: lettre::Message, file_stem: &str) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| format!("smtp: {e}")),
            Transport::Files(dir) => {
                // Written under a temporary name and renamed, so a reader never sees half a
                // mail; the name comes from the outbox id, so a retry overwrites.
                tokio::fs::create_dir_all(dir).await.map_err(|e| format!("mail_dir {}: {e}", dir.display()))?;
                let path = dir.join(format!("{file_stem}.eml"));
                let partial = dir.join(format!(".{file_stem}.eml.partial"));
                tokio::fs::write(&partial, message.formatted()).await.map_err(|e| format!("writing {}: {e}", partial.display()))?;
                tokio::fs::rename(&partial, &path).await.map_err(|e| format!("writing {}: {e}", path.display()))
            }
        }
    }
}

/// A claimed outbox row.
struct OutboxRow {
    id: Uuid,
    tenant: TenantId,
    payload: String,
    attempts: i32,
}

/// Who receives a message.
enum Audience {
    User(UserId),
    /// The tenant's active FINANCE users.
    Finance,
}

struct Recipient {
    user_id: UserId,
    email: String,
    name: String,
    locale: String,
}

/// The kinds of mail a user may switch off, with what they are. Invitations, one-time codes
/// and security notices are not among them: they cannot be switched off.
pub const OPTIONAL_KINDS: &[(&str, &str)] = &[
    ("credit_received", "Credit arrived in your wallet."),
    ("expiring_soon", "Credit in your wallet expires soon."),
    ("topup_result", "A top-up was delivered or failed."),
    ("dispute_update", "A dispute you opened changed."),
    ("cashout_paid", "A cash-out was paid."),
    ("export_ready", "An export you asked for is ready."),
    ("approval_requested", "A purchase waits for approval (finance)."),
    ("review_needed", "An item waits in the review queue (finance)."),
    ("recycle_settled", "A recycle settled (finance)."),
    ("low_pool_balance", "The credit pool is low (finance)."),
];

/// The kinds that are always sent.
pub const MANDATORY_KINDS: &[(&str, &str)] = &[
    ("invitation", "Invitations to set a password."),
    ("one_time_code", "One-time codes for top-ups."),
    ("security_alert", "Security notices about your account."),
];

/// The preference name of a message (its outbox kind without `email.`).
fn preference_kind(message: &Message) -> &'static str {
    let kind = message.kind();
    kind.strip_prefix("email.").unwrap_or(kind)
}

fn is_optional(kind: &str) -> bool {
    OPTIONAL_KINDS.iter().any(|(k, _)| *k == kind)
}

fn audience(message: &Message) -> Audience {
    match message {
        Message::Invitation { user_id, .. }
        | Message::OneTimeCode { user_id, .. }
        | Message::TopupResult { user_id, .. }
        | Message::DisputeUpdate { user_id, .. }
        | Message::CreditReceived { user_id, .. }
        | Message::ExpiringSoon { user_id, .. }
        | Message::CashoutPaid { user_id, .. }
        | Message::ExportReady { user_id, .. }
        | Message::SecurityAlert { user_id, .. } => Audience::User(*user_id),
        Message::ApprovalRequested { .. }
        | Message::ReviewNeeded { .. }
        | Message::RecycleSettled { .. }
        | Message::LowPoolBalance { .. } => Audience::Finance,
    }
}

/// A short, stable tag of a recipient for file names and `Message-ID`s (no address in them).
fn recipient_tag(email: &str) -> String {
    hex::encode(&Sha256::digest(email.to_lowercase().as_bytes())[..6])
}

/// Backoff after the `attempts`-th failure: 30 s, 1 min, 2 min, … at most an hour.
fn mail_backoff(attempts: i32) -> Duration {
    Duration::seconds((30i64 << (attempts - 1).clamp(0, 7)).min(3600))
}

/// One user's choice for one kind of mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSetting {
    pub kind: String,
    pub description: String,
    pub enabled: bool,
    /// Always sent; cannot be switched off.
    pub mandatory: bool,
}

impl App {
    /// The same app, sending mail to this SMTP server instead of the configured transport
    /// (tests point it at an in-process server).
    pub fn with_mailer(mut self, smtp_url: &str) -> App {
        let mut config = (*self.config).clone();
        config.notify.smtp_url = Some(SmtpUrl::new(smtp_url));
        self.config = Arc::new(config);
        self
    }

    /// Delivers due outbox messages (mail and webhook fan-out), queues "expiring soon"
    /// notices once a day, and delivers due webhook calls. Returns how many outbox messages
    /// were completed in this pass.
    pub async fn deliver_notifications(&self) -> AppResult<usize> {
        if let Err(e) = self.notify_expiring_lots().await {
            tracing::warn!(error = %e, "expiring-soon job failed");
        }
        let done = self.deliver_outbox().await?;
        self.deliver_webhooks().await?;
        Ok(done)
    }

    async fn deliver_outbox(&self) -> AppResult<usize> {
        let rows = self.claim_outbox().await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let transport = match Transport::from_config(&self.config.notify) {
            Ok(t) => t,
            Err(e) => {
                // A bad transport is an operating condition: every row retries later.
                for row in &rows {
                    self.outbox_failed(row, &e).await?;
                }
                return Ok(0);
            }
        };
        let mut done = 0;
        // A few at a time: enough to overlap SMTP round trips, few enough for a small server.
        // Each future owns what it uses, so the pass is `Send` for any spawner.
        let transport = Arc::new(transport);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<OutboxRow> = rows.by_ref().take(SEND_CONCURRENCY).collect();
            let outcomes = futures::future::join_all(chunk.into_iter().map(|row| {
                let (app, transport) = (self.clone(), transport.clone());
                async move { app.deliver_and_record(&transport, &row).await }
            }))
            .await;
            for outcome in outcomes {
                if outcome? {
                    done += 1;
                }
            }
        }
        Ok(done)
    }

    async fn deliver_and_record(&self, transport: &Transport, row: &OutboxRow) -> AppResult<bool> {
        match self.deliver_row(transport, row).await {
            Ok(()) => {
                self.outbox_done(row).await?;
                Ok(true)
            }
            Err(e) => {
                self.outbox_failed(row, &e).await?;
                Ok(false)
            }
        }
    }

    async fn claim_outbox(&self) -> AppResult<Vec<OutboxRow>> {
        let now = self.now();
        // A read first, so that an idle worker does not take SQLite's writer lock four
        // times a second.
        let due = query_one(
            self.db.conn(),
            "SELECT id FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) LIMIT 1",
            vec![now.into()],
        )
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let rows = self.db.claim_due("outbox", "id, tenant_id, payload, attempts", now, now + Duration::seconds(LEASE_SECONDS), CLAIM_BATCH as u64).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: r.try_get("", "id")?,
                    tenant: TenantId(r.try_get("", "tenant_id")?),
                    payload: r.try_get("", "payload")?,
                    attempts: r.try_get("", "attempts")?,
                })
            })
            .collect()
    }

    /// Fans the message out to webhooks and mails every recipient not yet served. An `Err`
    /// is the reason to retry, safe to store and log (it never contains the body).
    async fn deliver_row(&self, transport: &Transport, row: &OutboxRow) -> Result<(), String> {
        let message: Message = serde_json::from_str(&row.payload).map_err(|e| format!("unreadable payload: {e}"))?;
        let now = self.now();
        crate::webhooks::fan_out(self, row.id, row.tenant, &message, now).await.map_err(|e| e.to_string())?;
        let recipients = self.recipients(row.tenant, &message).await.map_err(|e| e.to_string())?;
        let kind = preference_kind(&message);
        for recipient in recipients {
            if self.already_sent(row.id, &recipient.email).await.map_err(|e| e.to_string())? {
                continue;
            }
            if is_optional(kind) && !self.wants(row.tenant, recipient.user_id, kind).await.map_err(|e| e.to_string())? {
                continue;
            }
            let facts = self.facts(row.tenant, &message, &recipient, is_optional(kind)).await.map_err(|e| e.to_string())?;
            let rendered = mail::render(&message, mail::Lang::of(&recipient.locale), &facts);
            let tag = recipient_tag(&recipient.email);
            let message_id = format!("<{}.{tag}@{}>", row.id, self.mail_domain());
            let mail = self.build_mail(&recipient, &message_id, rendered)?;
            transport.send(mail, &format!("{}-{tag}", row.id)).await?;
            self.record_sent(row, &recipient.email, &message_id).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn mail_domain(&self) -> String {
        self.config
            .notify
            .mail_from
            .parse::<Mailbox>()
            .map(|m| m.email.domain().to_owned())
            .unwrap_or_else(|_| "creditloop.localhost".into())
    }

    fn build_mail(&self, recipient: &Recipient, message_id: &str, rendered: mail::Rendered) -> Result<lettre::Message, String> {
        let from: Mailbox = self.config.notify.mail_from.parse().map_err(|e| format!("mail_from: {e}"))?;
        let address = recipient.email.parse().map_err(|e| format!("recipient address: {e}"))?;
        lettre::Message::builder()
            .from(from)
            .to(Mailbox::new(Some(recipient.name.clone()), address))
            .subject(rendered.subject)
            .message_id(Some(message_id.to_owned()))
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| format!("building the mail: {e}"))
    }

    async fn recipients(&self, tenant: TenantId, message: &Message) -> AppResult<Vec<Recipient>> {
        let to_recipient = |r: &QueryResult| -> AppResult<Recipient> {
            Ok(Recipient {
                user_id: UserId(r.try_get("", "id")?),
                email: r.try_get("", "email")?,
                name: r.try_get("", "name")?,
                locale: r.try_get("", "locale")?,
            })
        };
        let rows = match audience(message) {
            Audience::User(user) => {
                query_all(
                    self.db.conn(),
                    "SELECT id, email, name, locale FROM users WHERE tenant_id = $1 AND id = $2 AND status <> 'DEACTIVATED'",
                    vec![tenant.0.into(), user.0.into()],
                )
                .await?
            }
            Audience::Finance => {
                let finance = i32::from(RoleSet::empty().with(Role::Finance).bits());
                query_all(
                    self.db.conn(),
                    "SELECT id, email, name, locale FROM users WHERE tenant_id = $1 AND status = 'ACTIVE' AND (roles & $2) <> 0 ORDER BY id",
                    vec![tenant.0.into(), finance.into()],
                )
                .await?
            }
        };
        rows.iter().map(to_recipient).collect()
    }

    async fn facts(&self, tenant: TenantId, message: &Message, recipient: &Recipient, optional: bool) -> AppResult<mail::Facts> {
        let row = query_one(self.db.conn(), "SELECT name, timezone FROM tenants WHERE id = $1", vec![tenant.0.into()])
            .await?
            .ok_or_else(|| AppError::not_found("tenant"))?;
        let timezone: String = row.try_get("", "timezone")?;
        let topup = match message {
            Message::TopupResult { topup_id, .. } => query_one(
                self.db.conn(),
                "SELECT phone, amount FROM topups WHERE tenant_id = $1 AND id = $2",
                vec![tenant.0.into(), (*topup_id).into()],
            )
            .await?
            .map(|r| {
                let phone: String = r.try_get("", "phone")?;
                let masked = PhoneNumber::parse(&phone).map(|p| p.masked()).unwrap_or_else(|_| "***".into());
                Ok::<_, AppError>((masked, Fen::new(r.try_get("", "amount")?).to_string()))
            })
            .transpose()?,
            _ => None,
        };
        Ok(mail::Facts {
            public_url: self.config.notify.public_url.clone(),
            tenant_name: row.try_get("", "name")?,
            timezone: timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
            name: recipient.name.clone(),
            topup,
            optional,
        })
    }

    async fn already_sent(&self, outbox: Uuid, email: &str) -> AppResult<bool> {
        let row = query_one(
            self.db.conn(),
            "SELECT outbox_id FROM outbox_sends WHERE outbox_id = $1 AND recipient = $2",
            vec![outbox.into(), email.to_lowercase().into()],
        )
        .await?;
        Ok(row.is_some())
    }

    async fn record_sent(&self, row: &OutboxRow, email: &str, message_id: &str) -> AppResult<()> {
        self.write(
            "INSERT INTO outbox_sends (outbox_id, recipient, tenant_id, message_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (outbox_id, recipient) DO NOTHING",
            vec![row.id.into(), email.to_lowercase().into(), row.tenant.0.into(), message_id.into(), self.now().into()],
        )
        .await
    }

    async fn outbox_done(&self, row: &OutboxRow) -> AppResult<()> {
        self.write(
            "UPDATE outbox SET status = 'DONE', done_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2 AND status = 'PENDING'",
            vec![self.now().into(), row.id.into()],
        )
        .await
    }

    async fn outbox_failed(&self, row: &OutboxRow, error: &str) -> AppResult<()> {
        let now = self.now();
        let error: String = error.chars().take(1000).collect();
        if row.attempts >= MAIL_ATTEMPTS_MAX {
            tracing::error!(outbox_id = %row.id, attempts = row.attempts, error = %error, "giving up on an outbox message");
            return self
                .write(
                    "UPDATE outbox SET status = 'FAILED', last_error = $1, locked_until = NULL, done_at = $2 WHERE id = $3 AND status = 'PENDING'",
                    vec![error.into(), now.into(), row.id.into()],
                )
                .await;
        }
        tracing::warn!(outbox_id = %row.id, attempts = row.attempts, error = %error, "outbox delivery failed; will retry");
        self.write(
            "UPDATE outbox SET last_error = $1, locked_until = NULL, next_attempt_at = $2 WHERE id = $3 AND status = 'PENDING'",
            vec![error.into(), (now + mail_backoff(row.attempts)).into(), row.id.into()],
        )
        .await
    }

    /// One statement in its own write transaction (SQLite's single writer goes through
    /// [`creditloop_ledger::Db::begin_write`]).
    pub(crate) async fn write(&self, sql: &str, values: Vec<Value>) -> AppResult<()> {
        let tx = self.db.begin_write().await?;
        exec(&*tx, sql, values).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn wants(&self, tenant: TenantId, user: UserId, kind: &str) -> AppResult<bool> {
        let row = query_one(
            self.db.conn(),
            "SELECT enabled FROM notification_preferences WHERE tenant_id = $1 AND user_id = $2 AND kind = $3",
            vec![tenant.0.into(), user.0.into(), kind.into()],
        )
        .await?;
        Ok(match row {
            Some(r) => r.try_get("", "enabled")?,
            None => true,
        })
    }

    /// Once a day: an "expiring soon" mail for every wallet lot with free credit that
    /// expires within `expiry_notice_days`, once per lot (`expiry_notices` is the guard,
    /// written in the same transaction as the outbox row).
    async fn notify_expiring_lots(&self) -> AppResult<usize> {
        let now = self.now();
        let last = query_one(self.db.conn(), "SELECT last_run_at FROM notify_jobs WHERE name = 'expiring_soon'", vec![]).await?;
        if let Some(row) = last {
            let at: DateTime<Utc> = row.try_get("", "last_run_at")?;
            if at > now - Duration::days(1) {
                return Ok(0);
            }
        }
        let claimed = {
            let tx = self.db.begin_write().await?;
            exec(
                &*tx,
                "INSERT INTO notify_jobs (name, last_run_at) VALUES ('expiring_soon', $1) ON CONFLICT (name) DO NOTHING",
                vec![(now - Duration::days(2)).into()],
            )
            .await?;
            let n = exec(
                &*tx,
                "UPDATE notify_jobs SET last_run_at = $1 WHERE name = 'expiring_soon' AND last_run_at <= $2",
                vec![now.into(), (now - Duration::days(1)).into()],
            )
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        };
        if !claimed {
            return Ok(0);
        }
        let horizon = now + Duration::days(self.config.notify.expiry_notice_days);
        let mut queued = 0;
        loop {
            let lots = query_all(
                self.db.conn(),
                "SELECT l.id, l.tenant_id, l.remaining - l.held AS free, l.expires_at, a.owner FROM lots l \
                 JOIN accounts a ON a.id = l.account_id \
                 WHERE a.kind = 'WALLET' AND l.remaining - l.held > 0 AND l.expires_at > $1 AND l.expires_at <= $2 \
                 AND NOT EXISTS (SELECT 1 FROM expiry_notices n WHERE n.lot_id = l.id) ORDER BY l.id LIMIT $3",
                vec![now.into(), horizon.into(), (EXPIRY_BATCH as i64).into()],
            )
            .await?;
            if lots.is_empty() {
                return Ok(queued);
            }
            let tx = self.db.begin_write().await?;
            for lot in &lots {
                let id: Uuid = lot.try_get("", "id")?;
                let tenant = TenantId(lot.try_get("", "tenant_id")?);
                let owner: String = lot.try_get("", "owner")?;
                let Ok(user) = Uuid::parse_str(&owner) else { continue };
                let inserted = exec(
                    &*tx,
                    "INSERT INTO expiry_notices (lot_id, tenant_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (lot_id) DO NOTHING",
                    vec![id.into(), tenant.0.into(), now.into()],
                )
                .await?
                .rows_affected();
                if inserted == 1 {
                    let message = Message::ExpiringSoon {
                        user_id: UserId(user),
                        lot_id: id,
                        amount: Fen::new(lot.try_get("", "free")?).to_string(),
                        expires_at: lot.try_get("", "expires_at")?,
                    };
                    crate::outbox::enqueue(&*tx, tenant, message, now).await?;
                    queued += 1;
                }
            }
            tx.commit().await?;
            if (lots.len() as u64) < EXPIRY_BATCH {
                return Ok(queued);
            }
        }
    }

    /// The signed-in user's notification choices: every kind, optional ones with their
    /// setting, mandatory ones always on.
    pub async fn my_notification_settings(&self, principal: &Principal) -> AppResult<Vec<NotificationSetting>> {
        principal.require(Permission::NotificationsOwn)?;
        let user = principal.require_user()?;
        let rows = query_all(
            self.db.conn(),
            "SELECT kind, enabled FROM notification_preferences WHERE tenant_id = $1 AND user_id = $2",
            vec![principal.tenant.0.into(), user.0.into()],
        )
        .await?;
        let mut stored = std::collections::HashMap::new();
        for r in &rows {
            stored.insert(r.try_get::<String>("", "kind")?, r.try_get::<bool>("", "enabled")?);
        }
        let optional = OPTIONAL_KINDS.iter().map(|(kind, description)| NotificationSetting {
            kind: (*kind).to_owned(),
            description: (*description).to_owned(),
            enabled: stored.get(*kind).copied().unwrap_or(true),
            mandatory: false,
        });
        let mandatory = MANDATORY_KINDS.iter().map(|(kind, description)| NotificationSetting {
            kind: (*kind).to_owned(),
            description: (*description).to_owned(),
            enabled: true,
            mandatory: true,
        });
        Ok(optional.chain(mandatory).collect())
    }

    /// Changes the signed-in user's choices. Switching off a mandatory kind is refused.
    pub async fn update_my_notification_settings(&self, principal: &Principal, changes: &[(String, bool)]) -> AppResult<Vec<NotificationSetting>> {
        principal.require(Permission::NotificationsOwn)?;
        let user = principal.require_user()?;
        for (kind, enabled) in changes {
            if MANDATORY_KINDS.iter().any(|(k, _)| k == kind) {
                if !enabled {
                    return Err(AppError::validation("settings", format!("{kind} mail cannot be switched off")));
                }
            } else if !is_optional(kind) {
                return Err(AppError::validation("settings", format!("unknown notification kind {kind}")));
            }
        }
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let result = async {
            for (kind, enabled) in changes.iter().filter(|(k, _)| is_optional(k)) {
                exec(
                    &*tx,
                    "INSERT INTO notification_preferences (tenant_id, user_id, kind, enabled, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
                    vec![principal.tenant.0.into(), user.0.into(), kind.clone().into(), (*enabled).into(), now.into()],
                )
                .await?;
            }
            Ok(())
        }
        .await;
        let detail = changes.iter().map(|(k, e)| format!("{k}={e}")).collect::<Vec<_>>().join(",");
        self.finish(tx, principal, "notifications.update", Some(detail), result).await?;
        self.my_notification_settings(principal).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_password_stays_out_of_debug_output() {
        let shown = format!("{:?}", SmtpUrl::new("smtps://mailer:s3cret@mail.example.com:465"));
        assert_eq!(shown, "smtps://***@mail.example.com:465");
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert_eq!(mail_backoff(1), Duration::seconds(30));
        assert_eq!(mail_backoff(2), Duration::seconds(60));
        assert_eq!(mail_backoff(10), Duration::seconds(3600));
    }

    #[test]
    fn every_message_kind_is_either_optional_or_mandatory() {
        let all: Vec<&str> = OPTIONAL_KINDS.iter().chain(MANDATORY_KINDS).map(|(k, _)| *k).collect();
        assert_eq!(all.len(), 13);
    }
}

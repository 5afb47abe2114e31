//! Email from the outbox, received by a real SMTP server inside the test process: content in
//! both languages, preferences, the file transport, and an SMTP outage that loses and
//! doubles nothing.

use creditloop_app::App;
use creditloop_tests::{both, s, TestApp};
use mailin_embedded::{response, Handler, Response, Server};
use serde_json::json;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

/// One mail as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_lowercase());
        let mut lines = self.raw.split("\r\n").skip_while(|l| !l.to_lowercase().starts_with(&prefix));
        let first = lines.next()?;
        let mut value = first[prefix.len()..].trim().to_owned();
        // Folded header lines continue with whitespace.
        for more in lines.take_while(|l| l.starts_with(' ') || l.starts_with('\t')) {
            value.push_str(more);
        }
        Some(value)
    }

    pub fn subject(&self) -> String {
        decode_words(&self.header("Subject").unwrap_or_default())
    }

    /// The decoded text of every part (plain and HTML).
    pub fn text(&self) -> String {
        decoded_parts(&self.raw)
    }
}

/// The mailbox of the in-process SMTP server.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Received>>>);

impl Inbox {
    pub fn all(&self) -> Vec<Received> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub fn to(&self, email: &str) -> Vec<Received> {
        self.all().into_iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(email))).collect()
    }
}

#[derive(Clone)]
struct Capture {
    inbox: Inbox,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Capture {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = Received { to: self.to.clone(), raw: String::from_utf8_lossy(&self.data).into_owned() };
        if let Ok(mut inbox) = self.inbox.0.lock() {
            inbox.push(mail);
        }
        response::OK
    }
}

/// Starts an SMTP server on `listener` in a thread of its own (it serves until the test
/// process ends).
pub fn start_smtp(listener: TcpListener) -> Inbox {
    let inbox = Inbox::default();
    let mut server = Server::new(Capture { inbox: inbox.clone(), to: Vec::new(), data: Vec::new() });
    server.with_name("mail.test").with_tcp_listener(listener);
    std::thread::spawn(move || {
        if let Err(e) = server.serve() {
            eprintln!("test SMTP server stopped: {e}");
        }
    });
    inbox
}

/// An SMTP server on a free port, and the URL to reach it.
pub fn smtp_server() -> (Inbox, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    (start_smtp(listener), format!("smtp://127.0.0.1:{port}"))
}

/// The app writing mail into a fresh directory instead of `./data/mail`.
pub fn files_app(app: &TestApp) -> (App, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("creditloop-mail-{}", uuid::Uuid::new_v4().simple()));
    let mut config = (*app.app.config).clone();
    config.notify.mail_dir = dir.clone();
    (App { config: Arc::new(config), ..app.app.clone() }, dir)
}

/// `=?utf-8?b?...?=` and `=?utf-8?q?...?=` encoded words, as lettre writes subjects.
fn decode_words(value: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    for word in value.split_whitespace() {
        let lower = word.to_lowercase();
        if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let b = base64::engine::general_purpose::STANDARD.decode(&word[10..word.len() - 2]).unwrap_or_default();
            out.push_str(&String::from_utf8_lossy(&b));
        } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
            out.push_str(&quoted_printable(&word[10..word.len() - 2].replace('_', " ")));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

fn quoted_printable(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes each MIME part's body by its `Content-Transfer-Encoding`.
fn decoded_parts(raw: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut encoding: Option<String> = None;
    let mut body: Option<Vec<&str>> = None;
    for line in raw.split("\r\n") {
        if let Some(lines) = body.as_mut() {
            if line.starts_with("--") {
                let joined = lines.join("\r\n");
                match encoding.as_deref() {
                    Some("base64") => {
                        let b = base64::engine::general_purpose::STANDARD.decode(joined.replace("\r\n", "")).unwrap_or_default();
                        out.push_str(&String::from_utf8_lossy(&b));
                    }
                    Some("quoted-printable") => out.push_str(&quoted_printable(&joined)),
                    _ => out.push_str(&joined),
                }
                out.push('\n');
                body = None;
                encoding = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let lower = line.to_lowercase();
        if let Some(v) = lower.strip_prefix("content-transfer-encoding:") {
            encoding = Some(v.trim().to_owned());
        } else if line.is_empty() && encoding.is_some() {
            body = Some(Vec::new());
        }
    }
    out
}

pub async fn outbox_count(app: &TestApp, status: &str) -> i64 {
    creditloop_ledger::store::query_one(app.app.db.conn(), "SELECT COUNT(*) AS n FROM outbox WHERE status = $1", vec![status.into()])
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(-1)
}

async fn deliver(app: &App) {
    app.deliver_notifications().await.unwrap_or_else(|e| panic!("deliver: {e}"));
}

const INVITE: &str = "mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }";
const GRANT: &str = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";

both!(mail_arrives_in_each_recipients_language, |app| {
    let (inbox, url) = smtp_server();
    let mailer = app.app.clone().with_mailer(&url);
    let t = app.tenant(1).await;
    let zh = &t.employees[0];
    app.stock(&t, "1000.00", "500.00").await;
    // An English-speaking employee, invited but not yet signed up: the mail is the only way in.
    let en_email = format!("en-{}", t.hr.email);
    app.ok(&t.hr.token, INVITE, json!({ "i": { "email": en_email, "name": "Alex", "roles": ["EMPLOYEE"], "locale": "EN", "phone": "13900000009" } })).await;
    let token = app.invitation_token(t.id, &en_email).await;
    // A lot that expires within the notice period.
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": zh.user_id, "amount": "20.00", "expiresAt": app.in_days(3), "idempotencyKey": "g1" } })).await;
    deliver(&mailer).await;

    let invitation = inbox.to(&en_email);
    assert_eq!(invitation.len(), 1, "one invitation mail");
    let text = invitation[0].text();
    assert!(text.contains(&format!("http://127.0.0.1:8080/invite/{token}")), "{text}");
    assert!(invitation[0].subject().contains("invites you"), "{}", invitation[0].subject());
    assert!(invitation[0].raw.contains("multipart/alternative") && text.contains("<a href="));
    let hr_invite = inbox.to(&t.hr.email);
    assert_eq!(hr_invite.len(), 1);
    assert!(hr_invite[0].subject().contains("邀请"), "{}", hr_invite[0].subject());
    let expiring: Vec<_> = inbox.to(&zh.email).into_iter().filter(|m| m.subject().contains("即将过期")).collect();
    assert_eq!(expiring.len(), 1, "one expiring-soon mail for the lot");
    assert!(expiring[0].text().contains("¥20.00"));

    // One-time codes: in the body, in the recipient's language.
    let en = app.invite(&t.hr, t.id, &format!("en2-{}", t.hr.email), &["EMPLOYEE"], json!({ "locale": "EN", "phone": "13900000008" })).await;
    for (who, words) in [(zh, "验证码"), (&en, "Your code")] {
        app.ok(&who.token, "mutation($p: String!) { requestTopupCode(phone: $p) }", json!({ "p": "13700000001" })).await;
        let code = app.last_code(t.id).await;
        deliver(&mailer).await;
        let mails: Vec<_> = inbox.to(&who.email).into_iter().filter(|m| m.text().contains(words)).collect();
        assert_eq!(mails.len(), 1, "{words}");
        assert!(mails[0].text().contains(&code), "the code is in the mail");
    }
    // Approval requests go to finance.
    assert!(outbox_count(app, "PENDING").await == 0 && outbox_count(app, "FAILED").await == 0);
    // Each mail went out once: no Message-ID twice.
    let mut ids: Vec<String> = inbox.all().iter().map(|m| m.header("Message-ID").unwrap_or_default()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // Another pass sends nothing new.
    deliver(&mailer).await;
    assert_eq!(inbox.all().len(), n);
    app.assert_verified().await;
});

both!(an_smtp_outage_loses_and_doubles_nothing, |app| {
    // A port with nothing listening: every send is refused.
    let addr: SocketAddr = {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        probe.local_addr().unwrap_or_else(|e| panic!("{e}"))
    };
    let mailer = app.app.clone().with_mailer(&format!("smtp://{addr}"));
    let t = app.tenant(3).await;
    let queued = outbox_count(app, "PENDING").await;
    assert!(queued >= 6, "invitations are queued: {queued}");
    for _ in 0..3 {
        deliver(&mailer).await;
        app.clock.advance(chrono::Duration::hours(1));
    }
    assert_eq!(outbox_count(app, "PENDING").await, queued, "nothing is lost while SMTP is down");
    let row = creditloop_ledger::store::query_one(app.app.db.conn(), "SELECT MIN(attempts) AS a, MAX(last_error) AS e FROM outbox", vec![])
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no outbox"));
    assert!(row.try_get::<i32>("", "a").unwrap_or(0) >= 3);
    assert!(row.try_get::<Option<String>>("", "e").ok().flatten().is_some_and(|e| e.contains("smtp")));

    // The server comes up on that port; the retries deliver every message once.
    let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("rebinding {addr}: {e}"));
    let inbox = start_smtp(listener);
    for _ in 0..5 {
        app.clock.advance(chrono::Duration::hours(2));
        deliver(&mailer).await;
    }
    assert_eq!(outbox_count(app, "PENDING").await, 0);
    assert_eq!(outbox_count(app, "DONE").await, queued);
    let mut invited = vec![t.hr.email.clone(), t.finance.email.clone(), t.auditor.email.clone()];
    invited.extend(t.employees.iter().map(|e| e.email.clone()));
    for email in &invited {
        assert_eq!(inbox.to(email).len(), 1, "{email} got exactly one mail");
    }
    assert_eq!(inbox.all().len() as i64, queued);
    app.assert_verified().await;
});

both!(preferences_switch_off_optional_mail_but_not_codes, |app| {
    let (inbox, url) = smtp_server();
    let mailer = app.app.clone().with_mailer(&url);
    let t = app.tenant(1).await;
    let e = &t.employees[0];
    deliver(&mailer).await;
    let settings = app.ok(&e.token, "{ myNotificationSettings { kind enabled mandatory } }", json!({})).await;
    assert!(settings["myNotificationSettings"].as_array().is_some_and(|a| a.iter().any(|s| s["kind"] == "one_time_code" && s["mandatory"] == true)));
    const UPDATE: &str = "mutation($s: [NotificationSettingInput!]!) { updateMyNotificationSettings(settings: $s) { kind enabled } }";
    let refused = app.err(Some(&e.token), UPDATE, json!({ "s": [{ "kind": "one_time_code", "enabled": false }] })).await;
    assert_eq!(refused, "VALIDATION");
    assert_eq!(app.err(Some(&t.finance.token), UPDATE, json!({ "s": [{ "kind": "topup_result", "enabled": false }] })).await, "FORBIDDEN");
    let data = app.ok(&e.token, UPDATE, json!({ "s": [{ "kind": "topup_result", "enabled": false }] })).await;
    let off = data["updateMyNotificationSettings"].as_array().and_then(|a| a.iter().find(|s| s["kind"] == "topup_result").cloned());
    assert_eq!(off.map(|s| s["enabled"].clone()), Some(json!(false)));

    app.stock(&t, "1000.00", "500.00").await;
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": "100.00", "expiresAt": app.in_days(60), "idempotencyKey": "g1" } })).await;
    // The grant's own "credit received" mail goes out before the window we watch.
    deliver(&mailer).await;
    let before = inbox.to(&e.email).len();
    app.ok(&e.token, "mutation($p: String!) { requestTopupCode(phone: $p) }", json!({ "p": "13700000001" })).await;
    let code = app.last_code(t.id).await;
    app.ok(&e.token, "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id } }",
        json!({ "p": "13800000001", "a": "10.00", "k": "t1" })).await;
    app.drain(&mailer, 5).await;
    deliver(&mailer).await;
    let topups = app.ok(&e.token, "{ myTopups { status } }", json!({})).await;
    assert_eq!(s(&topups["myTopups"][0]["status"]), "SUCCEEDED");
    let after = inbox.to(&e.email);
    assert_eq!(after.len(), before + 1, "only the one-time code arrived");
    assert!(after[after.len() - 1].text().contains(&code));
    assert_eq!(outbox_count(app, "PENDING").await, 0, "the switched-off mail is done, not pending");
    app.assert_verified().await;
});

both!(without_smtp_mail_is_written_as_eml_files, |app| {
    let (files, dir) = files_app(app);
    let t = app.tenant(0).await;
    deliver(&files).await;
    let token = app.invitation_token(t.id, &t.hr.email).await;
    let names: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    let emls: Vec<_> = names.iter().filter(|p| p.extension().is_some_and(|x| x == "eml")).collect();
    assert_eq!(emls.len() as i64, outbox_count(app, "DONE").await, "{names:?}");
    let all: String = emls.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).map(|raw| Received { to: vec![], raw }.text()).collect();
    assert!(all.contains(&format!("/invite/{token}")));
    let _ = std::fs::remove_dir_all(&dir);
    app.assert_verified().await;
});

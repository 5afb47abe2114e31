//! ERP webhooks: signed deliveries fanned out from the outbox, retries against a failing
//! receiver, replays, test events, and the endpoint rules.

use crate::mail::files_app;
use actix_web::{web, App as ActixApp, HttpRequest, HttpResponse, HttpServer};
use creditloop_tests::{both, s, TestApp};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Hit {
    event: String,
    delivery: String,
    signature: String,
    body: String,
}

#[derive(Clone, Default)]
struct Receiver {
    hits: Arc<Mutex<Vec<Hit>>>,
    /// Answers 500 while this is above zero, counting down.
    fail: Arc<AtomicUsize>,
}

impl Receiver {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }
}

async fn receive(req: HttpRequest, body: String, state: web::Data<Receiver>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let hit = Hit { event: header("X-Creditloop-Event"), delivery: header("X-Creditloop-Delivery"), signature: header("X-Creditloop-Signature"), body };
    if let Ok(mut hits) = state.hits.lock() {
        hits.push(hit);
    }
    let failing = state.fail.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if failing { HttpResponse::InternalServerError().body("down") } else { HttpResponse::Ok().body("ok") }
}

/// An HTTP receiver on a free port; returns its state and URL.
fn start_receiver(fail_first: usize) -> (Receiver, String) {
    let state = Receiver { hits: Arc::default(), fail: Arc::new(AtomicUsize::new(fail_first)) };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    let data = web::Data::new(state.clone());
    let server = HttpServer::new(move || ActixApp::new().app_data(data.clone()).route("/hook", web::post().to(receive)))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap_or_else(|e| panic!("listen: {e}"))
        .run();
    tokio::spawn(server);
    (state, format!("http://127.0.0.1:{port}/hook"))
}

/// Checks `t={ts},v1={hex}` with HMAC-SHA256 computed here, independently of the server.
fn signed(hit: &Hit, secret: &str) -> bool {
    let Some((t, v1)) = hit.signature.split_once(',').and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?))) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(format!("{t}.{}", hit.body).as_bytes());
    v1 == hex::encode(mac.finalize().into_bytes())
}

fn assert_signed(hit: &Hit, secret: &str) {
    assert!(signed(hit, secret), "bad signature {:?} on {}", hit.signature, hit.body);
}

const CREATE: &str = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url events active } } }";
const DELIVERIES: &str = "query($e: ID) { webhookDeliveries(endpointId: $e) { totalCount edges { node { id event status attempts lastStatusCode lastError payload } } } }";

async fn deliveries(app: &TestApp, token: &str, endpoint: &str) -> Vec<Value> {
    let data = app.ok(token, DELIVERIES, json!({ "e": endpoint })).await;
    data["webhookDeliveries"]["edges"].as_array().map(|e| e.iter().map(|n| n["node"].clone()).collect()).unwrap_or_default()
}

both!(a_failing_receiver_gets_retries_then_a_replay_succeeds, |app| {
    let (files, dir) = files_app(app);
    let (receiver, url) = start_receiver(3);
    let t = app.tenant(1).await;
    let e = &t.employees[0];
    let created = app.ok(&t.owner.token, CREATE, json!({ "i": { "url": url, "events": ["topup.succeeded", "topup.failed"] } })).await;
    let secret = s(&created["createWebhookEndpoint"]["secret"]);
    let endpoint = s(&created["createWebhookEndpoint"]["endpoint"]["id"]);
    assert!(secret.starts_with("whsec_"));
    // The secret is never readable again.
    let listed = app.ok(&t.owner.token, "{ webhookEndpoints { id url events } }", json!({})).await;
    assert!(!listed.to_string().contains(&secret));

    app.stock(&t, "1000.00", "500.00").await;
    app.ok(&t.hr.token, "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
        json!({ "i": { "employeeId": e.user_id, "amount": "100.00", "expiresAt": app.in_days(60), "idempotencyKey": "g1" } })).await;
    let topup = app.ok(&e.token, "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id } }",
        json!({ "p": "13800000001", "a": "10.00", "k": "t1" })).await;
    // Settles the top-up, fans out, and makes the first attempt (500).
    app.drain(&files, 5).await;
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::minutes(5));
        files.deliver_notifications().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let log = deliveries(app, &t.owner.token, &endpoint).await;
    assert_eq!(log.len(), 1, "only the subscribed event: {log:?}");
    let d = &log[0];
    assert_eq!((s(&d["event"]), s(&d["status"]), d["attempts"].clone(), d["lastStatusCode"].clone()), ("topup.succeeded".into(), "PENDING".into(), json!(3), json!(500)));
    assert_eq!(receiver.hits().len(), 3);

    let replayed = app.ok(&t.owner.token, "mutation($id: ID!) { replayWebhookDelivery(id: $id) { status attempts lastStatusCode } }", json!({ "id": d["id"] })).await;
    assert_eq!(replayed["replayWebhookDelivery"], json!({ "status": "DELIVERED", "attempts": 4, "lastStatusCode": 200 }));
    // Nothing more is sent for a delivered delivery.
    app.clock.advance(chrono::Duration::minutes(5));
    files.deliver_notifications().await.unwrap_or_else(|e| panic!("{e}"));
    let hits = receiver.hits();
    assert_eq!(hits.len(), 4);
    for hit in &hits {
        assert_signed(hit, &secret);
        assert_eq!(hit.event, "topup.succeeded");
        assert_eq!(hit.delivery, s(&d["id"]));
        assert_eq!(hit.body, hits[0].body, "every attempt carries the same event");
    }
    let body: Value = serde_json::from_str(&hits[0].body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body["type"], "topup.succeeded");
    assert_eq!(body["data"]["topup_id"], topup["topup"]["id"]);
    // A tampered body fails the check.
    let forged = Hit { body: hits[0].body.replace("SUCCEEDED", "FAILED"), ..hits[0].clone() };
    assert!(!signed(&forged, &secret));
    let _ = std::fs::remove_dir_all(&dir);
    app.assert_verified().await;
});

both!(test_events_and_endpoint_rules, |app| {
    let (receiver, url) = start_receiver(0);
    let t = app.tenant(1).await;
    let created = app.ok(&t.owner.token, CREATE, json!({ "i": { "url": url, "description": "ERP" } })).await;
    let secret = s(&created["createWebhookEndpoint"]["secret"]);
    let endpoint = s(&created["createWebhookEndpoint"]["endpoint"]["id"]);
    assert_eq!(created["createWebhookEndpoint"]["endpoint"]["events"], json!([]), "no filter: every event");

    let sent = app.ok(&t.owner.token, "mutation($e: ID!) { sendTestWebhook(endpointId: $e) { event status attempts lastStatusCode } }", json!({ "e": endpoint })).await;
    assert_eq!(sent["sendTestWebhook"], json!({ "event": "webhook.test", "status": "DELIVERED", "attempts": 1, "lastStatusCode": 200 }));
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].event, "webhook.test");
    assert_signed(&hits[0], &secret);
    assert_eq!(deliveries(app, &t.owner.token, &endpoint).await.len(), 1);

    // Rules: http(s) only, known events, the permission.
    for (input, field) in [
        (json!({ "url": "ftp://erp.test/hook" }), "url"),
        (json!({ "url": "not a url" }), "url"),
        (json!({ "url": url, "events": ["no.such.event"] }), "events"),
    ] {
        let res = app.gql(Some(&t.owner.token), CREATE, json!({ "i": input })).await;
        assert_eq!(res["errors"][0]["extensions"]["code"], "VALIDATION", "{res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], field, "{res}");
    }
    assert_eq!(app.err(Some(&t.employees[0].token), CREATE, json!({ "i": { "url": url } })).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&t.auditor.token), "{ webhookEndpoints { id } }", json!({})).await, "FORBIDDEN");

    // Switched off: the outbox does not fan out to it.
    let updated = app.ok(&t.owner.token, "mutation($id: ID!, $i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $i) { active events } }",
        json!({ "id": endpoint, "i": { "active": false, "events": ["balance.low"] } })).await;
    assert_eq!(updated["updateWebhookEndpoint"], json!({ "active": false, "events": ["balance.low"] }));
    assert_eq!(app.ok(&t.owner.token, "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", json!({ "id": endpoint })).await["deleteWebhookEndpoint"], json!(true));
    assert_eq!(app.ok(&t.owner.token, "{ webhookEndpoints { id } }", json!({})).await["webhookEndpoints"], json!([]));
    app.assert_verified().await;
});

//! Sign-in, sessions, invitations, passwords, throttling and API keys.

use creditloop_tests::{both, code_of, s, PASSWORD};
use serde_json::json;

const VIEWER: &str = "{ viewer { user { email roles } permissions tenant { slug } } }";

both!(login_logout_and_no_reuse_after_logout, |app| {
    let t = app.tenant(0).await;
    let data = app.ok(&t.hr.token, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["user"]["roles"], json!(["HR_ADMIN"]));
    assert!(data["viewer"]["permissions"].as_array().is_some_and(|p| p.contains(&json!("grants.create"))));
    app.ok(&t.hr.token, "mutation { logout }", json!({})).await;
    assert_eq!(app.err(Some(&t.hr.token), VIEWER, json!({})).await, "UNAUTHENTICATED");
    // A fresh sign-in gets a new, different token.
    let again = app.login(&t.hr.email, PASSWORD).await;
    assert_ne!(again.token, t.hr.token);
    app.ok(&again.token, VIEWER, json!({})).await;
});

both!(wrong_password_and_unknown_user_look_the_same, |app| {
    let t = app.tenant(0).await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let wrong = app.gql(None, q, json!({ "e": t.hr.email, "p": "not-the-password" })).await;
    let unknown = app.gql(None, q, json!({ "e": "nobody@nowhere.test", "p": "not-the-password" })).await;
    assert_eq!(code_of(&wrong).as_deref(), Some("UNAUTHENTICATED"));
    assert_eq!(wrong["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(app.err(None, VIEWER, json!({})).await, "UNAUTHENTICATED");
    assert_eq!(app.err(Some("cls_forged"), VIEWER, json!({})).await, "UNAUTHENTICATED");
});

both!(failed_logins_are_throttled_per_address_without_locking_the_user_out, |app| {
    let t = app.tenant(0).await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    for _ in 0..5 {
        let res = app.gql(None, q, json!({ "e": t.hr.email, "p": "guess-guess-guess" })).await;
        assert_eq!(code_of(&res).as_deref(), Some("UNAUTHENTICATED"));
    }
    // Now even the right password is refused from this address...
    let res = app.gql(None, q, json!({ "e": t.hr.email, "p": PASSWORD })).await;
    assert_eq!(code_of(&res).as_deref(), Some("RATE_LIMITED"));
    // ...but the user can still sign in from elsewhere.
    let elsewhere = app.app.login(&t.hr.email, PASSWORD, Some("192.0.2.77")).await;
    assert!(elsewhere.is_ok(), "the real user was locked out: {elsewhere:?}");
    // And after the window, from here too.
    app.clock.advance(chrono::Duration::minutes(16));
    let res = app.gql(None, q, json!({ "e": t.hr.email, "p": PASSWORD })).await;
    assert!(res["data"]["login"]["token"].is_string(), "{res}");
});

both!(sessions_expire_when_idle_and_absolutely, |app| {
    let t = app.tenant(0).await;
    app.clock.advance(chrono::Duration::minutes(29));
    app.ok(&t.hr.token, VIEWER, json!({})).await;
    // Each use slides the idle window; 31 quiet minutes end it.
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(app.err(Some(&t.hr.token), VIEWER, json!({})).await, "UNAUTHENTICATED");
    let fresh = app.login(&t.hr.email, PASSWORD).await;
    for _ in 0..25 {
        app.clock.advance(chrono::Duration::minutes(29));
        let res = app.gql(Some(&fresh.token), VIEWER, json!({})).await;
        if code_of(&res).is_some() {
            assert_eq!(code_of(&res).as_deref(), Some("UNAUTHENTICATED"));
            return;
        }
    }
    panic!("a session outlived its 12-hour absolute limit");
});

both!(invitations_are_single_use_and_passwords_checked, |app| {
    let t = app.tenant(0).await;
    let email = "newbie@example.test";
    app.ok(&t.hr.token, "mutation { inviteUser(input: { email: \"newbie@example.test\", name: \"New Bie\", roles: [EMPLOYEE] }) { id status } }", json!({})).await;
    let token = app.invitation_token(t.id, email).await;
    let q = "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token user { status } } }";
    assert_eq!(app.err(None, q, json!({ "t": token, "p": "short" })).await, "VALIDATION");
    let ok = app.ok("", q, json!({ "t": token, "p": PASSWORD })).await;
    assert_eq!(ok["acceptInvitation"]["user"]["status"], "ACTIVE");
    assert_eq!(app.err(None, q, json!({ "t": token, "p": PASSWORD })).await, "NOT_FOUND");
    // HR may invite employees only.
    let staff = app.err(Some(&t.hr.token), "mutation { inviteUser(input: { email: \"boss@example.test\", name: \"B\", roles: [FINANCE] }) { id } }", json!({})).await;
    assert_eq!(staff, "FORBIDDEN");
    // An email is one user.
    let dup = app.err(Some(&t.owner.token), "mutation { inviteUser(input: { email: \"newbie@example.test\", name: \"B\", roles: [EMPLOYEE] }) { id } }", json!({})).await;
    assert_eq!(dup, "CONFLICT");
});

both!(password_change_ends_other_sessions, |app| {
    let t = app.tenant(0).await;
    let other = app.login(&t.finance.email, PASSWORD).await;
    let q = "mutation($c: String!, $n: String!) { changePassword(current: $c, new: $n) }";
    assert_eq!(app.err(Some(&t.finance.token), q, json!({ "c": "wrong-wrong-wrong", "n": "a-new-password-2026" })).await, "VALIDATION");
    app.ok(&t.finance.token, q, json!({ "c": PASSWORD, "n": "a-new-password-2026" })).await;
    app.ok(&t.finance.token, VIEWER, json!({})).await;
    assert_eq!(app.err(Some(&other.token), VIEWER, json!({})).await, "UNAUTHENTICATED");
    app.login(&t.finance.email, "a-new-password-2026").await;
});

both!(api_keys_are_shown_once_scoped_and_revocable, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let created = app
        .ok(&t.owner.token, "mutation { createApiKey(name: \"ERP\", roles: [HR_ADMIN]) { secret apiKey { id prefix roles } } }", json!({}))
        .await;
    let secret = s(&created["createApiKey"]["secret"]);
    assert!(secret.starts_with(&s(&created["createApiKey"]["apiKey"]["prefix"])));
    // The key can grant...
    let grant = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let input = json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "10.00", "expiresAt": app.in_days(30), "idempotencyKey": "erp-1" } });
    app.ok(&secret, grant, input.clone()).await;
    // ...but never act beyond its roles, nor as an owner.
    assert_eq!(app.err(Some(&secret), "mutation { createApiKey(name: \"x\", roles: [FINANCE]) { secret } }", json!({})).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&secret), "mutation { fund(input: { amount: \"1.00\", reference: \"r\", idempotencyKey: \"k\" }) { id } }", json!({})).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&t.owner.token), "mutation { createApiKey(name: \"x\", roles: [OWNER]) { secret } }", json!({})).await, "VALIDATION");
    let keys = app.ok(&t.owner.token, "{ apiKeys { id lastUsedAt revokedAt } }", json!({})).await;
    assert!(keys["apiKeys"][0]["lastUsedAt"].is_string(), "last use is recorded: {keys}");
    app.ok(&t.owner.token, "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }", json!({ "id": created["createApiKey"]["apiKey"]["id"] })).await;
    assert_eq!(app.err(Some(&secret), grant, input).await, "UNAUTHENTICATED");
});

both!(cookie_sessions_need_the_csrf_token, |app| {
    let t = app.tenant(0).await;
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "mutation { login(email: \"".to_owned() + &t.hr.email + "\", password: \"" + PASSWORD + "\") { csrfToken } }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("login set no cookie"));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    let csrf = s(&body["data"]["login"]["csrfToken"]);
    let pair = cookie.split(';').next().unwrap_or_default().to_owned();
    let ask = |csrf: Option<String>| {
        let mut req = app.client.post(format!("{}/graphql", app.address)).header("cookie", pair.clone()).json(&json!({ "query": VIEWER }));
        if let Some(csrf) = csrf {
            req = req.header("x-csrf-token", csrf);
        }
        req.send()
    };
    let without: serde_json::Value = ask(None).await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(code_of(&without).as_deref(), Some("FORBIDDEN"));
    let with: serde_json::Value = ask(Some(csrf)).await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(with["data"]["viewer"]["user"]["email"], json!(t.hr.email));
});

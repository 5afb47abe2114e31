//! Attacks on sign-in and input that the other files do not cover: session fixation, flooding
//! one-time-code requests, and giant strings inside an otherwise valid request. Each is
//! refused with the right code and changes nothing.

use creditloop_graphql::SESSION_COOKIE;
use creditloop_tests::{both, code_of, s, PASSWORD};
use serde_json::json;

const VIEWER: &str = "{ viewer { user { email } } }";

both!(a_session_id_chosen_before_sign_in_never_becomes_a_session, |app| {
    let t = app.tenant(0).await;
    let url = format!("{}/graphql", app.address);
    // The attacker plants a cookie of their choosing (and a well-formed-looking token) in
    // the victim's browser, then the victim signs in with it present.
    let planted = "cls_planted_by_the_attacker_0123456789abcdef";
    let login = format!("mutation {{ login(email: \"{}\", password: \"{PASSWORD}\") {{ token csrfToken }} }}", t.hr.email);
    let res = app
        .client
        .post(&url)
        .header("cookie", format!("{SESSION_COOKIE}={planted}"))
        .json(&json!({ "query": login }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let set = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned).unwrap_or_default();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    let issued = s(&body["data"]["login"]["token"]);
    assert!(!issued.is_empty(), "{body}");
    // The server issued its own, new identifier and never adopted the planted one.
    assert_ne!(issued, planted);
    assert!(set.starts_with(&format!("{SESSION_COOKIE}=")) && !set.contains(planted), "{set}");
    for attempt in [app.gql(Some(planted), VIEWER, json!({})).await, {
        let csrf = s(&body["data"]["login"]["csrfToken"]);
        app.client
            .post(&url)
            .header("cookie", format!("{SESSION_COOKIE}={planted}"))
            .header("x-csrf-token", csrf)
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default()
    }] {
        assert!(attempt["data"]["viewer"]["user"].is_null(), "the planted id acts as the victim: {attempt}");
    }
    // The issued session works, and stops working everywhere once signed out.
    app.ok(&issued, VIEWER, json!({})).await;
    app.ok(&issued, "mutation { logout }", json!({})).await;
    assert_eq!(app.err(Some(&issued), VIEWER, json!({})).await, "UNAUTHENTICATED");
    let cookie_after_logout: serde_json::Value = app
        .client
        .post(&url)
        .header("cookie", format!("{SESSION_COOKIE}={issued}"))
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert!(cookie_after_logout["data"]["viewer"]["user"].is_null(), "{cookie_after_logout}");
});

both!(one_time_code_requests_are_bounded_per_hour, |app| {
    let t = app.tenant(1).await;
    let e = &t.employees[0];
    let ask = "mutation($p: String!) { requestTopupCode(phone: $p) }";
    for i in 0..5 {
        let res = app.gql(Some(&e.token), ask, json!({ "p": format!("1861234000{i}") })).await;
        assert!(res.get("errors").is_none(), "request {i}: {res}");
    }
    // A sixth code within the hour, for any number, is refused: guessing cannot be reset by
    // asking for fresh codes.
    assert_eq!(app.err(Some(&e.token), ask, json!({ "p": "18612340009" })).await, "RATE_LIMITED");
    app.clock.advance(chrono::Duration::minutes(61));
    let again = app.login(&e.email, PASSWORD).await; // the idle session ended meanwhile
    let res = app.gql(Some(&again.token), ask, json!({ "p": "18612340009" })).await;
    assert!(res.get("errors").is_none(), "after the hour: {res}");
});

both!(giant_strings_in_valid_requests_are_refused_and_change_nothing, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let before = app.balances(&t).await;
    let grant = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let giant = "长".repeat(250_000); // 750 kB of UTF-8, inside the body limit
    let cases = [
        ("memo", json!({ "employeeId": t.employees[0].user_id, "amount": "1.00", "expiresAt": app.in_days(30), "idempotencyKey": "g1", "memo": giant })),
        ("idempotencyKey", json!({ "employeeId": t.employees[0].user_id, "amount": "1.00", "expiresAt": app.in_days(30), "idempotencyKey": giant })),
        ("amount", json!({ "employeeId": t.employees[0].user_id, "amount": "9".repeat(700_000), "expiresAt": app.in_days(30), "idempotencyKey": "g3" })),
        ("employeeId", json!({ "employeeId": "f".repeat(700_000), "amount": "1.00", "expiresAt": app.in_days(30), "idempotencyKey": "g4" })),
    ];
    for (field, input) in cases {
        let res = app.gql(Some(&t.hr.token), grant, json!({ "i": input })).await;
        let code = code_of(&res);
        assert!(matches!(code.as_deref(), Some("VALIDATION") | Some("NOT_FOUND")), "{field}: {}", &res.to_string()[..300.min(res.to_string().len())]);
        let message = res["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.len() < 1_000, "{field}: the error echoes the giant input back ({} bytes)", message.len());
    }
    // Searches too (SQLite refused the giant pattern with an internal error before the bound).
    let search = "query($q: String) { users(filter: { search: $q }) { totalCount } }";
    let res = app.gql(Some(&t.hr.token), search, json!({ "q": giant })).await;
    assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"), "{}", &res.to_string()[..300.min(res.to_string().len())]);
    // And a search is literal text, not a pattern.
    for wildcard in ["%", "_", "\\"] {
        let found = app.ok(&t.hr.token, search, json!({ "q": wildcard })).await;
        assert_eq!(found["users"]["totalCount"], json!(0), "{wildcard}: {found}");
    }
    let by_name = app.ok(&t.hr.token, search, json!({ "q": t.employees[0].email.to_uppercase() })).await;
    assert_eq!(by_name["users"]["totalCount"], json!(1), "{by_name}");
    assert_eq!(app.balances(&t).await, before);
    app.assert_verified().await;
});

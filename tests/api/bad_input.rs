//! Bad input gets a clear, specific error and changes nothing.

use creditloop_tests::{both, code_of, TestApp, TestTenant};
use serde_json::json;

async fn snapshot(app: &TestApp, t: &TestTenant) -> serde_json::Value {
    app.ok(&t.auditor.token, "{ tenant { balances { funding pool granted } } entries { totalCount } }", json!({})).await
}

both!(malformed_amounts_are_refused, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let before = snapshot(app, &t).await;
    let fund = "mutation($a: Money!) { fund(input: { amount: $a, reference: \"r\", idempotencyKey: \"k\" }) { id } }";
    for bad in ["1.001", "-5", "1e3", "NaN", "Infinity", "", " 5", "5 ", "1,000.00", "0x10", "0", "0.00", "99999999999999999999", "10000000.01"] {
        let res = app.gql(Some(&t.finance.token), fund, json!({ "a": bad })).await;
        assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"), "{bad:?} -> {res}");
    }
    for bad in [json!(12.5), json!(1000), json!(null), json!(true)] {
        let res = app.gql(Some(&t.finance.token), fund, json!({ "a": bad })).await;
        assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"), "{bad} -> {res}");
    }
    let grant = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let base = json!({ "employeeId": t.employees[0].user_id, "amount": "1.00", "expiresAt": app.in_days(3), "idempotencyKey": "ok-key" });
    let mut cases = Vec::new();
    for (field, value) in [
        ("expiresAt", json!(app.in_days(-1))),
        ("expiresAt", json!(app.in_days(3000))),
        ("expiresAt", json!("tomorrow")),
        ("memo", json!("m".repeat(201))),
        ("idempotencyKey", json!("has spaces")),
        ("idempotencyKey", json!("k".repeat(129))),
        ("idempotencyKey", json!("")),
    ] {
        let mut input = base.clone();
        input[field] = value;
        cases.push((field, input));
    }
    for (field, input) in cases {
        let res = app.gql(Some(&t.hr.token), grant, json!({ "i": input })).await;
        assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"), "{field}: {res}");
    }
    assert_eq!(snapshot(app, &t).await, before);
});

both!(unknown_ids_are_not_found, |app| {
    let t = app.tenant(0).await;
    let nobody = uuid::Uuid::now_v7().to_string();
    for (q, vars) in [
        ("query($id: ID!) { user(id: $id) { id } }", json!({ "id": nobody })),
        ("query($id: ID!) { user(id: $id) { id } }", json!({ "id": "not-an-id" })),
        ("query($id: ID!) { entry(id: $id) { id } }", json!({ "id": nobody })),
        ("query($id: ID!) { account(id: $id) { id } }", json!({ "id": nobody })),
        ("query($id: ID!) { purchaseOrder(id: $id) { id } }", json!({ "id": nobody })),
    ] {
        assert_eq!(app.err(Some(&t.owner.token), q, vars).await, "NOT_FOUND", "{q}");
    }
    let grant = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let res = app.gql(Some(&t.hr.token), grant, json!({ "i": { "employeeId": nobody, "amount": "1.00", "expiresAt": app.in_days(3), "idempotencyKey": "k" } })).await;
    assert_eq!(code_of(&res).as_deref(), Some("NOT_FOUND"));
    assert_eq!(res["errors"][0]["extensions"]["field"], "employeeId");
    let reverse = "mutation($id: ID!) { reverseEntry(id: $id, reason: \"x\", idempotencyKey: \"r\") { id } }";
    assert_eq!(app.err(Some(&t.finance.token), reverse, json!({ "id": nobody })).await, "NOT_FOUND");
    let approve = "mutation($id: ID!) { approvePurchase(id: $id, idempotencyKey: \"a\") { id } }";
    assert_eq!(app.err(Some(&t.finance.token), approve, json!({ "id": nobody })).await, "NOT_FOUND");
    assert_eq!(app.err(Some(&t.owner.token), "{ users(after: \"garbage!\") { totalCount } }", json!({})).await, "VALIDATION");
    assert_eq!(app.err(Some(&t.owner.token), "{ users(first: 1000) { totalCount } }", json!({})).await, "VALIDATION");
});

both!(oversized_deep_and_flooding_requests_are_refused, |app| {
    let t = app.tenant(0).await;
    let url = format!("{}/graphql", app.address);
    let post = |body: String| app.client.post(&url).bearer_auth(&t.owner.token).header("content-type", "application/json").body(body).send();
    // A body over the limit.
    let huge = format!("{{\"query\":\"{{ viewer {{ permissions }} }}\",\"variables\":{{\"x\":\"{}\"}}}}", "a".repeat(2 * 1024 * 1024));
    let res = post(huge).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 413);
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    assert_eq!(code_of(&body).as_deref(), Some("VALIDATION"));
    // Not JSON at all.
    let res = post("{not json".into()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 400);
    // Nested beyond the depth limit.
    let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }";
    assert_eq!(app.err(Some(&t.owner.token), deep, json!({})).await, "VALIDATION");
    // Alias flooding.
    let flood = format!("{{ {} }}", (0..50).map(|i| format!("a{i}: viewer {{ permissions }}")).collect::<Vec<_>>().join(" "));
    assert_eq!(app.err(Some(&t.owner.token), &flood, json!({})).await, "VALIDATION");
    // Too many operations in one batch.
    let batch: Vec<_> = (0..11).map(|_| json!({ "query": "{ viewer { permissions } }" })).collect();
    let res = post(serde_json::to_string(&batch).unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 400);
    // A mutation over GET.
    let res = app.client.get(format!("{url}?query=mutation%20%7B%20logout%20%7D")).bearer_auth(&t.owner.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 405);
    // A query over GET works.
    let res = app.client.get(format!("{url}?query=%7B%20viewer%20%7B%20permissions%20%7D%20%7D")).bearer_auth(&t.owner.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    assert!(body["data"]["viewer"]["permissions"].is_array(), "{body}");
    // Every error carries a request id to quote to support.
    let res = app.gql(Some(&t.owner.token), "{ nope }", json!({})).await;
    assert!(res["errors"][0]["extensions"]["requestId"].is_string(), "{res}");
    assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"));
});

both!(deeply_nested_documents_are_refused_without_crashing, |app| {
    // Found by the `graphql` fuzz target (docs/fuzzing.md): a few kilobytes of nested values
    // overflowed a worker thread's stack in the GraphQL parser and aborted the whole server.
    let t = app.tenant(0).await;
    for (open, close) in [("{a:", "}"), ("[", "]")] {
        for levels in [2_000, 200_000] {
            let query = format!("{{ users(filter: {}1{}) {{ totalCount }} }}", open.repeat(levels), close.repeat(levels));
            assert_eq!(app.err(Some(&t.owner.token), &query, json!({})).await, "VALIDATION", "{open} x {levels}");
            assert_eq!(app.err(None, &query, json!({})).await, "VALIDATION", "{open} x {levels}, anonymous");
        }
    }
    // Over GET too, whose handler parses the document to refuse mutations.
    let url = format!("{}/graphql?query=mutation%20%7B%20logout(x:%20{}1{})%20%7D", app.address, "%7Ba:".repeat(2_000), "%7D".repeat(2_000));
    let res = app.client.get(url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    assert_eq!(code_of(&body).as_deref(), Some("VALIDATION"), "{body}");
    // Still serving, and real queries with nesting pass.
    let data = app.ok(&t.owner.token, "{ viewer { permissions } entries(first: 1, filter: { status: POSTED }) { totalCount } }", json!({})).await;
    assert!(data["viewer"]["permissions"].is_array(), "{data}");
});

both!(health_endpoints_answer, |app| {
    for path in ["/healthz", "/readyz"] {
        let res = app.client.get(format!("{}{path}", app.address)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status().as_u16(), 200, "{path}");
    }
});

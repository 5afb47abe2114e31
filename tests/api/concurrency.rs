//! Races: many spenders on one wallet, many grants on one pool, many replays of one key.
//! No read-then-write race may overdraw an account, and exactly the affordable number of
//! requests succeed.

use creditloop_domain::{Fen, UserId};
use creditloop_ledger::{engine, LedgerError, Template};
use creditloop_tests::{both, code_of, s};
use futures::future::join_all;
use serde_json::json;

both!(two_hundred_simultaneous_spends_never_overdraw_a_wallet, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "5000.00", "2000.00").await;
    let e = &t.employees[0];
    app.ok(&t.hr.token, "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
        json!({ "i": { "employeeId": e.user_id, "amount": "1000.00", "expiresAt": app.in_days(30), "idempotencyKey": "fill" } })).await;
    let employee = UserId::parse(&e.user_id).unwrap_or_else(|| panic!("id"));
    let spends = (0..200).map(|i| {
        let core = app.app.clone();
        let tenant = t.id;
        tokio::spawn(async move {
            let meta = engine::Meta { idempotency_key: format!("spend-{i}"), created_by: "race".into(), memo: None, metadata: None };
            let tx = core.db.begin_write().await?;
            let template = Template::TopupHold { employee, amount: Fen::new(10_00) };
            match engine::record(&*tx, tenant, core.now(), &template, &meta).await {
                Ok(_) => {
                    tx.commit().await?;
                    Ok::<bool, LedgerError>(true)
                }
                Err(LedgerError::InsufficientFunds { .. }) => Ok(false),
                Err(other) => Err(other),
            }
        })
    });
    let results = join_all(spends).await;
    let ok = results.iter().filter(|r| matches!(r, Ok(Ok(true)))).count();
    let refused = results.iter().filter(|r| matches!(r, Ok(Ok(false)))).count();
    assert_eq!((ok, refused), (100, 100), "{results:?}");
    let wallet = app.ok(&e.token, "{ myWallet { balance available held } }", json!({})).await;
    assert_eq!(wallet["myWallet"], json!({ "balance": "1000.00", "available": "0.00", "held": "1000.00" }));
    app.assert_verified().await;
});

both!(two_hundred_simultaneous_grants_drain_the_pool_exactly, |app| {
    let t = app.tenant(4).await;
    app.stock(&t, "5000.00", "1000.00").await;
    let q = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let expires = app.in_days(30);
    let grants = (0..200).map(|i| {
        let employee = &t.employees[i % t.employees.len()];
        app.gql(Some(&t.hr.token), q, json!({ "i": { "employeeId": employee.user_id, "amount": "10.00", "expiresAt": expires, "idempotencyKey": format!("g-{i}") } }))
    });
    let answers = join_all(grants).await;
    let ok = answers.iter().filter(|a| a.get("errors").is_none()).count();
    let short = answers.iter().filter(|a| code_of(a).as_deref() == Some("INSUFFICIENT_FUNDS")).count();
    assert_eq!((ok, short), (100, 100), "other errors: {:?}", answers.iter().filter(|a| {
        let c = code_of(a);
        c.is_some() && c.as_deref() != Some("INSUFFICIENT_FUNDS")
    }).take(3).collect::<Vec<_>>());
    assert_eq!(app.balances(&t).await, ("4040.00".into(), "0.00".into(), "1000.00".into()));
    app.assert_verified().await;
});

both!(concurrent_replays_of_one_key_apply_once, |app| {
    let t = app.tenant(0).await;
    let q = "mutation($i: FundInput!) { fund(input: $i) { id } }";
    let replays = (0..50).map(|_| app.gql(Some(&t.finance.token), q, json!({ "i": { "amount": "100.00", "reference": "WIRE-9", "idempotencyKey": "one-deposit" } })));
    let answers = join_all(replays).await;
    let ids: std::collections::BTreeSet<String> = answers.iter().map(|a| s(&a["data"]["fund"]["id"])).collect();
    assert_eq!(ids.len(), 1, "{:?}", answers.iter().take(3).collect::<Vec<_>>());
    assert!(answers.iter().all(|a| a.get("errors").is_none()));
    assert_eq!(app.balances(&t).await.0, "100.00");
    app.assert_verified().await;
});

// Concurrent single grants of one tenant are written in shared transactions (group commit).
// Mixed into one burst: fresh keys, exact replays and reuses of a key with another amount.
// Each request must get the answer it would have got alone: fresh keys one entry each, a
// replay the original's entry, and of two different requests under one key exactly one
// succeeds while the other is a CONFLICT.
both!(concurrent_single_grants_commit_together_with_their_own_answers, |app| {
    let t = app.tenant(4).await;
    // Enough for every request, whichever of two requests under one key wins: a short pool
    // would rightly refuse a loser with INSUFFICIENT_FUNDS before its key is compared.
    app.stock(&t, "20000.00", "10000.00").await;
    let q = "mutation($i: GrantInput!) { grant(input: $i) { entry { id amount } } }";
    let expires = app.in_days(30);
    let request = |i: usize, key: usize, amount: usize| {
        let employee = &t.employees[i % t.employees.len()];
        json!({ "i": { "employeeId": employee.user_id, "amount": format!("{amount}.00"), "expiresAt": expires, "idempotencyKey": format!("k-{key}") } })
    };
    // 0..40 fresh (amount = key + 1), 40..50 replays of keys 0..10, 50..60 keys 10..20 with another amount.
    let mut requests: Vec<(usize, serde_json::Value)> = (0..40).map(|k| (k, request(k, k, k + 1))).collect();
    requests.extend((0..10).map(|k| (k, request(k, k, k + 1))));
    requests.extend((10..20).map(|k| (k, request(k, k, 500))));
    let answers = join_all(requests.iter().map(|(_, vars)| app.gql(Some(&t.hr.token), q, vars.clone()))).await;
    let mut by_key: std::collections::BTreeMap<usize, Vec<&serde_json::Value>> = Default::default();
    for ((key, _), answer) in requests.iter().zip(&answers) {
        by_key.entry(*key).or_default().push(answer);
    }
    let mut spent = 0i64;
    for (key, answers) in &by_key {
        let entries: Vec<String> = answers.iter().filter(|a| a.get("errors").is_none()).map(|a| s(&a["data"]["grant"]["entry"]["id"])).collect();
        let amounts: Vec<String> = answers.iter().filter(|a| a.get("errors").is_none()).map(|a| s(&a["data"]["grant"]["entry"]["amount"])).collect();
        match key {
            0..10 => {
                assert_eq!(entries.len(), 2, "key {key}: {answers:?}");
                assert_eq!(entries[0], entries[1], "a replay must answer the original entry: {answers:?}");
            }
            10..20 => {
                assert_eq!(entries.len(), 1, "key {key}: exactly one of two different requests wins: {answers:?}");
                let refused: Vec<_> = answers.iter().filter_map(|a| code_of(a)).collect();
                assert_eq!(refused, vec!["CONFLICT".to_string()], "key {key}: {answers:?}");
            }
            _ => assert_eq!(entries.len(), 1, "key {key}: {answers:?}"),
        }
        let cents: i64 = amounts[0].replace('.', "").parse().unwrap_or_else(|e| panic!("{e}"));
        spent += cents;
    }
    let (_, pool, _) = app.balances(&t).await;
    assert_eq!(pool, format!("{}.{:02}", (1_000_000 - spent) / 100, (1_000_000 - spent) % 100));
    let entries = app.ok(&t.finance.token, "{ entries(first: 100, filter: { template: GRANT }) { totalCount } }", json!({})).await;
    assert_eq!(entries["entries"]["totalCount"], json!(40), "{entries}");
    app.assert_verified().await;
});

//! The HTTP path for real: the simulator server on a port-0 listener, driven through
//! `HttpCarrier`.

// Tests may panic on a broken setup; the workspace denies these only in shipped code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use creditloop_carrier::wire::{OrderPage, OrderRequest};
use creditloop_carrier::{
    CarrierError, CarrierGateway, CarrierOrder, DeliveryResult, HttpCarrier, OrderStatus,
    RetryPolicy, SimConfig, SimConfigPatch, Simulator, SubmitOutcome, deliver, serve,
};
use creditloop_domain::phone::{Operator, PhoneNumber};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Starts a simulator server on a free port and returns it with its base URL.
fn spawn_sim(config: SimConfig) -> (Arc<Simulator>, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sim = Arc::new(Simulator::new(config));
    tokio::spawn(serve(listener, sim.clone()));
    (sim, format!("http://127.0.0.1:{port}"))
}

fn phone(i: usize) -> PhoneNumber {
    let segments = ["138", "186", "189", "192", "170", "199"];
    let segment = segments[i % segments.len()];
    PhoneNumber::parse(&format!("{segment}{:08}", i * 7919 % 100_000_000)).unwrap()
}

fn order(i: usize) -> CarrierOrder {
    let amount_fen = [1_000, 2_000, 5_000, 10_000][i % 4];
    CarrierOrder::new(format!("entry-{i:05}"), phone(i), amount_fen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_faulty_orders_all_end_and_none_is_delivered_twice() {
    let started = Instant::now();
    let (sim, base) = spawn_sim(SimConfig::try_new(2024, 2, 0.3, 0.3, 0.3).unwrap());
    let carrier = Arc::new(HttpCarrier::try_new(&base, 5_000).unwrap());
    let policy = RetryPolicy {
        attempts_max: 20,
        backoff_base_ms: 1,
        backoff_max_ms: 8,
    };
    let in_flight = Arc::new(Semaphore::new(32));
    let mut tasks = JoinSet::new();
    for i in 0..1_000 {
        let (carrier, in_flight) = (carrier.clone(), in_flight.clone());
        tasks.spawn(async move {
            let _permit = in_flight.acquire_owned().await.unwrap();
            let order = order(i);
            // As the worker does: an undecided order is tried again later, never voided.
            for _ in 0..10 {
                let result = deliver(carrier.as_ref(), &order, &policy).await;
                if result != DeliveryResult::Undecided {
                    return (order, result);
                }
            }
            (order, DeliveryResult::Undecided)
        });
    }
    let mut client_view = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (order, result) = joined.unwrap();
        let status = match result {
            DeliveryResult::Delivered => OrderStatus::Delivered,
            DeliveryResult::Failed { reason } => OrderStatus::Failed { reason },
            DeliveryResult::Undecided => panic!("order {} never decided", order.order_id),
        };
        client_view.push((order.order_id, status, order.amount_fen));
    }
    client_view.sort_by(|a, b| a.0.cmp(&b.0));

    let stats = carrier.stats().await.unwrap();
    assert_eq!(stats.duplicate_deliveries, 0);
    assert_eq!(stats.orders, 1_000);
    let delivered = client_view
        .iter()
        .filter(|(_, status, _)| *status == OrderStatus::Delivered)
        .count();
    assert_eq!(stats.deliveries, u64::try_from(delivered).unwrap());
    // With 30% definite failures, roughly 300 orders fail and 700 are delivered.
    assert!((600..=800).contains(&delivered), "{delivered} delivered");
    assert_eq!(client_view, sim.orders());
    assert_eq!(client_view, carrier.orders().await.unwrap());
    for (order_id, _, _) in &client_view {
        assert!(sim.delivered_count(order_id) <= 1);
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_timeout_is_a_lost_response_not_a_failure() {
    // Every call waits up to 10 s, far beyond the client's 100 ms: the simulator decides
    // first, so the order is delivered and only the answer is lost.
    let (sim, base) = spawn_sim(SimConfig::try_new(11, 10_000, 0.0, 0.0, 0.0).unwrap());
    let carrier = HttpCarrier::try_new(&base, 100).unwrap();
    let order = order(1);
    assert_eq!(carrier.submit(&order).await, Err(CarrierError::Timeout));
    assert_eq!(sim.delivered_count(&order.order_id), 1);

    let quick = SimConfigPatch {
        latency_ms: Some(0),
        ..SimConfigPatch::default()
    };
    carrier.set_config(&quick).await.unwrap();
    assert_eq!(
        carrier.status(&order.order_id).await,
        Ok(OrderStatus::Delivered)
    );
    assert_eq!(carrier.submit(&order).await, Ok(SubmitOutcome::Delivered));
    assert_eq!(sim.delivered_count(&order.order_id), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn carrier_answers_map_onto_the_gateway_types() {
    let (sim, base) = spawn_sim(SimConfig::new(5));
    let carrier = HttpCarrier::try_new(&base, 5_000).unwrap();
    let gateway: Arc<dyn CarrierGateway> = Arc::new(carrier.clone());
    assert!(gateway.name().starts_with("http "));

    assert_eq!(gateway.status("nobody").await, Ok(OrderStatus::NotFound));
    assert_eq!(
        gateway.submit(&order(1)).await,
        Ok(SubmitOutcome::Delivered)
    );

    let set = |patch: SimConfigPatch| {
        let carrier = carrier.clone();
        async move { carrier.set_config(&patch).await.unwrap() }
    };
    set(SimConfigPatch {
        unknown_rate: Some(1.0),
        ..SimConfigPatch::default()
    })
    .await;
    assert_eq!(
        gateway.status("entry-00001").await,
        Err(CarrierError::StatusUnknown)
    );

    let config = set(SimConfigPatch {
        unknown_rate: Some(0.0),
        failure_rate: Some(1.0),
        ..SimConfigPatch::default()
    })
    .await;
    assert_eq!(config, sim.config());
    assert_eq!(config.failure_rate(), 1.0);
    let failed = gateway.submit(&order(2)).await.unwrap();
    assert!(matches!(failed, SubmitOutcome::Failed { ref reason } if !reason.is_empty()));
    let status = gateway.status("entry-00002").await.unwrap();
    assert_eq!(
        SubmitOutcome::Failed {
            reason: match status {
                OrderStatus::Failed { reason } => reason,
                other => panic!("unexpected {other:?}"),
            }
        },
        failed
    );

    set(SimConfigPatch {
        failure_rate: Some(0.0),
        timeout_rate: Some(1.0),
        ..SimConfigPatch::default()
    })
    .await;
    assert_eq!(gateway.submit(&order(3)).await, Err(CarrierError::Timeout));

    // An order id reused for another order is refused, never reported as failed.
    let reused = CarrierOrder {
        amount_fen: 1,
        ..order(1)
    };
    assert!(matches!(
        gateway.submit(&reused).await,
        Err(CarrierError::Protocol(_))
    ));
    assert_eq!(sim.delivered_count("entry-00001"), 1);

    // A refused configuration leaves the old one in place.
    let refused = carrier
        .set_config(&SimConfigPatch {
            failure_rate: Some(1.5),
            ..SimConfigPatch::default()
        })
        .await;
    assert!(matches!(refused, Err(CarrierError::Protocol(_))));
    assert_eq!(carrier.config().await.unwrap(), sim.config());
    assert_eq!(sim.config().timeout_rate(), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wire_refuses_bad_requests_and_pages_listings() {
    let (sim, base) = spawn_sim(SimConfig::new(8));
    for i in 0..5 {
        sim.submit(&order(i)).await.unwrap();
    }
    let client = reqwest::Client::new();

    let bad_phone = serde_json::json!({
        "order_id": "x", "phone": "12012345678", "operator": "CHINA_MOBILE", "amount_fen": 100
    });
    let response = client
        .post(format!("{base}/v1/orders"))
        .json(&bad_phone)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "bad_request");

    let long_id = OrderRequest {
        order_id: "x".repeat(129),
        phone: phone(0),
        operator: Operator::ChinaMobile,
        amount_fen: 100,
    };
    let response = client
        .post(format!("{base}/v1/orders"))
        .json(&long_id)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/orders?limit=2");
        if let Some(after) = &after {
            url.push_str(&format!("&after={after}"));
        }
        let page: OrderPage = client.get(url).send().await.unwrap().json().await.unwrap();
        assert!(page.orders.len() <= 2);
        seen.extend(page.orders.into_iter().map(|item| item.order_id));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = sim.orders().into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_failures_are_never_definite() {
    // Nothing listens on a port that was just released: the connection is refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let carrier = HttpCarrier::try_new(&format!("http://127.0.0.1:{port}"), 1_000).unwrap();
    assert!(matches!(
        carrier.submit(&order(1)).await,
        Err(CarrierError::Unavailable(_))
    ));
    let policy = RetryPolicy {
        attempts_max: 3,
        backoff_base_ms: 1,
        backoff_max_ms: 1,
    };
    assert_eq!(
        deliver(&carrier, &order(1), &policy).await,
        DeliveryResult::Undecided
    );

    // A server that answers 200 with something that is not an order reply.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new().default_service(actix_web::web::to(|| async {
            actix_web::HttpResponse::Ok().body("<html>maintenance</html>")
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    let carrier = HttpCarrier::try_new(&format!("http://127.0.0.1:{port}"), 1_000).unwrap();
    assert!(matches!(
        carrier.submit(&order(1)).await,
        Err(CarrierError::Protocol(_))
    ));
    assert!(matches!(
        carrier.status("entry-00001").await,
        Err(CarrierError::Protocol(_))
    ));
}

//! `deliver` against the in-process simulator: the worker's loop over a faulty carrier.

// Tests may panic on a broken setup; the workspace denies these only in shipped code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use creditloop_carrier::{
    CarrierGateway, CarrierOrder, DeliveryResult, OrderStatus, RetryPolicy, SimConfig, Simulator,
    Step, deliver, deliver_from,
};
use creditloop_domain::phone::PhoneNumber;
use std::sync::Arc;

fn order(i: u32) -> CarrierOrder {
    let phone = PhoneNumber::parse(&format!("+86 199 {:08}", i)).unwrap();
    CarrierOrder::new(format!("entry-{i:05}"), phone, 3_000)
}

const POLICY: RetryPolicy = RetryPolicy {
    attempts_max: 8,
    backoff_base_ms: 0,
    backoff_max_ms: 0,
};

/// Runs `deliver` until decided, as the worker does across job runs; resumed runs start
/// with a status query.
async fn until_decided(gateway: &dyn CarrierGateway, order: &CarrierOrder) -> DeliveryResult {
    let mut result = deliver(gateway, order, &POLICY).await;
    for _ in 0..20 {
        if result != DeliveryResult::Undecided {
            break;
        }
        result = deliver_from(gateway, order, &POLICY, Step::QueryStatus).await;
    }
    result
}

#[tokio::test]
async fn every_order_ends_definite_and_matches_the_carrier() {
    let sim = Simulator::new(SimConfig::try_new(77, 0, 0.25, 0.45, 0.5).unwrap());
    let gateway: &dyn CarrierGateway = &sim;
    let mut client_view = Vec::new();
    for i in 0..5_000 {
        let order = order(i);
        let status = match until_decided(gateway, &order).await {
            DeliveryResult::Delivered => OrderStatus::Delivered,
            DeliveryResult::Failed { reason } => OrderStatus::Failed { reason },
            DeliveryResult::Undecided => panic!("{} undecided", order.order_id),
        };
        client_view.push((order.order_id, status, order.amount_fen));
    }
    assert_eq!(client_view, sim.orders());
    let stats = sim.stats();
    assert_eq!(stats.duplicate_deliveries, 0);
    assert_eq!(stats.orders, 5_000);
}

#[tokio::test]
async fn replaying_a_seed_replays_the_results() {
    let run = || async {
        let sim = Simulator::new(SimConfig::try_new(5, 0, 0.3, 0.3, 0.3).unwrap());
        let mut results = Vec::new();
        for i in 0..1_000 {
            results.push(deliver(&sim, &order(i), &POLICY).await);
        }
        (results, sim.orders())
    };
    assert_eq!(run().await, run().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_racing_on_each_order_deliver_it_once() {
    let sim = Arc::new(Simulator::new(
        SimConfig::try_new(13, 1, 0.2, 0.4, 0.3).unwrap(),
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..300 {
        for _ in 0..2 {
            let sim = sim.clone();
            tasks.spawn(async move {
                let order = order(i);
                (
                    order.order_id.clone(),
                    until_decided(sim.as_ref(), &order).await,
                )
            });
        }
    }
    let mut results = std::collections::HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (order_id, result) = joined.unwrap();
        assert_ne!(result, DeliveryResult::Undecided);
        // Both workers must agree on what became of the order.
        if let Some(other) = results.insert(order_id, result.clone()) {
            assert_eq!(other, result);
        }
    }
    assert_eq!(sim.stats().duplicate_deliveries, 0);
}

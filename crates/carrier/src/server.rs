//! The stand-alone simulator server: the [`Simulator`] behind the carrier's HTTP protocol.
//!
//! It exists so that the HTTP path — the adapter, timeouts, connection handling — is tested
//! for real, and so that a deployed creditloop can be pointed at a carrier whose faults can
//! be changed while it runs (`PUT /v1/config`).
//!
//! The simulator's timeout outcome (a lost response) is answered `504 Gateway Timeout`
//! rather than by holding the connection open: it is what a carrier behind a gateway does,
//! it keeps fault-injection tests fast, and the adapter maps it to `CarrierError::Timeout`
//! exactly like its own client timeout. A real client-side timeout can still be provoked by
//! setting `latency_ms` above the adapter's `timeout_ms`: the simulator decides before it
//! waits, so the order is carried out and only the response is late.

use crate::gateway::{CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SubmitOutcome};
use crate::simulator::{SimConfigPatch, Simulator};
use crate::wire::{
    ERROR_BAD_REQUEST, ERROR_CONFLICT, ERROR_NOT_FOUND, ERROR_STATUS_UNKNOWN, ERROR_TIMEOUT,
    ERROR_UNAVAILABLE, ErrorBody, ListQuery, ORDER_ID_CHARS_MAX, ORDERS_PAGE_DEFAULT,
    ORDERS_PAGE_MAX, OrderListItem, OrderPage, OrderReply, OrderRequest, REQUEST_BYTES_MAX,
};
use actix_web::{App, HttpResponse, HttpServer, error, http::StatusCode, web};
use std::sync::Arc;

/// Mounts the carrier routes, served by `sim`, on an actix app.
pub fn configure(cfg: &mut web::ServiceConfig, sim: Arc<Simulator>) {
    cfg.app_data(web::Data::from(sim))
        .app_data(
            web::JsonConfig::default()
                .limit(REQUEST_BYTES_MAX)
                .error_handler(|err, _| bad_request(err.to_string())),
        )
        .app_data(web::QueryConfig::default().error_handler(|err, _| bad_request(err.to_string())))
        .app_data(web::PathConfig::default().error_handler(|err, _| bad_request(err.to_string())))
        .route("/v1/orders", web::post().to(submit_order))
        .route("/v1/orders", web::get().to(list_orders))
        .route("/v1/orders/{order_id}", web::get().to(order_status))
        .route("/v1/stats", web::get().to(stats))
        .route("/v1/config", web::get().to(get_config))
        .route("/v1/config", web::put().to(put_config));
}

/// Serves the simulator on `listener` until the server is stopped. Bind port 0 in tests.
pub async fn serve(listener: std::net::TcpListener, sim: Arc<Simulator>) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, config = ?sim.config(), "carrier simulator listening");
    // The server is built in its own statement so that no builder temporary lives across
    // the await: that keeps this future `Send`, so callers can `tokio::spawn` it.
    let server = HttpServer::new(move || {
        let sim = sim.clone();
        App::new().configure(move |cfg| configure(cfg, sim))
    })
    // The simulator is a test double: two workers keep up with any test and leave the
    // machine to the code under test.
    .workers(2)
    .listen(listener)?
    .run();
    server.await
}

fn bad_request(message: String) -> error::Error {
    let body = ErrorBody::new(ERROR_BAD_REQUEST, Some(message));
    error::InternalError::from_response("bad request", HttpResponse::BadRequest().json(body)).into()
}

fn error_response(status: StatusCode, code: &str, message: Option<String>) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody::new(code, message))
}

fn carrier_error_response(err: CarrierError) -> HttpResponse {
    match err {
        CarrierError::Timeout => error_response(
            StatusCode::GATEWAY_TIMEOUT,
            ERROR_TIMEOUT,
            Some("the simulated carrier lost its response".to_string()),
        ),
        CarrierError::StatusUnknown => {
            error_response(StatusCode::SERVICE_UNAVAILABLE, ERROR_STATUS_UNKNOWN, None)
        }
        CarrierError::Unavailable(message) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            ERROR_UNAVAILABLE,
            Some(message),
        ),
        CarrierError::Protocol(message) => {
            error_response(StatusCode::CONFLICT, ERROR_CONFLICT, Some(message))
        }
    }
}

/// Refuses order ids that are empty, too long or not printable, with a 400.
fn check_order_id(order_id: &str) -> Option<HttpResponse> {
    let length = order_id.chars().count();
    let printable = !order_id.chars().any(char::is_control);
    if (1..=ORDER_ID_CHARS_MAX).contains(&length) && printable {
        return None;
    }
    let message = format!("order_id must be 1 to {ORDER_ID_CHARS_MAX} printable characters");
    Some(error_response(
        StatusCode::BAD_REQUEST,
        ERROR_BAD_REQUEST,
        Some(message),
    ))
}

async fn submit_order(sim: web::Data<Simulator>, body: web::Json<OrderRequest>) -> HttpResponse {
    let request = body.into_inner();
    if let Some(response) = check_order_id(&request.order_id) {
        return response;
    }
    let order = CarrierOrder {
        order_id: request.order_id,
        phone: request.phone,
        operator: request.operator,
        amount_fen: request.amount_fen,
    };
    match sim.submit(&order).await {
        Ok(outcome) => {
            let status = match outcome {
                SubmitOutcome::Delivered => OrderStatus::Delivered,
                SubmitOutcome::Failed { reason } => OrderStatus::Failed { reason },
                SubmitOutcome::Accepted => OrderStatus::Pending,
            };
            match OrderReply::from_status(&order.order_id, &status) {
                Some(reply) => HttpResponse::Ok().json(reply),
                None => error_response(StatusCode::NOT_FOUND, ERROR_NOT_FOUND, None),
            }
        }
        Err(err) => carrier_error_response(err),
    }
}

async fn order_status(sim: web::Data<Simulator>, path: web::Path<String>) -> HttpResponse {
    let order_id = path.into_inner();
    if let Some(response) = check_order_id(&order_id) {
        return response;
    }
    match sim.status(&order_id).await {
        Ok(status) => match OrderReply::from_status(&order_id, &status) {
            Some(reply) => HttpResponse::Ok().json(reply),
            None => error_response(StatusCode::NOT_FOUND, ERROR_NOT_FOUND, None),
        },
        Err(err) => carrier_error_response(err),
    }
}

async fn list_orders(sim: web::Data<Simulator>, query: web::Query<ListQuery>) -> HttpResponse {
    let query = query.into_inner();
    let limit = query
        .limit
        .unwrap_or(ORDERS_PAGE_DEFAULT)
        .clamp(1, ORDERS_PAGE_MAX);
    let page = sim.orders_page(query.after.as_deref(), limit);
    let next_after = if page.len() == limit {
        page.last().map(|(order_id, _, _)| order_id.clone())
    } else {
        None
    };
    let orders = page
        .into_iter()
        .filter_map(|(order_id, status, amount_fen)| {
            let reply = OrderReply::from_status(&order_id, &status)?;
            Some(OrderListItem {
                order_id,
                status: reply.status,
                reason: reply.reason,
                amount_fen,
            })
        })
        .collect();
    HttpResponse::Ok().json(OrderPage { orders, next_after })
}

async fn stats(sim: web::Data<Simulator>) -> HttpResponse {
    HttpResponse::Ok().json(sim.stats())
}

async fn get_config(sim: web::Data<Simulator>) -> HttpResponse {
    HttpResponse::Ok().json(sim.config())
}

async fn put_config(sim: web::Data<Simulator>, patch: web::Json<SimConfigPatch>) -> HttpResponse {
    match sim.patch_config(&patch) {
        Ok(config) => HttpResponse::Ok().json(config),
        Err(err) => error_response(
            StatusCode::BAD_REQUEST,
            ERROR_BAD_REQUEST,
            Some(err.to_string()),
        ),
    }
}

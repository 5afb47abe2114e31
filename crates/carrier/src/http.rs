//! The HTTP adapter: a carrier reached over the protocol in [`crate::wire`].
//!
//! Its one job beyond encoding is to map every way an HTTP call can go wrong onto the
//! definite/not-definite line of [`CarrierError`]. The rule it follows: unless the carrier
//! gave a well-formed answer, the outcome is unknown. In particular, a client timeout, a
//! connection cut after the request was written and a `504` all become
//! [`CarrierError::Timeout`] — the request may have been carried out with only the response
//! lost. A refused connection and a `5xx` other than `504` are
//! [`CarrierError::Unavailable`]; a `503 {"error":"status_unknown"}` is
//! [`CarrierError::StatusUnknown`]. None of them is definite.

use crate::gateway::{CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SubmitOutcome};
use crate::simulator::{ConfigError, SimConfig, SimConfigPatch, SimStats};
use crate::wire::{
    ERROR_NOT_FOUND, ERROR_STATUS_UNKNOWN, ErrorBody, ORDERS_PAGE_MAX, OrderPage, OrderReply,
    OrderRequest, WireStatus,
};
use async_trait::async_trait;
use reqwest::{RequestBuilder, StatusCode, Url};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Replies larger than this are refused; a full page of orders is well under it.
const REPLY_BYTES_MAX: usize = 4 * 1024 * 1024;
/// The longest per-call timeout accepted.
const TIMEOUT_MS_MAX: u64 = 600_000;
/// How much of an unexpected reply body is quoted in an error.
const SNIPPET_CHARS_MAX: usize = 200;

/// A carrier reached over HTTP.
#[derive(Debug, Clone)]
pub struct HttpCarrier {
    client: reqwest::Client,
    base: Url,
    name: String,
}

/// What an order endpoint answered, when it answered well.
enum Answer {
    Order(OrderReply),
    NotFound,
}

impl HttpCarrier {
    /// A carrier at `base_url` (e.g. `http://127.0.0.1:8080`, optionally with a path prefix),
    /// with `timeout_ms` for each whole call.
    pub fn try_new(base_url: &str, timeout_ms: u64) -> Result<HttpCarrier, ConfigError> {
        let base = Url::parse(base_url).map_err(|err| ConfigError::BaseUrl(err.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ConfigError::BaseUrl(format!(
                "{base_url} is not an http or https URL"
            )));
        }
        if timeout_ms == 0 || timeout_ms > TIMEOUT_MS_MAX {
            return Err(ConfigError::Timeout(format!(
                "must be between 1 and {TIMEOUT_MS_MAX}, got {timeout_ms}"
            )));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(timeout_ms))
            .build()
            .map_err(|err| ConfigError::Client(err.to_string()))?;
        let name = format!("http {base}");
        Ok(HttpCarrier { client, base, name })
    }

    fn url(&self, segments: &[&str]) -> Result<Url, CarrierError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| CarrierError::Protocol("base URL cannot take a path".to_string()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    async fn order_call(
        &self,
        request: RequestBuilder,
        order_id: &str,
    ) -> Result<Answer, CarrierError> {
        let (status, body) = send(request).await?;
        if status.is_success() {
            let reply: OrderReply = decode(&body)?;
            if reply.order_id != order_id {
                return Err(CarrierError::Protocol(format!(
                    "asked about order {order_id}, answered about {}",
                    reply.order_id
                )));
            }
            return Ok(Answer::Order(reply));
        }
        if status == StatusCode::NOT_FOUND && error_code(&body).as_deref() == Some(ERROR_NOT_FOUND)
        {
            return Ok(Answer::NotFound);
        }
        Err(status_error(status, &body))
    }

    /// Every order the carrier has recorded, as `(order id, status, amount in fen)` ordered
    /// by id — the same shape as [`crate::Simulator::orders`], for reconciliation.
    pub async fn orders(&self) -> Result<Vec<(String, OrderStatus, i64)>, CarrierError> {
        self.orders_in_pages(ORDERS_PAGE_MAX).await
    }

    async fn orders_in_pages(
        &self,
        page_size: usize,
    ) -> Result<Vec<(String, OrderStatus, i64)>, CarrierError> {
        let mut orders = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut url = self.url(&["v1", "orders"])?;
            url.query_pairs_mut()
                .append_pair("limit", &page_size.to_string());
            if let Some(after) = &after {
                url.query_pairs_mut().append_pair("after", after);
            }
            let page: OrderPage = self.get_json(url).await?;
            orders.extend(page.orders.into_iter().map(|item| {
                let status = wire_status(item.status, item.reason);
                (item.order_id, status, item.amount_fen)
            }));
            match page.next_after {
                // The cursor must move forward, or a broken server would keep us here.
                Some(next) if after.as_ref().is_none_or(|previous| next > *previous) => {
                    after = Some(next);
                }
                Some(next) => {
                    return Err(CarrierError::Protocol(format!(
                        "order listing cursor went backwards to {next}"
                    )));
                }
                None => return Ok(orders),
            }
        }
    }

    /// The simulator server's delivery counters.
    pub async fn stats(&self) -> Result<SimStats, CarrierError> {
        self.get_json(self.url(&["v1", "stats"])?).await
    }

    /// The simulator server's configuration.
    pub async fn config(&self) -> Result<SimConfig, CarrierError> {
        self.get_json(self.url(&["v1", "config"])?).await
    }

    /// Changes the simulator server's fault rates; fields left out keep their value.
    pub async fn set_config(&self, patch: &SimConfigPatch) -> Result<SimConfig, CarrierError> {
        let request = self.client.put(self.url(&["v1", "config"])?).json(patch);
        let (status, body) = send(request).await?;
        if status.is_success() {
            decode(&body)
        } else {
            Err(status_error(status, &body))
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, CarrierError> {
        let (status, body) = send(self.client.get(url)).await?;
        if status.is_success() {
            decode(&body)
        } else {
            Err(status_error(status, &body))
        }
    }
}

#[async_trait]
impl CarrierGateway for HttpCarrier {
    async fn submit(&self, order: &CarrierOrder) -> Result<SubmitOutcome, CarrierError> {
        let body = OrderRequest {
            order_id: order.order_id.clone(),
            phone: order.phone.clone(),
            operator: order.operator,
            amount_fen: order.amount_fen,
        };
        let request = self.client.post(self.url(&["v1", "orders"])?).json(&body);
        match self.order_call(request, &order.order_id).await? {
            Answer::Order(reply) => Ok(match reply.status {
                WireStatus::Delivered => SubmitOutcome::Delivered,
                WireStatus::Failed => SubmitOutcome::Failed {
                    reason: reply.reason.unwrap_or_default(),
                },
                WireStatus::Pending => SubmitOutcome::Accepted,
            }),
            Answer::NotFound => Err(CarrierError::Protocol(
                "the carrier answered a submit with not_found".to_string(),
            )),
        }
    }

    async fn status(&self, order_id: &str) -> Result<OrderStatus, CarrierError> {
        let request = self.client.get(self.url(&["v1", "orders", order_id])?);
        match self.order_call(request, order_id).await? {
            Answer::Order(reply) => Ok(wire_status(reply.status, reply.reason)),
            Answer::NotFound => Ok(OrderStatus::NotFound),
        }
    }

    fn name(&self) -> &str {
        &self.name
    }
}

fn wire_status(status: WireStatus, reason: Option<String>) -> OrderStatus {
    match status {
        WireStatus::Delivered => OrderStatus::Delivered,
        WireStatus::Failed => OrderStatus::Failed {
            reason: reason.unwrap_or_default(),
        },
        WireStatus::Pending => OrderStatus::Pending,
    }
}

/// Sends `request` and reads the whole reply, refusing replies above [`REPLY_BYTES_MAX`].
async fn send(request: RequestBuilder) -> Result<(StatusCode, Vec<u8>), CarrierError> {
    let mut response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > REPLY_BYTES_MAX {
            return Err(CarrierError::Protocol(format!(
                "reply larger than {REPLY_BYTES_MAX} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

/// Maps a failed HTTP exchange. Only a refused connection is known not to have reached the
/// carrier; anything that failed after the request may have been written is a lost
/// response, i.e. a timeout.
fn transport_error(err: reqwest::Error) -> CarrierError {
    if err.is_connect() {
        CarrierError::Unavailable(err.to_string())
    } else if err.is_builder() || err.is_decode() || err.is_redirect() {
        CarrierError::Protocol(err.to_string())
    } else {
        tracing::debug!(error = %err, "carrier call lost; treating as a timeout");
        CarrierError::Timeout
    }
}

fn status_error(status: StatusCode, body: &[u8]) -> CarrierError {
    let code = error_code(body);
    match status {
        StatusCode::GATEWAY_TIMEOUT => CarrierError::Timeout,
        StatusCode::SERVICE_UNAVAILABLE if code.as_deref() == Some(ERROR_STATUS_UNKNOWN) => {
            CarrierError::StatusUnknown
        }
        status if status.is_server_error() => {
            CarrierError::Unavailable(format!("HTTP {status}: {}", snippet(body)))
        }
        status => CarrierError::Protocol(format!("HTTP {status}: {}", snippet(body))),
    }
}

fn error_code(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|body| body.error)
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CarrierError> {
    serde_json::from_slice(body).map_err(|err| {
        CarrierError::Protocol(format!("unreadable reply ({err}): {}", snippet(body)))
    })
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(SNIPPET_CHARS_MAX)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reconciliation_follows_the_pages() {
        use crate::{SimConfig, Simulator};
        use creditloop_domain::phone::PhoneNumber;
        use std::sync::Arc;

        let sim = Arc::new(Simulator::new(
            SimConfig::try_new(4, 0, 0.5, 0.0, 0.0).unwrap(),
        ));
        for i in 0..7 {
            let phone = PhoneNumber::parse("13312345678").unwrap();
            let order = CarrierOrder::new(format!("o-{i}"), phone, 100 + i);
            sim.submit(&order).await.unwrap();
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(crate::serve(listener, sim.clone()));
        let carrier = HttpCarrier::try_new(&format!("http://127.0.0.1:{port}"), 5_000).unwrap();
        for page_size in [1, 2, 3, 7, 8] {
            assert_eq!(
                carrier.orders_in_pages(page_size).await.unwrap(),
                sim.orders()
            );
        }
        assert_eq!(carrier.orders().await.unwrap().len(), 7);
    }

    #[test]
    fn base_url_and_timeout_are_validated() {
        assert!(HttpCarrier::try_new("http://127.0.0.1:1", 1_000).is_ok());
        assert!(HttpCarrier::try_new("https://carrier.example/api/", 1_000).is_ok());
        assert!(matches!(
            HttpCarrier::try_new("not a url", 1_000),
            Err(ConfigError::BaseUrl(_))
        ));
        assert!(matches!(
            HttpCarrier::try_new("mailto:ops@example.com", 1_000),
            Err(ConfigError::BaseUrl(_))
        ));
        assert!(matches!(
            HttpCarrier::try_new("http://127.0.0.1:1", 0),
            Err(ConfigError::Timeout(_))
        ));
    }

    #[test]
    fn paths_are_joined_and_order_ids_escaped() {
        let carrier = HttpCarrier::try_new("http://h/api/", 1_000).unwrap();
        let url = carrier.url(&["v1", "orders", "a/b?c"]).unwrap();
        assert_eq!(url.as_str(), "http://h/api/v1/orders/a%2Fb%3Fc");
        let bare = HttpCarrier::try_new("http://h", 1_000).unwrap();
        assert_eq!(
            bare.url(&["v1", "stats"]).unwrap().as_str(),
            "http://h/v1/stats"
        );
    }

    #[test]
    fn http_statuses_map_to_non_definite_errors() {
        let unknown = br#"{"error":"status_unknown"}"#;
        assert_eq!(
            status_error(StatusCode::SERVICE_UNAVAILABLE, unknown),
            CarrierError::StatusUnknown
        );
        assert_eq!(
            status_error(StatusCode::GATEWAY_TIMEOUT, b""),
            CarrierError::Timeout
        );
        assert!(matches!(
            status_error(StatusCode::SERVICE_UNAVAILABLE, b"busy"),
            CarrierError::Unavailable(_)
        ));
        assert!(matches!(
            status_error(StatusCode::BAD_GATEWAY, b""),
            CarrierError::Unavailable(_)
        ));
        assert!(matches!(
            status_error(StatusCode::CONFLICT, b"{}"),
            CarrierError::Protocol(_)
        ));
    }
}

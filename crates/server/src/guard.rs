//! Protections in front of every request: per-address and per-API-key rate limits, security
//! headers with a content security policy, and CORS (off unless origins are configured).

use crate::http::{error_response, request_id};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use creditloop_domain::ErrorCode;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Fixed one-minute windows per client address and per API key. Limits are per process: with
/// N replicas behind a load balancer a client gets up to N times the limit, which is the
/// intent (the limit protects each process) and is documented in the operations guide.
pub struct RateLimiter {
    per_ip: u32,
    per_key: u32,
    windows: Mutex<HashMap<String, (u64, u32)>>,
    clock: std::sync::Arc<dyn creditloop_domain::Clock>,
}

/// Entries kept before old windows are pruned.
const WINDOWS_MAX: usize = 100_000;

impl RateLimiter {
    pub fn new(per_ip: u32, per_key: u32, clock: std::sync::Arc<dyn creditloop_domain::Clock>) -> RateLimiter {
        RateLimiter { per_ip, per_key, windows: Mutex::new(HashMap::new()), clock }
    }

    fn minute(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp() / 60).unwrap_or(0)
    }

    /// Counts one request for `key`; false when the key is over `limit` this minute.
    fn allow(&self, key: String, limit: u32) -> bool {
        if limit == 0 {
            return true;
        }
        let minute = self.minute();
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > WINDOWS_MAX {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let slot = windows.entry(key).or_insert((minute, 0));
        if slot.0 != minute {
            *slot = (minute, 0);
        }
        slot.1 = slot.1.saturating_add(1);
        slot.1 <= limit
    }

    /// Seconds until the current window ends, for `Retry-After`.
    fn retry_after(&self) -> u64 {
        60 - u64::try_from(self.clock.now().timestamp().rem_euclid(60)).unwrap_or(0)
    }
}

pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    /// `origins` is a comma-separated list; empty turns CORS off (same-origin only).
    pub fn new(origins: &str) -> Cors {
        Cors { origins: origins.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect() }
    }

    fn allowed(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }
}

pub struct Guard {
    pub limiter: RateLimiter,
    pub cors: Cors,
    pub production: bool,
}

/// The content security policy of the web app: everything from our own origin; inline styles
/// are needed by the component library's CSS-in-JS.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
                   form-action 'self'";

fn is_api(path: &str) -> bool {
    path == "/graphql" || path.starts_with("/api/")
}

pub async fn protect(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(guard) = req.app_data::<web::Data<Guard>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let cors_origin = origin.filter(|o| guard.cors.allowed(o));
    // A CORS preflight from an allowed origin is answered here; others fall through and get
    // no CORS headers, so the browser refuses them.
    if req.method() == Method::OPTIONS && cors_origin.is_some() && is_api(req.path()) {
        let mut res = HttpResponse::NoContent();
        res.insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"));
        res.insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type, x-csrf-token, idempotency-key"));
        res.insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
        let res = res.finish();
        return Ok(decorate(req.into_response(res), &guard, cors_origin.as_deref()));
    }
    if is_api(req.path()) {
        let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
        let api_key = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|t| t.starts_with(creditloop_app::auth::API_KEY_PREFIX))
            .map(|t| hex::encode(&Sha256::digest(t.as_bytes())[..12]));
        let allowed = match api_key {
            Some(key) => guard.limiter.allow(format!("key:{key}"), guard.limiter.per_key),
            None => guard.limiter.allow(format!("ip:{ip}"), guard.limiter.per_ip),
        };
        if !allowed {
            metrics::counter!("rate_limited_total").increment(1);
            let rid = request_id(req.request());
            let mut res = error_response(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, "too many requests; slow down", rid);
            if let Ok(v) = HeaderValue::from_str(&guard.limiter.retry_after().to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(decorate(req.into_response(res), &guard, cors_origin.as_deref()));
        }
    }
    let res = next.call(req).await?.map_into_boxed_body();
    Ok(decorate(res, &guard, cors_origin.as_deref()))
}

fn decorate(mut res: ServiceResponse<BoxBody>, guard: &Guard, cors_origin: Option<&str>) -> ServiceResponse<BoxBody> {
    let headers = res.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "no-referrer");
    set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    set("cross-origin-opener-policy", "same-origin");
    set("content-security-policy", CSP);
    if guard.production {
        set("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    if let Some(origin) = cors_origin {
        set("access-control-allow-origin", origin);
        set("access-control-allow-credentials", "true");
        set("vary", "Origin");
    }
    res
}

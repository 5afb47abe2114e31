//! The HTTP surface: `/graphql` (POST and GET), `/healthz`, `/readyz`, and the web app.

use crate::config::{Mode, Settings};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use futures::StreamExt;
use async_graphql::{BatchRequest, BatchResponse};
use creditloop_app::{App, AppError};
use creditloop_domain::ErrorCode;
use creditloop_graphql::{CreditloopSchema, Limits, RequestContext, SESSION_COOKIE};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

pub(crate) struct State {
    pub(crate) app: App,
    schema: CreditloopSchema,
    frontend_dir: PathBuf,
    secure_cookies: bool,
    session_max_age_secs: i64,
    batch_max: usize,
    body_max: usize,
}

pub fn run(listener: TcpListener, app: App, settings: &Settings) -> anyhow::Result<actix_web::dev::Server> {
    let limits = Limits {
        depth_max: settings.graphql_depth_max,
        complexity_max: settings.graphql_complexity_max,
        aliases_max: settings.graphql_aliases_max,
        fields_max: 500,
        introspection: settings.introspection_enabled(),
    };
    let state = web::Data::new(State {
        schema: creditloop_graphql::build_schema(app.clone(), &limits),
        app,
        frontend_dir: settings.frontend_dir.clone(),
        secure_cookies: settings.mode == Mode::Production,
        session_max_age_secs: settings.session_absolute_hours * 3600,
        batch_max: settings.graphql_batch_max,
        body_max: settings.body_bytes_max,
    });
    let guard = web::Data::new(crate::guard::Guard {
        limiter: crate::guard::RateLimiter::new(settings.rate_limit_per_ip_per_minute, settings.rate_limit_per_key_per_minute, state.app.clock.clone()),
        cors: crate::guard::Cors::new(&settings.cors_origins),
        production: settings.mode == Mode::Production,
    });
    crate::telemetry_metrics::handle();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(state.clone())
            .app_data(guard.clone())
            .wrap(actix_web::middleware::from_fn(crate::guard::protect))
            .wrap(actix_web::middleware::from_fn(request_log))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_page))
            .route("/graphql", web::post().to(graphql_post))
            .route("/graphql", web::get().to(graphql_get))
            .configure(crate::rest::configure)
            .default_service(web::get().to(frontend))
    })
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Adds a request id to every request and logs one line per response.
async fn request_log(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_owned();
    // One span per request: it carries the request id into every log line of the request and,
    // with `otel_endpoint`, becomes the exported trace span.
    let span = tracing::info_span!("http_request", request_id = %request_id, method = %method, path = %path);
    let mut res = tracing::Instrument::instrument(next.call(req), span).await?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
    }
    // The route pattern, not the raw path, keeps the label set small.
    let route = res.request().match_pattern().unwrap_or_else(|| "static".to_owned());
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    tracing::info!(
        request_id,
        method,
        path,
        status = res.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}

#[derive(Clone)]
struct RequestId(String);

pub(crate) fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

async fn metrics_page(state: web::Data<State>) -> HttpResponse {
    let body = crate::telemetry_metrics::render(&state.app).await;
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn readyz(state: web::Data<State>) -> HttpResponse {
    match state.app.db.conn().ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            HttpResponse::ServiceUnavailable().content_type("text/plain").body("database unreachable")
        }
    }
}

pub(crate) fn error_response(status: StatusCode, code: ErrorCode, message: &str, request_id: Option<String>) -> HttpResponse {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str(), "requestId": request_id } }]
    });
    HttpResponse::build(status).content_type("application/json").body(body.to_string())
}

fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// Works out who is asking: a bearer token (API clients) or the session cookie plus a
/// matching `X-CSRF-Token` header (the web app).
pub(crate) async fn authenticate(state: &State, req: &HttpRequest) -> Result<RequestContext, AppError> {
    let ip = client_ip(req);
    let mut ctx = RequestContext {
        ip: ip.clone(),
        secure_cookies: state.secure_cookies,
        session_cookie_max_age_secs: state.session_max_age_secs,
        ..RequestContext::default()
    };
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| AppError::unauthenticated("malformed Authorization header"))?;
        let token = text
            .strip_prefix("Bearer ")
            .ok_or_else(|| AppError::unauthenticated("use `Authorization: Bearer <token>`"))?
            .trim();
        ctx.principal = Some(state.app.authenticate(token, ip.as_deref()).await?);
        ctx.token = Some(token.to_owned());
        return Ok(ctx);
    }
    ctx.cookie_client = true;
    if let Some(cookie) = req.cookie(SESSION_COOKIE).filter(|c| !c.value().is_empty()) {
        let principal = match state.app.authenticate(cookie.value(), ip.as_deref()).await {
            Ok(p) => p,
            // A stale cookie is treated as no session, so that signing in again works.
            Err(e) if e.code() == ErrorCode::Unauthenticated => return Ok(ctx),
            Err(e) => return Err(e),
        };
        let sent = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != principal.csrf_token.as_deref() {
            return Err(AppError::forbidden("missing or wrong X-CSRF-Token header for a cookie session"));
        }
        ctx.principal = Some(principal);
        ctx.token = Some(cookie.value().to_owned());
    }
    Ok(ctx)
}

/// Reads the body up to the limit; an oversized body is refused before it is buffered.
async fn read_body(mut payload: web::Payload, max: usize) -> Result<web::BytesMut, (StatusCode, &'static str)> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| (StatusCode::BAD_REQUEST, "the request body could not be read"))?;
        if body.len() + chunk.len() > max {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn graphql_post(state: web::Data<State>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > state.body_max) {
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::Validation, "the request body is too large", request_id(&req));
    }
    let body = match read_body(payload, state.body_max).await {
        Ok(body) => body,
        Err((status, message)) => return error_response(status, ErrorCode::Validation, message, request_id(&req)),
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(err) => {
            let message = format!("the body is not a GraphQL request: {err}");
            return error_response(StatusCode::BAD_REQUEST, ErrorCode::Validation, &message, request_id(&req));
        }
    };
    execute(&state, &req, batch).await
}

async fn graphql_get(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(r) => r,
        Err(err) => {
            return error_response(StatusCode::BAD_REQUEST, ErrorCode::Validation, &err.to_string(), request_id(&req));
        }
    };
    // GET may only read: a mutation over GET could be triggered by a link. (A document nested
    // too deeply to parse safely is refused by the schema's guard.)
    let is_mutation = !creditloop_graphql::too_deeply_nested(&request.query)
        && async_graphql::parser::parse_query(&request.query).is_ok_and(|doc| {
            doc.operations.iter().any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
        });
    if is_mutation {
        let message = "mutations must be sent with POST";
        return error_response(StatusCode::METHOD_NOT_ALLOWED, ErrorCode::Validation, message, request_id(&req));
    }
    execute(&state, &req, BatchRequest::Single(request)).await
}

async fn execute(state: &State, req: &HttpRequest, batch: BatchRequest) -> HttpResponse {
    let rid = request_id(req);
    if let BatchRequest::Batch(items) = &batch {
        if items.len() > state.batch_max || items.is_empty() {
            let message = format!("a batch must hold 1 to {} operations", state.batch_max);
            return error_response(StatusCode::BAD_REQUEST, ErrorCode::Validation, &message, rid);
        }
    }
    let ctx = match authenticate(state, req).await {
        Ok(ctx) => ctx,
        Err(err) => {
            let status = if err.code() == ErrorCode::Forbidden { StatusCode::FORBIDDEN } else { StatusCode::OK };
            return error_response(status, err.code(), err.public_message(), rid);
        }
    };
    let operation = operation_label(&batch);
    let started = Instant::now();
    let batch = batch.data(ctx);
    let response = state.schema.execute_batch(batch).await;
    let outcome = match &response {
        BatchResponse::Single(r) if r.errors.is_empty() => "ok",
        BatchResponse::Batch(rs) if rs.iter().all(|r| r.errors.is_empty()) => "ok",
        _ => "error",
    };
    metrics::counter!("graphql_operations_total", "operation" => operation.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("graphql_operation_duration_seconds", "operation" => operation).record(started.elapsed().as_secs_f64());
    respond(response, rid)
}

/// The metric label of a request: its first root field (bounded by the schema, unlike
/// client-chosen operation names), or "batch" / "invalid".
fn operation_label(batch: &BatchRequest) -> String {
    let BatchRequest::Single(request) = batch else { return "batch".to_owned() };
    if creditloop_graphql::too_deeply_nested(&request.query) {
        return "invalid".to_owned();
    }
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else { return "invalid".to_owned() };
    doc.operations
        .iter()
        .next()
        .and_then(|(_, op)| {
            op.node.selection_set.node.items.iter().find_map(|s| match &s.node {
                async_graphql::parser::types::Selection::Field(f) => Some(f.node.name.node.to_string()),
                _ => None,
            })
        })
        .unwrap_or_else(|| "invalid".to_owned())
}

/// Serialises the GraphQL answer. Errors raised before any resolver ran (parse, validation,
/// limits, input coercion) carry no code yet: they are all `VALIDATION`. Every error gets
/// the request id, so a user can quote it and an operator can find the log line.
fn respond(response: BatchResponse, rid: Option<String>) -> HttpResponse {
    let mut headers = Vec::new();
    let mut fix = |r: &mut async_graphql::Response| {
        for (name, value) in r.http_headers.iter() {
            headers.push((name.clone(), value.clone()));
        }
        for error in &mut r.errors {
            let ext = error.extensions.get_or_insert_with(Default::default);
            if ext.get("code").is_none() {
                ext.set("code", ErrorCode::Validation.as_str());
            }
            if let Some(rid) = &rid {
                ext.set("requestId", rid.as_str());
            }
        }
    };
    let response = match response {
        BatchResponse::Single(mut r) => {
            fix(&mut r);
            BatchResponse::Single(r)
        }
        BatchResponse::Batch(mut rs) => {
            rs.iter_mut().for_each(fix);
            BatchResponse::Batch(rs)
        }
    };
    let body = match serde_json::to_string(&response) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "serialising a GraphQL response");
            return error_response(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error", rid);
        }
    };
    let mut out = HttpResponse::Ok();
    out.content_type("application/json");
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            out.append_header((name, value));
        }
    }
    out.body(body)
}

/// Serves the built web app with a fallback to `index.html` for client-side routes.
async fn frontend(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    if req.method() != Method::GET {
        return HttpResponse::MethodNotAllowed().finish();
    }
    let relative = req.path().trim_start_matches('/');
    let safe = Path::new(relative).components().all(|c| matches!(c, Component::Normal(_)));
    let candidate = state.frontend_dir.join(relative);
    let path = if safe && !relative.is_empty() && candidate.is_file() { candidate } else { state.frontend_dir.join("index.html") };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let immutable = path.components().any(|c| c.as_os_str() == "assets");
            let mut res = HttpResponse::Ok();
            res.content_type(content_type(&path));
            res.insert_header((
                header::CACHE_CONTROL,
                if immutable { "public, max-age=31536000, immutable" } else { "no-cache" },
            ));
            res.body(bytes)
        }
        Err(_) => HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body(
            "The web app is not built. Run `npm ci && npm run build` in frontend/, or use the README's run command.",
        ),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

//! The REST endpoints beside GraphQL: CSV imports and exports.
//!
//! - `POST /api/imports/{kind}` (multipart field `file`; `?deactivate_missing=1` for the
//!   roster) validates and stores an upload and answers its report.
//! - `POST /api/imports/{id}/commit` (header `Idempotency-Key`) applies it, all or nothing.
//! - `GET /api/imports/templates/{kind}` downloads a template.
//! - `GET /api/exports/{kind}?from=&to=&bom=1` streams a CSV file.
//! - `POST /api/exports/{kind}/jobs?from=&to=&bom=1` queues the same export to be written in
//!   the background (202 with the job); the requester is mailed when it is ready.
//! - `GET /api/exports/jobs/{id}` answers a job's status; `GET /api/exports/jobs/{id}/download`
//!   streams its finished file (409 while it is not done).
//!
//! Errors use the GraphQL error shape (`{"errors":[{"message","extensions":{"code"}}]}`) with
//! the HTTP status of the error code, so one client-side reader understands both APIs.

use crate::http::{authenticate, error_response, request_id, State};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use creditloop_app::exports::{ExportKind, ExportQuery};
use creditloop_app::imports::{ImportKind, ImportLimits, ImportOptions};
use creditloop_app::{AppError, Principal};
use creditloop_domain::{ErrorCode, IdempotencyKey};
use futures::StreamExt;
use std::collections::HashMap;

/// Room for the multipart framing around the file itself.
const MULTIPART_OVERHEAD_BYTES: usize = 64 * 1024;

/// Mounts `/api/...` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .route("/imports/templates/{kind}", web::get().to(import_template))
            .route("/imports/{id}/commit", web::post().to(import_commit))
            .route("/imports/{kind}", web::post().to(import_upload))
            .route("/exports/jobs/{id}/download", web::get().to(export_job_download))
            .route("/exports/jobs/{id}", web::get().to(export_job_status))
            .route("/exports/{kind}/jobs", web::post().to(export_job_request))
            .route("/exports/{kind}", web::get().to(export_csv))
            .default_service(web::to(not_found)),
    );
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    error_response(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such API endpoint", request_id(&req))
}

fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn fail(req: &HttpRequest, err: &AppError) -> HttpResponse {
    error_response(status_of(err.code()), err.code(), err.public_message(), request_id(req))
}

/// The signed-in principal, or the error response to send.
async fn principal(state: &State, req: &HttpRequest) -> Result<Principal, HttpResponse> {
    match authenticate(state, req).await {
        Ok(ctx) => ctx.principal.ok_or_else(|| fail(req, &AppError::unauthenticated("sign in first"))),
        Err(err) => Err(fail(req, &err)),
    }
}

/// The import limits from the settings (`import_bytes_max`, `import_rows_max`).
fn import_limits(state: &State) -> ImportLimits {
    ImportLimits { bytes_max: state.app.config.import_bytes_max, rows_max: state.app.config.import_rows_max }
}

/// A byte count for people: "20 MiB", "512 KiB", "100 bytes".
fn human_bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Reads the multipart field `file`. The body is read up to the limit first (refusing more
/// without buffering it), then split with `multer`.
async fn read_file_field(req: &HttpRequest, payload: web::Payload, limits: ImportLimits) -> Result<Vec<u8>, AppError> {
    let too_large = || AppError::validation("file", format!("the file is larger than {}", human_bytes(limits.bytes_max)));
    let body_max = limits.bytes_max + MULTIPART_OVERHEAD_BYTES;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > body_max) {
        return Err(too_large());
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| AppError::validation("file", "send the file as multipart/form-data in a field named \"file\""))?;
    let mut body = web::BytesMut::new();
    let mut payload = payload;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::validation("file", "the upload could not be read"))?;
        if body.len() + chunk.len() > body_max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::validation("file", format!("malformed upload: {e}")))? {
        if field.name() != Some("file") {
            continue;
        }
        let bytes = field.bytes().await.map_err(|e| AppError::validation("file", format!("malformed upload: {e}")))?;
        if bytes.len() > limits.bytes_max {
            return Err(too_large());
        }
        return Ok(bytes.to_vec());
    }
    Err(AppError::validation("file", "the upload has no field named \"file\""))
}

fn flag(query: &HashMap<String, String>, name: &str) -> bool {
    query.get(name).is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"))
}

async fn import_upload(
    state: web::Data<State>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
    payload: web::Payload,
) -> HttpResponse {
    let Some(kind) = ImportKind::parse(&path) else {
        return fail(&req, &AppError::not_found("import kind (employees, distributions or allowances)"));
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    // Refuse by permission before reading a possibly large body.
    for permission in [creditloop_domain::Permission::ImportsRun, kind.permission()] {
        if let Err(err) = principal.require(permission) {
            return fail(&req, &err);
        }
    }
    let limits = import_limits(&state);
    let bytes = match read_file_field(&req, payload, limits).await {
        Ok(b) => b,
        Err(err) => return fail(&req, &err),
    };
    let options = ImportOptions { deactivate_missing: flag(&query, "deactivate_missing") };
    match state.app.upload_import(&principal, kind, &bytes, options, limits).await {
        Ok(report) => HttpResponse::Ok().json(report),
        Err(err) => fail(&req, &err),
    }
}

async fn import_commit(state: web::Data<State>, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Ok(id) = uuid::Uuid::parse_str(&path) else {
        return fail(&req, &AppError::not_found("import"));
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let key = req.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(IdempotencyKey::parse);
    let key = match key {
        Some(Ok(k)) => k,
        Some(Err(e)) => return fail(&req, &AppError::validation("Idempotency-Key", e.to_string())),
        None => return fail(&req, &AppError::validation("Idempotency-Key", "send an Idempotency-Key header with the commit")),
    };
    match state.app.commit_import(&principal, id, &key).await {
        Ok(result) => HttpResponse::Ok().json(result),
        Err(err) => fail(&req, &err),
    }
}

async fn import_template(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(kind) = ImportKind::parse(&path) else {
        return fail(&req, &AppError::not_found("import kind (employees, distributions or allowances)"));
    };
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"creditloop-{}-template.csv\"", kind.as_str())))
        .body(creditloop_app::imports::template(kind))
}

fn export_query(query: &HashMap<String, String>) -> ExportQuery {
    let text = |name: &str| query.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    ExportQuery { from: text("from"), to: text("to"), bom: flag(query, "bom"), employee: text("employee"), department: text("department") }
}

async fn export_csv(
    state: web::Data<State>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let Some(kind) = ExportKind::parse(&path) else {
        return fail(&req, &AppError::not_found("export kind"));
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    if let Err(err) = principal.require(creditloop_domain::Permission::ExportsRead) {
        return fail(&req, &err);
    }
    let file = match state.app.export(&principal, kind, export_query(&query)).await {
        Ok(f) => f,
        Err(err) => return fail(&req, &err),
    };
    let disposition = format!("attachment; filename=\"{}\"", file.filename);
    let body = file.into_stream().map(|chunk| chunk.map(web::Bytes::from));
    let mut res = HttpResponse::Ok();
    res.content_type("text/csv; charset=utf-8").insert_header((header::CACHE_CONTROL, "no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        res.insert_header((header::CONTENT_DISPOSITION, value));
    }
    res.streaming(body)
}

/// The job id in the path, or the 404 to send.
fn job_id(req: &HttpRequest, path: &str) -> Result<uuid::Uuid, HttpResponse> {
    uuid::Uuid::parse_str(path).map_err(|_| fail(req, &AppError::not_found("export")))
}

async fn export_job_request(
    state: web::Data<State>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let Some(kind) = ExportKind::parse(&path) else {
        return fail(&req, &AppError::not_found("export kind"));
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    match state.app.request_export_job(&principal, kind, export_query(&query)).await {
        Ok(job) => HttpResponse::Accepted().insert_header((header::CACHE_CONTROL, "no-store")).json(job),
        Err(err) => fail(&req, &err),
    }
}

async fn export_job_status(state: web::Data<State>, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let id = match job_id(&req, &path) {
        Ok(id) => id,
        Err(res) => return res,
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    match state.app.export_job(&principal, id).await {
        Ok(job) => HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(job),
        Err(err) => fail(&req, &err),
    }
}

async fn export_job_download(state: web::Data<State>, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let id = match job_id(&req, &path) {
        Ok(id) => id,
        Err(res) => return res,
    };
    let principal = match principal(&state, &req).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let (job, stream) = match state.app.export_job_download(&principal, id).await {
        Ok(found) => found,
        Err(err) => return fail(&req, &err),
    };
    let mut res = HttpResponse::Ok();
    res.content_type("text/csv; charset=utf-8").insert_header((header::CACHE_CONTROL, "no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", job.file_name)) {
        res.insert_header((header::CONTENT_DISPOSITION, value));
    }
    let body = stream.map(|chunk| chunk.map(web::Bytes::from));
    match job.byte_size.and_then(|n| u64::try_from(n).ok()) {
        Some(size) => res.no_chunking(size).streaming(body),
        None => res.streaming(body),
    }
}

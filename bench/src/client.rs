//! The HTTP client side: GraphQL (whose errors come with HTTP 200, so every body is read and
//! checked), CSV uploads and commits, and streamed exports.

use anyhow::{Context as _, anyhow, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BOUNDARY: &str = "creditloop-bench-boundary-5c1e";

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    /// Time allowed for one upload, commit or export (they may take minutes).
    pub slow: Duration,
}

/// A GraphQL answer that is not a clean success, as one line.
pub fn gql_problem(status: u16, body: &Value) -> Option<String> {
    if status != 200 {
        return Some(format!("HTTP {status}: {}", short(body)));
    }
    if let Some(errors) = body.get("errors") {
        let first = &errors[0];
        return Some(format!(
            "GraphQL error {}: {}",
            first["extensions"]["code"].as_str().unwrap_or("?"),
            first["message"].as_str().unwrap_or("?")
        ));
    }
    if body.get("data").is_none_or(Value::is_null) {
        return Some(format!("no data: {}", short(body)));
    }
    None
}

/// The first 300 characters of a JSON value, for messages.
pub fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

impl Api {
    pub fn new(base: &str, slow: Duration) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(256)
            .tcp_nodelay(true)
            .build()?;
        Ok(Api {
            base: base.trim_end_matches('/').to_owned(),
            http,
            slow,
        })
    }

    /// Posts a GraphQL operation; answers (HTTP status, whole JSON body).
    pub async fn gql_raw(
        &self,
        token: Option<&str>,
        query: &str,
        variables: &Value,
    ) -> anyhow::Result<(u16, Value)> {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.context("GraphQL request")?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.context("GraphQL answer")?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
            anyhow!(
                "HTTP {status}, body is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })?;
        Ok((status, body))
    }

    /// Posts a GraphQL operation that must succeed; answers its `data`.
    pub async fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let (status, body) = self.gql_raw(token, query, &variables).await?;
        if let Some(problem) = gql_problem(status, &body) {
            bail!("{problem}\n  query: {query}");
        }
        Ok(body["data"].clone())
    }

    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<Session> {
        let data = self
            .gql(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": password }),
            )
            .await
            .with_context(|| format!("login {email}"))?;
        session(&data["login"])
    }

    pub async fn accept_invitation(&self, token: &str, password: &str) -> anyhow::Result<Session> {
        let data = self
            .gql(None, "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }", json!({ "t": token, "p": password }))
            .await?;
        session(&data["acceptInvitation"])
    }

    /// `POST /api/imports/{kind}` with the file as multipart field `file`.
    pub async fn upload(
        &self,
        token: &str,
        kind: &str,
        file: &[u8],
    ) -> anyhow::Result<(u16, Value)> {
        let mut body = Vec::with_capacity(file.len() + 256);
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{kind}.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let res = self
            .http
            .post(format!("{}/api/imports/{kind}", self.base))
            .bearer_auth(token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .timeout(self.slow)
            .body(body)
            .send()
            .await
            .context("upload")?;
        json_of(res).await
    }

    /// `POST /api/imports/{id}/commit`.
    pub async fn commit(&self, token: &str, id: &str, key: &str) -> anyhow::Result<(u16, Value)> {
        let res = self
            .http
            .post(format!("{}/api/imports/{id}/commit", self.base))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .timeout(self.slow)
            .send()
            .await
            .context("commit")?;
        json_of(res).await
    }

    /// Streams `GET /api/exports/{kind}{query}` through `each` chunk by chunk, never holding
    /// the file, for at most `max` (then the download is abandoned). Answers the time to the
    /// first byte and whether the whole file arrived.
    pub async fn export(
        &self,
        token: &str,
        kind: &str,
        query: &str,
        max: Duration,
        mut each: impl FnMut(&[u8]),
    ) -> anyhow::Result<(Duration, bool)> {
        let started = Instant::now();
        let mut res = self
            .http
            .get(format!("{}/api/exports/{kind}{query}", self.base))
            .bearer_auth(token)
            .timeout(self.slow)
            .send()
            .await
            .context("export")?;
        let status = res.status().as_u16();
        if status != 200 {
            let text = res.text().await.unwrap_or_default();
            bail!("export {kind}: HTTP {status}: {text}");
        }
        let mut first = None;
        let deadline = tokio::time::Instant::now() + max.saturating_sub(started.elapsed());
        loop {
            match tokio::time::timeout_at(deadline, res.chunk()).await {
                Err(_) => return Ok((first.unwrap_or_else(|| started.elapsed()), false)),
                Ok(chunk) => match chunk.context("export stream")? {
                    Some(chunk) => {
                        first.get_or_insert_with(|| started.elapsed());
                        each(&chunk);
                    }
                    None => return Ok((first.unwrap_or_else(|| started.elapsed()), true)),
                },
            }
        }
    }
}

async fn json_of(res: reqwest::Response) -> anyhow::Result<(u16, Value)> {
    let status = res.status().as_u16();
    let bytes = res.bytes().await?;
    let body = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!(
            "HTTP {status}, body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    })?;
    Ok((status, body))
}

/// A signed-in user's bearer token.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
}

fn session(v: &Value) -> anyhow::Result<Session> {
    let token = v["token"]
        .as_str()
        .ok_or_else(|| anyhow!("no token in {}", short(v)))?
        .to_owned();
    Ok(Session { token })
}

/// Money strings ("1234.56") as fen, exactly.
pub fn fen(text: &str) -> anyhow::Result<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    if frac.len() != 2
        || whole.is_empty()
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        bail!("not a money amount: {text:?}");
    }
    let value = whole.parse::<i64>()? * 100 + frac.parse::<i64>()?;
    Ok(if neg { -value } else { value })
}

/// Fen as a money string.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

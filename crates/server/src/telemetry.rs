//! Structured logs (pretty for people, JSON for machines) and, when `otel_endpoint` is set, an
//! OpenTelemetry export of the request spans over OTLP/HTTP.

use crate::config::{LogFormat, Settings};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// Keeps the trace exporter alive; dropping it (at shutdown) flushes what is buffered.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            if let Err(e) = provider.shutdown() {
                eprintln!("warning: flushing OpenTelemetry spans failed: {e}");
            }
        }
    }
}

fn otel_provider(endpoint: &str) -> Option<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .with_headers(Default::default())
        .build();
    match exporter {
        Ok(exporter) => {
            let resource = opentelemetry_sdk::Resource::builder().with_service_name("creditloop").build();
            Some(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
        }
        Err(e) => {
            eprintln!("warning: OpenTelemetry export disabled: {e}");
            None
        }
    }
}

/// Installs the global subscriber once; later calls (tests build many apps) keep the first.
pub fn init(settings: &Settings) -> Telemetry {
    let filter = EnvFilter::try_new(&settings.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt: Box<dyn Layer<Registry> + Send + Sync> = match settings.log_format {
        LogFormat::Json => Box::new(
            tracing_subscriber::fmt::layer().json().flatten_event(true).with_current_span(false).with_writer(std::io::stderr),
        ),
        LogFormat::Pretty => Box::new(tracing_subscriber::fmt::layer().compact().with_writer(std::io::stderr)),
    };
    let provider = settings.otel_endpoint.as_deref().filter(|e| !e.is_empty()).and_then(otel_provider);
    let otel = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("creditloop")).boxed());
    let layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = match otel {
        Some(otel) => vec![fmt, otel],
        None => vec![fmt],
    };
    let _ = tracing_subscriber::registry().with(layers.with_filter(filter)).try_init();
    Telemetry { provider }
}

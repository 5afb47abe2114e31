//! Webhooks for ERP systems.

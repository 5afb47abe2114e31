//! CSV exports, streamed.

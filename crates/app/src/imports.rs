//! CSV imports: upload, validate, preview, commit.

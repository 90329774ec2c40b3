//! Helpers for browser tests (being written).

//! Renders a `RequestSpec` as copy-ready snippets (curl, PowerShell, Python, fetch, HTTPie).
//! Filled in by the snippet work; see the tests for the escaping guarantees.

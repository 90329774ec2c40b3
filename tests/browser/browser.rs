//! Browser tests: headless Chromium against a real `shipshape` server with a seeded database.
//! Build the console (`trunk build --release`) and the server first; see `support/lib.rs`.
//! (Not `main.rs`: cargo would also pick `tests/*/main.rs` up as a test of the root package.)

mod access;
mod api_panel;
mod bench;
mod dashboard;
mod lists;
mod reports;
mod roles;
mod screenshots;
mod search;
mod sensors;
mod settings;
mod shell;

//! Building blocks shared by the pages: the shell, the list machinery, the API panel,
//! badges, times, states, detail-page parts.

pub mod api_panel;
pub mod clipboard;
pub mod detail;
pub mod download;
pub mod list;
pub mod reltime;
pub mod search_bar;
pub mod severity;
pub mod shell;
pub mod status;

#[cfg(all(test, target_arch = "wasm32"))]
mod dom_tests;

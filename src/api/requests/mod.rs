//! The requests the console makes, as `RequestSpec`s. Building them here (and nowhere else)
//! keeps the console's fetch and the "API request" panel's snippets the same value. One file
//! per area; every function is re-exported here, so callers say `requests::list`.

mod access;
mod dashboards;
mod records;
mod reports;
mod searches;
mod settings;

pub use access::*;
pub use dashboards::*;
pub use records::*;
pub use reports::*;
pub use searches::*;
pub use settings::*;

pub const BASE: &str = "/csapi/v1.3";

/// Ids come from the URL; encode them so that a stray `/` or `?` cannot change the path.
fn segment(id: &str) -> String {
    shipshape_model::request::percent_encode(id)
}

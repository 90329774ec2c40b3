//! Talking to the Shipshape API: every call is a `RequestSpec` (the same value the
//! "API request" panel prints), sent with gloo-net, with the session's bearer token.

mod client;
mod error;
mod load;
pub mod requests;

pub use client::{use_api, Api, Inflight};
pub use error::ApiError;
pub use load::{load, Load, Loader};

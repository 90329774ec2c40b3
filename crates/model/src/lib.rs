//! Wire types, validators and the request descriptor shared by the Shipshape console and server.
//!
//! Nothing here knows about HTTP servers, databases or the DOM: the console and the server both
//! depend on this crate so that they agree on shapes and verdicts.

pub mod access;
pub mod audit;
pub mod contract;
pub mod dashboard;
pub mod entity;
pub mod error;
pub mod grid;
pub mod job;
pub mod paging;
pub mod profile;
pub mod release;
pub mod report;
pub mod request;
pub mod retention;
pub mod role;
pub mod scan;
pub mod searches;
pub mod sensor_update;
pub mod sensorapi;
pub mod severity;
pub mod snippet;
pub mod time;
pub mod version;

pub use contract::Contract;
pub use dashboard::{Dashboard, DashboardInfo, Widget, WidgetEntity, WidgetKind};
pub use entity::*;
pub use error::{ErrorBody, FieldProblem, Span};
pub use job::{Job, JobStatus};
pub use paging::{BulkLimit, GroupLimit, PageNumber, PageSize, SortOrder, SortSpec, TrendDays};
pub use request::{Body, Method, RequestSpec};
pub use role::Role;
pub use severity::SeverityCounts;
pub use time::EpochMillis;
pub use version::SensorVersion;

//! QQL filters to SQL. Until the QQL compiler lands, a non-empty filter is refused with a 400.

use crate::error::ApiError;
use crate::store::{Entity, SqlFilter};

/// Compiles the `filter` parameter for `entity` into a parameterised SQL condition.
pub fn compile(_entity: Entity, filter: Option<&str>, _now_ms: i64) -> Result<SqlFilter, ApiError> {
    match filter.map(str::trim) {
        None | Some("") => Ok(SqlFilter::default()),
        Some(_) => Err(ApiError::BadRequest(
            "The filter parameter (QQL) is not supported yet.".into(),
        )),
    }
}

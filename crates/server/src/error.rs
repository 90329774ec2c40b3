//! `ApiError`: the one error type of the HTTP boundary. Its `IntoResponse` writes the
//! compatible error body; internal causes are logged and never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use shipshape_model::{ErrorBody, FieldProblem, Span};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    Fields {
        message: String,
        details: Vec<FieldProblem>,
    },
    #[error("{message}")]
    Qql { message: String, span: Span },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    /// A change that must name the version it replaces (`If-Match`) did not.
    #[error("{0}")]
    PreconditionRequired(String),
    /// Too many requests (or failed sign-ins): try again after `retry_after_secs`.
    #[error("{message}")]
    TooMany {
        message: String,
        retry_after_secs: u64,
    },
    /// The database work of the request ran past its time limit, or no connection came free.
    #[error("{0}")]
    Unavailable(String),
    /// Not available yet, and likely to be after `retry_after_secs`.
    #[error("{message}")]
    NotYet {
        message: String,
        retry_after_secs: u64,
    },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a client reads when its query ran too long.
pub const TIMEOUT_MESSAGE: &str = "The query took longer than this server's time limit and was \
    stopped. Narrow the filter (or ask an administrator to raise --query-timeout-ms) and try again.";

/// What a client reads when the first count of its filter outlasted the time limit.
pub const COUNTING_MESSAGE: &str = "Counting the matches of this filter for the first time takes \
    longer than this server's time limit; the count goes on without the request. Ask again in a \
    few seconds: the answer comes from it.";

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::db::is_timeout(&e) {
            ApiError::Unavailable(TIMEOUT_MESSAGE.into())
        } else if matches!(e, sqlx::Error::PoolTimedOut) {
            ApiError::Unavailable(
                "The server is busy: no database connection came free in time. Try again shortly."
                    .into(),
            )
        } else {
            ApiError::Internal(e.into())
        }
    }
}

impl From<crate::store::listing::ListError> for ApiError {
    fn from(e: crate::store::listing::ListError) -> Self {
        match e {
            crate::store::listing::ListError::Db(e) => e.into(),
            crate::store::listing::ListError::Busy(_) => ApiError::Unavailable(
                "The server is busy with other queries; try again shortly.".into(),
            ),
            crate::store::listing::ListError::StillCounting => ApiError::NotYet {
                message: COUNTING_MESSAGE.into(),
                retry_after_secs: 5,
            },
            crate::store::listing::ListError::CountFailed(e) => {
                ApiError::Internal(anyhow::anyhow!("a first count in the background: {e}"))
            }
        }
    }
}

impl From<crate::store::records::WriteError> for ApiError {
    fn from(e: crate::store::records::WriteError) -> Self {
        use crate::store::records::WriteError as W;
        match e {
            W::Db(e) => e.into(),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Fields { .. } | ApiError::Qql { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::NotYet { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A 400 naming every field refused: `"<lead>: field why; field why."` with the list in
    /// `details`.
    pub fn fields(lead: &str, problems: Vec<FieldProblem>) -> Self {
        let list = problems
            .iter()
            .map(|p| format!("{} {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::Fields {
            message: format!("{lead}: {list}."),
            details: problems,
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Fields {
            message: format!("{field}: {message}"),
            details: vec![FieldProblem {
                field: field.to_string(),
                message,
            }],
        }
    }
}

/// `"400 BAD_REQUEST"`, as the Qualys API writes `errorCode`.
pub fn error_code(status: StatusCode) -> String {
    let reason = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace([' ', '-'], "_");
    format!("{} {}", status.as_u16(), reason)
}

pub fn error_body(status: StatusCode, message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        error_code: error_code(status),
        message: message.into(),
        timestamp: chrono::Utc::now().timestamp_millis(),
        details: Vec::new(),
        span: None,
    }
}

pub fn json_error_response(status: StatusCode, body: &ErrorBody) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                error_body(
                    status,
                    "The server could not complete the request; the error has been logged.",
                )
            }
            other => error_body(status, other.to_string()),
        };
        let retry_after = match self {
            ApiError::Fields { details, .. } => {
                body.details = details;
                None
            }
            ApiError::Qql { span, .. } => {
                body.span = Some(span);
                None
            }
            ApiError::TooMany {
                retry_after_secs, ..
            }
            | ApiError::NotYet {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            _ => None,
        };
        let mut res = json_error_response(status, &body);
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"shipshape\""),
            );
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_read_like_the_qualys_api() {
        assert_eq!(error_code(StatusCode::BAD_REQUEST), "400 BAD_REQUEST");
        assert_eq!(error_code(StatusCode::NOT_FOUND), "404 NOT_FOUND");
        assert_eq!(
            error_code(StatusCode::PAYLOAD_TOO_LARGE),
            "413 PAYLOAD_TOO_LARGE"
        );
    }

    #[test]
    fn a_count_still_going_on_is_a_503_saying_when_to_ask_again() {
        let res = ApiError::from(crate::store::listing::ListError::StillCounting).into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "5");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    }
}

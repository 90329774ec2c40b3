//! One error type for everything that can go wrong on the way to the API and back.

use shipshape_model::{ErrorBody, FieldProblem, Span};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: no token, a bad one, or an expired one. The session has already been ended.
    Unauthorized(String),
    /// Any other non-2xx answer, with the server's own `errorCode` and `message`.
    Server {
        status: u16,
        code: String,
        message: String,
        /// The fields the server refused, each with why (a 400 on a form).
        details: Vec<FieldProblem>,
        /// Where in a QQL filter the server's parser stopped.
        span: Option<Span>,
    },
    /// The request never got an answer (server down, connection refused).
    Network(String),
    /// The answer was not what the API contract promises.
    Decode(String),
    /// We cancelled it ourselves (a newer request, or the view went away): nobody shows this.
    Aborted,
}

impl ApiError {
    /// Builds the error for a failed answer from its status and body text.
    pub fn from_response(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        let (code, message, details, span) = match parsed {
            Some(b) => (b.error_code, b.message, b.details, b.span),
            None => (
                status.to_string(),
                if body.trim().is_empty() {
                    format!("The server answered {status} without a message.")
                } else {
                    body.trim().chars().take(300).collect()
                },
                Vec::new(),
                None,
            ),
        };
        if status == 401 {
            ApiError::Unauthorized(message)
        } else {
            ApiError::Server {
                status,
                code,
                message,
                details,
                span,
            }
        }
    }

    /// The fields a refused request named, each with why.
    pub fn details(&self) -> &[FieldProblem] {
        match self {
            ApiError::Server { details, .. } => details,
            _ => &[],
        }
    }

    /// The answer's HTTP status, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } => Some(*status),
            ApiError::Unauthorized(_) => Some(401),
            _ => None,
        }
    }

    pub fn is_aborted(&self) -> bool {
        matches!(self, ApiError::Aborted)
    }

    /// What the server said, without the status code `Display` adds; other errors as text.
    pub fn said(&self) -> String {
        match self {
            ApiError::Server { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthorized(m) => write!(f, "Not signed in: {m}"),
            ApiError::Server { code, message, .. } => write!(f, "{message} ({code})"),
            ApiError::Network(m) => write!(f, "Could not reach the server: {m}"),
            ApiError::Decode(m) => write!(f, "Unexpected answer from the server: {m}"),
            ApiError::Aborted => f.write_str("Cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_message_is_kept() {
        let e = ApiError::from_response(
            400,
            r#"{"errorCode":"400 BAD_REQUEST","message":"bad filter","timestamp":1}"#,
        );
        assert_eq!(e.to_string(), "bad filter (400 BAD_REQUEST)");
        assert!(matches!(
            ApiError::from_response(401, "{}"),
            ApiError::Unauthorized(_)
        ));
    }

    #[test]
    fn said_keeps_the_servers_words_without_its_code() {
        let refused = ApiError::Server {
            status: 409,
            code: "CONFLICT".into(),
            message: "User ada exists.".into(),
            details: Vec::new(),
            span: None,
        };
        assert_eq!(refused.said(), "User ada exists.");
        let down = ApiError::Network("connection refused".into());
        assert_eq!(down.said(), down.to_string());
    }
}

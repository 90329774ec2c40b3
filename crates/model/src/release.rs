//! The latest sensor release (`…/settings/sensorRelease`): its shape and its validator, run by
//! the console as the user types and by the server on every save.

use crate::{FieldProblem, SensorVersion};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The newest released sensor version; sensors running an older one show "Update available".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SensorRelease {
    /// Dotted numbers, compared as versions (`1.10.0 > 1.9.3`).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*[0-9]+(\.[0-9]+){0,3}([-+].*)?$", max_length = 40)
    )]
    pub version: String,
    /// An `http(s)` address of the release notes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub release_notes_url: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub release_date: Option<String>,
}

const FIELDS: [&str; 3] = ["version", "releaseNotesUrl", "releaseDate"];

/// The longest value of each field, spaces included (as the schema says).
fn max_len(field: &str) -> usize {
    match field {
        "version" => 40,
        "releaseNotesUrl" => 2000,
        _ => 10,
    }
}

impl SensorRelease {
    /// Reads a release from JSON; every problem is reported with its field.
    pub fn from_json(v: &Value) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(FieldProblem {
                field: field.into(),
                message,
            })
        };
        let Some(obj) = v.as_object() else {
            problem("body", "must be a JSON object".into());
            return Err(problems);
        };
        for k in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            problem(
                k,
                format!(
                    "is not a field of a sensor release (expected one of: {})",
                    FIELDS.join(", ")
                ),
            );
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match obj.get(key) {
                Some(Value::String(s)) if s.chars().count() > max_len(key) => {
                    Err(format!("is longer than {} characters", max_len(key)))
                }
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(other) => Err(format!("must be a string, not {other}")),
            }
        };
        let version = match text("version") {
            Ok(Some(s)) => match check_version(&s) {
                Ok(()) => Some(s),
                Err(m) => {
                    problem("version", m);
                    None
                }
            },
            Ok(None) => {
                problem(
                    "version",
                    "is missing: give the released version, such as 1.35.0".into(),
                );
                None
            }
            Err(m) => {
                problem("version", m);
                None
            }
        };
        let url = match text("releaseNotesUrl") {
            Ok(Some(u)) => match check_url(&u) {
                Ok(()) => Some(u),
                Err(m) => {
                    problem("releaseNotesUrl", m);
                    None
                }
            },
            Ok(None) => None,
            Err(m) => {
                problem("releaseNotesUrl", m);
                None
            }
        };
        let date = match text("releaseDate") {
            Ok(Some(d)) => match check_date(&d) {
                Ok(()) => Some(d),
                Err(m) => {
                    problem("releaseDate", m);
                    None
                }
            },
            Ok(None) => None,
            Err(m) => {
                problem("releaseDate", m);
                None
            }
        };
        match version {
            Some(version) if problems.is_empty() => Ok(Self {
                version,
                release_notes_url: url,
                release_date: date,
            }),
            _ => Err(problems),
        }
    }

    /// The parsed version (a stored release always has one that parses).
    pub fn parsed(&self) -> Option<SensorVersion> {
        SensorVersion::parse(&self.version).ok()
    }
}

/// A version as releases are numbered: at most four dot-separated numbers, at most 40 characters.
pub fn check_version(s: &str) -> Result<(), String> {
    if s.len() > 40 {
        return Err("is longer than 40 characters".into());
    }
    SensorVersion::parse(s).map(|_| ())
}

/// An absolute `http` or `https` address without spaces, at most 2,000 characters.
pub fn check_url(s: &str) -> Result<(), String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| format!("'{s}' is not an http:// or https:// address"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || s.chars().any(char::is_whitespace) || s.len() > 2000 {
        return Err(format!("'{s}' is not a web address"));
    }
    Ok(())
}

/// A calendar date `YYYY-MM-DD` that exists.
pub fn check_date(s: &str) -> Result<(), String> {
    let bad = || format!("'{s}' is not a date: write it as YYYY-MM-DD, such as 2026-11-30");
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Vec<String> {
        SensorRelease::from_json(&v)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_release_reads_with_its_optional_fields() {
        let r = SensorRelease::from_json(&json!({"version": " 1.35.0 ",
            "releaseNotesUrl": "https://example.com/notes", "releaseDate": "2026-11-30"}))
        .unwrap();
        assert_eq!(r.version, "1.35.0");
        assert_eq!(r.release_date.as_deref(), Some("2026-11-30"));
        let r = SensorRelease::from_json(&json!({"version": "1.10"})).unwrap();
        assert_eq!(r.release_notes_url, None);
        assert!(r.parsed().unwrap() > SensorVersion::parse("1.9.3").unwrap());
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(fields(json!({})), ["version"]);
        assert_eq!(fields(json!({"version": "one"})), ["version"]);
        assert_eq!(fields(json!({"version": 1.2})), ["version"]);
        assert_eq!(fields(json!({"version": "1.2.3.4.5"})), ["version"]);
        assert_eq!(
            fields(
                json!({"version": "1.2", "releaseNotesUrl": "ftp://x", "releaseDate": "2026-02-30", "x": 1})
            ),
            ["x", "releaseNotesUrl", "releaseDate"]
        );
        assert_eq!(fields(json!("1.2")), ["body"]);
    }

    #[test]
    fn dates_and_addresses() {
        for ok in ["2024-02-29", "2026-12-31", "2000-02-29"] {
            assert!(check_date(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-00",
            "x",
        ] {
            assert!(check_date(bad).is_err(), "{bad}");
        }
        assert!(check_url("http://a").is_ok());
        for bad in [
            "https://",
            "https:// a",
            "example.com",
            "javascript:alert(1)",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}

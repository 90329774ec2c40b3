//! Paging and sorting parameters, parsed at the edge (`TryFrom`) so nothing past it re-checks.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A bounded whole-number query parameter: read from a JSON number or from query-string text
/// (where every value is text), checked by its `TryFrom<i64>`, and described in the OpenAPI
/// document with the same bounds and default, so the document cannot drift from the check.
macro_rules! bounded_param {
    ($t:ident, $name:literal, $min:expr, $max:expr, $default:expr) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "{} as a whole number", $name)
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$t, E> {
                        $t::try_from(v).map_err(E::custom)
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$t, E> {
                        self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$t, E> {
                        let t = v.trim();
                        match t.parse::<i64>() {
                            Ok(n) => self.visit_i64(n),
                            // Digits too many for a whole number are still a number out of range.
                            Err(_) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                                self.visit_i64(i64::MAX)
                            }
                            Err(_) => Err(E::custom(format!(
                                "{} must be a whole number, not '{}'",
                                $name,
                                t.chars().take(40).collect::<String>()
                            ))),
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                    .minimum(Some($min))
                    .maximum(Some($max))
                    .default(Some(serde_json::json!($default)))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $t {}
    };
}

/// A whole number in `MIN..=MAX` with a default, named `$name` in its errors and in the
/// OpenAPI document (through [`bounded_param!`]).
macro_rules! ranged {
    ($(#[$m:meta])* $t:ident, $name:literal, $min:literal..=$max:literal, default $default:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        #[serde(into = "u32")]
        pub struct $t(u32);

        impl $t {
            pub const MIN: u32 = $min;
            pub const MAX: u32 = $max;
            pub const DEFAULT: $t = $t($default);

            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl Default for $t {
            fn default() -> Self {
                Self::DEFAULT
            }
        }

        impl TryFrom<i64> for $t {
            type Error = String;
            fn try_from(v: i64) -> Result<Self, String> {
                if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&v) {
                    Ok(Self(v as u32))
                } else {
                    Err(format!(
                        "{} must be between {} and {}, not {v}",
                        $name,
                        Self::MIN,
                        Self::MAX
                    ))
                }
            }
        }

        impl From<$t> for u32 {
            fn from(p: $t) -> u32 {
                p.0
            }
        }

        bounded_param!($t, $name, $t::MIN, $t::MAX, $t::DEFAULT.0);
    };
}

ranged!(
    /// Rows per page: 1–1000, default 50.
    PageSize, "pageSize", 1..=1000, default 50
);

impl PageSize {
    /// The sizes the console offers.
    pub const CHOICES: [u32; 5] = [25, 50, 100, 250, 1000];
}

/// A 1-based page number; `0` is treated as 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "u32")]
pub struct PageNumber(u32);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(1);
    /// Deeper pages than this are refused: nobody pages a million rows 50 at a time, and the
    /// bulk `/list` endpoints exist for that.
    pub const MAX: u32 = 1_000_000;

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        Self::FIRST
    }
}

impl TryFrom<i64> for PageNumber {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        match v {
            0 => Ok(Self(1)),
            1.. if v <= i64::from(Self::MAX) => Ok(Self(v as u32)),
            _ if v < 0 => Err(format!("pageNumber must be 1 or more, not {v}")),
            _ => Err(format!("pageNumber must be at most {}, not {v}", Self::MAX)),
        }
    }
}

impl From<PageNumber> for u32 {
    fn from(p: PageNumber) -> u32 {
        p.0
    }
}

ranged!(
    /// Rows per bulk `/list` page: 1–250, default 50.
    BulkLimit, "limit", 1..=250, default 50
);
ranged!(
    /// Groups per aggregate answer: 1–100, default 10.
    GroupLimit, "limit", 1..=100, default 10
);
ranged!(
    /// Days of a trend: 1–365, default 30.
    TrendDays, "days", 1..=365, default 30
);

bounded_param!(PageNumber, "pageNumber", 0, PageNumber::MAX, 1);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }

    pub fn flip(self) -> Self {
        match self {
            SortOrder::Asc => SortOrder::Desc,
            SortOrder::Desc => SortOrder::Asc,
        }
    }
}

/// `token:asc` or `token:desc`. Whether the token is sortable is the catalogue's business
/// (the server checks it against the entity's QQL tokens).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortSpec {
    pub token: String,
    pub order: SortOrder,
}

impl SortSpec {
    pub fn new(token: impl Into<String>, order: SortOrder) -> Self {
        Self {
            token: token.into(),
            order,
        }
    }

    /// The default sort of every list: newest first.
    pub fn default_created() -> Self {
        Self::new("created", SortOrder::Desc)
    }
}

impl std::str::FromStr for SortSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (token, order) = match s.rsplit_once(':') {
            Some((t, o)) => (t.trim(), o.trim()),
            None => (s, "asc"),
        };
        if token.is_empty() {
            return Err(format!("sort '{s}' needs a token, such as created:desc"));
        }
        let order = match order.to_ascii_lowercase().as_str() {
            "asc" => SortOrder::Asc,
            "desc" => SortOrder::Desc,
            _ => return Err(format!("sort order must be asc or desc, not '{order}'")),
        };
        Ok(Self::new(token, order))
    }
}

impl fmt::Display for SortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.token, self.order.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_bounds() {
        assert!(PageSize::try_from(0).is_err());
        assert!(PageSize::try_from(1001).is_err());
        assert_eq!(PageSize::try_from(1000).unwrap().get(), 1000);
        assert_eq!(PageSize::default().get(), 50);
    }

    #[test]
    fn page_number_zero_means_first() {
        assert_eq!(PageNumber::try_from(0).unwrap().get(), 1);
        assert!(PageNumber::try_from(-1).is_err());
        assert!(PageNumber::try_from(i64::MAX).is_err());
    }

    #[test]
    fn bulk_limit_bounds() {
        assert!(BulkLimit::try_from(251).is_err());
        assert_eq!(BulkLimit::try_from(250).unwrap().get(), 250);
    }

    #[test]
    fn sort_spec_parses_and_prints() {
        let s: SortSpec = "created:desc".parse().unwrap();
        assert_eq!(s, SortSpec::new("created", SortOrder::Desc));
        assert_eq!(s.to_string(), "created:desc");
        assert_eq!("name".parse::<SortSpec>().unwrap().order, SortOrder::Asc);
        assert_eq!(
            "name:DESC".parse::<SortSpec>().unwrap().order,
            SortOrder::Desc
        );
        assert!("name:up".parse::<SortSpec>().is_err());
        assert!(":asc".parse::<SortSpec>().is_err());
    }
}

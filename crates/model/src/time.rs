//! Timestamps as the API writes them: epoch milliseconds in a JSON string.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Milliseconds since the Unix epoch. Serialised as a JSON string (`"1721713977000"`) because
/// that is what clients of the Qualys CS API parse; a JSON number is accepted on input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "1721713977000"))]
pub struct EpochMillis(pub i64);

impl Serialize for EpochMillis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = EpochMillis;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("epoch milliseconds as a string or integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(EpochMillis(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v).map(EpochMillis).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse::<i64>().map(EpochMillis).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for EpochMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_millis_is_a_string_on_the_wire_and_accepts_numbers() {
        assert_eq!(
            serde_json::to_string(&EpochMillis(1721713977000)).unwrap(),
            "\"1721713977000\""
        );
        let a: EpochMillis = serde_json::from_str("\"5\"").unwrap();
        let b: EpochMillis = serde_json::from_str("5").unwrap();
        assert_eq!(a, b);
        assert!(serde_json::from_str::<EpochMillis>("\"five\"").is_err());
    }
}

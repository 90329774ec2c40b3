//! Vulnerability counts by severity (1 lowest .. 5 highest).

use serde::{Deserialize, Serialize};

/// `{"severity1Count": n, …, "severity5Count": n}` as the API writes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeverityCounts {
    pub severity1_count: u64,
    pub severity2_count: u64,
    pub severity3_count: u64,
    pub severity4_count: u64,
    pub severity5_count: u64,
}

impl SeverityCounts {
    pub fn from_array(a: [u64; 5]) -> Self {
        Self {
            severity1_count: a[0],
            severity2_count: a[1],
            severity3_count: a[2],
            severity4_count: a[3],
            severity5_count: a[4],
        }
    }

    /// Counts indexed by severity − 1.
    pub fn as_array(&self) -> [u64; 5] {
        [
            self.severity1_count,
            self.severity2_count,
            self.severity3_count,
            self.severity4_count,
            self.severity5_count,
        ]
    }

    pub fn total(&self) -> u64 {
        self.as_array().iter().sum()
    }

    /// Adds one finding of `severity` (1..=5); other values are ignored.
    pub fn add(&mut self, severity: u8) {
        match severity {
            1 => self.severity1_count += 1,
            2 => self.severity2_count += 1,
            3 => self.severity3_count += 1,
            4 => self.severity4_count += 1,
            5 => self.severity5_count += 1,
            _ => {}
        }
    }
}

/// The label a person sees for a severity, on screen and in exports.
pub fn severity_label(severity: u8) -> &'static str {
    match severity {
        5 => "Critical",
        4 => "High",
        3 => "Medium",
        2 => "Low",
        1 => "Minimal",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_serialise_with_the_compatible_names() {
        let c = SeverityCounts::from_array([1, 2, 3, 4, 5]);
        let v = serde_json::to_value(c).unwrap();
        assert_eq!(v["severity1Count"], 1);
        assert_eq!(v["severity5Count"], 5);
        assert_eq!(c.total(), 15);
    }
}

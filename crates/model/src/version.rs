//! Sensor versions compared as versions, not strings (`1.10.0 > 1.9.3`).

use std::cmp::Ordering;
use std::fmt;

/// A dotted numeric version such as `1.25.3` (a `-suffix` is kept but ignored in comparisons,
/// which is what "is an update available" needs).
#[derive(Clone, Debug, Eq)]
pub struct SensorVersion {
    parts: Vec<u64>,
    text: String,
}

impl SensorVersion {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let core = t.split(['-', '+']).next().unwrap_or("");
        if core.is_empty() {
            return Err("a version needs at least one number, such as 1.25.0".into());
        }
        let parts = core
            .split('.')
            .map(|p| {
                p.parse::<u64>().map_err(|_| {
                    format!("'{t}' is not a version: use numbers separated by dots, such as 1.25.0")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if parts.len() > 4 {
            return Err(format!("'{t}' has more than four parts"));
        }
        Ok(Self {
            parts,
            text: t.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for SensorVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Ord for SensorVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        (0..n)
            .map(|i| {
                let a = self.parts.get(i).copied().unwrap_or(0);
                let b = other.parts.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for SensorVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SensorVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// True when `current` is older than `latest`. An unparseable current version is not flagged.
pub fn update_available(current: &str, latest: &str) -> bool {
    match (SensorVersion::parse(current), SensorVersion::parse(latest)) {
        (Ok(c), Ok(l)) => c < l,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let v = |s| SensorVersion::parse(s).unwrap();
        assert!(v("1.10.0") > v("1.9.3"));
        assert!(v("1.2") == v("1.2.0"));
        assert!(v("2.0.0-rc1") == v("2.0.0"));
        assert!(update_available("1.9.3", "1.10.0"));
        assert!(!update_available("1.10.0", "1.10.0"));
        assert!(!update_available("garbage", "1.10.0"));
        assert!(SensorVersion::parse("1.x").is_err());
        assert!(SensorVersion::parse("").is_err());
    }
}

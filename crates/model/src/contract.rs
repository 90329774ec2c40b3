//! The API versions Shipshape answers under, and the older versions' vocabulary.
//!
//! `/csapi/v1.3` is the current contract. Older scripts and generated clients still call
//! `/csapi/v1.1` (sensors, images, containers) and `/csapi/v1.2` (the image list); some of those
//! clients check every enum value while decoding and stop at one their contract did not have.
//! [`LEGACY_FIELDS`] is the one table of what differs: the values each older version knew, and
//! the value a newer one is answered as. The server applies it to answers ([`Sensor::in_contract`],
//! [`Image::in_contract`], [`ImageDetails::in_contract`]) and writes it into the OpenAPI document
//! of the older paths, so both say the same thing.

use crate::entity::{Image, ImageDetails, Sensor, SensorType};

/// An API version (the path prefix a request came in under).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contract {
    V1_1,
    V1_2,
    V1_3,
}

impl Contract {
    pub const ALL: [Contract; 3] = [Contract::V1_1, Contract::V1_2, Contract::V1_3];

    /// `v1.1`, `v1.2`, `v1.3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::V1_1 => "v1.1",
            Contract::V1_2 => "v1.2",
            Contract::V1_3 => "v1.3",
        }
    }

    /// The version a request path is under (`/csapi/v1.1/…`); the current one otherwise.
    pub fn of_path(path: &str) -> Contract {
        let version = path
            .strip_prefix("/csapi/")
            .and_then(|rest| rest.split('/').next());
        Contract::ALL
            .into_iter()
            .find(|c| Some(c.as_str()) == version)
            .unwrap_or(Contract::V1_3)
    }
}

/// A field whose values an older contract restricts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyField {
    /// The versions that restrict it.
    pub contracts: &'static [Contract],
    /// The OpenAPI schema names of the objects that carry it.
    pub objects: &'static [&'static str],
    /// The JSON field name (a string, or a list of strings).
    pub field: &'static str,
    /// The values those versions knew.
    pub values: &'static [&'static str],
    /// Newer values, and what they are answered as.
    pub mapped: &'static [(&'static str, &'static str)],
    /// Why the mapping is the right one (the API reference prints it).
    pub why: &'static str,
}

impl LegacyField {
    pub fn applies_to(&self, contract: Contract) -> bool {
        self.contracts.contains(&contract)
    }

    /// The value this contract answers for `value`. A value the table does not name and the
    /// contract did not know would break a strict client; it is answered as the first mapped
    /// target (no such value exists today: a test checks every current value is named).
    pub fn answer<'a>(&self, value: &'a str) -> &'a str {
        if self.values.contains(&value) {
            return value;
        }
        self.mapped
            .iter()
            .find(|(from, _)| *from == value)
            .or(self.mapped.first())
            .map_or(value, |(_, to)| *to)
    }
}

const BEFORE_CLUSTER_SENSORS: &str = "The v1.1 and v1.2 contracts had no cluster sensor: \
    Kubernetes nodes ran general sensors deployed as a DaemonSet, so a cluster sensor and what \
    it reports are answered as GENERAL.";

/// Image sources, current contract: the type of sensor that reported the image.
pub const IMAGE_SOURCES: [&str; 4] = ["GENERAL", "CICD", "REGISTRY", "CLUSTER"];

/// Every field an older contract restricts, and how (see the module header).
pub const LEGACY_FIELDS: &[LegacyField] = &[
    LegacyField {
        contracts: &[Contract::V1_1, Contract::V1_2],
        objects: &["Sensor"],
        field: "sensorType",
        values: &["GENERAL", "CICD", "REGISTRY"],
        mapped: &[("CLUSTER", "GENERAL")],
        why: BEFORE_CLUSTER_SENSORS,
    },
    LegacyField {
        contracts: &[Contract::V1_1, Contract::V1_2],
        objects: &["Image", "ImageDetails"],
        field: "source",
        values: &["GENERAL", "CICD", "REGISTRY"],
        mapped: &[("CLUSTER", "GENERAL")],
        why: BEFORE_CLUSTER_SENSORS,
    },
];

/// The table's row for `field` of `object` under `contract`, if that version restricts it.
pub fn legacy_field(contract: Contract, object: &str, field: &str) -> Option<&'static LegacyField> {
    LEGACY_FIELDS
        .iter()
        .find(|f| f.applies_to(contract) && f.field == field && f.objects.contains(&object))
}

/// A list of values as `contract` answers it: each value mapped, a repeat dropped.
fn list_in(contract: Contract, object: &str, field: &str, values: Vec<String>) -> Vec<String> {
    let Some(rule) = legacy_field(contract, object, field) else {
        return values;
    };
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        let answered = rule.answer(&v).to_string();
        if !out.contains(&answered) {
            out.push(answered);
        }
    }
    out
}

impl Sensor {
    /// This sensor as `contract` answers it.
    pub fn in_contract(mut self, contract: Contract) -> Self {
        if let Some(rule) = legacy_field(contract, "Sensor", "sensorType") {
            let answered = rule.answer(self.sensor_type.as_str());
            // Every target in the table is a sensor type (a test checks it).
            if let Ok(t) = answered.parse::<SensorType>() {
                self.sensor_type = t;
            }
        }
        self
    }
}

impl Image {
    /// This image as `contract` answers it.
    pub fn in_contract(mut self, contract: Contract) -> Self {
        self.source = list_in(
            contract,
            "Image",
            "source",
            std::mem::take(&mut self.source),
        );
        self
    }
}

impl ImageDetails {
    /// These details as `contract` answers them.
    pub fn in_contract(mut self, contract: Contract) -> Self {
        self.source = list_in(
            contract,
            "ImageDetails",
            "source",
            std::mem::take(&mut self.source),
        );
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_its_contract() {
        assert_eq!(Contract::of_path("/csapi/v1.1/sensors"), Contract::V1_1);
        assert_eq!(Contract::of_path("/csapi/v1.2/images"), Contract::V1_2);
        assert_eq!(Contract::of_path("/csapi/v1.3/images/abc"), Contract::V1_3);
        assert_eq!(Contract::of_path("/csapi/v1.10/images"), Contract::V1_3);
        assert_eq!(Contract::of_path("/auth"), Contract::V1_3);
    }

    #[test]
    fn every_current_value_is_known_or_mapped_and_every_target_is_known() {
        for rule in LEGACY_FIELDS {
            let current: Vec<&str> = match rule.field {
                "sensorType" => SensorType::ALL.iter().map(|t| t.as_str()).collect(),
                "source" => IMAGE_SOURCES.to_vec(),
                other => panic!("no current vocabulary for {other}"),
            };
            for v in current {
                let named = rule.values.contains(&v) || rule.mapped.iter().any(|(f, _)| *f == v);
                assert!(named, "{}: {v} is neither known nor mapped", rule.field);
                assert!(
                    rule.values.contains(&rule.answer(v)),
                    "{v} answers outside the enum"
                );
            }
            for (from, to) in rule.mapped {
                assert!(!rule.values.contains(from), "{from} is known, not mapped");
                assert!(
                    rule.values.contains(to),
                    "{to} is not a {} value",
                    rule.field
                );
            }
        }
    }

    #[test]
    fn lists_are_mapped_without_repeats_and_the_current_contract_is_unchanged() {
        let sources = vec!["CLUSTER".to_string(), "GENERAL".into(), "REGISTRY".into()];
        assert_eq!(
            list_in(Contract::V1_1, "Image", "source", sources.clone()),
            ["GENERAL", "REGISTRY"]
        );
        assert_eq!(
            list_in(Contract::V1_3, "Image", "source", sources.clone()),
            sources
        );
        assert_eq!(
            list_in(Contract::V1_1, "Sensor", "source", sources.clone()),
            sources,
            "the rule is per object"
        );
    }
}

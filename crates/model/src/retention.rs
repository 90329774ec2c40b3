//! The data-retention policy (`…/settings/dataRetention`): its shape, its presets and the one
//! validator the console runs as the user types and the server runs on every save.

use crate::FieldProblem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest period a rule may keep records, in days.
pub const MAX_DAYS: u32 = 365;
/// The period every rule starts with when retention is first switched on.
pub const DEFAULT_DAYS: u32 = 365;
/// Tightening a policy so that more than this share of a kind would go asks for confirmation.
pub const CONFIRM_SHARE: f64 = 0.10;

/// The console's named periods: (label, days).
pub const PRESETS: [(&str, u32); 5] = [
    ("1 day", 1),
    ("1 week", 7),
    ("1 month", 30),
    ("6 months", 182),
    ("1 year", 365),
];

/// Container states a container rule may purge (a running container is never purged).
pub const PURGEABLE_STATES: [&str; 4] = ["DELETED", "STOPPED", "PAUSED", "UNKNOWN"];

/// The record kinds a policy has a rule for, in the order the purge takes them: images before
/// containers, so that the containers a run removes cannot free images the preview did not
/// count.
pub const KINDS: [Kind; 4] = [Kind::Sensors, Kind::Images, Kind::Containers, Kind::Reports];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Sensors,
    Images,
    Containers,
    Reports,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sensors => "sensors",
            Kind::Images => "images",
            Kind::Containers => "containers",
            Kind::Reports => "reports",
        }
    }
}

/// A rule over a kind with a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodRule {
    pub enabled: bool,
    /// Whole days, 1 to 365.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub days: u32,
}

/// The container rule: a period and the states it purges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContainerRule {
    pub enabled: bool,
    /// Whole days, 1 to 365.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub days: u32,
    /// Some of `DELETED`, `STOPPED`, `PAUSED`, `UNKNOWN`.
    pub states: Vec<String>,
}

/// Report files go when they expire; the rule only switches that on or off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportRule {
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub sensors: PeriodRule,
    pub containers: ContainerRule,
    pub images: PeriodRule,
    pub reports: ReportRule,
}

/// The policy, as `GET …/dataRetention` answers it and `PUT` takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    /// While false nothing is purged, whatever the rules say.
    pub enabled: bool,
    pub rules: Rules,
}

impl Default for RetentionPolicy {
    /// Off, with every rule at one year: what switching retention on starts from.
    fn default() -> Self {
        Self {
            enabled: false,
            rules: Rules {
                sensors: PeriodRule {
                    enabled: true,
                    days: DEFAULT_DAYS,
                },
                containers: ContainerRule {
                    enabled: true,
                    days: DEFAULT_DAYS,
                    states: PURGEABLE_STATES.iter().map(|s| s.to_string()).collect(),
                },
                images: PeriodRule {
                    enabled: true,
                    days: DEFAULT_DAYS,
                },
                reports: ReportRule { enabled: true },
            },
        }
    }
}

/// How many records of each kind a run purged, or a preview says it would.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionCounts {
    pub sensors: u64,
    pub containers: u64,
    pub images: u64,
    pub reports: u64,
}

impl RetentionCounts {
    pub fn get(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Sensors => self.sensors,
            Kind::Images => self.images,
            Kind::Containers => self.containers,
            Kind::Reports => self.reports,
        }
    }

    pub fn add(&mut self, kind: Kind, n: u64) {
        match kind {
            Kind::Sensors => self.sensors += n,
            Kind::Images => self.images += n,
            Kind::Containers => self.containers += n,
            Kind::Reports => self.reports += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.sensors + self.containers + self.images + self.reports
    }
}

/// One purge run, as `…/dataRetention/history` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RetentionRun {
    pub job_id: String,
    /// `QUEUED`, `RUNNING`, `COMPLETED` or `FAILED`.
    pub status: String,
    /// Epoch milliseconds; absent while the run waits to start.
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// `schedule`, or the name of the user who asked for the run.
    pub trigger: String,
    /// The policy in force when the run started.
    pub policy: RetentionPolicy,
    pub deleted: RetentionCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the console asks to confirm: a tightening (the new policy purges more of a kind than
/// the saved one, `before`) that would take more than [`CONFIRM_SHARE`] of the kind's records.
/// The kinds, each with the share that would go.
pub fn large_purges(
    would_go: &RetentionCounts,
    before: &RetentionCounts,
    totals: &RetentionCounts,
) -> Vec<(Kind, f64)> {
    KINDS
        .iter()
        .filter_map(|&k| {
            let (n, total) = (would_go.get(k), totals.get(k));
            (total > 0 && n > before.get(k) && n as f64 > CONFIRM_SHARE * total as f64)
                .then(|| (k, n as f64 / total as f64))
        })
        .collect()
}

/// The preset a number of days is, if any ("1 month").
pub fn preset_label(days: u32) -> Option<&'static str> {
    PRESETS.iter().find(|(_, d)| *d == days).map(|(l, _)| *l)
}

/// `days` is valid as a period: a whole number of days from 1 to 365.
pub fn check_days(days: i64) -> Result<u32, String> {
    if (1..=MAX_DAYS as i64).contains(&days) {
        Ok(days as u32)
    } else {
        Err(format!(
            "{days} is not a period this server keeps: use a whole number of days from 1 to {MAX_DAYS}"
        ))
    }
}

impl RetentionPolicy {
    /// Reads a policy from JSON, refusing anything the contract does not allow. Every problem
    /// is reported with its field (`rules.containers.days`), not only the first.
    pub fn from_json(v: &Value) -> Result<Self, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let Some(obj) = p.object(v, "") else {
            return Err(p.0);
        };
        p.unknown(obj, "", &["enabled", "rules"]);
        let enabled = p.boolean(obj, "", "enabled");
        let rules = match obj.get("rules") {
            None => {
                p.push(
                    "rules",
                    "is missing: give a rule for sensors, containers, images and reports",
                );
                None
            }
            Some(r) => p.rules(r),
        };
        match (enabled, rules, p.0.is_empty()) {
            (Some(enabled), Some(rules), true) => Ok(Self { enabled, rules }),
            _ => Err(p.0),
        }
    }

    /// Checks a policy built in code (the console's form) by the same rules as [`Self::from_json`].
    pub fn check(&self) -> Vec<FieldProblem> {
        match serde_json::to_value(self) {
            Ok(v) => Self::from_json(&v).err().unwrap_or_default(),
            Err(e) => vec![FieldProblem {
                field: String::new(),
                message: e.to_string(),
            }],
        }
    }
}

#[derive(Default)]
struct Problems(Vec<FieldProblem>);

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Problems {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
    }

    fn object<'a>(&mut self, v: &'a Value, at: &str) -> Option<&'a serde_json::Map<String, Value>> {
        match v.as_object() {
            Some(o) => Some(o),
            None => {
                let field = if at.is_empty() { "body" } else { at };
                self.push(field, "must be a JSON object");
                None
            }
        }
    }

    fn unknown(&mut self, obj: &serde_json::Map<String, Value>, at: &str, known: &[&str]) {
        for k in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            self.push(
                path(at, k),
                format!(
                    "is not a field of this object (expected one of: {})",
                    known.join(", ")
                ),
            );
        }
    }

    fn boolean(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<bool> {
        match obj.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.push(path(at, key), format!("must be true or false, not {other}"));
                None
            }
            None => {
                self.push(path(at, key), "is missing: give true or false");
                None
            }
        }
    }

    fn days(&mut self, obj: &serde_json::Map<String, Value>, at: &str) -> Option<u32> {
        let field = path(at, "days");
        match obj.get("days") {
            Some(Value::Number(n)) => match n.as_i64() {
                Some(d) => match check_days(d) {
                    Ok(d) => Some(d),
                    Err(m) => {
                        self.push(field, m);
                        None
                    }
                },
                None => {
                    self.push(
                        field,
                        format!("{n} is not a whole number of days from 1 to {MAX_DAYS}"),
                    );
                    None
                }
            },
            Some(other) => {
                self.push(
                    field,
                    format!("must be a whole number of days from 1 to {MAX_DAYS}, not {other}"),
                );
                None
            }
            None => {
                self.push(
                    field,
                    format!("is missing: give a whole number of days from 1 to {MAX_DAYS}"),
                );
                None
            }
        }
    }

    fn period_rule(&mut self, v: &Value, at: &str) -> Option<PeriodRule> {
        let obj = self.object(v, at)?;
        self.unknown(obj, at, &["enabled", "days"]);
        let enabled = self.boolean(obj, at, "enabled");
        let days = self.days(obj, at);
        Some(PeriodRule {
            enabled: enabled?,
            days: days?,
        })
    }

    fn container_rule(&mut self, v: &Value, at: &str) -> Option<ContainerRule> {
        let obj = self.object(v, at)?;
        self.unknown(obj, at, &["enabled", "days", "states"]);
        let enabled = self.boolean(obj, at, "enabled");
        let days = self.days(obj, at);
        let field = path(at, "states");
        let states = match obj.get("states") {
            Some(Value::Array(items)) => {
                let mut states: Vec<String> = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match item.as_str().map(|s| s.trim().to_ascii_uppercase()) {
                        Some(s) if PURGEABLE_STATES.contains(&s.as_str()) => {
                            if !states.contains(&s) {
                                states.push(s);
                            }
                        }
                        Some(s) if s == "RUNNING" => {
                            ok = false;
                            self.push(
                                format!("{field}[{i}]"),
                                "running containers are never purged",
                            );
                        }
                        _ => {
                            ok = false;
                            self.push(
                                format!("{field}[{i}]"),
                                format!(
                                    "{item} is not a container state a rule can purge (one of {})",
                                    PURGEABLE_STATES.join(", ")
                                ),
                            );
                        }
                    }
                }
                if ok && states.is_empty() && enabled == Some(true) {
                    ok = false;
                    self.push(
                        field,
                        "choose at least one state, or switch the container rule off",
                    );
                }
                // The stored order is the contract's, whatever order the states came in.
                states.sort_by_key(|s| PURGEABLE_STATES.iter().position(|p| p == s));
                ok.then_some(states)
            }
            Some(other) => {
                self.push(
                    field,
                    format!("must be a list of container states, not {other}"),
                );
                None
            }
            None => {
                self.push(
                    field,
                    format!("is missing: give some of {}", PURGEABLE_STATES.join(", ")),
                );
                None
            }
        };
        Some(ContainerRule {
            enabled: enabled?,
            days: days?,
            states: states?,
        })
    }

    fn rules(&mut self, v: &Value) -> Option<Rules> {
        let obj = self.object(v, "rules")?;
        self.unknown(
            obj,
            "rules",
            &["sensors", "containers", "images", "reports"],
        );
        let missing = |p: &mut Self, k: &str| {
            p.push(format!("rules.{k}"), "is missing");
        };
        let sensors = match obj.get("sensors") {
            Some(r) => self.period_rule(r, "rules.sensors"),
            None => {
                missing(self, "sensors");
                None
            }
        };
        let containers = match obj.get("containers") {
            Some(r) => self.container_rule(r, "rules.containers"),
            None => {
                missing(self, "containers");
                None
            }
        };
        let images = match obj.get("images") {
            Some(r) => self.period_rule(r, "rules.images"),
            None => {
                missing(self, "images");
                None
            }
        };
        let reports = match obj.get("reports") {
            Some(r) => self.object(r, "rules.reports").and_then(|o| {
                self.unknown(o, "rules.reports", &["enabled"]);
                self.boolean(o, "rules.reports", "enabled")
                    .map(|enabled| ReportRule { enabled })
            }),
            None => {
                missing(self, "reports");
                None
            }
        };
        Some(Rules {
            sensors: sensors?,
            containers: containers?,
            images: images?,
            reports: reports?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_example() -> Value {
        json!({ "enabled": true,
            "rules": {
              "sensors":    { "enabled": true,  "days": 30 },
              "containers": { "enabled": true,  "days": 7,
                              "states": ["DELETED", "STOPPED", "PAUSED", "UNKNOWN"] },
              "images":     { "enabled": false, "days": 365 },
              "reports":    { "enabled": true } } })
    }

    fn fields(v: Value) -> Vec<String> {
        RetentionPolicy::from_json(&v)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn the_spec_example_reads_and_writes_back_unchanged() {
        let p = RetentionPolicy::from_json(&spec_example()).unwrap();
        assert!(p.enabled);
        assert_eq!(p.rules.sensors.days, 30);
        assert_eq!(p.rules.containers.days, 7);
        assert!(!p.rules.images.enabled);
        assert_eq!(serde_json::to_value(&p).unwrap(), spec_example());
        assert!(p.check().is_empty());
    }

    #[test]
    fn periods_are_whole_days_from_1_to_365() {
        for (days, ok) in [
            (1, true),
            (365, true),
            (182, true),
            (0, false),
            (366, false),
            (-7, false),
        ] {
            let mut v = spec_example();
            v["rules"]["sensors"]["days"] = json!(days);
            assert_eq!(RetentionPolicy::from_json(&v).is_ok(), ok, "{days}");
            assert_eq!(check_days(days).is_ok(), ok);
        }
        for bad in [json!(1.5), json!("30"), json!(null), json!(1e12)] {
            let mut v = spec_example();
            v["rules"]["images"]["days"] = bad.clone();
            assert_eq!(fields(v), ["rules.images.days"], "{bad}");
        }
        let mut v = spec_example();
        v["rules"]["containers"]["days"] = json!(u64::MAX);
        assert_eq!(fields(v), ["rules.containers.days"]);
    }

    #[test]
    fn every_preset_is_a_valid_period_and_named() {
        for (label, days) in PRESETS {
            assert!(check_days(days as i64).is_ok());
            assert_eq!(preset_label(days), Some(label));
        }
        assert_eq!(preset_label(45), None);
        assert_eq!(PRESETS.map(|p| p.1), [1, 7, 30, 182, 365]);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let v = json!({ "enabled": "yes", "colour": 1,
            "rules": { "sensors": { "enabled": true, "days": 0 },
                       "containers": { "enabled": true, "days": 7, "states": ["RUNNING", "GONE"] },
                       "images": { "enabled": true } } });
        assert_eq!(
            fields(v),
            [
                "colour",
                "enabled",
                "rules.sensors.days",
                "rules.containers.states[0]",
                "rules.containers.states[1]",
                "rules.images.days",
                "rules.reports",
            ]
        );
        assert_eq!(fields(json!([1])), ["body"]);
        assert_eq!(fields(json!({"enabled": true})), ["rules"]);
    }

    #[test]
    fn states_are_normalised_and_an_enabled_rule_needs_one() {
        let mut v = spec_example();
        v["rules"]["containers"]["states"] = json!(["unknown", "DELETED", "deleted"]);
        let p = RetentionPolicy::from_json(&v).unwrap();
        assert_eq!(p.rules.containers.states, ["DELETED", "UNKNOWN"]);
        v["rules"]["containers"]["states"] = json!([]);
        assert_eq!(fields(v.clone()), ["rules.containers.states"]);
        v["rules"]["containers"]["enabled"] = json!(false);
        assert!(RetentionPolicy::from_json(&v).is_ok());
    }

    #[test]
    fn the_default_is_off_with_a_year_everywhere() {
        let d = RetentionPolicy::default();
        assert!(!d.enabled);
        assert!(d.check().is_empty());
        assert_eq!(d.rules.sensors.days, 365);
        assert_eq!(d.rules.containers.states.len(), 4);
    }

    #[test]
    fn a_tightening_that_purges_more_than_a_tenth_of_a_kind_is_large() {
        let totals = RetentionCounts {
            sensors: 10,
            containers: 1000,
            images: 0,
            reports: 3,
        };
        let go = RetentionCounts {
            sensors: 1,
            containers: 101,
            images: 0,
            reports: 0,
        };
        let none = RetentionCounts::default();
        let large = large_purges(&go, &none, &totals);
        assert_eq!(large.len(), 1);
        assert_eq!(large[0].0, Kind::Containers);
        assert!((large[0].1 - 0.101).abs() < 1e-9);
        // Exactly a tenth is not more than a tenth.
        let tenth = RetentionCounts {
            containers: 100,
            ..go
        };
        assert!(large_purges(&tenth, &none, &totals).is_empty());
        // Loosening (or keeping) a policy that already purges that much does not ask again.
        assert!(large_purges(&go, &go, &totals).is_empty());
        let looser = RetentionCounts {
            containers: 150,
            ..go
        };
        assert!(large_purges(
            &looser,
            &RetentionCounts {
                containers: 200,
                ..go
            },
            &totals
        )
        .is_empty());
        assert_eq!(large_purges(&looser, &go, &totals).len(), 1);
    }
}

//! Reports (`/csapi/v1.3/reports`, compatible with the Qualys CS reports API): templates, their
//! columns, the request that asks for one and the report as listed. See `spec/reports.md`.

use crate::error::FieldProblem;
use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Longest report name and description.
pub const MAX_NAME: usize = 150;
pub const MAX_DESCRIPTION: usize = 250;
/// Longest QQL filter a report keeps.
pub const MAX_FILTER: usize = 4096;

/// What a report lists, one row per …
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// (image, vulnerability)
    ImageVulnerability,
    /// (container, vulnerability of its image)
    ContainerVulnerability,
    /// (image, secret finding), never the secret's text
    ImageSecrets,
    /// (image, malware finding)
    ImageMalware,
    /// image
    Images,
    /// container
    Containers,
}

/// The vulnerability columns in the compatible order: an image row has the first
/// `IMAGE_VULN_COUNT`; the container template adds the container's own after them.
const CONTAINER_VULN_COLUMNS: &[&str] = &[
    "repo",
    "imageId",
    "sha",
    "uuid",
    "created",
    "updated",
    "qid",
    "title",
    "severity",
    "cveids",
    "vendorReference",
    "cvssBase",
    "cvssTemporal",
    "cvss3Base",
    "cvss3Temporal",
    "threat",
    "impact",
    "solution",
    "exploitability",
    "associatedMalwares",
    "category",
    "software",
    "result",
    "name",
    "containerId",
    "hostName",
    "hostIp",
    "state",
    "stateChanged",
];

const IMAGE_VULN_COUNT: usize = 23;
const VULN_COLUMNS: &[&str] = CONTAINER_VULN_COLUMNS.split_at(IMAGE_VULN_COUNT).0;

const SECRET_COLUMNS: &[&str] = &[
    "repo", "imageId", "sha", "uuid", "ruleId", "category", "title", "severity", "file", "line",
];

const MALWARE_COLUMNS: &[&str] = &[
    "repo",
    "imageId",
    "sha",
    "uuid",
    "name",
    "category",
    "severity",
    "file",
    "fileSha256",
];

const IMAGE_COLUMNS: &[&str] = &[
    "repo",
    "imageId",
    "sha",
    "uuid",
    "created",
    "updated",
    "lastScanned",
    "operatingSystem",
    "size",
    "scanStatus",
    "source",
    "containers",
    "hosts",
    "severity5Count",
    "severity4Count",
    "severity3Count",
    "severity2Count",
    "severity1Count",
];

const CONTAINER_COLUMNS: &[&str] = &[
    "name",
    "containerId",
    "sha",
    "uuid",
    "imageId",
    "imageSha",
    "state",
    "stateChanged",
    "created",
    "updated",
    "hostName",
    "hostIp",
    "isRoot",
    "privileged",
    "severity5Count",
    "severity4Count",
    "severity3Count",
    "severity2Count",
    "severity1Count",
];

impl Template {
    pub const ALL: [Template; 6] = [
        Template::ImageVulnerability,
        Template::ContainerVulnerability,
        Template::ImageSecrets,
        Template::ImageMalware,
        Template::Images,
        Template::Containers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::ImageVulnerability => "CS_IMAGE_VULNERABILITY",
            Template::ContainerVulnerability => "CS_CONTAINER_VULNERABILITY",
            Template::ImageSecrets => "CS_IMAGE_SECRETS",
            Template::ImageMalware => "CS_IMAGE_MALWARE",
            Template::Images => "CS_Images",
            Template::Containers => "CS_Containers",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the filter is QQL over containers (else over images).
    pub fn over_containers(self) -> bool {
        matches!(
            self,
            Template::ContainerVulnerability | Template::Containers
        )
    }

    /// Every column, in the order a report with all of them has.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Template::ImageVulnerability => VULN_COLUMNS,
            Template::ContainerVulnerability => CONTAINER_VULN_COLUMNS,
            Template::ImageSecrets => SECRET_COLUMNS,
            Template::ImageMalware => MALWARE_COLUMNS,
            Template::Images => IMAGE_COLUMNS,
            Template::Containers => CONTAINER_COLUMNS,
        }
    }

    /// The columns an empty `displayColumns` asks for: enough to act on a row.
    pub fn default_columns(self) -> &'static [&'static str] {
        match self {
            Template::ImageVulnerability => &[
                "repo", "imageId", "qid", "title", "severity", "cveids", "software",
            ],
            Template::ContainerVulnerability => &[
                "name",
                "containerId",
                "hostName",
                "state",
                "imageId",
                "qid",
                "title",
                "severity",
                "cveids",
                "software",
            ],
            Template::ImageSecrets => &[
                "repo", "imageId", "ruleId", "category", "severity", "file", "line",
            ],
            Template::ImageMalware => &["repo", "imageId", "name", "category", "severity", "file"],
            Template::Images => &[
                "repo",
                "imageId",
                "created",
                "operatingSystem",
                "containers",
                "severity5Count",
                "severity4Count",
            ],
            Template::Containers => &[
                "name",
                "containerId",
                "imageId",
                "state",
                "hostName",
                "severity5Count",
                "severity4Count",
            ],
        }
    }

    /// The columns a request's `displayColumns` names: absent → all, empty → the defaults;
    /// an unknown or repeated column is a problem naming it.
    pub fn resolve_columns(
        self,
        asked: Option<&[String]>,
    ) -> Result<Vec<&'static str>, Vec<FieldProblem>> {
        let Some(asked) = asked else {
            return Ok(self.columns().to_vec());
        };
        if asked.is_empty() {
            return Ok(self.default_columns().to_vec());
        }
        let mut out = Vec::with_capacity(asked.len());
        let mut problems = Vec::new();
        for (i, c) in asked.iter().enumerate() {
            match self.columns().iter().find(|k| **k == c.as_str()) {
                Some(k) if out.contains(k) => problems.push(FieldProblem::new(
                    format!("displayColumns[{i}]"),
                    format!("'{c}' is named twice"),
                )),
                Some(k) => out.push(*k),
                None => problems.push(FieldProblem::new(
                    format!("displayColumns[{i}]"),
                    format!(
                        "'{c}' is not a column of {}: use {}",
                        self.as_str(),
                        self.columns().join(", ")
                    ),
                )),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

/// `fileFormat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    /// Extension: one JSON array of objects keyed by column.
    Json,
}

impl FileFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Json => "json",
        }
    }
}

/// How the file is packed (extension on on-demand reports; schedules say `zip`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[default]
    None,
    Gzip,
    Zip,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zip => "zip",
        }
    }

    pub fn parse(s: &str) -> Compression {
        match s {
            "gzip" => Compression::Gzip,
            "zip" => Compression::Zip,
            _ => Compression::None,
        }
    }
}

/// `POST /reports`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportRequest {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// QQL over images (or containers, for the container templates); empty: all.
    #[serde(default)]
    pub filter: Option<String>,
    /// Absent: every column; empty: the template's defaults.
    #[serde(default)]
    pub display_columns: Option<Vec<String>>,
    pub template_name: String,
    /// Extension: `csv` (default) or `json`.
    #[serde(default)]
    pub file_format: Option<FileFormat>,
    /// Extension: `none` (default), `gzip` or `zip`.
    #[serde(default)]
    pub compression: Option<Compression>,
    /// Extension: days until the file expires (1, 7, 30 or 90; default 7).
    #[serde(default)]
    pub expire_after: Option<u32>,
}

/// The expiries a report may ask for, in days.
pub const EXPIRE_AFTER_DAYS: [u32; 4] = [1, 7, 30, 90];
pub const DEFAULT_EXPIRE_AFTER_DAYS: u32 = 7;

impl ReportRequest {
    /// What is wrong with it, each naming its field (the template and columns included).
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            out.push(FieldProblem::new("name", "a report needs a name"));
        } else if name.chars().count() > MAX_NAME {
            out.push(FieldProblem::new(
                "name",
                format!("at most {MAX_NAME} characters"),
            ));
        }
        if self
            .description
            .as_deref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            out.push(FieldProblem::new(
                "description",
                format!("at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if self.filter.as_deref().is_some_and(|f| f.len() > MAX_FILTER) {
            out.push(FieldProblem::new(
                "filter",
                format!("at most {MAX_FILTER} bytes"),
            ));
        }
        if let Some(days) = self.expire_after {
            if !EXPIRE_AFTER_DAYS.contains(&days) {
                out.push(FieldProblem::new(
                    "expireAfter",
                    "one of 1, 7, 30 or 90 (days)",
                ));
            }
        }
        match Template::parse(&self.template_name) {
            Some(t) => {
                if let Err(p) = t.resolve_columns(self.display_columns.as_deref()) {
                    out.extend(p);
                }
            }
            None => out.push(FieldProblem::new(
                "templateName",
                format!("one of {}", Template::ALL.map(Template::as_str).join(", ")),
            )),
        }
        out
    }
}

/// Where a report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReportStatus {
    Queued,
    Running,
    Generated,
    Failed,
    Expired,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Queued => "QUEUED",
            ReportStatus::Running => "RUNNING",
            ReportStatus::Generated => "GENERATED",
            ReportStatus::Failed => "FAILED",
            ReportStatus::Expired => "EXPIRED",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Queued,
            ReportStatus::Running,
            ReportStatus::Generated,
            ReportStatus::Failed,
            ReportStatus::Expired,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A report as `GET /reports` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub report_uuid: String,
    pub report_name: String,
    pub description: Option<String>,
    /// ISO 8601, UTC.
    pub created_at: String,
    pub file_format: FileFormat,
    pub template_name: String,
    /// `ON_DEMAND` or `SCHEDULED`.
    pub report_type: String,
    pub status: ReportStatus,
    pub filter: String,
    pub display_columns: Vec<String>,
    /// Extension: who asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Extension: `none`, `gzip` or `zip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// Extension: rows in the file, once generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Extension: bytes of the file, once generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Extension: when the file expires (ISO 8601, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Extension: why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl crate::entity::Extensible for Report {
    const EXTENSIONS: &'static [&'static str] = &[
        "createdBy",
        "compression",
        "rows",
        "size",
        "expiresAt",
        "error",
    ];
    fn with_extensions(mut self, keep: bool) -> Self {
        if !keep {
            self.created_by = None;
            self.compression = None;
            self.rows = None;
            self.size = None;
            self.expires_at = None;
            self.error = None;
        }
        self
    }
}

/// The file name a download carries.
pub fn file_name(name: &str, format: FileFormat, compression: Compression) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if base.trim_matches('_').is_empty() {
        "report".to_string()
    } else {
        base
    };
    let ext = format.as_str();
    match compression {
        Compression::None => format!("{base}.{ext}"),
        Compression::Gzip => format!("{base}.{ext}.gz"),
        Compression::Zip => format!("{base}.zip"),
    }
}

/// `reportScheduleDetails`: how often a schedule runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleDetails {
    /// `DAILY`, `WEEKLY` or `MONTHLY`.
    pub recurrence_type: String,
    /// WEEKLY only: `MONDAY` … `SUNDAY`.
    #[serde(default)]
    pub selected_day_of_weeks: Option<Vec<String>>,
}

pub const RECURRENCES: [&str; 3] = ["DAILY", "WEEKLY", "MONTHLY"];
pub const WEEKDAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

/// `POST /reports/schedule` and `PUT /reports/schedule/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRequest {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub display_columns: Option<Vec<String>>,
    pub template_name: String,
    /// Days each report's file is kept: 1, 7, 30 or 90.
    pub expire_after: u32,
    /// The first run (ISO 8601; UTC unless it carries an offset).
    pub event_time: String,
    /// No run after it.
    #[serde(default)]
    pub event_end_time: Option<String>,
    /// `CREATE` (as the compatible API sends it); ignored.
    #[serde(default)]
    pub action: Option<String>,
    /// `null`: one report at `eventTime`.
    #[serde(default)]
    pub report_schedule_details: Option<ScheduleDetails>,
    #[serde(default)]
    pub zip: Option<bool>,
    /// Extension: the IANA time zone whose wall clock the schedule follows across daylight-
    /// saving changes (default UTC).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Extension: `csv` (default) or `json`.
    #[serde(default)]
    pub file_format: Option<FileFormat>,
}

impl ScheduleRequest {
    /// The report each run makes, as an on-demand request would ask for it.
    pub fn report(&self) -> ReportRequest {
        ReportRequest {
            name: self.name.clone(),
            description: self.description.clone(),
            filter: self.filter.clone(),
            display_columns: self.display_columns.clone(),
            template_name: self.template_name.clone(),
            file_format: self.file_format,
            compression: Some(if self.zip == Some(true) {
                Compression::Zip
            } else {
                Compression::None
            }),
            expire_after: Some(self.expire_after),
        }
    }

    /// What is wrong with it that needs no clock or time-zone table (the server checks the
    /// times and the zone), each naming its field.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out: Vec<FieldProblem> = self
            .report()
            .problems()
            .into_iter()
            .filter(|p| p.field != "expireAfter")
            .collect();
        if !EXPIRE_AFTER_DAYS.contains(&self.expire_after) {
            out.push(FieldProblem::new(
                "expireAfter",
                "one of 1, 7, 30 or 90 (days)",
            ));
        }
        if let Some(d) = &self.report_schedule_details {
            if !RECURRENCES.contains(&d.recurrence_type.as_str()) {
                out.push(FieldProblem::new(
                    "reportScheduleDetails.recurrenceType",
                    "one of DAILY, WEEKLY or MONTHLY (or reportScheduleDetails: null for one report)",
                ));
            }
            let days = d.selected_day_of_weeks.as_deref().unwrap_or_default();
            for (i, day) in days.iter().enumerate() {
                if !WEEKDAYS.contains(&day.as_str()) {
                    out.push(FieldProblem::new(
                        format!("reportScheduleDetails.selectedDayOfWeeks[{i}]"),
                        "one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY",
                    ));
                }
            }
            if d.recurrence_type == "WEEKLY" && days.is_empty() {
                out.push(FieldProblem::new(
                    "reportScheduleDetails.selectedDayOfWeeks",
                    "a weekly schedule names at least one day",
                ));
            }
        }
        out
    }
}

/// A schedule's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScheduleStatus {
    Active,
    Paused,
    /// No run is left (a one-shot that ran, or past its end).
    Ended,
}

/// A schedule as listed (extension).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportSchedule {
    pub reporting_schedule_id: String,
    pub name: String,
    pub description: Option<String>,
    pub template_name: String,
    pub filter: String,
    pub display_columns: Vec<String>,
    pub expire_after: u32,
    pub event_time: String,
    pub event_end_time: Option<String>,
    pub report_schedule_details: Option<ScheduleDetails>,
    pub zip: bool,
    pub time_zone: String,
    pub file_format: FileFormat,
    pub status: ScheduleStatus,
    /// The next run (ISO 8601, UTC); none when paused or ended.
    pub next_run: Option<String>,
    pub last_run: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_absent_are_all_empty_are_the_defaults_unknown_are_named() {
        let t = Template::ImageVulnerability;
        assert_eq!(t.resolve_columns(None).unwrap(), VULN_COLUMNS);
        assert_eq!((VULN_COLUMNS[0], VULN_COLUMNS[22]), ("repo", "result"));
        assert_eq!(VULN_COLUMNS.len(), 23);
        assert_eq!(t.resolve_columns(Some(&[])).unwrap(), t.default_columns());
        let asked = vec!["severity".to_string(), "qid".to_string()];
        assert_eq!(
            t.resolve_columns(Some(&asked)).unwrap(),
            ["severity", "qid"]
        );
        let bad = vec!["qid".into(), "nope".into(), "qid".into()];
        let p = t.resolve_columns(Some(&bad)).unwrap_err();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].field, "displayColumns[1]");
        assert!(p[0].message.contains("'nope'"));
        assert_eq!(p[1].field, "displayColumns[2]");
        // The container template has the container columns; the image one does not.
        let c = vec!["hostName".to_string()];
        assert!(Template::ContainerVulnerability
            .resolve_columns(Some(&c))
            .is_ok());
        assert!(t.resolve_columns(Some(&c)).is_err());
        for t in Template::ALL {
            for d in t.default_columns() {
                assert!(t.columns().contains(d), "{d} of {}", t.as_str());
            }
            assert_eq!(Template::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn requests_are_checked_field_by_field() {
        let ok = ReportRequest {
            name: "Weekly".into(),
            template_name: "CS_Images".into(),
            ..Default::default()
        };
        assert!(ok.problems().is_empty());
        let bad = ReportRequest {
            name: "x".repeat(151),
            description: Some("d".repeat(251)),
            template_name: "CS_NOPE".into(),
            expire_after: Some(2),
            ..Default::default()
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["name", "description", "expireAfter", "templateName"]
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Prod / weekly", FileFormat::Csv, Compression::Gzip),
            "Prod___weekly.csv.gz"
        );
        assert_eq!(
            file_name("///", FileFormat::Json, Compression::Zip),
            "report.zip"
        );
    }
}

//! A report's cells, column by column, from the same objects the API answers with (so a
//! report's rows are the API's findings for the same filter).

use super::file::Cell;
use shipshape_model::scan::{MalwareRecord, SecretRecord};
use shipshape_model::{Container, EpochMillis, Image, SeverityCounts, Vulnerability};

/// ISO 8601 in UTC, to the second.
pub fn iso(ms: EpochMillis) -> String {
    chrono::DateTime::from_timestamp_millis(ms.0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn iso_opt(ms: Option<EpochMillis>) -> Cell {
    ms.map_or(Cell::Empty, |m| Cell::Text(iso(m)))
}

/// `registry/repository:tag`, every one the image has, joined.
fn repos(image: &Image) -> Cell {
    let all: Vec<String> = image
        .repo
        .iter()
        .map(|r| {
            let name = match &r.registry {
                Some(reg) if !reg.is_empty() => format!("{reg}/{}", r.repository),
                _ => r.repository.clone(),
            };
            match &r.tag {
                Some(t) => format!("{name}:{t}"),
                None => name,
            }
        })
        .collect();
    if all.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(all.join(", "))
    }
}

fn severity(counts: &SeverityCounts, column: &str) -> Option<Cell> {
    Some(Cell::from(match column {
        "severity5Count" => counts.severity5_count,
        "severity4Count" => counts.severity4_count,
        "severity3Count" => counts.severity3_count,
        "severity2Count" => counts.severity2_count,
        "severity1Count" => counts.severity1_count,
        _ => return None,
    }))
}

/// The image columns every image-based template shares.
fn image_cell(image: &Image, column: &str) -> Option<Cell> {
    Some(match column {
        "repo" => repos(image),
        "imageId" => Cell::from(image.image_id.as_str()),
        "sha" => Cell::from(image.sha.as_str()),
        "uuid" => Cell::from(image.uuid.as_str()),
        "created" => Cell::Text(iso(image.created)),
        "updated" => Cell::Text(iso(image.updated)),
        _ => return None,
    })
}

/// The container columns.
fn container_cell(c: &Container, column: &str) -> Option<Cell> {
    Some(match column {
        "name" => Cell::from(c.name.clone()),
        "containerId" => Cell::from(c.container_id.as_str()),
        "hostName" => Cell::from(c.host.as_ref().and_then(|h| h.hostname.clone())),
        "hostIp" => Cell::from(c.host.as_ref().and_then(|h| h.ip_address.clone())),
        "state" => Cell::from(c.state.as_str()),
        "stateChanged" => iso_opt(c.state_changed),
        _ => return None,
    })
}

fn vuln_cell(v: &Vulnerability, column: &str) -> Option<Cell> {
    Some(match column {
        "qid" => Cell::Int(v.qid),
        "title" => Cell::from(v.title.as_str()),
        "severity" => Cell::Int(i64::from(v.severity)),
        "cveids" => Cell::Text(v.cveids.join(", ")),
        "cvssBase" => Cell::from(v.cvss_info.base_score),
        "cvss3Base" => Cell::from(v.cvss3_info.base_score),
        "category" => Cell::from(v.category.clone()),
        "software" => Cell::Text(
            v.software
                .iter()
                .map(|s| match &s.version {
                    Some(ver) => format!("{} {ver}", s.name),
                    None => s.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        "result" => Cell::from(v.type_detected.as_str()),
        "exploitability" => {
            let t = &v.threat_intel;
            let mut tags = Vec::new();
            for (on, tag) in [
                (t.active_attacks, "Active Attacks"),
                (t.public_exploit, "Public Exploit"),
                (t.zero_day, "Zero Day"),
                (t.high_lateral_movement, "High Lateral Movement"),
                (t.denial_of_service, "Denial of Service"),
            ] {
                if on {
                    tags.push(tag);
                }
            }
            Cell::Text(tags.join(", "))
        }
        // The compatible columns Shipshape has no data for stay empty.
        "vendorReference" | "cvssTemporal" | "cvss3Temporal" | "threat" | "impact" | "solution"
        | "associatedMalwares" => Cell::Empty,
        _ => return None,
    })
}

/// One (image, vulnerability) row; with a container, one (container, vulnerability) row.
pub fn vulnerability(
    columns: &[&str],
    image: &Image,
    container: Option<&Container>,
    v: &Vulnerability,
) -> Vec<Cell> {
    columns
        .iter()
        .map(|col| {
            // The shared columns are the image's (as in the image template); the container
            // template adds the container's own.
            let own = container.and_then(|c| container_cell(c, col));
            own.or_else(|| image_cell(image, col))
                .or_else(|| vuln_cell(v, col))
                .unwrap_or(Cell::Empty)
        })
        .collect()
}

pub fn secret(columns: &[&str], image: &Image, s: &SecretRecord) -> Vec<Cell> {
    columns
        .iter()
        .map(|col| {
            image_cell(image, col).unwrap_or_else(|| match *col {
                "ruleId" => Cell::from(s.rule_id.as_str()),
                "category" => Cell::from(s.category.clone()),
                "title" => Cell::from(s.title.clone()),
                "severity" => Cell::Int(i64::from(s.severity)),
                "file" => Cell::from(s.file.clone()),
                "line" => s.line.map_or(Cell::Empty, Cell::Int),
                _ => Cell::Empty,
            })
        })
        .collect()
}

pub fn malware(columns: &[&str], image: &Image, m: &MalwareRecord) -> Vec<Cell> {
    columns
        .iter()
        .map(|col| {
            image_cell(image, col).unwrap_or_else(|| match *col {
                "name" => Cell::from(m.name.as_str()),
                "category" => Cell::from(m.category.clone()),
                "severity" => Cell::Int(i64::from(m.severity)),
                "file" => Cell::from(m.file.clone()),
                "fileSha256" => Cell::from(m.sha256.clone()),
                _ => Cell::Empty,
            })
        })
        .collect()
}

pub fn image(columns: &[&str], image: &Image) -> Vec<Cell> {
    columns
        .iter()
        .map(|col| {
            image_cell(image, col)
                .or_else(|| severity(&image.vulnerabilities, col))
                .unwrap_or_else(|| match *col {
                    "lastScanned" => iso_opt(image.last_scanned),
                    "operatingSystem" => Cell::from(image.operating_system.clone()),
                    "size" => Cell::Int(image.size),
                    "scanStatus" => Cell::from(image.scan_status.clone()),
                    "source" => Cell::Text(image.source.join(", ")),
                    "containers" => Cell::from(image.associated_containers_count),
                    "hosts" => Cell::from(image.associated_hosts_count),
                    _ => Cell::Empty,
                })
        })
        .collect()
}

pub fn container(columns: &[&str], c: &Container) -> Vec<Cell> {
    columns
        .iter()
        .map(|col| {
            container_cell(c, col)
                .or_else(|| severity(&c.vulnerabilities, col))
                .unwrap_or_else(|| match *col {
                    "sha" => Cell::from(c.sha.as_str()),
                    "uuid" => Cell::from(c.uuid.as_str()),
                    "imageId" => Cell::from(c.image_id.as_str()),
                    "imageSha" => Cell::from(c.image_sha.as_str()),
                    "created" => Cell::Text(iso(c.created)),
                    "updated" => Cell::Text(iso(c.updated)),
                    "isRoot" => Cell::Text(c.is_root.to_string()),
                    "privileged" => Cell::Text(c.privileged.to_string()),
                    _ => Cell::Empty,
                })
        })
        .collect()
}

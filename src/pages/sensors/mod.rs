//! Sensors tab: the list of sensors and, in `detail`, one sensor.

mod detail;

use crate::components::list::columns::{Cell, ColumnMeta, Row};
use crate::components::list::list_page;
use crate::components::list::query::{decode_list, EntityDesc, ListData};
use leptos::prelude::*;
use shipshape_model::Sensor;

pub use detail::SensorDetail;

const COLUMNS: &[ColumnMeta] = &[
    ColumnMeta::new("name", "Name").sort("name"),
    ColumnMeta::new("hostname", "Hostname").sort("hostname"),
    ColumnMeta::new("ipv4", "IPv4").sort("ipv4"),
    ColumnMeta::new("status", "Status").sort("status"),
    ColumnMeta::new("sensorVersion", "Version").sort("sensorVersion"),
    ColumnMeta::new("sensorType", "Type")
        .sort("sensorType")
        .hidden(),
    ColumnMeta::new("deployment", "Deployment").sort("deployment"),
    ColumnMeta::new("configurationProfile", "Profile")
        .sort("configurationProfile")
        .hidden(),
    ColumnMeta::new("lastCheckedIn", "Last check-in").sort("lastCheckedIn"),
    ColumnMeta::new("created", "Created").sort("created"),
    ColumnMeta::new("os", "OS").hidden(),
    ColumnMeta::new("dockerVersion", "Docker").hidden(),
    ColumnMeta::new("uuid", "UUID").sort("uuid").hidden(),
];

fn to_row(s: &Sensor) -> Row {
    let badge = (s.update_available == Some(true)).then_some("Update available");
    Row {
        key: s.uuid.clone(),
        href: format!("/sensors/{}", s.uuid),
        cells: vec![
            Cell::Name(s.name.clone(), badge),
            Cell::text(&s.hostname),
            Cell::Mono(s.ipv4.clone()),
            Cell::State(s.status.as_str().to_string()),
            Cell::Mono(s.sensor_version.clone()),
            Cell::Text(Some(s.sensor_type.as_str().to_string())),
            Cell::Text(s.deployment.map(|d| d.as_str().to_string())),
            Cell::text(&s.configuration_profile),
            Cell::Time(s.last_checked_in.map(|t| t.0)),
            Cell::Time(Some(s.created.0)),
            Cell::text(&s.os),
            Cell::text(&s.docker_version),
            Cell::Mono(Some(s.uuid.clone())),
        ],
    }
}

fn decode(body: &str) -> Result<ListData, String> {
    decode_list::<Sensor>(body, to_row)
}

pub static SENSORS: EntityDesc = EntityDesc {
    entity: "sensors",
    title: "Sensors",
    noun: "sensors",
    delete_field: "sensorIds",
    columns: COLUMNS,
    decode,
    example_filter: "status:RUNNING and updateAvailable:true",
    chips: &[("Update available", "updateAvailable:true")],
    default_sort: "created:desc",
    deletable: true,
    actions: None,
};

#[component]
pub fn SensorsPage() -> impl IntoView {
    list_page(&SENSORS)
}

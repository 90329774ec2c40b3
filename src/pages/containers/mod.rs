//! Containers tab: the list of containers and, in `detail`, one container.

mod detail;

use crate::components::list::columns::{Cell, ColumnMeta, Row};
use crate::components::list::list_page;
use crate::components::list::query::{decode_list, EntityDesc, ListData};
use leptos::prelude::*;
use shipshape_model::Container;

pub use detail::ContainerDetail;

const COLUMNS: &[ColumnMeta] = &[
    ColumnMeta::new("name", "Name").sort("name"),
    ColumnMeta::new("containerId", "Container ID").sort("containerId"),
    ColumnMeta::new("state", "State").sort("state"),
    ColumnMeta::new("imageId", "Image ID")
        .sort("imageId")
        .hidden(),
    ColumnMeta::new("host", "Host").sort("host.hostname"),
    ColumnMeta::new("vulnerabilities", "Vulnerabilities"),
    ColumnMeta::new("stateChanged", "State changed").sort("stateChanged"),
    ColumnMeta::new("created", "Created").sort("created"),
    ColumnMeta::new("lastScanned", "Last scanned")
        .sort("lastScanned")
        .hidden(),
    ColumnMeta::new("isRoot", "Root").sort("isRoot").hidden(),
    ColumnMeta::new("privileged", "Privileged")
        .sort("privileged")
        .hidden(),
    ColumnMeta::new("sha", "SHA").sort("sha").hidden(),
];

fn to_row(c: &Container) -> Row {
    Row {
        key: c.sha.clone(),
        href: format!("/containers/{}", c.sha),
        cells: vec![
            Cell::Name(
                c.name.clone().unwrap_or_else(|| c.container_id.clone()),
                None,
            ),
            Cell::Mono(Some(c.container_id.clone())),
            Cell::State(c.state.as_str().to_string()),
            Cell::Mono(Some(c.image_id.clone())),
            Cell::Text(c.host.as_ref().and_then(|h| h.hostname.clone())),
            Cell::Severity(c.vulnerabilities),
            Cell::Time(c.state_changed.map(|t| t.0)),
            Cell::Time(Some(c.created.0)),
            Cell::Time(c.last_scanned.map(|t| t.0)),
            Cell::Flag(c.is_root),
            Cell::Flag(c.privileged),
            Cell::Mono(Some(c.sha.clone())),
        ],
    }
}

fn decode(body: &str) -> Result<ListData, String> {
    decode_list::<Container>(body, to_row)
}

pub static CONTAINERS: EntityDesc = EntityDesc {
    entity: "containers",
    title: "Containers",
    noun: "containers",
    delete_field: "containerIds",
    columns: COLUMNS,
    decode,
    example_filter: "state:RUNNING and isRoot:true",
    chips: &[],
    default_sort: "created:desc",
    deletable: true,
    actions: None,
};

#[component]
pub fn ContainersPage() -> impl IntoView {
    list_page(&CONTAINERS)
}

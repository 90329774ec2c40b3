//! Images tab: the list of images and, in `detail`, one image.

mod detail;
mod import;

use crate::components::list::columns::{Cell, ColumnMeta, Row};
use crate::components::list::list_page;
use crate::components::list::query::{decode_list, EntityDesc, ListData};
use leptos::prelude::*;
use shipshape_model::{Image, RepoTag};

pub use detail::ImageDetail;

const COLUMNS: &[ColumnMeta] = &[
    ColumnMeta::new("imageId", "Image ID").sort("imageId"),
    ColumnMeta::new("repo", "Repository:tag"),
    ColumnMeta::new("vulnerabilities", "Vulnerabilities"),
    ColumnMeta::new("operatingSystem", "OS").sort("operatingSystem"),
    ColumnMeta::new("size", "Size").sort("size").numeric(),
    ColumnMeta::new("containers", "Containers")
        .sort("associatedContainersCount")
        .numeric(),
    ColumnMeta::new("hosts", "Hosts")
        .sort("associatedHostsCount")
        .numeric()
        .hidden(),
    ColumnMeta::new("lastScanned", "Last scanned").sort("lastScanned"),
    ColumnMeta::new("created", "Created")
        .sort("created")
        .hidden(),
    ColumnMeta::new("updated", "Updated")
        .sort("updated")
        .hidden(),
    ColumnMeta::new("scanStatus", "Scan status")
        .sort("scanStatus")
        .hidden(),
    ColumnMeta::new("source", "Source").hidden(),
    ColumnMeta::new("sha", "SHA").sort("sha").hidden(),
];

pub fn repo_tag(r: &RepoTag) -> String {
    let mut s = String::new();
    if let Some(reg) = &r.registry {
        s.push_str(reg);
        s.push('/');
    }
    s.push_str(&r.repository);
    if let Some(t) = &r.tag {
        s.push(':');
        s.push_str(t);
    }
    s
}

fn to_row(i: &Image) -> Row {
    Row {
        key: i.sha.clone(),
        href: format!("/images/{}", i.sha),
        cells: vec![
            Cell::Mono(Some(i.image_id.clone())),
            Cell::List(i.repo.iter().map(repo_tag).collect()),
            Cell::Severity(i.vulnerabilities),
            Cell::text(&i.operating_system),
            Cell::Bytes(i.size),
            Cell::Count(i.associated_containers_count),
            Cell::Count(i.associated_hosts_count),
            Cell::Time(i.last_scanned.map(|t| t.0)),
            Cell::Time(Some(i.created.0)),
            Cell::Time(Some(i.updated.0)),
            Cell::text(&i.scan_status),
            Cell::List(i.source.clone()),
            Cell::Mono(Some(i.sha.clone())),
        ],
    }
}

fn decode(body: &str) -> Result<ListData, String> {
    decode_list::<Image>(body, to_row)
}

pub static IMAGES: EntityDesc = EntityDesc {
    entity: "images",
    title: "Images",
    noun: "images",
    delete_field: "imageIds",
    columns: COLUMNS,
    decode,
    example_filter: "vulnerabilities.severity:5 and repo.repository:nginx",
    chips: &[],
    default_sort: "created:desc",
    deletable: true,
    actions: Some(import::import_action),
};

#[component]
pub fn ImagesPage() -> impl IntoView {
    list_page(&IMAGES)
}

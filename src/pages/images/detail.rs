//! One image: repositories and tags, digests, size, layers, OS, the containers and hosts that
//! use it (`/images/{sha}/association`), software and vulnerabilities.

use super::repo_tag;
use crate::api::{load, requests, Load};
use crate::components::detail::{
    decode_json, detail_frame, field, inline_error, labels, mono_or_dash, software_table,
    text_or_dash, time, Section, VulnTable,
};
use crate::components::severity::SeverityBadges;
use crate::format::{bytes, thousands};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shipshape_model::{ImageAssociation, ImageDetails, SeverityCounts};

#[component]
pub fn ImageDetail() -> impl IntoView {
    let params = use_params_map();
    let spec = Memo::new(move |_| {
        requests::detail("images", &params.with(|p| p.get("sha").unwrap_or_default()))
    });
    let loader = load(move || spec.get(), decode_json::<ImageDetails>);
    detail_frame(("images", "‹ Images"), spec, loader, title, body)
}

fn title(i: &ImageDetails) -> AnyView {
    let name = i
        .repo
        .first()
        .map(repo_tag)
        .unwrap_or_else(|| i.image_id.clone());
    view! { {name}" "<code class="mono muted">{i.image_id.clone()}</code> }.into_any()
}

fn body(i: ImageDetails) -> AnyView {
    let counts = i.vuln_summary.unwrap_or_else(|| {
        let mut c = SeverityCounts::default();
        for v in &i.vulnerabilities {
            c.add(v.severity);
        }
        c
    });
    let repos = i
        .repo
        .iter()
        .map(|r| view! { <li><code class="mono">{repo_tag(r)}</code></li> })
        .collect_view();
    let digests = i
        .repo_digests
        .iter()
        .map(|d| view! { <li><code class="mono wrap">{format!("{}@{}", d.repository, d.digest)}</code></li> })
        .collect_view();
    let layers = i
        .layers
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <td><code class="mono">{l.sha.chars().take(19).collect::<String>()}</code></td>
                    <td class="num">{bytes(l.size)}</td>
                    <td class="path">{text_or_dash(l.created_by.clone())}</td>
                </tr>
            }
        })
        .collect_view();
    let sha = i.sha.clone();
    view! {
        <div class="detail-grid">
            <Section title="Overview">
                <dl class="fields">
                    {field("Image ID", mono_or_dash(Some(i.image_id.clone())))}
                    {field("SHA", view! { <code class="mono wrap">{i.sha.clone()}</code> })}
                    {field("Vulnerabilities", view! { <SeverityBadges counts=counts /> })}
                    {field("OS", text_or_dash(i.operating_system.clone()))}
                    {field("Architecture", text_or_dash(i.architecture.clone()))}
                    {field("Author", text_or_dash(i.author.clone()))}
                    {field("Size", view! { <span title=format!("{} bytes", i.size)>{bytes(i.size)}</span> })}
                    {field("Layers", thousands(i.layers.len() as u64))}
                    {field("Created", time(Some(i.created)))}
                    {field("Last scanned", time(i.last_scanned))}
                    {field("Scan status", text_or_dash(i.scan_status.clone()))}
                    {field("Source", text_or_dash(Some(i.source.join(", "))))}
                </dl>
            </Section>
            <Section title="Repositories and digests" testid="repos">
                <h3>"Tags"</h3>
                <ul class="plain">{repos}</ul>
                <h3>"Digests"</h3>
                <ul class="plain">{digests}</ul>
                <h3>"Labels"</h3>
                {labels(i.label.clone())}
            </Section>
        </div>
        <Section title="Used by" testid="association">
            <Association sha=sha />
        </Section>
        <Section title="Vulnerabilities" testid="vulnerabilities">
            <VulnTable vulns=i.vulnerabilities.clone() />
        </Section>
        <Section title="Software" testid="software">
            {software_table(i.softwares.clone())}
        </Section>
        <Section title="Layers" testid="layers">
            <div class="table-wrap">
                <table class="data compact">
                    <thead><tr><th>"Layer"</th><th class="num">"Size"</th><th>"Created by"</th></tr></thead>
                    <tbody>{layers}</tbody>
                </table>
            </div>
        </Section>
    }
    .into_any()
}

/// Containers and hosts that use the image (its own request, so the page shows the rest first).
#[component]
fn Association(sha: String) -> impl IntoView {
    let spec = requests::sub("images", &sha, "association");
    let loader = load(move || spec.clone(), decode_json::<ImageAssociation>);
    move || match loader.state.get() {
        Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
        Load::Failed(e) => inline_error(e),
        Load::Ready(a) => {
            let containers = a
                .containers
                .iter()
                .map(|c| {
                    let href = format!("/containers/{}", c.sha);
                    view! {
                        <tr>
                            <td class="cut" title=c.name.clone()><a href=href>{c.name.clone().unwrap_or_else(|| c.container_id.clone())}</a></td>
                            <td><code class="mono">{c.container_id.clone()}</code></td>
                            <td><span class=format!("pill pill-{}", c.state.as_str().to_ascii_lowercase())>{c.state.as_str()}</span></td>
                            <td class="cut">{text_or_dash(c.host.as_ref().and_then(|h| h.hostname.clone()))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let hosts = a
                .hosts
                .iter()
                .map(|h| {
                    view! {
                        <li>
                            <a href=format!("/sensors/{}", h.sensor_uuid)>{h.hostname.clone().unwrap_or_else(|| h.sensor_uuid.clone())}</a>
                            " "{mono_or_dash(h.ip_address.clone())}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="detail-grid">
                    <div>
                        <h3>{format!("{} containers", a.containers.len())}</h3>
                        <div class="table-wrap">
                            <table class="data compact" data-testid="association-containers">
                                <thead><tr><th>"Name"</th><th>"ID"</th><th>"State"</th><th>"Host"</th></tr></thead>
                                <tbody>{containers}</tbody>
                            </table>
                        </div>
                    </div>
                    <div>
                        <h3>{format!("{} hosts", a.hosts.len())}</h3>
                        <ul class="plain">{hosts}</ul>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

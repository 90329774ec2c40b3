//! One image: repositories and tags, digests, size, layers, OS, the containers and hosts that
//! use it (`/images/{sha}/association`), software, vulnerabilities, and the secrets and malware
//! scanners found in it (`/images/{sha}/secrets`, `/images/{sha}/malware`; a secret is shown by
//! where and what kind, never its text).

use super::repo_tag;
use crate::api::{load, requests, Load};
use crate::components::detail::{
    decode_json, detail_frame, field, inline_error, labels, mono_or_dash, software_table,
    text_or_dash, time, Section, VulnTable,
};
use crate::components::severity::{SeverityBadges, SeverityLabel};
use crate::format::{bytes, thousands};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shipshape_model::scan::{MalwareList, SecretList};
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
    let (secrets_sha, malware_sha) = (i.sha.clone(), i.sha.clone());
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
        <div class="detail-grid">
            <Section title="Secrets" testid="secrets">
                <Secrets sha=secrets_sha />
            </Section>
            <Section title="Malware" testid="malware">
                <Malware sha=malware_sha />
            </Section>
        </div>
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

/// "file:line", or the file alone, or a dash.
fn place(file: Option<String>, line: Option<i64>) -> String {
    match (file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f,
        _ => "—".into(),
    }
}

/// The secrets scanners found: rule, category, where, severity (never the secret's text).
#[component]
fn Secrets(sha: String) -> impl IntoView {
    let spec = requests::sub("images", &sha, "secrets");
    let loader = load(move || spec.clone(), decode_json::<SecretList>);
    move || {
        match loader.state.get() {
        Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
        Load::Failed(e) => inline_error(e),
        Load::Ready(l) if l.data.is_empty() => view! {
            <p class="muted" data-testid="secrets-none">"No secrets found by the last scan that looked for them."</p>
        }
        .into_any(),
        Load::Ready(l) => {
            let rows = l
                .data
                .into_iter()
                .map(|s| {
                    view! {
                        <tr data-testid="secret-row">
                            <td><SeverityLabel severity=s.severity /></td>
                            <td>{s.title.clone().unwrap_or_else(|| s.rule_id.clone())}<br/><code class="mono muted small">{s.rule_id.clone()}</code></td>
                            <td>{text_or_dash(s.category.clone())}</td>
                            <td class="path"><code class="mono wrap">{place(s.file.clone(), s.line)}</code></td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="muted small">"Where each secret is and what kind it is; Shipshape never stores the secret itself."</p>
                <div class="table-wrap">
                    <table class="data compact" data-testid="secrets-table">
                        <thead><tr><th>"Severity"</th><th>"Secret"</th><th>"Category"</th><th>"Where"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// The malware scanners found: name, category, file and its sha-256, severity.
#[component]
fn Malware(sha: String) -> impl IntoView {
    let spec = requests::sub("images", &sha, "malware");
    let loader = load(move || spec.clone(), decode_json::<MalwareList>);
    move || {
        match loader.state.get() {
        Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
        Load::Failed(e) => inline_error(e),
        Load::Ready(l) if l.data.is_empty() => view! {
            <p class="muted" data-testid="malware-none">"No malware found by the last scan that looked for it."</p>
        }
        .into_any(),
        Load::Ready(l) => {
            let rows = l
                .data
                .into_iter()
                .map(|m| {
                    view! {
                        <tr data-testid="malware-row">
                            <td><SeverityLabel severity=m.severity /></td>
                            <td>{m.name.clone()}</td>
                            <td>{text_or_dash(m.category.clone())}</td>
                            <td class="path"><code class="mono wrap">{text_or_dash(m.file.clone())}</code>
                                {m.sha256.clone().map(|h| view! { <br/><code class="mono muted small" title=h.clone()>{h.chars().take(19).collect::<String>()}"…"</code> })}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table class="data compact" data-testid="malware-table">
                        <thead><tr><th>"Severity"</th><th>"Name"</th><th>"Category"</th><th>"File"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
    }
}

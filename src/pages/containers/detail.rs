//! One container: state and its history, image link, host, command, ports, environment,
//! labels, software and vulnerabilities.

use crate::api::{load, requests};
use crate::components::detail::{
    decode_json, detail_frame, field, labels, mono_or_dash, software_table, text_or_dash, time,
    Section, VulnTable,
};
use crate::components::severity::SeverityBadges;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shipshape_model::{ContainerDetails, SeverityCounts};

#[component]
pub fn ContainerDetail() -> impl IntoView {
    let params = use_params_map();
    let spec = Memo::new(move |_| {
        requests::detail(
            "containers",
            &params.with(|p| p.get("sha").unwrap_or_default()),
        )
    });
    let loader = load(move || spec.get(), decode_json::<ContainerDetails>);
    detail_frame(("containers", "‹ Containers"), spec, loader, title, body)
}

fn title(c: &ContainerDetails) -> AnyView {
    view! {
        {c.name.clone().unwrap_or_else(|| c.container_id.clone())}
        " "
        <span class=format!("pill pill-{}", c.state.as_str().to_ascii_lowercase()) data-testid="container-state">{c.state.as_str()}</span>
    }
    .into_any()
}

fn body(c: ContainerDetails) -> AnyView {
    let counts = c.vuln_summary.unwrap_or_else(|| {
        let mut s = SeverityCounts::default();
        for v in &c.vulnerabilities {
            s.add(v.severity);
        }
        s
    });
    let command = c.command.clone().map(|cmd| {
        let mut full = cmd;
        for a in &c.arguments {
            full.push(' ');
            full.push_str(a);
        }
        full
    });
    let ports = if c.port_mapping.is_empty() {
        view! { <p class="muted">"No published ports."</p> }.into_any()
    } else {
        let rows = c
            .port_mapping
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td><code class="mono">{p.host_ip.clone().unwrap_or_else(|| "*".into())}</code></td>
                        <td class="num">{p.host_port.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                        <td class="num">{p.port}</td>
                        <td>{p.protocol.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data compact" data-testid="ports">
                <thead><tr><th>"Host IP"</th><th class="num">"Host port"</th><th class="num">"Container port"</th><th>"Protocol"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let env = c
        .environment
        .iter()
        .map(|e| view! { <li><code class="mono">{e.clone()}</code></li> })
        .collect_view();
    let host = c.host.clone();
    let image_href = format!("/images/{}", c.image_sha);
    view! {
        <div class="detail-grid">
            <Section title="Overview">
                <dl class="fields">
                    {field("State", view! { <span class=format!("pill pill-{}", c.state.as_str().to_ascii_lowercase())>{c.state.as_str()}</span> })}
                    {field("Container ID", mono_or_dash(Some(c.container_id.clone())))}
                    {field("SHA", view! { <code class="mono wrap">{c.sha.clone()}</code> })}
                    {field("Image", view! { <a href=image_href data-testid="image-link"><code class="mono">{c.image_id.clone()}</code></a> })}
                    {field("Vulnerabilities", view! { <SeverityBadges counts=counts /> })}
                    {field("OS", text_or_dash(c.operating_system.clone()))}
                    {field("Root user", if c.is_root { "Yes" } else { "No" })}
                    {field("Privileged", if c.privileged { "Yes" } else { "No" })}
                </dl>
            </Section>
            <Section title="History and host">
                <dl class="fields">
                    {field("Created", time(Some(c.created)))}
                    {field("State changed", time(c.state_changed))}
                    {field("Updated", time(Some(c.updated)))}
                    {field("Last scanned", time(c.last_scanned))}
                    {field("Host", match host.clone() {
                        Some(h) => view! { <a href=format!("/sensors/{}", h.sensor_uuid)>{h.hostname.clone().unwrap_or_else(|| h.sensor_uuid.clone())}</a> }.into_any(),
                        None => text_or_dash(None),
                    })}
                    {field("Host IP", mono_or_dash(host.and_then(|h| h.ip_address)))}
                    {field("Cluster", text_or_dash(c.cluster.as_ref().and_then(|cl| cl.k8s.as_ref()).and_then(|k| k.cluster_name.clone())))}
                    {field("Namespace", text_or_dash(c.cluster.as_ref().and_then(|cl| cl.k8s.as_ref()).and_then(|k| k.namespace.clone())))}
                </dl>
            </Section>
        </div>
        <div class="detail-grid">
            <Section title="Command and ports">
                <h3>"Command"</h3>
                {match command {
                    Some(cmd) => view! { <pre class="snippet small" data-testid="command">{cmd}</pre> }.into_any(),
                    None => text_or_dash(None),
                }}
                <h3>"Ports"</h3>
                {ports}
            </Section>
            <Section title="Environment and labels">
                <h3>"Environment (values masked)"</h3>
                <ul class="plain">{env}</ul>
                <h3>"Labels"</h3>
                {labels(c.label.clone())}
            </Section>
        </div>
        <Section title="Vulnerabilities" testid="vulnerabilities">
            <VulnTable vulns=c.vulnerabilities.clone() />
        </Section>
        <Section title="Software" testid="software">
            {software_table(c.softwares.clone())}
        </Section>
    }
    .into_any()
}

//! One sensor: identity, host, versions, status, profile, labels, and when a newer sensor is
//! released, the **Update available** badge and the copy-ready update command.

use crate::api::{load, requests};
use crate::components::clipboard::CopyButton;
use crate::components::detail::{
    decode_json, detail_frame, field, labels, mono_or_dash, text_or_dash, time, Section,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shipshape_model::sensor_update::update_command;
use shipshape_model::Sensor;

#[component]
pub fn SensorDetail() -> impl IntoView {
    let params = use_params_map();
    let spec = Memo::new(move |_| {
        requests::detail(
            "sensors",
            &params.with(|p| p.get("uuid").unwrap_or_default()),
        )
    });
    let loader = load(move || spec.get(), decode_json::<Sensor>);
    detail_frame(("sensors", "‹ Sensors"), spec, loader, title, body)
}

/// The sensor's profile against its inactive windows, in local time (UTC on hover is in the
/// profile page; here both are written out).
fn window_state(w: Option<&shipshape_model::profile::WindowState>) -> String {
    use crate::format::{exact_local, exact_utc};
    let at = |ms: i64| format!("{} ({})", exact_local(ms), exact_utc(ms));
    match w {
        None => "—".into(),
        Some(w) if w.inside => format!(
            "Inside one until {}: the sensor sends no data",
            w.until.map(at).unwrap_or_default()
        ),
        Some(w) => match (w.next_start, w.next_end) {
            (Some(s), Some(e)) => format!("Next starts {} and ends {}", at(s), at(e)),
            _ => "None in its profile".into(),
        },
    }
}

fn title(s: &Sensor) -> AnyView {
    let update = s.update_available == Some(true);
    view! {
        {s.name.clone()}
        {update.then(|| view! {
            <span class="badge badge-accent" data-testid="update-available">"Update available"</span>
        })}
    }
    .into_any()
}

fn body(s: Sensor) -> AnyView {
    let update = match (s.update_available, s.deployment, s.latest_version.clone()) {
        (Some(true), Some(d), Some(latest)) => {
            let cmd = update_command(d, &s, &latest);
            let current = s.sensor_version.clone().unwrap_or_else(|| "unknown".into());
            Some(view! {
                <Section title="Update" testid="update-section">
                    <p>
                        {format!("This sensor runs {current}; {latest} is available. Deployed with ")}
                        <code>{d.as_str()}</code>
                        ": run this where the sensor is deployed."
                    </p>
                    <div class="snippet-block">
                        <div class="snippet-title">
                            <span>"Update command"</span>
                            <CopyButton text=cmd.clone() />
                        </div>
                        <pre class="snippet" data-testid="update-command">{cmd}</pre>
                    </div>
                </Section>
            })
        }
        _ => None,
    };
    let cluster = s.cluster.clone();
    view! {
        {update}
        <div class="detail-grid">
            <Section title="Identity">
                <dl class="fields">
                    {field("Name", s.name.clone())}
                    {field("UUID", mono_or_dash(Some(s.uuid.clone())))}
                    {field("Sensor ID", mono_or_dash(Some(s.sensor_id.clone())))}
                    {field("Type", s.sensor_type.as_str())}
                    {field("Deployment", text_or_dash(s.deployment.map(|d| d.as_str().to_string())))}
                    {field("Profile", view! {
                        <a href="/settings/profiles" data-testid="sensor-profile">{s.configuration_profile.clone().unwrap_or_else(|| "Default".into())}</a>
                    })}
                    {field("Inactive window", view! {
                        <span data-testid="sensor-window" class:window-inside=s.inactive_window.as_ref().is_some_and(|w| w.inside)>
                            {window_state(s.inactive_window.as_ref())}
                        </span>
                    })}
                    {field("Privileged", if s.privileged { "Yes" } else { "No" })}
                </dl>
            </Section>
            <Section title="Status">
                <dl class="fields">
                    {field("Status", view! { <span class=format!("pill pill-{}", s.status.as_str().to_ascii_lowercase())>{s.status.as_str()}</span> })}
                    {field("Last check-in", time(s.last_checked_in))}
                    {field("Created", time(Some(s.created)))}
                    {field("Sensor version", mono_or_dash(s.sensor_version.clone()))}
                    {field("Latest version", mono_or_dash(s.latest_version.clone()))}
                    {field("Signatures", mono_or_dash(s.vuln_sig_version.clone()))}
                    {field("Docker", mono_or_dash(s.docker_version.clone()))}
                </dl>
            </Section>
            <Section title="Host">
                <dl class="fields">
                    {field("Hostname", text_or_dash(s.hostname.clone()))}
                    {field("Host UUID", mono_or_dash(s.host_uuid.clone()))}
                    {field("IPv4", mono_or_dash(s.ipv4.clone()))}
                    {field("IPv6", mono_or_dash(s.ipv6.clone()))}
                    {field("MAC", mono_or_dash(s.mac_address.clone()))}
                    {field("OS", text_or_dash(s.os.clone()))}
                    {field("Platform", text_or_dash(s.platform.clone()))}
                </dl>
            </Section>
            <Section title="Cluster and labels">
                <dl class="fields">
                    {field("Cluster", text_or_dash(cluster.as_ref().map(|c| format!("{} {}", c.kind, c.version.clone().unwrap_or_default()))))}
                    {field("Cluster name", text_or_dash(cluster.as_ref().and_then(|c| c.k8s.as_ref()).and_then(|k| k.cluster_name.clone())))}
                    {field("Namespace", text_or_dash(cluster.as_ref().and_then(|c| c.k8s.as_ref()).and_then(|k| k.namespace.clone())))}
                </dl>
                {labels(s.label.clone())}
            </Section>
        </div>
    }
    .into_any()
}

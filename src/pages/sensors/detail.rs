//! One sensor: identity, host, versions, status, profile, labels, and when a newer sensor is
//! released, the **Update available** badge and the copy-ready update command; for a sensor
//! that talks to this server (the sensor API), the scans due and its last events.

use crate::api::{load, requests, Load};
use crate::components::clipboard::CopyButton;
use crate::components::detail::{
    decode_json, detail_frame, field, inline_error, labels, mono_or_dash, text_or_dash, time,
    Section,
};
use crate::components::reltime::RelTime;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shipshape_model::sensor_update::update_command;
use shipshape_model::sensorapi::SensorActivity;
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
    let uuid = s.uuid.clone();
    view! {
        {update}
        <Activity uuid=uuid />
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

/// The scans due and the last events of a sensor that uses the sensor API (its own request;
/// nothing for sensors that do not).
#[component]
fn Activity(uuid: String) -> impl IntoView {
    let spec = requests::sensor_activity(&uuid);
    let loader = load(move || spec.clone(), decode_json::<SensorActivity>);
    move || match loader.state.get() {
        Load::Loading => ().into_any(),
        Load::Failed(e) => inline_error(e),
        Load::Ready(a) if !a.registered => ().into_any(),
        Load::Ready(a) => {
            let deferred = a.due.deferred_until.map(|t| {
                format!(
                    "Inside an inactive window: scans wait until {}.",
                    crate::format::exact_local(t.0)
                )
            });
            let due_list = |shas: Vec<String>, base: &'static str| {
                shas.into_iter()
                    .map(|sha| {
                        view! { <li><a href=format!("/{base}/{sha}")><code class="mono">{sha.chars().take(12).collect::<String>()}</code></a></li> }
                    })
                    .collect_view()
            };
            let images = a.due.images.len();
            let containers = a.due.containers.len();
            let more = a.due.more.then_some(" (and more)");
            let events = a
                .events
                .into_iter()
                .map(|e| {
                    let href = if e.kind == "image" { format!("/images/{}", e.sha) } else { format!("/containers/{}", e.sha) };
                    view! {
                        <tr data-testid="sensor-event">
                            <td><RelTime ms=Some(e.at.0) /></td>
                            <td>{e.kind.clone()}</td>
                            <td><code>{e.action.clone()}</code></td>
                            <td><a href=href><code class="mono">{e.sha.chars().take(12).collect::<String>()}</code></a>
                                {e.name.clone().map(|n| view! { " "<span class="muted">{n}</span> })}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="detail-grid">
                    <Section title="Scans due" testid="sensor-due">
                        {deferred.map(|d| view! { <p class="notice">{d}</p> })}
                        <p data-testid="due-summary">{format!("{images} images and {containers} running containers are due{}", more.unwrap_or(""))}</p>
                        {(images > 0).then(|| view! { <h3>"Images"</h3><ul class="plain">{due_list(a.due.images.clone(), "images")}</ul> })}
                        {(containers > 0).then(|| view! { <h3>"Containers"</h3><ul class="plain">{due_list(a.due.containers.clone(), "containers")}</ul> })}
                    </Section>
                    <Section title="Last events" testid="sensor-events">
                        <div class="table-wrap">
                            <table class="data compact">
                                <thead><tr><th>"When"</th><th>"Kind"</th><th>"Action"</th><th>"What"</th></tr></thead>
                                <tbody>{events}</tbody>
                            </table>
                        </div>
                    </Section>
                </div>
            }
            .into_any()
        }
    }
}

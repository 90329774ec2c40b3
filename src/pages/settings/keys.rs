//! Settings › Activation keys: the keys sensors register with (`/sensorapi/v1/register`).
//! Admins make them (the key is shown once, to copy into the sensor's installation) and revoke
//! them; operators see the list. A key names the type of the sensors it registers and,
//! optionally, the profile they join.

use super::access::input_row;
use super::form::FormHead;
use crate::api::{load, requests, use_api, Load};
use crate::components::clipboard::CopyButton;
use crate::components::reltime::RelTime;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::profile::SensorProfile;
use shipshape_model::sensorapi::{
    key_name_problem, ActivationKey, ActivationKeyList, CreatedActivationKey, NewActivationKey,
};
use shipshape_model::{Role, SensorType};

#[derive(serde::Deserialize, Clone, PartialEq)]
struct Profiles {
    data: Vec<SensorProfile>,
}

/// How a sensor uses its key, for the operator who installs it.
fn install_hint(key: &str) -> String {
    format!(
        "curl -X POST \"$SHIPSHAPE_URL/sensorapi/v1/register\" -H 'Content-Type: application/json' \\\n  \
         -d '{{\"activationKey\": \"{key}\", \"sensor\": {{\"hostname\": \"'\"$(hostname)\"'\", \"sensorVersion\": \"1.31.0\"}}}}'"
    )
}

#[component]
pub fn KeysSettings() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let admin = untrack(|| session.role()).allows(Role::Admin);
    let keys = load(requests::activation_keys, |t: &str| {
        serde_json::from_str::<ActivationKeyList>(t)
            .map(|l| l.data)
            .map_err(|e| e.to_string())
    });
    let profiles = load(requests::profiles, |t: &str| {
        serde_json::from_str::<Profiles>(t)
            .map(|p| p.data)
            .map_err(|e| e.to_string())
    });
    let name = RwSignal::new(String::new());
    let sensor_type = RwSignal::new(SensorType::General);
    let profile = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let made = RwSignal::new(None::<CreatedActivationKey>);
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let draft = move || NewActivationKey {
        name: name.get().trim().to_string(),
        sensor_type: sensor_type.get(),
        profile_id: Some(profile.get()).filter(|p| !p.is_empty()),
    };
    let spec = Signal::derive(move || requests::create_activation_key(&draft()));
    let name_problem = Signal::derive(move || {
        let n = name.get();
        (touched.get() || !n.is_empty())
            .then(|| key_name_problem(&n))
            .flatten()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if name_problem.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        failed.set(None);
        let spec = untrack(|| requests::create_activation_key(&draft()));
        spawn_local(async move {
            match api.json::<CreatedActivationKey>(&spec, None).await {
                Ok(k) => {
                    made.set(Some(k));
                    name.set(String::new());
                    touched.set(false);
                    keys.retry();
                }
                Err(e) => failed.set(Some(e.said())),
            }
            busy.set(false);
        });
    };
    let revoke = move |id: String| {
        let spec = requests::revoke_activation_key(&id);
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => keys.retry(),
                Err(e) => failed.set(Some(e.said())),
            }
        });
    };
    let profile_name = move |id: &Option<String>| -> String {
        let Some(id) = id else {
            return "— (the profiles' own rules)".into();
        };
        match profiles.state.get() {
            Load::Ready(list) => list
                .iter()
                .find(|p| &p.id == id)
                .map(|p| p.profile_name.clone())
                .unwrap_or_else(|| format!("{id} (deleted)")),
            _ => id.clone(),
        }
    };
    view! {
        <section class="settings-section" data-testid="keys-settings" aria-labelledby="keys-title">
            <FormHead spec=spec>
                <h2 id="keys-title">"Activation keys"</h2>
                <p class="muted">"A sensor registers once with an activation key and gets its own credential, which works on the sensor API and nowhere else. Revoking a key stops new registrations; sensors it registered keep working."</p>
            </FormHead>
            {move || made.get().map(|k| {
                let secret = k.activation_key.clone();
                let hint = install_hint(&k.activation_key);
                view! {
                    <div class="notice notice-ok token-made" role="status" data-testid="key-made">
                        <p><strong>{format!("Key “{}” made.", k.info.name)}</strong>" Copy it now: it is shown this once and cannot be read again."</p>
                        <div class="snippet-block">
                            <pre><code data-testid="key-secret">{k.activation_key.clone()}</code></pre>
                            <CopyButton text=secret label="Copy key" />
                        </div>
                        <p class="muted small">"A sensor registers with it like this:"</p>
                        <pre class="snippet small">{hint}</pre>
                        <button type="button" class="btn btn-small" data-testid="key-done" on:click=move |_| made.set(None)>"Done"</button>
                    </div>
                }
            })}
            {admin.then(|| view! {
                <form class="settings-form card access-card" on:submit=on_submit novalidate data-testid="key-form">
                    <h3 class="settings-sub">"New key"</h3>
                    {input_row("key-name", "Name", "text", name, name_problem, "off")}
                    <div class="form-row">
                        <label for="key-type">"Sensor type"</label>
                        <select id="key-type" class="input" data-testid="key-type"
                            on:change=move |ev| if let Ok(t) = event_target_value(&ev).parse() { sensor_type.set(t) }>
                            {SensorType::ALL.iter().map(|t| view! {
                                <option value=t.as_str() selected=*t == SensorType::General>{t.as_str()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="form-row">
                        <label for="key-profile">"Profile"</label>
                        <select id="key-profile" class="input" data-testid="key-profile"
                            on:change=move |ev| profile.set(event_target_value(&ev))>
                            <option value="" selected=true>"— (the profiles' own rules decide)"</option>
                            {move || match profiles.state.get() {
                                Load::Ready(list) => list.into_iter().filter(|p| !p.is_default).map(|p| view! {
                                    <option value=p.id.clone()>{p.profile_name.clone()}</option>
                                }).collect_view().into_any(),
                                _ => ().into_any(),
                            }}
                        </select>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" data-testid="make-key"
                            disabled=move || busy.get()>"Make key"</button>
                        {move || failed.get().map(|m| view! { <div class="notice notice-error" role="alert" data-testid="failed">{m}</div> })}
                    </div>
                </form>
            })}
            {move || match keys.state.get() {
                Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Load::Failed(e) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Load::Ready(list) if list.is_empty() => view! {
                    <p class="muted" data-testid="keys-empty">"No activation keys yet."</p>
                }.into_any(),
                Load::Ready(list) => view! {
                    <div class="table-wrap">
                        <table class="data compact access-table" data-testid="keys-table">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Id"</th><th scope="col">"Type"</th>
                                <th scope="col">"Profile"</th><th scope="col" class="num">"Sensors"</th>
                                <th scope="col">"Created"</th><th scope="col">"Status"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|k: ActivationKey| {
                                    let active = k.revoked.is_none();
                                    let id = k.id.clone();
                                    let name = k.name.clone();
                                    view! {
                                        <tr data-testid="key-row">
                                            <td>{k.name.clone()}</td>
                                            <td><code>{k.id.clone()}</code></td>
                                            <td>{k.sensor_type.as_str()}</td>
                                            <td>{profile_name(&k.profile_id)}</td>
                                            <td class="num">{k.registered}</td>
                                            <td><RelTime ms=Some(k.created.0) />" by "{k.created_by.clone()}</td>
                                            <td>{if active {
                                                view! { <span class="badge badge-accent">"active"</span> }.into_any()
                                            } else {
                                                view! { <span class="badge">"revoked "<RelTime ms=k.revoked.map(|r| r.0) /></span> }.into_any()
                                            }}</td>
                                            <td>{(admin && active).then(|| view! {
                                                <button type="button" class="btn btn-small" data-testid="revoke-key"
                                                    aria-label=format!("Revoke key {name}")
                                                    on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

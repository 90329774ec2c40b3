//! Sensors tab: the selected sensors joined to a profile by id (`PUT …/sensorProfile/{id}` with
//! the profile's ids and these added, `If-Match` its version). The profile then claims them,
//! and being the latest assigned, wins them from any other.

use crate::api::{requests, use_api};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::profile::SensorProfile;

#[derive(serde::Deserialize)]
struct ProfileList {
    data: Vec<SensorProfile>,
}

#[component]
pub fn AssignProfile(
    #[prop(into)] selected: Signal<Vec<String>>,
    /// Called after the assignment (the list reloads and the selection is cleared).
    on_done: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let profiles = RwSignal::new(Vec::<SensorProfile>::new());
    let chosen = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<String, String>>);
    spawn_local(async move {
        if let Ok(l) = api.json::<ProfileList>(&requests::profiles(), None).await {
            let others: Vec<SensorProfile> = l.data.into_iter().filter(|p| !p.is_default).collect();
            if let Some(first) = others.first() {
                chosen.set(first.id.clone());
            }
            profiles.set(others);
        }
    });
    let assign = move |_| {
        let Some(p) = profiles
            .with_untracked(|ps| ps.iter().find(|p| p.id == chosen.get_untracked()).cloned())
        else {
            return;
        };
        let ids = selected.get_untracked();
        let mut body = p.body();
        for id in &ids {
            if !body.associated_sensor_ids.contains(id) {
                body.associated_sensor_ids.push(id.clone());
            }
        }
        spawn_local(async move {
            match api
                .text(&requests::save_profile(Some(&p.id), &body, p.version), None)
                .await
            {
                Ok(_) => {
                    message.set(Some(Ok(format!(
                        "{} sensors now use “{}”.",
                        ids.len(),
                        p.profile_name
                    ))));
                    on_done.run(());
                }
                Err(e) => message.set(Some(Err(e.said()))),
            }
        });
    };
    view! {
        <span class="assign-profile" data-testid="assign-profile">
            {move || (!selected.with(Vec::is_empty) && !profiles.with(Vec::is_empty)).then(|| view! {
                <select class="input" aria-label="Profile to assign the selected sensors to" data-testid="assign-profile-select"
                    prop:value=move || chosen.get()
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {profiles.get().into_iter().map(|p| view! { <option value=p.id.clone()>{p.profile_name.clone()}</option> }).collect_view()}
                </select>
                <button type="button" class="btn" data-testid="assign-profile-button" on:click=assign>
                    {move || format!("Assign {} to profile", selected.with(Vec::len))}
                </button>
            })}
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <span class="muted" role="status" data-testid="assign-done">{t}</span> }.into_any(),
                Err(t) => view! { <span class="notice notice-error" role="alert">{t}</span> }.into_any(),
            })}
        </span>
    }
}

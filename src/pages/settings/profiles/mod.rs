//! Settings › Sensor profiles: the list (sensors, scan interval, windows and where each profile
//! stands against them now) and the editor — scan interval, image exclusions checked as they are
//! typed, weekly inactive windows drawn on a week strip, and which sensors join (by QQL, with a
//! live count, or by id).

mod checks;
mod editor;
mod table;
mod text;
mod windows;

use crate::api::{requests, use_api, ApiError};
use editor::ProfileEditor;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::profile::SensorProfile;
use shipshape_model::Role;
use table::ProfileTable;

#[derive(serde::Deserialize, Clone)]
struct ProfileList {
    data: Vec<SensorProfile>,
}

/// Which profile the editor holds.
#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Existing(SensorProfile),
}

#[component]
pub fn ProfileSettings() -> impl IntoView {
    let api = use_api();
    let admin = crate::session::use_session().role().allows(Role::Admin);
    let list = RwSignal::new(None::<Result<Vec<SensorProfile>, ApiError>>);
    let editing = RwSignal::new(Editing::None);
    let reload = move || {
        spawn_local(async move {
            let got = api
                .json::<ProfileList>(&requests::profiles(), None)
                .await
                .map(|l| l.data);
            list.set(Some(got));
        })
    };
    reload();
    view! {
        <section class="settings-section" data-testid="profile-settings" aria-labelledby="profiles-title">
            <header class="settings-head">
                <div>
                    <h2 id="profiles-title">"Sensor profiles"</h2>
                    <p class="muted">"Named sensor settings: how often running containers are rescanned, which images are not, and weekly windows in which sensors stay quiet. Every sensor uses one profile; Default holds the rest."</p>
                </div>
                <button type="button" class="btn btn-primary" data-testid="profile-new" disabled=!admin
                    on:click=move |_| editing.set(Editing::New)>"New profile"</button>
            </header>
            {move || match list.get() {
                None => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Some(Err(e)) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Some(Ok(profiles)) => view! { <ProfileTable profiles editing /> }.into_any(),
            }}
            {move || match editing.get() {
                Editing::None => ().into_any(),
                e => view! {
                    <ProfileEditor
                        existing=match e { Editing::Existing(p) => Some(p), _ => None }
                        admin
                        on_done=Callback::new(move |_| { editing.set(Editing::None); reload(); })
                    />
                }.into_any(),
            }}
        </section>
    }
}

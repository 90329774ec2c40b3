//! The profile editor: name, scan interval, image exclusions checked as they are typed, weekly
//! inactive windows (rows and the week strip), which sensors join (by QQL, with a live count, or
//! by id), and Save / Delete.

use super::checks::BrowserChecks;
use super::text::{regex_lines, sensor_ids, window_text};
use super::windows::{WeekStrip, WindowRow};
use crate::api::{requests, use_api, Inflight};
use crate::format::thousands;
use crate::pages::settings::form::{problem_for, FieldError, FormHead};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::profile::{
    SensorProfile, WindowSchedule, MAX_SCAN_INTERVAL, MIN_SCAN_INTERVAL, PROFILE_TYPES,
    SCAN_INTERVALS,
};
use shipshape_model::FieldProblem;

#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

#[component]
pub(super) fn ProfileEditor(
    existing: Option<SensorProfile>,
    admin: bool,
    on_done: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let id = existing.as_ref().map(|p| p.id.clone());
    let is_default = existing.as_ref().is_some_and(|p| p.is_default);
    let version = existing.as_ref().map(|p| p.version).unwrap_or(0);
    let draft = RwSignal::new(
        existing
            .as_ref()
            .map(SensorProfile::body)
            .unwrap_or_default(),
    );
    let ids_text = RwSignal::new(draft.with_untracked(|d| d.associated_sensor_ids.join("\n")));
    let regex_text = RwSignal::new(draft.with_untracked(|d| {
        d.config
            .vulnerability_management
            .image_exclusion_regex_list
            .join("\n")
    }));
    let custom_interval = RwSignal::new(!SCAN_INTERVALS.contains(&draft.with_untracked(|d| {
        d.config
            .vulnerability_management
            .container_scanning_interval
    })));
    let problems = Memo::new(move |_| draft.with(|d| d.check(&BrowserChecks)));
    // The rows are redrawn when a window comes or goes, not on every keystroke in one.
    let window_count =
        Memo::new(move |_| draft.with(|d| d.config.weekly_blackout_window_schedules.len()));
    let server = RwSignal::new(Vec::<FieldProblem>::new());
    let status = RwSignal::new(None::<Result<String, String>>);
    // The last save was refused because the profile changed since it was loaded.
    let stale = RwSignal::new(false);
    let matches = RwSignal::new(None::<Result<u64, String>>);
    let problem = move |field: &'static str| {
        Signal::derive(move || problem_for(&problems.get(), &server.get(), field))
    };
    let id_for_spec = id.clone();
    let save_spec = Memo::new(move |_| {
        requests::save_profile(id_for_spec.as_deref(), &draft.get().normalised(), version)
    });

    // The filter's live count, a moment after the last keystroke.
    let inflight = Inflight::new();
    let typed = StoredValue::new(0u32);
    Effect::new(move |_| {
        let filter = draft.with(|d| d.filter.clone().unwrap_or_default());
        let n = typed.get_value() + 1;
        typed.set_value(n);
        if filter.trim().is_empty() {
            matches.set(None);
            return;
        }
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(300).await;
            if typed.get_value() != n {
                return;
            }
            let signal = inflight.next();
            match api
                .json::<Count>(&requests::count("sensors", &filter), signal.as_ref())
                .await
            {
                Err(e) if e.is_aborted() => {}
                Err(e) => matches.set(Some(Err(e.said()))),
                Ok(c) => matches.set(Some(Ok(c.count))),
            }
        });
    });

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !problems.with_untracked(Vec::is_empty) {
            return;
        }
        let spec = save_spec.get_untracked();
        status.set(Some(Ok("Saving…".into())));
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => {
                    server.set(Vec::new());
                    status.set(None);
                    on_done.run(());
                }
                Err(e) => {
                    server.set(e.details().to_vec());
                    stale.set(e.status() == Some(412));
                    status.set(Some(Err(e.said())));
                }
            }
        });
    };
    let id_for_delete = id.clone();
    let on_delete = move |_| {
        let Some(id) = id_for_delete.clone() else {
            return;
        };
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message("Delete this profile? Its sensors go back to Default (or to another profile that claims them).").ok())
            .unwrap_or(false);
        if !ok {
            return;
        }
        spawn_local(async move {
            match api.text(&requests::delete_profile(&id), None).await {
                Ok(_) => on_done.run(()),
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    };
    let title = existing
        .as_ref()
        .map(|p| format!("Edit “{}”", p.profile_name))
        .unwrap_or_else(|| "New profile".into());
    let window_now = existing.as_ref().map(|p| window_text(&p.window));

    view! {
        <form class="settings-form profile-editor card" data-testid="profile-editor" on:submit=on_save novalidate>
            <FormHead spec=save_spec>
                <h3>{title}</h3>
            </FormHead>
            {window_now.map(|t| view! { <p class="window-now" data-testid="editor-window">{t}</p> })}
            <div class="form-row">
                <label for="profile-name">"Name"</label>
                <input id="profile-name" class="input" data-testid="profile-name" disabled=!admin || is_default
                    prop:value=move || draft.with(|d| d.profile_name.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.profile_name = v) } />
                {is_default.then(|| view! { <p class="muted small">"The Default profile keeps its name: it holds every sensor no other profile claims."</p> })}
                <FieldError message=problem("profileName") field="profileName" />
            </div>
            <div class="form-row">
                <label for="profile-description">"Description"</label>
                <input id="profile-description" class="input" disabled=!admin
                    prop:value=move || draft.with(|d| d.description.clone().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.description = Some(v)) } />
            </div>
            <div class="form-row">
                <label for="profile-type">"Type"</label>
                <select id="profile-type" class="input" disabled=!admin
                    prop:value=move || draft.with(|d| d.profile_type.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.profile_type = v) }>
                    {PROFILE_TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-row">
                <label for="profile-interval">"Rescan running containers every"</label>
                <span class="inline-controls">
                    <select id="profile-interval" class="input" data-testid="profile-interval" disabled=!admin
                        prop:value=move || if custom_interval.get() { "custom".into() } else { draft.with(|d| d.config.vulnerability_management.container_scanning_interval.to_string()) }
                        on:change=move |ev| {
                            match event_target_value(&ev).parse::<u32>() {
                                Ok(h) => { custom_interval.set(false); draft.update(|d| d.config.vulnerability_management.container_scanning_interval = h) }
                                Err(_) => custom_interval.set(true),
                            }
                        }>
                        <option value="12">"12 hours (critical workloads)"</option>
                        <option value="24">"24 hours"</option>
                        <option value="48">"48 hours (recommended)"</option>
                        <option value="custom">"Custom…"</option>
                    </select>
                    {move || custom_interval.get().then(|| view! {
                        <input type="number" class="input days" min=MIN_SCAN_INTERVAL.to_string() max=MAX_SCAN_INTERVAL.to_string() data-testid="profile-interval-hours" disabled=!admin
                            aria-label="Hours between scans"
                            prop:value=move || draft.with(|d| d.config.vulnerability_management.container_scanning_interval.to_string())
                            on:input=move |ev| { let h = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0); draft.update(|d| d.config.vulnerability_management.container_scanning_interval = h) } />
                        <span class="muted">"hours"</span>
                    })}
                </span>
                <FieldError message=problem("config.vulnerabilityManagement.containerScanningInterval") field="config.vulnerabilityManagement.containerScanningInterval" />
            </div>
            <div class="form-row">
                <label for="profile-regex">"Images not scanned"</label>
                <textarea id="profile-regex" class="input" rows="3" data-testid="profile-regex" disabled=!admin
                    placeholder="One regular expression per line, such as ^ci-cache/"
                    prop:value=move || regex_text.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        regex_text.set(v.clone());
                        draft.update(|d| d.config.vulnerability_management.image_exclusion_regex_list = regex_lines(&v));
                    }></textarea>
                <div class="field-errors">
                    {move || {
                        let p = problems.get();
                        let s = server.get();
                        p.iter().chain(s.iter())
                            .filter(|x| x.field.starts_with("config.vulnerabilityManagement.imageExclusionRegexList"))
                            .map(|x| view! { <p class="field-error" role="alert" data-testid="error-regex">{x.message.clone()}</p> })
                            .collect_view()
                    }}
                </div>
            </div>
            <fieldset class="windows" data-testid="windows">
                <legend>"Inactive windows"</legend>
                <p class="muted small">"Weekly periods in which the profile's sensors send no data and start no scan (scans due then wait for the end). A window ending before it starts runs past midnight."</p>
                <div class="form-row">
                    <label for="profile-tz">"Time zone"</label>
                    <input id="profile-tz" class="input" list="time-zones" data-testid="profile-tz" disabled=!admin
                        prop:value=move || draft.with(|d| d.config.time_zone.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.config.time_zone = v) } />
                    <datalist id="time-zones">
                        {["UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"].map(|z| view! { <option value=z></option> }).collect_view()}
                    </datalist>
                    <FieldError message=problem("config.timeZone") field="config.timeZone" />
                </div>
                <WeekStrip draft />
                {move || (0..window_count.get()).map(|i| view! { <WindowRow i draft admin problems server /> }).collect_view()}
                <button type="button" class="btn btn-small" data-testid="window-add" disabled=!admin
                    on:click=move |_| draft.update(|d| d.config.weekly_blackout_window_schedules.push(WindowSchedule {
                        start_time: "22:00".into(), end_time: "02:00".into(), repeat_on_days: vec!["SATURDAY".into()], all_day: false,
                    }))>"Add window"</button>
            </fieldset>
            {(!is_default).then(|| view! {
                <fieldset class="windows">
                    <legend>"Sensors"</legend>
                    <div class="form-row">
                        <label for="profile-filter">"Sensors matching (QQL)"</label>
                        <input id="profile-filter" class="input mono" data-testid="profile-filter" disabled=!admin
                            placeholder="cluster.name:prod* and status:RUNNING"
                            prop:value=move || draft.with(|d| d.filter.clone().unwrap_or_default())
                            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.filter = Some(v)) } />
                        <p class="muted small" data-testid="filter-count">{move || match matches.get() {
                            None => String::new(),
                            Some(Ok(n)) => format!("{} sensors match now", thousands(n)),
                            Some(Err(m)) => m,
                        }}</p>
                        <FieldError message=problem("filter") field="filter" />
                    </div>
                    <div class="form-row">
                        <label for="profile-ids">"And these sensors"</label>
                        <textarea id="profile-ids" class="input mono" rows="2" data-testid="profile-ids" disabled=!admin
                            placeholder="Sensor uuids or ids, one per line"
                            prop:value=move || ids_text.get()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                ids_text.set(v.clone());
                                draft.update(|d| d.associated_sensor_ids = sensor_ids(&v));
                            }></textarea>
                    </div>
                    <p class="muted small">"A sensor two profiles claim belongs to the one saved (assigned) most recently."</p>
                </fieldset>
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="profile-save" disabled=move || !admin || !problems.with(Vec::is_empty)>"Save profile"</button>
                <button type="button" class="btn" data-testid="profile-cancel" on:click=move |_| on_done.run(())>"Cancel"</button>
                <span class="spacer"></span>
                {(id.is_some() && !is_default && admin).then(|| view! {
                    <button type="button" class="btn btn-danger" data-testid="profile-delete" on:click=on_delete>"Delete"</button>
                })}
            </div>
            {move || status.get().map(|s| match s {
                Ok(m) => view! { <span class="muted" role="status">{m}</span> }.into_any(),
                Err(m) => view! {
                    <div class="notice notice-error" role="alert" data-testid="profile-error">
                        <span>{m}</span>
                        {move || stale.get().then(|| view! {
                            <button type="button" class="btn btn-small" data-testid="reload" on:click=move |_| on_done.run(())>"Reload"</button>
                        })}
                    </div>
                }.into_any(),
            })}
        </form>
    }
}

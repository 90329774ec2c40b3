//! Settings › Sensor profiles: the list (sensors, scan interval, windows and where each profile
//! stands against them now) and the editor — scan interval, image exclusions checked as they are
//! typed, weekly inactive windows drawn on a week strip, and which sensors join (by QQL, with a
//! live count, or by id).

use super::form::{problem_for, FieldError, FormHead};
use crate::api::{requests, use_api, ApiError, Inflight};
use crate::format::{exact_local, exact_utc, thousands};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::profile::{
    ExternalChecks, SensorProfile, SensorProfileBody, WindowSchedule, WindowState, DAYS,
    MAX_SCAN_INTERVAL, MIN_SCAN_INTERVAL, PROFILE_TYPES, SCAN_INTERVALS,
};
use shipshape_model::{FieldProblem, Role};

#[derive(serde::Deserialize, Clone)]
struct ProfileList {
    data: Vec<SensorProfile>,
}

#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

/// The browser's answers to what the model's validator cannot decide alone: JavaScript's own
/// `RegExp` and `Intl` (the server checks again with its regex engine and time-zone database).
struct BrowserChecks;

/// `new <path>(...args)` on the page's global object; the thrown error's message if it throws.
/// (Through `Reflect`, not `new Function`: the console's Content-Security-Policy allows no
/// evaluation of strings.)
fn construct(path: &[&str], args: &js_sys::Array) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let unchecked = || "could not be checked".to_string();
    let mut target: wasm_bindgen::JsValue = js_sys::global().into();
    for p in path {
        target = js_sys::Reflect::get(&target, &(*p).into()).map_err(|_| unchecked())?;
    }
    let constructor: js_sys::Function = target.dyn_into().map_err(|_| unchecked())?;
    js_sys::Reflect::construct(&constructor, args)
        .map(|_| ())
        .map_err(|e| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(unchecked)
        })
}

impl ExternalChecks for BrowserChecks {
    fn regex(&self, pattern: &str) -> Result<(), String> {
        construct(&["RegExp"], &js_sys::Array::of1(&pattern.into()))
    }
    fn time_zone(&self, name: &str) -> Result<(), String> {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &name.into());
        construct(
            &["Intl", "DateTimeFormat"],
            &js_sys::Array::of2(&"en".into(), &options),
        )
        .map_err(|_| {
            "is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)".to_string()
        })
    }
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

fn when(ms: i64) -> String {
    format!("{} ({})", exact_local(ms), exact_utc(ms))
}

/// "Inside a window until …" / "Next window starts … ends …" / "No inactive window".
fn window_text(w: &WindowState) -> String {
    match (w.inside, w.until, w.next_start, w.next_end) {
        (true, Some(u), _, _) => format!("Inside an inactive window until {}", when(u)),
        (_, _, Some(s), Some(e)) => format!(
            "Next inactive window starts {} and ends {}",
            when(s),
            when(e)
        ),
        _ => "No inactive window".into(),
    }
}

/// The table's short form: local times only (the full text, with UTC, is on hover).
fn short_window(w: &WindowState) -> String {
    match (w.inside, w.until, w.next_start, w.next_end) {
        (true, Some(u), _, _) => format!("Inside a window until {}", exact_local(u)),
        (_, _, Some(s), Some(e)) => format!("Next: {} – {}", exact_local(s), exact_local(e)),
        _ => "No window".into(),
    }
}

#[component]
fn ProfileTable(profiles: Vec<SensorProfile>, editing: RwSignal<Editing>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid="profiles-table">
                <thead><tr>
                    <th scope="col">"Profile"</th><th scope="col">"Scan every"</th><th scope="col">"Inactive windows"</th>
                    <th scope="col" class="num">"Sensors"</th><th scope="col">"Now"</th>
                </tr></thead>
                <tbody>
                    {profiles.into_iter().map(|p| {
                        let windows = p.config.weekly_blackout_window_schedules.iter().map(WindowSchedule::describe).collect::<Vec<_>>();
                        let outranked = p.claimed.saturating_sub(p.sensor_count);
                        let state = window_text(&p.window);
                        let name = p.profile_name.clone();
                        let row_name = name.clone();
                        let edit = p.clone();
                        view! {
                            <tr data-testid="profile-row" data-name=row_name>
                                <td>
                                    <button type="button" class="link-button" data-testid="profile-edit"
                                        on:click=move |_| editing.set(Editing::Existing(edit.clone()))>{name}</button>
                                    {p.is_default.then(|| view! { <span class="badge">"Default"</span> })}
                                    {p.description.map(|d| view! { <div class="muted small">{d}</div> })}
                                </td>
                                <td>{format!("{} h", p.config.vulnerability_management.container_scanning_interval)}</td>
                                <td>
                                    {if windows.is_empty() { "None".to_string() } else { windows.join("; ") }}
                                    {(!windows.is_empty()).then(|| view! { <div class="muted small">{p.config.time_zone.clone()}</div> })}
                                </td>
                                <td class="num">
                                    {thousands(p.sensor_count)}
                                    {(outranked > 0).then(|| view! {
                                        <div class="muted small" data-testid="outranked">{format!("{} more go to profiles assigned later", thousands(outranked))}</div>
                                    })}
                                </td>
                                <td class="small" class:window-inside=p.window.inside data-testid="profile-window"
                                    title=state.clone()>{short_window(&p.window)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ProfileEditor(
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
                Err(e) => matches.set(Some(Err(match e {
                    ApiError::Server { message, .. } => message,
                    e => e.to_string(),
                }))),
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
                    status.set(Some(Err(match e {
                        ApiError::Server { message, .. } => message,
                        e => e.to_string(),
                    })));
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
                        draft.update(|d| d.config.vulnerability_management.image_exclusion_regex_list = v.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect());
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
                                draft.update(|d| d.associated_sensor_ids = v.split([',', '\n', ' ']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect());
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

/// One window: its days, its times or all day, and its errors.
#[component]
fn WindowRow(
    i: usize,
    draft: RwSignal<SensorProfileBody>,
    admin: bool,
    problems: Memo<Vec<FieldProblem>>,
    server: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let get = move |f: fn(&WindowSchedule) -> String| {
        move || {
            draft.with(|d| {
                d.config
                    .weekly_blackout_window_schedules
                    .get(i)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let edit = move |f: Box<dyn Fn(&mut WindowSchedule)>| {
        draft.update(|d| {
            if let Some(w) = d.config.weekly_blackout_window_schedules.get_mut(i) {
                f(w)
            }
        })
    };
    let prefix = format!("config.weeklyBlackoutWindowSchedules[{i}]");
    let all_day = move || {
        draft.with(|d| {
            d.config
                .weekly_blackout_window_schedules
                .get(i)
                .is_some_and(|w| w.all_day)
        })
    };
    view! {
        <div class="window-row" data-testid="window-row">
            <span class="window-days">
                {DAYS.iter().map(|day| {
                    let day: &'static str = day;
                    view! {
                        <label class="day-toggle" title=day>
                            <input type="checkbox" disabled=!admin data-testid=format!("window-day-{day}")
                                prop:checked=move || draft.with(|d| d.config.weekly_blackout_window_schedules.get(i).is_some_and(|w| w.repeat_on_days.iter().any(|x| x.eq_ignore_ascii_case(day))))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    edit(Box::new(move |w| {
                                        w.repeat_on_days.retain(|x| !x.eq_ignore_ascii_case(day));
                                        if on { w.repeat_on_days.push(day.to_string()) }
                                        w.repeat_on_days.sort_by_key(|x| DAYS.iter().position(|d| d.eq_ignore_ascii_case(x)));
                                    }))
                                } />
                            <span>{&day[..2]}</span>
                        </label>
                    }
                }).collect_view()}
            </span>
            <input type="time" class="input" data-testid="window-start" aria-label="Starts" disabled=move || !admin || all_day()
                prop:value=get(|w| w.start_time.clone())
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |w| w.start_time = v.clone())) } />
            <span class="muted">"to"</span>
            <input type="time" class="input" data-testid="window-end" aria-label="Ends" disabled=move || !admin || all_day()
                prop:value=get(|w| w.end_time.clone())
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |w| w.end_time = v.clone())) } />
            <label class="check-label">
                <input type="checkbox" data-testid="window-all-day" disabled=!admin prop:checked=all_day
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |w| w.all_day = on)) } />
                "All day"
            </label>
            <button type="button" class="btn btn-small btn-ghost" data-testid="window-remove" disabled=!admin aria-label="Remove this window"
                on:click=move |_| draft.update(|d| { if i < d.config.weekly_blackout_window_schedules.len() { d.config.weekly_blackout_window_schedules.remove(i); } })>"Remove"</button>
            <div class="window-errors">
                {move || problems.get().iter().chain(server.get().iter())
                    .filter(|p| p.field == prefix || p.field.starts_with(&format!("{prefix}.")))
                    .map(|p| view! { <p class="field-error" role="alert" data-testid="window-error">{p.message.clone()}</p> })
                    .collect_view()}
            </div>
        </div>
    }
}

/// The week, Monday to Sunday, with each window drawn where it falls (in the profile's zone).
#[component]
fn WeekStrip(draft: RwSignal<SensorProfileBody>) -> impl IntoView {
    const DAY: f64 = 1440.0;
    view! {
        <div class="week-strip" data-testid="week-strip" role="img"
            aria-label=move || {
                let w = draft.with(|d| d.config.weekly_blackout_window_schedules.iter().map(WindowSchedule::describe).collect::<Vec<_>>());
                if w.is_empty() { "No inactive window".to_string() } else { format!("Inactive windows: {}", w.join("; ")) }
            }>
            <div class="week-hours"><span></span><span>"00"</span><span>"06"</span><span>"12"</span><span>"18"</span><span>"24"</span></div>
            {DAYS.iter().enumerate().map(|(d, name)| {
                let label = format!("{}{}", &name[..1], name[1..3].to_ascii_lowercase());
                view! {
                    <div class="week-day">
                        <span class="week-label">{label}</span>
                        <div class="week-track">
                            {move || draft.with(|doc| {
                                let mut blocks = Vec::new();
                                for (wi, w) in doc.config.weekly_blackout_window_schedules.iter().enumerate() {
                                    for s in w.spans().unwrap_or_default() {
                                        // Each span, cut at midnights, drawn on the days it covers.
                                        let (mut a, end) = (s.start as f64, s.end as f64);
                                        while a < end {
                                            let day = ((a / DAY).floor() as usize) % 7;
                                            let day_end = ((a / DAY).floor() + 1.0) * DAY;
                                            let b = end.min(day_end);
                                            if day == d {
                                                let left = (a % DAY) / DAY * 100.0;
                                                let width = (b - a) / DAY * 100.0;
                                                blocks.push((wi, left, width));
                                            }
                                            a = b;
                                        }
                                    }
                                }
                                blocks.into_iter().map(|(wi, left, width)| view! {
                                    <span class=format!("week-block week-block-{}", wi % 4)
                                        style=format!("left:{left:.3}%;width:{width:.3}%")
                                        title=format!("Window {}", wi + 1)></span>
                                }).collect_view()
                            })}
                        </div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

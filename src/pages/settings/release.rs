//! Settings › Sensor release: the newest released sensor version (sensors running an older one
//! show "Update available"), how many sensors are behind by deployment kind, and the command
//! that updates each kind.

use super::form::{problem_for, FieldError, FormHead, SaveState, SaveStatus, Setting};
use crate::api::{requests, use_api};
use crate::components::clipboard::CopyButton;
use crate::format::thousands;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::release::SensorRelease;
use shipshape_model::sensor_update::update_command;
use shipshape_model::{AggregateResponse, Deployment, FieldProblem, ListResponse, Role, Sensor};

/// `GET …/settings/sensorRelease`: every field null while none is set.
#[derive(serde::Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
struct ReleaseSetting {
    version: Option<String>,
    release_notes_url: Option<String>,
    release_date: Option<String>,
}

/// The form's three text fields.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    version: String,
    url: String,
    date: String,
}

impl Draft {
    fn from(r: &ReleaseSetting) -> Self {
        Self {
            version: r.version.clone().unwrap_or_default(),
            url: r.release_notes_url.clone().unwrap_or_default(),
            date: r.release_date.clone().unwrap_or_default(),
        }
    }

    /// The JSON Save sends: empty optional fields are left out.
    fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "version": self.version });
        for (k, s) in [("releaseNotesUrl", &self.url), ("releaseDate", &self.date)] {
            if !s.trim().is_empty() {
                v[k] = serde_json::Value::String(s.clone());
            }
        }
        v
    }

    /// The model's verdict, as the server will give it.
    fn check(&self) -> Result<SensorRelease, Vec<FieldProblem>> {
        SensorRelease::from_json(&self.json())
    }
}

/// One deployment kind's sensors that are behind, with one of them to show the command for.
#[derive(Clone)]
struct Behind {
    deployment: Deployment,
    count: u64,
    example: Option<Sensor>,
}

#[component]
pub fn ReleaseSettings() -> impl IntoView {
    let api = use_api();
    let admin = crate::session::use_session().role().allows(Role::Admin);
    let draft = RwSignal::new(Draft::default());
    let saved = RwSignal::new(Draft::default());
    let behind = RwSignal::new(None::<(u64, u64, Vec<Behind>)>);
    let refresh_behind = move || {
        spawn_local(async move {
            let agg = api
                .json::<AggregateResponse>(
                    &requests::aggregate("sensors", "updateAvailable:true", "deployment", 20),
                    None,
                )
                .await;
            let total = api
                .json::<ListResponse<Sensor>>(&requests::count("sensors", ""), None)
                .await
                .map(|l| l.count)
                .unwrap_or(0);
            let Ok(agg) = agg else { return };
            let mut kinds = Vec::new();
            for g in agg.groups {
                let Ok(deployment) = g.key.parse::<Deployment>() else {
                    continue;
                };
                let filter = format!(
                    "updateAvailable:true and deployment:{}",
                    deployment.as_str()
                );
                let example = api
                    .json::<ListResponse<Sensor>>(
                        &requests::list("sensors", &filter, "name:asc", 1, 1),
                        None,
                    )
                    .await
                    .ok()
                    .and_then(|l| l.data.into_iter().next());
                kinds.push(Behind {
                    deployment,
                    count: g.count,
                    example,
                });
            }
            behind.set(Some((agg.total, total, kinds)));
        });
    };
    let setting = Setting::<ReleaseSetting>::new(requests::sensor_release, move |r| {
        draft.set(Draft::from(&r));
        saved.set(Draft::from(&r));
    });
    refresh_behind();
    let checked = Memo::new(move |_| draft.with(Draft::check));
    let problems =
        Memo::new(move |_| checked.with(|c| c.as_ref().err().cloned().unwrap_or_default()));
    let save_spec = Memo::new(move |_| {
        let release = checked.get().unwrap_or(SensorRelease {
            version: draft.with(|d| d.version.clone()),
            release_notes_url: None,
            release_date: None,
        });
        requests::save_sensor_release(&release, &setting.etag.get())
    });
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checked.with_untracked(Result::is_err) {
            return;
        }
        setting.save(api, save_spec.get_untracked(), move |r: ReleaseSetting| {
            draft.set(Draft::from(&r));
            saved.set(Draft::from(&r));
            refresh_behind();
        });
    };
    let reload = Callback::new(move |_| {
        setting.reload(move |r: ReleaseSetting| {
            draft.set(Draft::from(&r));
            saved.set(Draft::from(&r));
        })
    });
    let problem = move |field: &'static str| {
        Signal::derive(move || problem_for(&problems.get(), &setting.server.get(), field))
    };
    let dirty = move || saved.get() != draft.get();
    let text_field = move |field: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           hint: &'static str,
                           get: fn(&Draft) -> String,
                           set: fn(&mut Draft, String)| {
        let message = problem(field);
        view! {
            <div class="form-row">
                <label for=format!("release-{field}")>{label}</label>
                <input id=format!("release-{field}") class="input" type=kind data-testid=format!("release-{field}")
                    disabled=!admin placeholder=hint
                    aria-invalid=move || message.get().is_some().to_string()
                    prop:value=move || draft.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| set(d, v)) } />
                <FieldError message field />
            </div>
        }
    };

    view! {
        <section class="settings-section" data-testid="release-settings" aria-labelledby="release-title">
            <FormHead spec=save_spec>
                <h2 id="release-title">"Sensor release"</h2>
                <p class="muted">"The newest released sensor version. Sensors running an older one show Update available, with the command that updates them."</p>
            </FormHead>
            {move || match setting.loaded.get() {
                None => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Some(Err(e)) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Some(Ok(_)) => view! {
                    <form class="settings-form release-form" on:submit=on_save novalidate>
                        {(!admin).then(|| view! { <p class="notice">"Only administrators change settings."</p> })}
                        {text_field("version", "Latest version", "text", "1.35.0", |d| d.version.clone(), |d, v| d.version = v)}
                        {text_field("releaseNotesUrl", "Release notes", "url", "https://…", |d| d.url.clone(), |d, v| d.url = v)}
                        {text_field("releaseDate", "Released on", "date", "YYYY-MM-DD", |d| d.date.clone(), |d, v| d.date = v)}
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" data-testid="release-save"
                                disabled=move || !admin || problems.with(|p| !p.is_empty()) || setting.state.get() == SaveState::Saving>"Save"</button>
                            {move || dirty().then(|| view! { <span class="muted" data-testid="unsaved">"Unsaved changes"</span> })}
                        </div>
                        <SaveStatus state=setting.state on_reload=reload />
                    </form>
                }.into_any(),
            }}
            <h3 class="settings-sub">"Sensors behind"</h3>
            {move || match behind.get() {
                None => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Some((0, _, _)) => view! { <p class="muted" data-testid="behind-none">"Every sensor runs the latest release."</p> }.into_any(),
                Some((n, total, kinds)) => {
                    let version = saved.with_untracked(|d| d.version.clone());
                    view! {
                        <p data-testid="behind-total">
                            <strong>{thousands(n)}</strong>{format!(" of {} sensors run an older version. ", thousands(total))}
                            <a href="/sensors?filter=updateAvailable%3Atrue" data-testid="behind-link">"Show them in Sensors"</a>
                        </p>
                        <div class="behind-kinds">
                            {kinds.into_iter().map(|b| {
                                let cmd = b.example.as_ref().map(|s| update_command(b.deployment, s, &version));
                                let example = b.example.map(|s| s.name);
                                view! {
                                    <div class="behind-kind card" data-testid=format!("behind-{}", b.deployment.as_str())>
                                        <div class="behind-head">
                                            <code>{b.deployment.as_str()}</code>
                                            <span><strong>{thousands(b.count)}</strong>" behind"</span>
                                        </div>
                                        {cmd.map(|c| {
                                            let copy = c.clone();
                                            view! {
                                                <p class="muted small">{format!("Update command (for {}):", example.unwrap_or_default())}</p>
                                                <div class="snippet-block">
                                                    <pre><code>{c}</code></pre>
                                                    <CopyButton text=copy label="Copy command" />
                                                </div>
                                            }
                                        })}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

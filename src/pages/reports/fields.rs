//! What the report form and the schedule editor share: the name, the template picker, the
//! filter with its live row count, the columns chooser and the file options.

use crate::api::{requests, use_api, ApiError, Inflight};
use crate::components::search_bar::SearchBar;
use crate::format::thousands;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::report::{FileFormat, Template, EXPIRE_AFTER_DAYS, MAX_NAME};
use shipshape_qql::Entity;

/// A template as people read it.
pub fn template_label(t: Template) -> &'static str {
    match t {
        Template::ImageVulnerability => "Image vulnerabilities",
        Template::ContainerVulnerability => "Container vulnerabilities",
        Template::ImageSecrets => "Image secrets",
        Template::ImageMalware => "Image malware",
        Template::Images => "Images (inventory)",
        Template::Containers => "Containers (inventory)",
    }
}

/// The label of a template named by the API (its own name when unknown).
pub fn template_name_label(name: &str) -> String {
    Template::parse(name)
        .map(|t| template_label(t).to_string())
        .unwrap_or_else(|| name.to_string())
}

/// The template's default columns, as the chooser holds them.
pub fn default_columns(t: Template) -> Vec<String> {
    t.default_columns().iter().map(|c| c.to_string()).collect()
}

/// What one row of the template is.
fn row_noun(t: Template) -> &'static str {
    match t {
        Template::ImageVulnerability => "one row per image and vulnerability",
        Template::ContainerVulnerability => "one row per container and vulnerability of its image",
        Template::ImageSecrets => "one row per secret found in an image (never the secret itself)",
        Template::ImageMalware => "one row per malware finding in an image",
        Template::Images => "one row per image",
        Template::Containers => "one row per container",
    }
}

/// The QQL entity a template's filter speaks.
pub fn filter_entity(t: Template) -> Entity {
    if t.over_containers() {
        Entity::Container
    } else {
        Entity::Image
    }
}

/// The name, at most `MAX_NAME` characters as the model checks, with its error below it;
/// `id` is the input's id and its test id.
#[component]
pub fn NameField(
    id: &'static str,
    name: RwSignal<String>,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>"Name"</label>
            <input id=id class="input" data-testid=id maxlength=MAX_NAME.to_string()
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert" data-testid="error-name">{m}</p> })}
        </div>
    }
}

/// The template select, with what a row of the chosen one is.
#[component]
pub fn TemplatePicker(template: RwSignal<Template>, id: &'static str) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>"Template"</label>
            <div>
                <select id=id class="input" data-testid="report-template"
                    on:change=move |ev| if let Some(t) = Template::parse(&event_target_value(&ev)) { template.set(t) }>
                    {Template::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=move || template.get() == t>{template_label(t)}</option>
                    }).collect_view()}
                </select>
                <p class="muted small field-hint">{move || row_noun(template.get())}</p>
            </div>
        </div>
    }
}

/// Where the live count stands.
#[derive(Clone, PartialEq)]
enum Count {
    Idle,
    Counting,
    Rows(u64),
    Refused(String),
}

/// The filter (QQL over images or containers, as the template says) with the rows a report
/// would have now, counted by the server as the filter is typed.
#[component]
pub fn FilterField(template: RwSignal<Template>, filter: RwSignal<String>) -> impl IntoView {
    let api = use_api();
    let count = RwSignal::new(Count::Idle);
    let inflight = Inflight::new();
    // Each change waits a moment for the next keystroke; only the newest count is shown.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let t = template.get();
        let f = filter.get();
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        count.set(Count::Counting);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(300).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            let signal = inflight.next();
            #[derive(serde::Deserialize)]
            struct Rows {
                count: u64,
            }
            let spec = requests::report_count(t.as_str(), f.trim());
            match api.json::<Rows>(&spec, signal.as_ref()).await {
                Ok(r) => {
                    count.try_set(Count::Rows(r.count));
                }
                Err(ApiError::Aborted) => {}
                Err(e) => {
                    count.try_set(Count::Refused(e.said()));
                }
            }
        });
    });
    // The bar is made again when the template's records change (images ↔ containers), with
    // the filter as it stands; typing feeds `filter` without coming back into the bar.
    let entity = Memo::new(move |_| filter_entity(template.get()));
    let set = move |q: String| {
        if filter.get_untracked() != q {
            filter.set(q);
        }
    };
    view! {
        <div class="form-row form-row-wide">
            <span class="label">"Filter"</span>
            <div class="report-filter">
                {move || {
                    let entity = entity.get();
                    let applied = RwSignal::new(filter.get_untracked());
                    view! {
                        <SearchBar entity=entity value=applied
                            on_search=Callback::new(move |q: String| {
                                set(q.clone());
                                applied.set(q);
                            })
                            on_edit=Callback::new(set) />
                    }
                }}
                <p class="report-count" data-testid="report-count" aria-live="polite">
                    {move || match count.get() {
                        Count::Idle => String::new(),
                        Count::Counting => "Counting…".to_string(),
                        Count::Rows(1) => "1 row now".to_string(),
                        Count::Rows(n) => format!("{} rows now", thousands(n)),
                        Count::Refused(m) => m,
                    }}
                </p>
            </div>
        </div>
    }
}

/// The columns chooser: every column of the template in the file's order, the defaults
/// ticked to begin with.
#[component]
pub fn ColumnsField(template: RwSignal<Template>, columns: RwSignal<Vec<String>>) -> impl IntoView {
    // Another template starts from its own defaults (the columns differ); the columns it was
    // opened with (a schedule's own) stay until then.
    Effect::new(move |prev: Option<Template>| {
        let t = template.get();
        if prev.is_some_and(|p| p != t) {
            columns.set(default_columns(t));
        }
        t
    });
    let defaults = move || default_columns(template.get_untracked());
    let all = move || {
        template
            .get_untracked()
            .columns()
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
    };
    let toggle = move |c: &'static str| {
        let t = template.get_untracked();
        columns.update(|cols| {
            if cols.iter().any(|x| x == c) {
                cols.retain(|x| x != c);
            } else {
                cols.push(c.to_string());
                // Kept in the template's order, as a report with all of them has them.
                cols.sort_by_key(|x| t.columns().iter().position(|k| k == x));
            }
        });
    };
    view! {
        <fieldset class="report-columns" data-testid="report-columns">
            <legend>"Columns"
                <span class="muted small">{move || format!(" {} of {}", columns.with(Vec::len), template.get().columns().len())}</span>
            </legend>
            <div class="report-columns-actions">
                <button type="button" class="btn btn-small" data-testid="columns-defaults"
                    on:click=move |_| columns.set(defaults())>"Defaults"</button>
                <button type="button" class="btn btn-small" data-testid="columns-all"
                    on:click=move |_| columns.set(all())>"All"</button>
            </div>
            <div class="report-columns-list">
                {move || template.get().columns().iter().map(|&c| view! {
                    <label class="check-label">
                        <input type="checkbox" data-column=c
                            prop:checked=move || columns.with(|cols| cols.iter().any(|x| x == c))
                            on:change=move |_| toggle(c) />
                        <code>{c}</code>
                    </label>
                }).collect_view()}
            </div>
            {move || columns.with(Vec::is_empty).then(|| view! {
                <p class="field-error" role="alert" data-testid="error-columns">"Choose at least one column."</p>
            })}
        </fieldset>
    }
}

/// Format and expiry (and, for on-demand reports, compression).
#[component]
pub fn FileFields(
    format: RwSignal<FileFormat>,
    expire: RwSignal<u32>,
    id: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=format!("{id}-format")>"Format"</label>
            <select id=format!("{id}-format") class="input" data-testid="report-format"
                on:change=move |ev| format.set(if event_target_value(&ev) == "json" { FileFormat::Json } else { FileFormat::Csv })>
                <option value="csv" selected=move || format.get() == FileFormat::Csv>"CSV (a spreadsheet opens it)"</option>
                <option value="json" selected=move || format.get() == FileFormat::Json>"JSON (one object per row)"</option>
            </select>
        </div>
        <div class="form-row">
            <label for=format!("{id}-expire")>"Keep the file"</label>
            <select id=format!("{id}-expire") class="input" data-testid="report-expire"
                on:change=move |ev| expire.set(event_target_value(&ev).parse().unwrap_or(7))>
                {EXPIRE_AFTER_DAYS.into_iter().map(|d| view! {
                    <option value=d.to_string() selected=move || expire.get() == d>
                        {if d == 1 { "1 day".to_string() } else { format!("{d} days") }}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_a_label_and_its_filter_entity() {
        for t in Template::ALL {
            assert!(!template_label(t).is_empty());
            assert_eq!(template_name_label(t.as_str()), template_label(t));
        }
        assert_eq!(template_name_label("CS_OLD"), "CS_OLD");
        assert_eq!(
            filter_entity(Template::ContainerVulnerability),
            Entity::Container
        );
        assert_eq!(filter_entity(Template::ImageMalware), Entity::Image);
    }
}

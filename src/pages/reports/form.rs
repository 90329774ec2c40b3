//! "New report": a report on demand, generated in the background and listed at once.

use super::fields::{
    default_columns, ColumnsField, FileFields, FilterField, NameField, TemplatePicker,
};
use crate::api::{requests, use_api};
use crate::pages::settings::form::{problem_for as problem, FormHead};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::report::{
    Compression, FileFormat, ReportRequest, Template, DEFAULT_EXPIRE_AFTER_DAYS, MAX_DESCRIPTION,
};
use shipshape_model::FieldProblem;

/// A name for a report nobody named yet: what it lists and over what.
fn suggested_name(t: Template, filter: &str) -> String {
    let what = super::fields::template_label(t);
    let filter = filter.trim();
    if filter.is_empty() {
        what.to_string()
    } else {
        let short: String = filter.chars().take(80).collect();
        format!("{what}: {short}")
    }
}

#[component]
pub fn NewReport(
    template: Template,
    filter: String,
    on_created: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let name = RwSignal::new(suggested_name(template, &filter));
    let description = RwSignal::new(String::new());
    let template = RwSignal::new(template);
    let filter = RwSignal::new(filter);
    let columns = RwSignal::new(default_columns(template.get_untracked()));
    let format = RwSignal::new(FileFormat::Csv);
    let compression = RwSignal::new(Compression::None);
    let expire = RwSignal::new(DEFAULT_EXPIRE_AFTER_DAYS);
    let server = RwSignal::new(Vec::<FieldProblem>::new());
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let request = move || ReportRequest {
        name: name.get().trim().to_string(),
        description: Some(description.get().trim().to_string()).filter(|d| !d.is_empty()),
        filter: Some(filter.get().trim().to_string()).filter(|f| !f.is_empty()),
        display_columns: Some(columns.get()),
        template_name: template.get().as_str().to_string(),
        file_format: Some(format.get()),
        compression: Some(compression.get()),
        expire_after: Some(expire.get()),
    };
    let spec = Signal::derive(move || requests::create_report(&request()));
    let problems = Memo::new(move |_| request().problems());
    let name_problem = Signal::derive(move || problem(&problems.get(), &server.get(), "name"));
    let description_problem =
        Signal::derive(move || problem(&problems.get(), &server.get(), "description"));
    let create = move |_| {
        if !problems.get_untracked().is_empty() || columns.with_untracked(Vec::is_empty) {
            return;
        }
        busy.set(true);
        failed.set(None);
        let spec = spec.get_untracked();
        spawn_local(async move {
            match api.json::<String>(&spec, None).await {
                Ok(uuid) => on_created.run(uuid),
                Err(e) => {
                    server.set(e.details().to_vec());
                    failed.set(Some(e.said()));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="card report-editor" data-testid="new-report" aria-labelledby="new-report-title">
            <FormHead spec=spec verb="Create">
                <h2 id="new-report-title">"New report"</h2>
                <p class="muted">"Generated in the background from the data as it is now; it appears in the list below and can be downloaded when ready."</p>
            </FormHead>
            <div class="settings-form">
                <NameField id="report-name" name problem=name_problem />
                <div class="form-row">
                    <label for="report-description">"Description"</label>
                    <input id="report-description" class="input" data-testid="report-description"
                        placeholder=format!("Optional, up to {MAX_DESCRIPTION} characters")
                        aria-invalid=move || description_problem.get().is_some().to_string()
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev)) />
                    {move || description_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <TemplatePicker template id="report-template" />
                <FilterField template filter />
                <ColumnsField template columns />
                <FileFields format expire id="report" />
                <div class="form-row">
                    <label for="report-compression">"Packing"</label>
                    <select id="report-compression" class="input" data-testid="report-compression"
                        on:change=move |ev| compression.set(Compression::parse(&event_target_value(&ev)))>
                        <option value="none" selected=true>"None"</option>
                        <option value="gzip">"gzip (.gz)"</option>
                        <option value="zip">"zip"</option>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" data-testid="create-report"
                        disabled=move || busy.get() || !problems.with(Vec::is_empty) || columns.with(Vec::is_empty)
                        on:click=create>"Create report"</button>
                    <button type="button" class="btn" data-testid="cancel-report"
                        on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    {move || failed.get().map(|m| view! { <div class="notice notice-error" role="alert" data-testid="failed">{m}</div> })}
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unnamed_report_is_named_after_what_it_lists() {
        assert_eq!(suggested_name(Template::Images, "  "), "Images (inventory)");
        assert_eq!(
            suggested_name(Template::ImageVulnerability, "os:debian"),
            "Image vulnerabilities: os:debian"
        );
        let long = "x".repeat(300);
        let name = suggested_name(Template::Containers, &long);
        assert!(name.chars().count() <= 150, "{}", name.len());
    }
}

//! Parts of the detail views: the loading frame, field lists, sections, labels, and the
//! software and vulnerability tables (sortable by severity, filterable by text, state in URL).

use crate::api::{ApiError, Load, Loader};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use crate::components::reltime::RelTime;
use crate::components::severity::{SeverityBadges, SeverityLabel};
use crate::components::status::ErrorBox;
use crate::navigation::{list_url, use_navigator};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use shipshape_model::{Label, RequestSpec, Software, Vulnerability};

/// A detail page's frame: back link (to the list as it was left; `back.0` is the entity), title, the API request toggle and panel, then the body
/// once loaded (skeleton before, the server's message and Retry on error).
pub fn detail_frame<T: Clone + Send + Sync + 'static>(
    back: (&'static str, &'static str),
    spec: Memo<RequestSpec>,
    loader: Loader<T>,
    title: fn(&T) -> AnyView,
    body: fn(T) -> AnyView,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let nav = use_navigator();
    let open = Signal::derive(move || query.with(|q| q.get("request").as_deref() == Some("open")));
    let toggle = Callback::new(move |o: bool| {
        let path = location.pathname.get_untracked();
        let mut q = query.get_untracked();
        if o {
            q.replace("request", "open".to_string());
        } else {
            q.remove("request");
        }
        let qs = q.to_query_string();
        nav.replace(&format!("{path}{qs}"));
    });
    let state = loader.state;
    view! {
        <div class="page detail-page" data-testid="detail-page">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=list_url(back.0) data-testid="back-link">{back.1}</a>
            </nav>
            <header class="page-head">
                <h1 data-testid="detail-title">
                    {move || match state.get() {
                        Load::Ready(t) => title(&t),
                        _ => view! { <span class="skeleton skeleton-title"></span> }.into_any(),
                    }}
                </h1>
                <span class="spacer"></span>
                <ApiToggle open=open on_toggle=toggle />
            </header>
            {move || open.get().then(|| view! { <ApiPanel spec=spec /> })}
            {move || match state.get() {
                Load::Loading => view! {
                    <div class="card" data-testid="detail-loading">
                        {(0..6).map(|_| view! { <div class="skeleton skeleton-line"></div> }).collect_view()}
                    </div>
                }
                .into_any(),
                Load::Failed(e) => view! { <ErrorBox error=e on_retry=Callback::new(move |_| loader.retry()) /> }.into_any(),
                Load::Ready(t) => body(t),
            }}
        </div>
    }
}

/// A titled card.
#[component]
pub fn Section(
    title: &'static str,
    #[prop(optional)] testid: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card" data-testid=testid>
            <h2>{title}</h2>
            {children()}
        </section>
    }
}

/// A field: label and value (or a dash when unknown).
pub fn field(label: &'static str, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="field">
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

pub fn text_or_dash(v: Option<String>) -> AnyView {
    match v {
        Some(s) if !s.is_empty() => view! { <span>{s}</span> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

pub fn mono_or_dash(v: Option<String>) -> AnyView {
    match v {
        Some(s) if !s.is_empty() => view! { <code class="mono">{s}</code> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

pub fn time(ms: Option<shipshape_model::EpochMillis>) -> AnyView {
    view! { <RelTime ms=ms.map(|m| m.0) /> }.into_any()
}

/// Labels as `key=value` chips.
pub fn labels(labels: Vec<Label>) -> AnyView {
    if labels.is_empty() {
        return view! { <span class="muted">"No labels"</span> }.into_any();
    }
    view! {
        <ul class="chips">
            {labels
                .into_iter()
                .map(|l| view! { <li class="chip"><span class="chip-key">{l.key}</span>"="{l.value}</li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Software packages with their fix versions and counts.
pub fn software_table(softwares: Vec<Software>) -> AnyView {
    if softwares.is_empty() {
        return view! { <p class="muted">"No software reported."</p> }.into_any();
    }
    let rows = softwares
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td>{s.name}</td>
                    <td><code class="mono">{s.version.unwrap_or_default()}</code></td>
                    <td>{mono_or_dash(s.fix_version)}</td>
                    <td class="path">{text_or_dash(s.package_path)}</td>
                    <td><SeverityBadges counts=s.vulnerabilities /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data compact" data-testid="software-table">
                <thead><tr><th>"Package"</th><th>"Version"</th><th>"Fix version"</th><th>"Path"</th><th>"Vulnerabilities"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Vulnerabilities: sortable by severity (`vulnSort=severity:desc|asc` in the URL) and
/// filterable by text (`vulnFilter=`: title, CVE, QID, package).
#[component]
pub fn VulnTable(vulns: Vec<Vulnerability>) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let nav = use_navigator();
    let asc =
        Memo::new(move |_| query.with(|q| q.get("vulnSort").as_deref() == Some("severity:asc")));
    let filter = Memo::new(move |_| query.with(|q| q.get("vulnFilter").unwrap_or_default()));
    let draft = RwSignal::new(filter.get_untracked());
    let set = move |name: &'static str, value: String| {
        let path = location.pathname.get_untracked();
        let mut q = query.get_untracked();
        if value.is_empty() {
            q.remove(name);
        } else {
            q.replace(name, value);
        }
        nav.replace(&format!("{path}{}", q.to_query_string()));
    };
    let total = vulns.len();
    let vulns = StoredValue::new(vulns);
    let rows = move || {
        let needle = filter.get().to_lowercase();
        let mut list: Vec<Vulnerability> = vulns.with_value(|v| {
            v.iter()
                .filter(|v| needle.is_empty() || matches_text(v, &needle))
                .cloned()
                .collect()
        });
        list.sort_by(|a, b| {
            let o = a.severity.cmp(&b.severity).then(b.qid.cmp(&a.qid));
            if asc.get() {
                o
            } else {
                o.reverse()
            }
        });
        let shown = list.len();
        let body = list.into_iter().map(vuln_row).collect_view();
        (shown, body)
    };
    view! {
        <div class="vuln-tools">
            <input
                type="search"
                class="search-input small"
                data-testid="vuln-filter"
                aria-label="Filter vulnerabilities"
                placeholder="Filter by title, CVE, QID or package — Enter"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        set("vulnFilter", draft.get_untracked().trim().to_string())
                    }
                }
            />
        </div>
        {move || {
            let (shown, body) = rows();
            view! {
                <p class="muted small" data-testid="vuln-count">{format!("{shown} of {total} vulnerabilities")}</p>
                <div class="table-wrap">
                    <table class="data compact" data-testid="vuln-table">
                        <thead>
                            <tr>
                                <th aria-sort=move || if asc.get() { "ascending" } else { "descending" }>
                                    <button type="button" class="sort sort-active" data-testid="sort-vuln-severity"
                                        on:click=move |_| set("vulnSort", if asc.get_untracked() { String::new() } else { "severity:asc".into() })>
                                        "Severity"<span class="sort-arrow">{move || if asc.get() { "▲" } else { "▼" }}</span>
                                    </button>
                                </th>
                                <th class="num">"QID"</th>
                                <th>"Title"</th>
                                <th>"CVEs"</th>
                                <th>"Affected software → fix"</th>
                                <th class="num">"CVSS 3"</th>
                                <th>"Type"</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            }
        }}
    }
}

fn matches_text(v: &Vulnerability, needle: &str) -> bool {
    v.title.to_lowercase().contains(needle)
        || v.qid.to_string().contains(needle)
        || v.cveids.iter().any(|c| c.to_lowercase().contains(needle))
        || v.software
            .iter()
            .any(|s| s.name.to_lowercase().contains(needle))
}

fn vuln_row(v: Vulnerability) -> impl IntoView {
    let software = v
        .software
        .iter()
        .map(|s| {
            let fix = s.fix_version.clone();
            view! {
                <div>
                    {s.name.clone()}" "<code class="mono">{s.version.clone().unwrap_or_default()}</code>
                    {match fix {
                        Some(f) => view! { " → "<code class="mono fix">{f}</code> }.into_any(),
                        None => view! { <span class="muted">" (no fix)"</span> }.into_any(),
                    }}
                </div>
            }
        })
        .collect_view();
    let cves = if v.cveids.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        v.cveids
            .iter()
            .map(|c| view! { <code class="mono cve">{c.clone()}</code>" " })
            .collect_view()
            .into_any()
    };
    view! {
        <tr data-testid="vuln-row">
            <td><SeverityLabel severity=v.severity /></td>
            <td class="num">{v.qid}</td>
            <td>{v.title.clone()}</td>
            <td>{cves}</td>
            <td>{software}</td>
            <td class="num">{v.cvss3_info.base_score.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into())}</td>
            <td>{v.type_detected.clone()}</td>
        </tr>
    }
}

/// Decodes JSON text (for `load`).
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|e| e.to_string())
}

/// An error shown inline in a section (a secondary request that failed).
pub fn inline_error(e: ApiError) -> AnyView {
    view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any()
}

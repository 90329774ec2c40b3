//! The list view shared by Sensors, Images and Containers. All of its state is read from the
//! URL and every control writes the URL, so reload, links and Back/Forward restore the screen.

mod assign;
mod bulk_delete;
pub mod columns;
mod export;
pub mod query;
mod table;

use crate::api::{load, use_api, Load};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use crate::components::search_bar::SearchBar;
use crate::format::thousands;
use crate::navigation::{current_url, remember_list_url, use_navigator};
use crate::session::use_session;
use bulk_delete::BulkDelete;
use columns::ColumnChooser;
use export::{export_view, ExportFormat};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use query::{EntityDesc, ListQuery};
use shipshape_model::PageSize;
use table::ListTable;

/// The entity's quick filters: each a toggle that adds its QQL to the filter (or takes it
/// out), with how many records it matches on its own.
#[component]
fn FilterChips(
    desc: &'static EntityDesc,
    filter: Signal<String>,
    on_search: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    view! {
        <div class="filter-chips" role="group" aria-label="Quick filters">
            {desc.chips.iter().map(|&(label, qql)| {
                let count = RwSignal::new(None::<u64>);
                leptos::task::spawn_local(async move {
                    #[derive(serde::Deserialize)]
                    struct Count { count: u64 }
                    if let Ok(c) = api.json::<Count>(&crate::api::requests::count(desc.entity, qql), None).await {
                        count.set(Some(c.count));
                    }
                });
                let active = move || filter.with(|f| query::has_clause(f, qql));
                view! {
                    <button type="button" class="filter-chip" data-testid=format!("chip-{qql}")
                        aria-pressed=move || active().to_string()
                        on:click=move |_| on_search.run(query::toggle_clause(&filter.get_untracked(), qql))>
                        {label}
                        <span class="filter-chip-count" data-testid="chip-count">
                            {move || count.get().map(thousands).unwrap_or_default()}
                        </span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// The report a list's "Report on this filter" starts (findings of its records).
fn report_template(entity: &str) -> Option<shipshape_model::report::Template> {
    use shipshape_model::report::Template;
    match entity {
        "images" => Some(Template::ImageVulnerability),
        "containers" => Some(Template::ContainerVulnerability),
        _ => None,
    }
}

pub fn list_page(desc: &'static EntityDesc) -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|p| {
            let mut q = ListQuery::from_params(p);
            if p.get("sort").is_none() {
                if let Ok(s) = desc.default_sort.parse() {
                    q.sort = s;
                }
            }
            q
        })
    });
    let spec = Memo::new(move |_| query.with(|q| q.request(desc)));
    let loader = load(move || spec.get(), desc.decode);
    let state = loader.state;
    let visible = Memo::new(move |_| query.with(|q| q.visible(desc.columns)));
    let nav = use_navigator();
    let session = use_session();
    let api = use_api();
    let can_select = Signal::derive(move || desc.deletable && session.can_delete());

    // `push` for what a user would go Back to (filter, sort, page); `replace` for the rest.
    let set_query = move |replace: bool, change: &dyn Fn(&mut ListQuery)| {
        let mut q = query.get_untracked();
        change(&mut q);
        let url = format!("/{}?{}", desc.entity, q.to_query());
        if replace {
            nav.replace(&url)
        } else {
            nav.push(&url)
        }
    };

    // Remember this list's URL so that a detail view's back link restores it.
    Effect::new(move |_| {
        query.track();
        remember_list_url(desc.entity, current_url());
    });

    let entity =
        crate::components::search_bar::entity_for(desc.entity).expect("every list is a QQL entity");
    let filter = Signal::derive(move || query.with(|q| q.filter.clone()));
    let on_search = Callback::new(move |f: String| {
        set_query(false, &|q| {
            q.filter = f.clone();
            q.page = 1;
            q.selected.clear();
        })
    });

    let count = move || state.with(|s| s.ready().map(|d| d.count));
    let total_pages = move || {
        let size = u64::from(query.with(|q| q.size));
        count().map(|c| c.div_ceil(size).max(1))
    };

    let exporting = RwSignal::new(None::<String>);
    let export = move |format: ExportFormat| {
        let q = query.get_untracked();
        let cols = visible.get_untracked();
        exporting.set(Some("Exporting…".into()));
        leptos::task::spawn_local(async move {
            let msg = match export_view(api, desc, q, cols, format).await {
                Ok(n) => format!("Exported {} rows", thousands(n as u64)),
                Err(e) => format!("Export failed: {e}"),
            };
            exporting.try_set(Some(msg));
        });
    };

    let pager = move || {
        let q = query.get();
        let pages = total_pages();
        let c = count();
        let first = (u64::from(q.page) - 1) * u64::from(q.size) + 1;
        let last = c.map(|c| (u64::from(q.page) * u64::from(q.size)).min(c));
        let failed = state.with(|s| matches!(s, Load::Failed(_)));
        let range = match (c, last) {
            _ if failed => String::new(),
            (Some(0), _) => "0 rows".to_string(),
            (Some(c), Some(l)) => {
                format!("{}–{} of {}", thousands(first), thousands(l), thousands(c))
            }
            _ => "Loading…".to_string(),
        };
        let page = q.page;
        let at_end = pages.is_none_or(|p| u64::from(page) >= p);
        view! {
            <div class="pager" data-testid="pager">
                <label class="pager-size">
                    "Rows per page "
                    <select
                        data-testid="page-size"
                        on:change=move |ev| {
                            let v = event_target_value(&ev).parse().unwrap_or(50);
                            set_query(false, &|q| {
                                q.size = v;
                                q.page = 1;
                            });
                        }
                    >
                        {PageSize::CHOICES
                            .iter()
                            .map(|&n| view! { <option value=n.to_string() selected=n == q.size>{n.to_string()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <span class="pager-range" data-testid="page-range">{range}</span>
                <button
                    type="button"
                    class="btn btn-small"
                    data-testid="prev-page"
                    disabled=page <= 1
                    on:click=move |_| set_query(false, &|q| q.page = page - 1)
                >
                    "‹ Previous"
                </button>
                <span class="pager-page" data-testid="page-number">
                    {format!("Page {page}{}", pages.map(|p| format!(" of {}", thousands(p))).unwrap_or_default())}
                </span>
                <button
                    type="button"
                    class="btn btn-small"
                    data-testid="next-page"
                    disabled=at_end
                    on:click=move |_| set_query(false, &|q| q.page = page + 1)
                >
                    "Next ›"
                </button>
            </div>
        }
    };

    let request_open = Signal::derive(move || query.with(|q| q.request_open));

    view! {
        <div class="page list-page" data-testid=format!("{}-page", desc.entity)>
            <header class="page-head">
                <h1>{desc.title}</h1>
                <span class="count" data-testid="total-count">
                    {move || match state.get() {
                        Load::Ready(d) => format!("{} {}", thousands(d.count), desc.noun),
                        Load::Loading => String::new(),
                        Load::Failed(_) => String::new(),
                    }}
                </span>
                <span class="sorted" data-testid="sorted-by">
                    {move || query.with(|q| {
                        let label = desc
                            .columns
                            .iter()
                            .find(|c| c.sort == Some(q.sort.token.as_str()))
                            .map(|c| c.label)
                            .unwrap_or(q.sort.token.as_str());
                        let order = match q.sort.order {
                            shipshape_model::SortOrder::Asc => "ascending",
                            shipshape_model::SortOrder::Desc => "descending",
                        };
                        format!("sorted by {label}, {order}")
                    })}
                </span>
            </header>
            <SearchBar entity=entity value=filter on_search=on_search example=desc.example_filter />
            {(!desc.chips.is_empty()).then(|| view! { <FilterChips desc filter on_search /> })}
            <div class="toolbar">
                <details class="menu">
                    <summary class="btn" data-testid="column-chooser">"Columns"</summary>
                    <div class="menu-body">
                        <ColumnChooser columns=desc.columns visible=visible
                            on_choose=Callback::new(move |ids: Vec<String>| set_query(true, &|q| q.columns = Some(ids.clone()))) />
                    </div>
                </details>
                <button type="button" class="btn" data-testid="export-csv" on:click=move |_| export(ExportFormat::Csv)>"Export CSV"</button>
                <button type="button" class="btn" data-testid="export-json" on:click=move |_| export(ExportFormat::Json)>"Export JSON"</button>
                {move || report_template(desc.entity).filter(|_| session.role().allows(shipshape_model::Role::Operator)).map(|t| view! {
                    <a class="btn" data-testid="report-on-filter"
                        title="A report (CSV or JSON, now or on a schedule) of this filter's findings"
                        href=move || crate::pages::reports::new_report_url(t, &filter.get())>"Report on this filter"</a>
                })}
                <span class="muted" data-testid="export-status">{move || exporting.get()}</span>
                {desc.actions.map(|action| action(Callback::new(move |_| loader.retry())))}
                <span class="spacer"></span>
                {move || (desc.entity == "sensors" && can_select.get() && session.role().allows(shipshape_model::Role::Admin)).then(|| view! {
                    <assign::AssignProfile
                        selected=Signal::derive(move || query.with(|q| q.selected.clone()))
                        on_done=Callback::new(move |_| {
                            set_query(true, &|q| q.selected.clear());
                            loader.retry();
                        })
                    />
                })}
                {move || can_select.get().then(|| view! {
                    <BulkDelete
                        desc=desc
                        selected=Signal::derive(move || query.with(|q| q.selected.clone()))
                        on_done=Callback::new(move |_| {
                            set_query(true, &|q| q.selected.clear());
                            loader.retry();
                        })
                    />
                })}
                <ApiToggle open=request_open on_toggle=Callback::new(move |open: bool| set_query(true, &|q| q.request_open = open)) />
            </div>
            {move || request_open.get().then(|| view! { <ApiPanel spec=spec list=true /> })}
            <ListTable
                desc=desc
                query=query
                state=state
                ready=Signal::derive(move || spec.with(|s| loader.settled_for(s)))
                visible=visible
                can_select=can_select
                nav=nav
                on_sort=Callback::new(move |s: shipshape_model::SortSpec| set_query(false, &|q| {
                    q.sort = s.clone();
                    q.page = 1;
                }))
                on_select=Callback::new(move |sel: Vec<String>| set_query(true, &|q| q.selected = sel.clone()))
                on_retry=Callback::new(move |_| loader.retry())
            />
            {pager}
        </div>
    }
}

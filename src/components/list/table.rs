//! The list table: sortable headers, a checkbox column for bulk actions, focusable rows that
//! open the detail view on click or Enter, skeleton rows, error and empty states.

use super::columns::Row;
use super::query::{EntityDesc, ListData, ListQuery};
use crate::api::Load;
use crate::components::status::{EmptyState, ErrorBox, SkeletonRows};
use crate::navigation::Navigator;
use leptos::prelude::*;
use shipshape_model::{SortOrder, SortSpec};

#[component]
pub fn ListTable(
    desc: &'static EntityDesc,
    query: Memo<ListQuery>,
    state: RwSignal<Load<ListData>>,
    /// The rows on screen answer the current URL (tests and `aria-busy` rely on it).
    ready: Signal<bool>,
    visible: Memo<Vec<usize>>,
    can_select: Signal<bool>,
    nav: Navigator,
    on_sort: Callback<SortSpec>,
    on_select: Callback<Vec<String>>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let entity =
        crate::components::search_bar::entity_for(desc.entity).expect("every list is a QQL entity");
    let header = move || {
        let q = query.get();
        visible
            .get()
            .into_iter()
            .map(|i| {
                let col = desc.columns[i];
                let class = if col.numeric { "num" } else { "" };
                match col.sort {
                    Some(token) => {
                        let active = q.sort.token == token;
                        let aria = match (active, q.sort.order) {
                            (false, _) => "none",
                            (true, SortOrder::Asc) => "ascending",
                            (true, SortOrder::Desc) => "descending",
                        };
                        let arrow = match (active, q.sort.order) {
                            (false, _) => "↕",
                            (true, SortOrder::Asc) => "▲",
                            (true, SortOrder::Desc) => "▼",
                        };
                        let next = q.toggled_sort(entity, &col);
                        view! {
                            <th class=class aria-sort=aria scope="col">
                                <button
                                    type="button"
                                    class="sort"
                                    class:sort-active=active
                                    data-testid=format!("sort-{}", col.id)
                                    on:click=move |_| {
                                        if let Some(s) = next.clone() {
                                            on_sort.run(s)
                                        }
                                    }
                                >
                                    {col.label}
                                    <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                                </button>
                            </th>
                        }
                        .into_any()
                    }
                    None => view! { <th class=class scope="col">{col.label}</th> }.into_any(),
                }
            })
            .collect_view()
    };

    let page_keys = move || {
        state.with(|s| match s {
            Load::Ready(d) => d.rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let all_checked = move || {
        let keys = page_keys();
        !keys.is_empty() && query.with(|q| keys.iter().all(|k| q.selected.contains(k)))
    };
    let toggle_all = move |_| {
        let keys = page_keys();
        let mut sel = query.get_untracked().selected;
        if all_checked() {
            sel.retain(|k| !keys.contains(k));
        } else {
            for k in keys {
                if !sel.contains(&k) {
                    sel.push(k);
                }
            }
        }
        on_select.run(sel);
    };

    let body = move || {
        let cols = visible.get();
        let ncols = cols.len() + usize::from(can_select.get());
        match state.get() {
            Load::Loading => {
                let rows = query.with_untracked(|q| q.size.min(50) as usize);
                view! { <SkeletonRows rows=rows cols=ncols /> }.into_any()
            }
            Load::Failed(e) => view! {
                <tr>
                    <td colspan=ncols>
                        <ErrorBox error=e on_retry=on_retry />
                    </td>
                </tr>
            }
            .into_any(),
            Load::Ready(d) if d.rows.is_empty() => {
                let filter = query.with_untracked(|q| q.filter.clone());
                view! {
                    <tr>
                        <td colspan=ncols>
                            <EmptyState noun=desc.noun filter=filter />
                        </td>
                    </tr>
                }
                .into_any()
            }
            Load::Ready(d) => d
                .rows
                .into_iter()
                .map(|row| {
                    row_view(
                        row,
                        &cols,
                        desc,
                        query,
                        can_select.get_untracked(),
                        nav,
                        on_select,
                    )
                })
                .collect_view()
                .into_any(),
        }
    };

    view! {
        <div class="table-wrap">
            <table class="data" data-testid="list-table" aria-busy=move || (!ready.get()).to_string() data-ready=move || ready.get().to_string()>
                <thead>
                    <tr>
                        {move || {
                            can_select
                                .get()
                                .then(|| {
                                    view! {
                                        <th class="check" scope="col">
                                            <input
                                                type="checkbox"
                                                aria-label="Select all rows on this page"
                                                data-testid="select-all"
                                                prop:checked=all_checked
                                                on:change=toggle_all
                                            />
                                        </th>
                                    }
                                })
                        }}
                        {header}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

fn row_view(
    row: Row,
    cols: &[usize],
    desc: &'static EntityDesc,
    query: Memo<ListQuery>,
    can_select: bool,
    nav: Navigator,
    on_select: Callback<Vec<String>>,
) -> impl IntoView {
    let href = row.href.clone();
    let href2 = row.href.clone();
    let key = row.key.clone();
    let checkbox = can_select.then(|| {
        let key = key.clone();
        let key2 = key.clone();
        view! {
            <td class="check" on:click=|ev| ev.stop_propagation()>
                <input
                    type="checkbox"
                    aria-label="Select row"
                    data-testid="row-check"
                    prop:checked=move || query.with(|q| q.selected.contains(&key))
                    on:change=move |_| {
                        let mut sel = query.get_untracked().selected;
                        if let Some(pos) = sel.iter().position(|k| *k == key2) {
                            sel.remove(pos);
                        } else {
                            sel.push(key2.clone());
                        }
                        on_select.run(sel);
                    }
                />
            </td>
        }
    });
    let cells = cols
        .iter()
        .map(|&i| {
            let class = if desc.columns[i].numeric { "num" } else { "" };
            let cell = row.cells.get(i).map(|c| c.view());
            view! { <td class=class data-col=desc.columns[i].id>{cell}</td> }
        })
        .collect_view();
    view! {
        <tr
            tabindex="0"
            data-testid="row"
            data-key=key
            on:click=move |_| if !href.is_empty() { nav.push(&href) }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" && !href2.is_empty() {
                    nav.push(&href2)
                }
            }
        >
            {checkbox}
            {cells}
        </tr>
    }
}

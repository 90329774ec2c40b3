//! The column chooser: mounted over a list's URL state, its boxes show the visible columns and
//! a click changes the state's `columns=` (in the entity's order), which redraws the boxes.

use super::{mount, one};
use crate::components::list::columns::{ColumnChooser, ColumnMeta};
use crate::components::list::query::ListQuery;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlInputElement};

const COLUMNS: &[ColumnMeta] = &[
    ColumnMeta::new("name", "Name"),
    ColumnMeta::new("size", "Size").numeric(),
    ColumnMeta::new("digest", "Digest").hidden(),
    ColumnMeta::new("created", "Created").hidden(),
];

fn checkbox(root: &Element, id: &str) -> HtmlInputElement {
    one(root, &format!("[data-testid=column-{id}]")).unchecked_into()
}

/// Which boxes are ticked, by column id, in the order they are drawn.
fn ticked(root: &Element) -> Vec<(String, bool)> {
    COLUMNS
        .iter()
        .map(|c| (c.id.to_string(), checkbox(root, c.id).checked()))
        .collect()
}

fn expect(ticks: [bool; 4]) -> Vec<(String, bool)> {
    COLUMNS
        .iter()
        .zip(ticks)
        .map(|(c, t)| (c.id.to_string(), t))
        .collect()
}

/// The chooser over `query`, wired as the list page wires it.
fn chooser(query: RwSignal<ListQuery>) -> Element {
    let visible = Memo::new(move |_| query.with(|q| q.visible(COLUMNS)));
    mount(move || {
        view! {
            <ColumnChooser columns=COLUMNS visible
                on_choose=Callback::new(move |ids: Vec<String>| query.update(|q| q.columns = Some(ids))) />
        }
    })
    .into()
}

#[wasm_bindgen_test]
async fn ticking_and_unticking_columns_changes_the_url_state() {
    let query = RwSignal::new(ListQuery::default());
    let root = chooser(query);
    // No `columns=`: the entity's defaults, labelled.
    assert_eq!(ticked(&root), expect([true, true, false, false]));
    assert!(root.text_content().unwrap_or_default().contains("Digest"));

    checkbox(&root, "created").click();
    leptos::task::tick().await;
    assert_eq!(
        query.with_untracked(|q| q.columns.clone()),
        Some(vec!["name".into(), "size".into(), "created".into()])
    );
    assert!(query
        .with_untracked(ListQuery::to_query)
        .contains("columns=name,size,created"));
    assert_eq!(ticked(&root), expect([true, true, false, true]));

    checkbox(&root, "name").click();
    leptos::task::tick().await;
    assert_eq!(
        query.with_untracked(|q| q.columns.clone()),
        Some(vec!["size".into(), "created".into()])
    );
    assert_eq!(ticked(&root), expect([false, true, false, true]));

    // Ticked again last, it still comes first: the entity's order, not the click order.
    checkbox(&root, "digest").click();
    leptos::task::tick().await;
    checkbox(&root, "name").click();
    leptos::task::tick().await;
    assert_eq!(
        query.with_untracked(|q| q.columns.clone()),
        Some(vec![
            "name".into(),
            "size".into(),
            "digest".into(),
            "created".into()
        ])
    );
    assert_eq!(ticked(&root), expect([true, true, true, true]));
}

#[wasm_bindgen_test]
async fn the_boxes_follow_a_state_read_from_the_url() {
    let query = RwSignal::new(ListQuery {
        columns: Some(vec!["digest".into()]),
        ..ListQuery::default()
    });
    let root = chooser(query);
    assert_eq!(ticked(&root), expect([false, false, true, false]));
    // Back/Forward to a URL with other columns redraws the boxes.
    query.update(|q| q.columns = Some(vec!["size".into(), "created".into()]));
    leptos::task::tick().await;
    assert_eq!(ticked(&root), expect([false, true, false, true]));
    // Unticking the last column leaves none chosen, which shows the defaults again.
    query.update(|q| q.columns = Some(vec!["size".into()]));
    leptos::task::tick().await;
    checkbox(&root, "size").click();
    leptos::task::tick().await;
    assert_eq!(
        query.with_untracked(|q| q.columns.clone()),
        Some(Vec::new())
    );
    assert_eq!(ticked(&root), expect([true, true, false, false]));
}

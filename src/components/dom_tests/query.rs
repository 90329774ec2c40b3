//! A list's state read from a URL the way the router reads the address bar (the browser's own
//! URL parser and percent-decoding, which native tests cannot reach), and written back.

use crate::components::list::query::ListQuery;
use leptos_router::location::{BrowserUrl, LocationProvider};
use shipshape_model::PageSize;
use wasm_bindgen_test::wasm_bindgen_test;

/// The state of the list at `url` (a path with its query, as in the address bar).
fn at(url: &str) -> ListQuery {
    let url = BrowserUrl::parse(url).expect("a URL the router parses");
    ListQuery::from_params(url.search_params())
}

#[wasm_bindgen_test]
fn a_written_url_reads_back_as_the_same_state() {
    let q = ListQuery {
        filter: "repo.tag:\"1.2 & x\" and name:ngin* or size>=100%".into(),
        sort: "size:asc".parse().unwrap(),
        page: 3,
        size: 100,
        columns: Some(vec!["name".into(), "size".into()]),
        selected: vec!["sha256:ab".into(), "c d".into()],
        request_open: true,
    };
    let query = q.to_query();
    assert_eq!(at(&format!("/images?{query}")), q, "{query}");
    // The defaults survive too, and a URL naming nothing is the default state.
    let d = ListQuery::default();
    assert_eq!(at(&format!("/images?{}", d.to_query())), d);
    assert_eq!(at("/images"), d);
}

#[wasm_bindgen_test]
fn each_parameter_is_read_from_the_address_bar() {
    let q = at(
        "/containers?filter=status%3ARUNNING%20and%20name%3A%22a%2Bb%22\
                &sort=lastScanned:asc&pageNumber=4&pageSize=200\
                &columns=name,,state&selected=x,y&request=open",
    );
    assert_eq!(q.filter, "status:RUNNING and name:\"a+b\"");
    assert_eq!(q.sort.to_string(), "lastScanned:asc");
    assert_eq!((q.page, q.size), (4, 200));
    assert_eq!(
        q.columns,
        Some(vec!["name".to_string(), "state".to_string()])
    );
    assert_eq!(q.selected, ["x", "y"]);
    assert!(q.request_open);
    // The old name of the page parameter still opens the page it named.
    assert_eq!(at("/sensors?pageNo=7").page, 7);
}

#[wasm_bindgen_test]
fn bad_values_fall_back_to_the_defaults() {
    let d = ListQuery::default();
    for bad in [
        "pageSize=5000",
        "pageSize=0",
        "pageSize=-50",
        "pageSize=fifty",
        "pageSize=1001",
    ] {
        assert_eq!(
            at(&format!("/images?{bad}")).size,
            PageSize::DEFAULT.get(),
            "{bad}"
        );
    }
    // Any size the API takes is kept, not only the menu's choices.
    assert_eq!(at("/images?pageSize=1").size, 1);
    assert_eq!(at("/images?pageSize=1000").size, 1000);
    assert_eq!(at("/images?pageSize=49").size, 49);
    assert_eq!(at("/images?pageNumber=0").page, 1);
    assert_eq!(at("/images?pageNumber=-2").page, 1);
    assert_eq!(at("/images?pageNumber=two").page, 1);
    assert_eq!(at("/images?sort=bogus:sideways").sort, d.sort);
    assert_eq!(at("/images?sort=").sort, d.sort);
    assert!(!at("/images?request=closed").request_open);
    assert_eq!(at("/images?selected=").selected, Vec::<String>::new());
}

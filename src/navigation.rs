//! Changing the URL from event handlers: every view state lives in the URL, so every control
//! ends in a navigation.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

type NavigateFn = Box<dyn Fn(&str, NavigateOptions)>;

/// A copyable handle on the router's `navigate`.
#[derive(Clone, Copy)]
pub struct Navigator(StoredValue<NavigateFn, LocalStorage>);

pub fn use_navigator() -> Navigator {
    let navigate = use_navigate();
    Navigator(StoredValue::new_local(Box::new(navigate)))
}

impl Navigator {
    /// A new history entry that keeps the scroll position (paging back keeps your place).
    pub fn push(&self, url: &str) {
        self.go(url, false);
    }

    /// Replaces the current entry (for state that should not fill the Back button).
    pub fn replace(&self, url: &str) {
        self.go(url, true);
    }

    fn go(&self, url: &str, replace: bool) {
        let url = url.to_string();
        self.0.with_value(|n| {
            n(
                &url,
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            )
        });
    }
}

/// The current path and query, as the address bar shows it (for "come back here" links).
pub fn current_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_else(|| "/".into())
}

/// Only same-origin paths are followed after sign-in (never `//evil.example`).
pub fn safe_return_path(next: Option<String>) -> String {
    match next {
        Some(n) if is_console_path(&n) && !n.starts_with("/signin") => n,
        _ => "/sensors".into(),
    }
}

/// True for a path of this console: one `/` then not another `/` or `\` (browsers read `//x`
/// and `/\x` as another host), and no backslash or control character anywhere (browsers turn
/// `\` into `/` and drop tabs and newlines, so `/\t/x` is `//x`). A space is kept: browsers
/// encode it.
fn is_console_path(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !n.chars().any(|c| c == '\\' || c.is_control())
}

thread_local! {
    /// The last URL of each list view, for the detail views' back links (wasm has one thread).
    static LIST_URLS: std::cell::RefCell<Vec<(&'static str, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn remember_list_url(entity: &'static str, url: String) {
    LIST_URLS.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|(e, _)| *e != entity);
        l.push((entity, url));
    });
}

/// Where "back to the list" goes: the list as it was left, or its default view.
pub fn list_url(entity: &str) -> String {
    LIST_URLS
        .with(|l| {
            l.borrow()
                .iter()
                .find(|(e, _)| *e == entity)
                .map(|(_, u)| u.clone())
        })
        .unwrap_or_else(|| format!("/{entity}"))
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_console_paths_are_followed_after_sign_in() {
        for ok in [
            "/images?filter=os%3Adebian",
            "/dashboard",
            "/settings/users",
            "/images?filter=repo.tag:\"x $y\" and os:a b",
        ] {
            assert_eq!(safe_return_path(Some(ok.into())), ok);
        }
        // Each of these would leave the console (another host, a script, a scheme), or loop.
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\tevil",
            "/\n/evil.example",
            "/x\\y",
            "/signin?next=/x",
            "",
        ] {
            assert_eq!(safe_return_path(Some(bad.into())), "/sensors", "{bad:?}");
        }
        assert_eq!(safe_return_path(None), "/sensors");
    }
}

//! A time shown relative to now ("5 min ago") with the exact time on hover.

use crate::format::{exact_local, exact_utc, relative};
use leptos::prelude::*;

#[component]
pub fn RelTime(ms: Option<i64>) -> impl IntoView {
    match ms {
        Some(ms) => {
            let title = format!("{} ({})", exact_utc(ms), exact_local(ms));
            view! {
                <time class="reltime" title=title datetime=exact_utc(ms)>
                    {relative(ms, js_sys::Date::now())}
                </time>
            }
            .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

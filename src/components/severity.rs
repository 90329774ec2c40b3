//! Severity counts drawn as coloured badges that also carry the letter and the number, so
//! colour is never the only signal.

use leptos::prelude::*;
use shipshape_model::severity::severity_label;
use shipshape_model::SeverityCounts;

/// The one-letter mark shown in a badge (the full label is in its title).
pub fn severity_letter(severity: u8) -> &'static str {
    match severity {
        5 => "C",
        4 => "H",
        3 => "M",
        2 => "L",
        _ => "Mi",
    }
}

/// Five badges, most severe first; zero counts are dimmed but keep their place so columns line up.
#[component]
pub fn SeverityBadges(counts: SeverityCounts) -> impl IntoView {
    let a = counts.as_array();
    let badges = (1..=5u8)
        .rev()
        .map(|sev| {
            let n = a[usize::from(sev) - 1];
            let class = if n == 0 {
                format!("sev sev{sev} sev-zero")
            } else {
                format!("sev sev{sev}")
            };
            let title = format!("{}: {n}", severity_label(sev));
            view! {
                <span class=class title=title.clone() aria-label=title>
                    <b>{severity_letter(sev)}</b>
                    {crate::format::thousands(n)}
                </span>
            }
        })
        .collect_view();
    view! { <span class="sev-group">{badges}</span> }
}

/// One severity (1–5) as a badge with its label, for vulnerability rows.
#[component]
pub fn SeverityLabel(severity: u8) -> impl IntoView {
    view! {
        <span class=format!("sev sev{severity} sev-label")>
            <b>{severity}</b>
            {severity_label(severity)}
        </span>
    }
}

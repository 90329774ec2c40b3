//! Severity badges: five badges, most severe first, each with its letter, its count, its
//! colour class and its label; zero counts dimmed in place. And the single severity label.

use super::{all, mount, one};
use crate::components::severity::{SeverityBadges, SeverityLabel};
use leptos::prelude::*;
use shipshape_model::SeverityCounts;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn badges_show_letter_count_class_and_label_for_each_severity() {
    // Minimal 7, Low 0, Medium 3, High 1200, Critical 5.
    let counts = SeverityCounts::from_array([7, 0, 3, 1200, 5]);
    let root = mount(move || view! { <SeverityBadges counts /> });
    let badges = all(&root, ".sev-group > span");
    let seen: Vec<(String, String, String, String)> = badges
        .iter()
        .map(|b| {
            (
                b.class_name(),
                one(b, "b").text_content().unwrap_or_default(),
                b.text_content().unwrap_or_default(),
                b.get_attribute("title").unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("sev sev5", "C", "C5", "Critical: 5"),
        ("sev sev4", "H", "H1,200", "High: 1200"),
        ("sev sev3", "M", "M3", "Medium: 3"),
        ("sev sev2 sev-zero", "L", "L0", "Low: 0"),
        ("sev sev1", "Mi", "Mi7", "Minimal: 7"),
    ];
    assert_eq!(seen.len(), 5, "{}", root.inner_html());
    for (got, want) in seen.iter().zip(expected) {
        assert_eq!(
            (
                got.0.as_str(),
                got.1.as_str(),
                got.2.as_str(),
                got.3.as_str()
            ),
            want
        );
    }
    // The label is also what a screen reader reads: colour is never the only signal.
    assert_eq!(
        badges[0].get_attribute("aria-label").as_deref(),
        Some("Critical: 5")
    );
}

#[wasm_bindgen_test]
fn a_severity_label_names_its_severity() {
    let root = mount(|| {
        view! {
            <SeverityLabel severity=4 />
            <SeverityLabel severity=1 />
        }
    });
    let labels = all(&root, ".sev-label");
    let seen: Vec<(String, String)> = labels
        .iter()
        .map(|l| (l.class_name(), l.text_content().unwrap_or_default()))
        .collect();
    assert_eq!(
        seen,
        [
            ("sev sev4 sev-label".to_string(), "4High".to_string()),
            ("sev sev1 sev-label".to_string(), "1Minimal".to_string()),
        ]
    );
}

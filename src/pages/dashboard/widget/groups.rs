//! Bar and donut widgets: an aggregate answer drawn as a chart with a legend whose entries (and
//! the chart's bars and slices) open the list of the rows in that group.

use super::body::{drawn_size, empty_view, open_picked};
use super::figures::{parse_answer, severity_name};
use super::requests::list_href;
use crate::format::thousands;
use crate::pages::dashboard::chart::{Chart, Datum, Shape};
use leptos::prelude::*;
use shipshape_model::dashboard::group_filter;
use shipshape_model::{AggregateGroup, AggregateResponse, Widget, WidgetKind};

/// The token whose groups are severities, drawn in their own colours and named.
const SEVERITY: &str = "vulnerabilities.severity";

pub fn groups_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let answer: AggregateResponse = parse_answer(body)?;
    let token = w.group_by.clone().unwrap_or_default();
    let (keys, data): (Vec<String>, Vec<Datum>) =
        group_data(&token, &answer.groups).into_iter().unzip();
    if data.is_empty() {
        return Ok(empty_view(w));
    }
    let hrefs: Vec<Option<String>> = keys
        .iter()
        .map(|key| list_href(w, &group_filter(w.entity.qql(), &w.query, &token, key)))
        .collect();
    let on_pick = open_picked(hrefs.clone());
    let size = drawn_size(w);
    let shape = if w.kind == WidgetKind::Pie {
        Shape::Donut
    } else {
        Shape::Bars
    };
    let noun = w.entity.noun();
    let items = data
        .iter()
        .zip(&hrefs)
        .map(|(d, h)| {
            let swatch = format!("background:var({})", d.color);
            view! {
                <li>
                    <a href=h.clone() data-testid="group-link">
                        <span class="swatch" style=swatch></span>
                        <span class="legend-label">{d.label.clone()}</span>
                        <span class="legend-count">{thousands(d.count)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let summary = chart_summary(shape, answer.total, noun, &data);
    let (figure_class, legend_class) = if shape == Shape::Donut {
        ("groups donut", "legend")
    } else {
        ("groups bars", "legend sr-only")
    };
    let data = Signal::derive(move || data.clone());
    Ok(view! {
        <div class=figure_class role="figure" aria-label=summary>
            <Chart data=data shape=shape redraw=size noun=noun on_pick=on_pick />
            <ul class=legend_class data-testid="legend">{items}</ul>
        </div>
    }
    .into_any())
}

/// Each group's key and how it is drawn, in drawing order: severities most severe first (as
/// everywhere else in the console), named, in their theme colours; other groups in the server's
/// order, in the chart palette's eight colours.
fn group_data(token: &str, groups: &[AggregateGroup]) -> Vec<(String, Datum)> {
    let severity = token == SEVERITY;
    let mut groups = groups.to_vec();
    if severity {
        groups.sort_by(|a, b| b.key.cmp(&a.key));
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let datum = Datum {
                label: if severity {
                    severity_name(&g.key).unwrap_or_else(|| g.key.clone())
                } else {
                    g.key.clone()
                },
                count: g.count,
                color: if severity {
                    format!("--sev{}", g.key)
                } else {
                    format!("--chart{}", i % 8 + 1)
                },
                at: 0.0,
            };
            (g.key, datum)
        })
        .collect()
}

/// What a screen reader hears for the chart: "Bar chart of 1,204 images: debian 800, alpine 404".
fn chart_summary(shape: Shape, total: u64, noun: &str, data: &[Datum]) -> String {
    format!(
        "{} of {} {noun}: {}",
        if shape == Shape::Donut {
            "Donut chart"
        } else {
            "Bar chart"
        },
        thousands(total),
        data.iter()
            .map(|d| format!("{} {}", d.label, d.count))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(pairs: &[(&str, u64)]) -> Vec<AggregateGroup> {
        pairs
            .iter()
            .map(|(key, count)| AggregateGroup {
                key: key.to_string(),
                count: *count,
            })
            .collect()
    }

    #[test]
    fn severities_come_most_severe_first_named_in_their_colours() {
        let drawn = group_data(SEVERITY, &groups(&[("3", 30), ("5", 2), ("4", 11)]));
        let seen: Vec<(&str, &str, u64, &str)> = drawn
            .iter()
            .map(|(k, d)| (k.as_str(), d.label.as_str(), d.count, d.color.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("5", "5 · Critical", 2, "--sev5"),
                ("4", "4 · High", 11, "--sev4"),
                ("3", "3 · Medium", 30, "--sev3"),
            ]
        );
    }

    #[test]
    fn other_groups_keep_the_servers_order_in_the_palette() {
        let keys: Vec<String> = (0..10).map(|i| format!("os{i}")).collect();
        let pairs: Vec<(&str, u64)> = keys.iter().map(|k| (k.as_str(), 1)).collect();
        let drawn = group_data("operatingSystem", &groups(&pairs));
        let labels: Vec<&str> = drawn.iter().map(|(_, d)| d.label.as_str()).collect();
        assert_eq!(labels, keys);
        let colors: Vec<&str> = drawn.iter().map(|(_, d)| d.color.as_str()).collect();
        assert_eq!(
            colors,
            [
                "--chart1", "--chart2", "--chart3", "--chart4", "--chart5", "--chart6", "--chart7",
                "--chart8", "--chart1", "--chart2"
            ]
        );
        assert!(group_data("operatingSystem", &[]).is_empty());
    }

    #[test]
    fn the_summary_names_the_chart_the_total_and_each_group() {
        let data: Vec<Datum> = group_data("os", &groups(&[("debian", 800), ("alpine", 404)]))
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        assert_eq!(
            chart_summary(Shape::Bars, 1204, "images", &data),
            "Bar chart of 1,204 images: debian 800, alpine 404"
        );
        assert_eq!(
            chart_summary(Shape::Donut, 5, "containers", &data[..1]),
            "Donut chart of 5 containers: debian 800"
        );
    }
}

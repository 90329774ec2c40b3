//! What the widget library offers: widget templates grouped by subject, and the dashboards of
//! `shared/spec/dashboard.md` ("Templates shipped") built from them. A first-time user lands on
//! [`vulnerability_overview`].
//!
//! Findings are counted through the images and containers that carry them until the
//! `vulnerability` entity exists; no template asks for it yet.

use super::{Dashboard, Widget, WidgetEntity, WidgetKind, SCHEMA_VERSION};
use crate::grid::{self, Layout, COLUMNS};

/// The library's sections, in the order the console shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Vulnerabilities,
    Sensors,
    Images,
    Containers,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Vulnerabilities,
        Group::Sensors,
        Group::Images,
        Group::Containers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Vulnerabilities => "Vulnerabilities",
            Group::Sensors => "Sensors",
            Group::Images => "Images",
            Group::Containers => "Containers",
        }
    }
}

/// The size a new widget of `kind` takes, and the smallest it can be drawn legibly at.
pub fn default_layout(kind: WidgetKind) -> Layout {
    match kind {
        WidgetKind::Count => Layout::new(0, 0, 6, 4).with_min(4, 3),
        WidgetKind::Ratio => Layout::new(0, 0, 6, 4).with_min(4, 3),
        WidgetKind::Bar => Layout::new(0, 0, 12, 8).with_min(6, 5),
        WidgetKind::Pie => Layout::new(0, 0, 8, 8).with_min(6, 6),
        WidgetKind::Table => Layout::new(0, 0, 12, 8).with_min(8, 5),
        WidgetKind::Trend => Layout::new(0, 0, 12, 6).with_min(6, 4),
    }
}

/// A widget of the library: its id is the template's, its layout the kind's default.
fn widget(id: &str, kind: WidgetKind, entity: WidgetEntity, title: &str, query: &str) -> Widget {
    Widget {
        id: id.into(),
        kind,
        title: title.into(),
        entity,
        query: query.into(),
        base_query: None,
        group_by: None,
        limit: None,
        columns: None,
        sort: None,
        days: None,
        series: None,
        layout: default_layout(kind),
    }
}

fn grouped(mut w: Widget, group_by: &str, limit: u32) -> Widget {
    w.group_by = Some(group_by.into());
    w.limit = Some(limit);
    w
}

fn ratio(mut w: Widget, base: &str) -> Widget {
    w.base_query = Some(base.into());
    w
}

fn table(mut w: Widget, columns: &[&str], sort: &str, limit: u32) -> Widget {
    w.columns = Some(columns.iter().map(|c| c.to_string()).collect());
    w.sort = Some(sort.into());
    w.limit = Some(limit);
    w
}

fn sized(mut w: Widget, width: u32, height: u32) -> Widget {
    w.layout.w = width;
    w.layout.h = height;
    w
}

use WidgetEntity::{Container, Image, Sensor, Vulnerability};
use WidgetKind::{Bar, Count, Pie, Ratio, Table, Trend};

fn daily(mut w: Widget, days: u32) -> Widget {
    w.days = Some(days);
    w
}

/// A trend of rows created per day, computed from their timestamps (history from the first day).
fn created_daily(w: Widget, days: u32) -> Widget {
    let mut w = daily(w, days);
    w.series = Some(crate::TrendSeries::Created);
    w
}

/// Every widget template, with its section.
pub fn widgets() -> Vec<(Group, Widget)> {
    use Group::*;
    vec![
        (
            Vulnerabilities,
            widget(
                "critical-images",
                Count,
                Image,
                "Images with critical vulnerabilities",
                "vulnerabilities.severity:5",
            ),
        ),
        (
            Vulnerabilities,
            widget(
                "high-images",
                Count,
                Image,
                "Images with high-severity vulnerabilities",
                "vulnerabilities.severity:4",
            ),
        ),
        (
            Vulnerabilities,
            ratio(
                widget(
                    "running-critical",
                    Ratio,
                    Container,
                    "Running containers with critical vulnerabilities",
                    "state:RUNNING and vulnerabilities.severity:5",
                ),
                "state:RUNNING",
            ),
        ),
        (
            Vulnerabilities,
            widget(
                "patchable-images",
                Count,
                Image,
                "Images with a patch available",
                "vulnerabilities.patchAvailable:true",
            ),
        ),
        (
            Vulnerabilities,
            grouped(
                widget(
                    "images-by-severity",
                    Bar,
                    Image,
                    "Images by vulnerability severity",
                    "",
                ),
                "vulnerabilities.severity",
                5,
            ),
        ),
        (
            Vulnerabilities,
            grouped(
                widget("top-cves", Bar, Image, "Most widespread CVEs", ""),
                "vulnerabilities.cveids",
                8,
            ),
        ),
        (
            Vulnerabilities,
            grouped(
                widget(
                    "findings-by-severity",
                    Pie,
                    Vulnerability,
                    "Findings by severity",
                    "",
                ),
                "severity",
                5,
            ),
        ),
        (
            Vulnerabilities,
            ratio(
                widget(
                    "fixable-critical-findings",
                    Ratio,
                    Vulnerability,
                    "Critical findings with a fix",
                    "severity:5 and patchAvailable:true",
                ),
                "severity:5",
            ),
        ),
        (
            Vulnerabilities,
            grouped(
                widget(
                    "top-vulnerable-packages",
                    Bar,
                    Vulnerability,
                    "Packages with the most critical findings",
                    "severity:5",
                ),
                "software.name",
                8,
            ),
        ),
        (
            Vulnerabilities,
            daily(
                widget(
                    "critical-trend",
                    Trend,
                    Image,
                    "Images with critical vulnerabilities, per day",
                    "vulnerabilities.severity:5",
                ),
                30,
            ),
        ),
        (
            Vulnerabilities,
            table(
                widget(
                    "top-vulnerable-images",
                    Table,
                    Image,
                    "Critical images in the most containers",
                    "vulnerabilities.severity:5",
                ),
                &[
                    "repo.repository",
                    "repo.tag",
                    "associatedContainersCount",
                    "created",
                ],
                "associatedContainersCount:desc",
                8,
            ),
        ),
        (
            Sensors,
            grouped(
                widget("sensors-by-status", Pie, Sensor, "Sensors by status", ""),
                "status",
                10,
            ),
        ),
        (
            Sensors,
            grouped(
                widget("sensors-by-version", Bar, Sensor, "Sensors by version", ""),
                "sensorVersion",
                10,
            ),
        ),
        (
            Sensors,
            widget(
                "sensor-updates",
                Count,
                Sensor,
                "Sensors with an update available",
                "updateAvailable:true",
            ),
        ),
        (
            Sensors,
            table(
                widget(
                    "sensor-checkins",
                    Table,
                    Sensor,
                    "Longest since last check-in",
                    "",
                ),
                &["hostname", "status", "sensorVersion", "lastCheckedIn"],
                "lastCheckedIn:asc",
                10,
            ),
        ),
        (
            Images,
            grouped(
                widget("images-by-registry", Pie, Image, "Images by registry", ""),
                "repo.registry",
                8,
            ),
        ),
        (
            Images,
            grouped(
                widget("images-by-os", Bar, Image, "Images by operating system", ""),
                "operatingSystem",
                8,
            ),
        ),
        (
            Images,
            created_daily(
                widget("images-created", Trend, Image, "Images created per day", ""),
                30,
            ),
        ),
        (
            Images,
            widget(
                "unused-images",
                Count,
                Image,
                "Images with no container",
                "associatedContainersCount:0",
            ),
        ),
        (
            Containers,
            grouped(
                widget(
                    "containers-by-state",
                    Pie,
                    Container,
                    "Containers by state",
                    "",
                ),
                "state",
                10,
            ),
        ),
        (
            Containers,
            ratio(
                widget(
                    "root-containers",
                    Ratio,
                    Container,
                    "Running containers as root",
                    "state:RUNNING and isRoot:true",
                ),
                "state:RUNNING",
            ),
        ),
        (
            Containers,
            grouped(
                widget(
                    "containers-by-cluster",
                    Bar,
                    Container,
                    "Containers by cluster",
                    "",
                ),
                "cluster.name",
                10,
            ),
        ),
        (
            Containers,
            grouped(
                widget(
                    "containers-by-namespace",
                    Bar,
                    Container,
                    "Containers by namespace",
                    "",
                ),
                "cluster.namespace",
                10,
            ),
        ),
        (
            Containers,
            daily(
                widget(
                    "running-trend",
                    Trend,
                    Container,
                    "Running containers, per day",
                    "state:RUNNING",
                ),
                30,
            ),
        ),
        (
            Containers,
            widget(
                "privileged-containers",
                Count,
                Container,
                "Privileged running containers",
                "state:RUNNING and privileged:true",
            ),
        ),
    ]
}

/// The widget template `id` (a copy to add to a dashboard).
pub fn widget_template(id: &str) -> Option<Widget> {
    widgets().into_iter().map(|(_, w)| w).find(|w| w.id == id)
}

/// A dashboard template: name, description and its widgets as (template id, width, height),
/// placed in order, each at the highest free place.
struct Plan {
    name: &'static str,
    description: &'static str,
    widgets: &'static [(&'static str, u32, u32)],
}

const PLANS: [Plan; 3] = [
    Plan {
        name: "Vulnerability overview",
        description:
            "Where the critical and high-severity findings are, and which images carry the most.",
        widgets: &[
            ("critical-images", 6, 4),
            ("high-images", 6, 4),
            ("running-critical", 6, 4),
            ("patchable-images", 6, 4),
            ("images-by-severity", 12, 8),
            ("top-cves", 12, 8),
            ("critical-trend", 24, 6),
            ("top-vulnerable-images", 24, 8),
        ],
    },
    Plan {
        name: "Sensor health",
        description: "Sensor status, versions, pending updates and the sensors silent the longest.",
        widgets: &[
            ("sensors-by-status", 8, 8),
            ("sensors-by-version", 10, 8),
            ("sensor-updates", 6, 4),
            ("sensor-checkins", 24, 8),
        ],
    },
    Plan {
        name: "Runtime",
        description: "What runs: containers by state, as root, by cluster and by namespace.",
        widgets: &[
            ("root-containers", 6, 4),
            ("privileged-containers", 6, 4),
            ("containers-by-state", 12, 8),
            ("containers-by-cluster", 12, 8),
            ("containers-by-namespace", 12, 8),
        ],
    },
];

/// The names of the dashboard templates, in the library's order.
pub fn dashboard_names() -> Vec<&'static str> {
    PLANS.iter().map(|p| p.name).collect()
}

/// The dashboard template called `name`, laid out and checked.
pub fn dashboard(name: &str) -> Option<Dashboard> {
    let plan = PLANS.iter().find(|p| p.name == name)?;
    let mut widgets: Vec<Widget> = Vec::new();
    for &(id, w, h) in plan.widgets {
        let mut widget = sized(widget_template(id)?, w.min(COLUMNS), h);
        let layouts: Vec<Layout> = widgets.iter().map(|w| w.layout).collect();
        let at = grid::place_new(&layouts, widget.layout.w, widget.layout.h);
        widget.layout.x = at.x;
        widget.layout.y = at.y;
        widgets.push(widget);
    }
    Some(Dashboard {
        schema_version: SCHEMA_VERSION,
        id: String::new(),
        name: plan.name.into(),
        description: Some(plan.description.into()),
        columns: COLUMNS,
        widgets,
    })
}

/// What a first-time user lands on.
pub fn vulnerability_overview() -> Dashboard {
    dashboard(PLANS[0].name).expect("the first plan names only known templates")
}

/// A fresh widget id for a dashboard that already uses `taken` (`base`, `base-2`, …).
pub fn fresh_id(base: &str, taken: &[&str]) -> String {
    if !taken.contains(&base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken.contains(&c.as_str()))
        .expect("an unbounded range has a free id")
}

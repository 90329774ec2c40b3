//! Reports' files: what a row holds (`rows`) and how the file is written (`file`). The job
//! that generates them is `jobs::reports`; their rows and chunks are `store::reports`.

pub mod file;
pub mod rows;
pub mod schedule;

use crate::store::Entity;
use shipshape_model::report::Template;

/// The records a template's filter is QQL over.
pub fn filter_entity(template: Template) -> Entity {
    if template.over_containers() {
        Entity::Container
    } else {
        Entity::Image
    }
}

/// A report's filter as QQL text (`None`: every record).
pub fn filter_text(filter: Option<&str>) -> Option<&str> {
    filter.filter(|f| !f.trim().is_empty())
}

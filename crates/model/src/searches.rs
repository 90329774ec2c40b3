//! Recent and saved QQL searches (an extension, `/csapi/v1.3/searches`), as the server stores
//! them and the console's search bar shows them. The saved-search name's limit is here so the
//! console's form refuses what the server refuses.

use crate::EpochMillis;
use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Most characters a saved search's name may have (after trimming).
pub const SAVED_SEARCH_NAME_MAX: usize = 100;

/// Why `name` cannot name a saved search, or `None` when it can: 1 to
/// [`SAVED_SEARCH_NAME_MAX`] characters once trimmed.
pub fn saved_search_name_problem(name: &str) -> Option<String> {
    let n = name.trim().chars().count();
    (n == 0 || n > SAVED_SEARCH_NAME_MAX)
        .then(|| format!("must have 1 to {SAVED_SEARCH_NAME_MAX} characters"))
}

/// Which list a search belongs to: its wire name is the list's path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SearchEntity {
    Sensors,
    Images,
    Containers,
    /// Findings, searched in the dashboard's widget builder.
    Vulnerabilities,
    /// The audit log.
    Audit,
}

impl SearchEntity {
    /// The wire name: `"sensors"`, `"images"`, ….
    pub fn as_str(self) -> &'static str {
        self.qql().as_str()
    }

    /// The QQL entity whose grammar the search's query follows.
    pub fn qql(self) -> shipshape_qql::Entity {
        match self {
            SearchEntity::Sensors => shipshape_qql::Entity::Sensor,
            SearchEntity::Images => shipshape_qql::Entity::Image,
            SearchEntity::Containers => shipshape_qql::Entity::Container,
            SearchEntity::Vulnerabilities => shipshape_qql::Entity::Vulnerability,
            SearchEntity::Audit => shipshape_qql::Entity::Audit,
        }
    }
}

impl From<shipshape_qql::Entity> for SearchEntity {
    fn from(e: shipshape_qql::Entity) -> Self {
        match e {
            shipshape_qql::Entity::Sensor => SearchEntity::Sensors,
            shipshape_qql::Entity::Image => SearchEntity::Images,
            shipshape_qql::Entity::Container => SearchEntity::Containers,
            shipshape_qql::Entity::Vulnerability => SearchEntity::Vulnerabilities,
            shipshape_qql::Entity::Audit => SearchEntity::Audit,
        }
    }
}

/// A search the user ran, newest first in [`Searches::recent`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecentSearch {
    pub query: String,
    /// When it was last run.
    pub at: EpochMillis,
}

/// A search kept under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    /// The list's wire name (`"containers"`, …).
    pub entity: String,
    pub query: String,
    pub created: EpochMillis,
}

/// What `GET /searches?entity=…` answers: the user's own searches for that list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Searches {
    #[serde(default)]
    pub recent: Vec<RecentSearch>,
    #[serde(default)]
    pub saved: Vec<SavedSearch>,
}

/// What `POST /searches/recent` takes: a search just run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRecentSearch {
    pub entity: SearchEntity,
    /// Valid QQL for the entity.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 4096, format = "qql")
    )]
    pub query: String,
}

/// What `POST /searches/saved` takes: a search to keep under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    pub entity: SearchEntity,
    /// 1 to 100 characters, not all spaces; unique per user and entity.
    // utoipa takes a literal only: `schema_max_length_is_the_limit` keeps it the constant.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// Valid QQL for the entity.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 4096, format = "qql")
    )]
    pub query: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_has_one_to_the_limit_characters_once_trimmed() {
        assert!(saved_search_name_problem("Running as root").is_none());
        assert!(saved_search_name_problem("").is_some());
        assert!(saved_search_name_problem("   ").is_some());
        let longest = "é".repeat(SAVED_SEARCH_NAME_MAX);
        assert!(
            saved_search_name_problem(&longest).is_none(),
            "characters, not bytes"
        );
        assert!(saved_search_name_problem(&format!("  {longest}  ")).is_none());
        assert_eq!(
            saved_search_name_problem(&format!("{longest}x")).as_deref(),
            Some("must have 1 to 100 characters")
        );
    }

    #[test]
    fn entities_are_the_list_segments_and_map_to_qql_both_ways() {
        for (e, wire) in [
            (SearchEntity::Sensors, "sensors"),
            (SearchEntity::Images, "images"),
            (SearchEntity::Containers, "containers"),
            (SearchEntity::Vulnerabilities, "vulnerabilities"),
            (SearchEntity::Audit, "audit"),
        ] {
            assert_eq!(e.as_str(), wire);
            assert_eq!(serde_json::to_value(e).unwrap(), wire);
            assert_eq!(SearchEntity::from(e.qql()), e);
        }
        assert!(serde_json::from_str::<SearchEntity>("\"boats\"").is_err());
    }

    #[test]
    fn searches_read_times_as_strings_or_numbers() {
        let s: Searches = serde_json::from_str(
            r#"{"recent":[{"query":"isRoot:true","at":"5"},{"query":"q","at":6}],
                "saved":[{"id":"a","name":"n","entity":"images","query":"size>1","created":"7"}]}"#,
        )
        .unwrap();
        assert_eq!(s.recent[0].at, EpochMillis(5));
        assert_eq!(s.recent[1].at, EpochMillis(6));
        assert_eq!(s.saved[0].created, EpochMillis(7));
        assert_eq!(
            serde_json::to_value(&s.recent[0]).unwrap(),
            serde_json::json!({"query": "isRoot:true", "at": "5"})
        );
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn schema_max_length_is_the_limit() {
        use utoipa::openapi::schema::Schema;
        use utoipa::openapi::RefOr;
        use utoipa::PartialSchema;
        let RefOr::T(Schema::Object(body)) = NewSavedSearch::schema() else {
            panic!("an object schema");
        };
        let Some(RefOr::T(Schema::Object(name))) = body.properties.get("name") else {
            panic!("a name property");
        };
        assert_eq!(name.max_length, Some(SAVED_SEARCH_NAME_MAX));
    }
}

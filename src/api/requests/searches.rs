//! A list's recent and saved searches.

use super::{segment, BASE};
use shipshape_model::{Method, RequestSpec};

/// `GET /csapi/v1.3/searches?entity=…`: the user's recent and saved searches for a list.
pub fn searches(entity: shipshape_model::searches::SearchEntity) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/searches")).param("entity", entity.as_str())
}

/// `POST /csapi/v1.3/searches/recent`: a search just run (answered 204).
pub fn add_recent_search(search: &shipshape_model::searches::NewRecentSearch) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/searches/recent"))
        .json(serde_json::to_string(search).unwrap_or_default())
}

/// `POST /csapi/v1.3/searches/saved` → 201 and the saved search.
pub fn save_search(search: &shipshape_model::searches::NewSavedSearch) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/searches/saved"))
        .json(serde_json::to_string(search).unwrap_or_default())
}

/// `DELETE /csapi/v1.3/searches/saved/{id}` → 204.
pub fn delete_saved_search(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/searches/saved/{}", segment(id)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_requests_speak_the_searches_api() {
        use shipshape_model::searches::{NewRecentSearch, NewSavedSearch, SearchEntity};
        assert_eq!(
            searches(SearchEntity::Containers).path_and_query(),
            "/csapi/v1.3/searches?entity=containers"
        );
        let recent = add_recent_search(&NewRecentSearch {
            entity: SearchEntity::Images,
            query: "size>1".into(),
        });
        assert_eq!(recent.path_and_query(), "/csapi/v1.3/searches/recent");
        assert_eq!(
            recent.body.unwrap().encoded(),
            r#"{"entity":"images","query":"size>1"}"#
        );
        let saved = save_search(&NewSavedSearch {
            entity: SearchEntity::Audit,
            name: "Mine".into(),
            query: "actor:admin".into(),
        });
        assert_eq!(saved.method, Method::Post);
        assert_eq!(
            saved.body.unwrap().encoded(),
            r#"{"entity":"audit","name":"Mine","query":"actor:admin"}"#
        );
        let gone = delete_saved_search("a/b");
        assert_eq!(gone.method, Method::Delete);
        assert_eq!(gone.path_and_query(), "/csapi/v1.3/searches/saved/a%2Fb");
    }
}

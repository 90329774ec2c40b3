//! A list's records: a page of them, one record and its sub-resources, counts and
//! aggregates over a filter, deletion and its job, and the scanner-report import.

use super::{segment, BASE};
use shipshape_model::{Method, RequestSpec, TrendSeries};

/// `GET /csapi/v1.3/{entity}` with the list parameters in the API's own names.
pub fn list(entity: &str, filter: &str, sort: &str, page: u32, size: u32) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/{entity}"))
        .param_opt("filter", Some(filter))
        .param("sort", sort)
        .param("pageNumber", page.to_string())
        .param("pageSize", size.to_string())
        .param("include", "extensions")
}

/// `GET /csapi/v1.3/{entity}/{id}` (with the console's `include=extensions`).
pub fn detail(entity: &str, id: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/{entity}/{}", segment(id))).param("include", "extensions")
}

/// A sub-resource of one record, such as `/images/{sha}/association`.
pub fn sub(entity: &str, id: &str, what: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/{entity}/{}/{what}", segment(id)))
}

/// `DELETE /csapi/v1.3/{entity}` with `{"<field>": [ids]}`.
pub fn delete(entity: &str, field: &str, ids: &[String]) -> RequestSpec {
    let body = serde_json::json!({ field: ids }).to_string();
    RequestSpec::new(Method::Delete, format!("{BASE}/{entity}")).json(body)
}

/// `GET /csapi/v1.3/jobs/{id}`: a deletion job's progress and outcome.
pub fn job(id: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/jobs/{}", segment(id)))
}

/// `GET /csapi/v1.3/{entity}?filter=…&pageSize=1`: the count of matching rows (a list's
/// `count`), the cheapest question the compatible API answers.
pub fn count(entity: &str, filter: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/{entity}"))
        .param_opt("filter", Some(filter))
        .param("pageSize", "1")
}

/// `GET /csapi/v1.3/{entity}/aggregate`: matching rows counted per value of `group_by`.
pub fn aggregate(entity: &str, filter: &str, group_by: &str, limit: u32) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/{entity}/aggregate"))
        .param_opt("filter", Some(filter))
        .param("groupBy", group_by)
        .param("limit", limit.to_string())
}

/// `GET /csapi/v1.3/{entity}/trend`: the filter per day over the last `days` days: its
/// recorded count, or (`series=created`) how many matching rows were created each day.
pub fn trend(entity: &str, filter: &str, days: u32, series: TrendSeries) -> RequestSpec {
    let spec = RequestSpec::get(format!("{BASE}/{entity}/trend"))
        .param_opt("filter", Some(filter))
        .param("days", days.to_string());
    match series {
        TrendSeries::Count => spec,
        TrendSeries::Created => spec.param("series", series.as_str().to_string()),
    }
}

/// `GET /csapi/v1.3/sensors/{uuid}/activity`: the scans due and the last events.
pub fn sensor_activity(uuid: &str) -> RequestSpec {
    sub("sensors", uuid, "activity")
}

/// `POST /csapi/v1.3/images/import` with a scanner report's text as the body.
pub fn import_report(report: &str) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/images/import")).json(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_uses_the_api_parameter_names_and_asks_for_extensions() {
        let r = list("images", "os:debian", "created:desc", 2, 50);
        assert_eq!(
            r.path_and_query(),
            "/csapi/v1.3/images?filter=os%3Adebian&sort=created%3Adesc&pageNumber=2&pageSize=50&include=extensions"
        );
        assert!(list("images", "", "created:desc", 1, 50)
            .query_value("filter")
            .is_none());
    }

    #[test]
    fn delete_sends_the_ids_as_json() {
        let r = delete("sensors", "sensorIds", &["a".into(), "b".into()]);
        assert_eq!(r.body.unwrap().encoded(), r#"{"sensorIds":["a","b"]}"#);
    }
}

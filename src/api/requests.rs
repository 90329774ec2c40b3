//! The requests the console makes, as `RequestSpec`s. Building them here (and nowhere else)
//! keeps the console's fetch and the "API request" panel's snippets the same value.

use shipshape_model::profile::SensorProfileBody;
use shipshape_model::release::SensorRelease;
use shipshape_model::retention::RetentionPolicy;
use shipshape_model::{Method, RequestSpec, TrendSeries};

pub const BASE: &str = "/csapi/v1.3";

/// `POST /auth` with the form the compatible API expects; the answer is the bare JWT.
pub fn sign_in(username: &str, password: &str) -> RequestSpec {
    RequestSpec::new(Method::Post, "/auth")
        .form(vec![
            ("username".into(), username.into()),
            ("password".into(), password.into()),
            ("token".into(), "true".into()),
        ])
        .without_auth()
}

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

/// `GET /csapi/v1.3/dashboards`: the dashboards the user can see.
pub fn dashboards() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/dashboards"))
}

/// `GET /csapi/v1.3/dashboards/{id}` (its `ETag` is the version to save against).
pub fn dashboard(id: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/dashboards/{}", segment(id)))
}

/// `POST /csapi/v1.3/dashboards` with the document.
pub fn create_dashboard(doc: &shipshape_model::Dashboard) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/dashboards")).json(to_json(doc))
}

/// `PUT /csapi/v1.3/dashboards/{id}` with `If-Match` naming the version it was loaded at.
pub fn save_dashboard(doc: &shipshape_model::Dashboard, etag: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/dashboards/{}", segment(&doc.id)),
    )
    .header("If-Match", etag)
    .json(to_json(doc))
}

/// `DELETE /csapi/v1.3/dashboards/{id}`.
pub fn delete_dashboard(id: &str) -> RequestSpec {
    RequestSpec::new(Method::Delete, format!("{BASE}/dashboards/{}", segment(id)))
}

/// `POST /csapi/v1.3/dashboards/{id}/duplicate`.
pub fn duplicate_dashboard(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/dashboards/{}/duplicate", segment(id)),
    )
}

/// `PUT /csapi/v1.3/dashboards/landing` with `{"id": …}`.
pub fn set_landing(id: Option<&str>) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/dashboards/landing"))
        .json(serde_json::json!({ "id": id }).to_string())
}

/// `PUT /csapi/v1.3/dashboards/{id}/sharing` with `{"shared": …}`.
pub fn share_dashboard(id: &str, shared: bool) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/dashboards/{}/sharing", segment(id)),
    )
    .json(serde_json::json!({ "shared": shared }).to_string())
}

/// `GET /csapi/v1.3/settings/dataRetention` (its `ETag` is the version to save against).
pub fn retention() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/dataRetention"))
}

/// `PUT /csapi/v1.3/settings/dataRetention` with `If-Match`.
pub fn save_retention(policy: &RetentionPolicy, etag: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/settings/dataRetention"))
        .header("If-Match", etag)
        .json(serde_json::to_string(policy).unwrap_or_default())
}

/// `POST /csapi/v1.3/settings/dataRetention/preview`: what `policy` would purge now.
pub fn preview_retention(policy: &RetentionPolicy) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/settings/dataRetention/preview"),
    )
    .json(serde_json::to_string(policy).unwrap_or_default())
}

/// `POST /csapi/v1.3/settings/dataRetention/run`: a purge with the saved policy, now.
pub fn run_retention() -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/settings/dataRetention/run"))
}

/// `GET /csapi/v1.3/settings/dataRetention/history`: past purge runs, newest first.
pub fn retention_history() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/dataRetention/history")).param("limit", "20")
}

/// `GET /csapi/v1.3/settings/sensorRelease`.
pub fn sensor_release() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/sensorRelease"))
}

/// `PUT /csapi/v1.3/settings/sensorRelease` with `If-Match`.
pub fn save_sensor_release(release: &SensorRelease, etag: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/settings/sensorRelease"))
        .header("If-Match", etag)
        .json(serde_json::to_string(release).unwrap_or_default())
}

/// `GET /csapi/v1.3/sensorProfile`: every profile, Default first.
pub fn profiles() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/sensorProfile"))
}

/// `POST /csapi/v1.3/sensorProfile` (new) or `PUT …/{id}` with `If-Match` (a change).
pub fn save_profile(id: Option<&str>, body: &SensorProfileBody, version: i64) -> RequestSpec {
    let json = serde_json::to_string(body).unwrap_or_default();
    match id {
        None => RequestSpec::new(Method::Post, format!("{BASE}/sensorProfile")).json(json),
        Some(id) => RequestSpec::new(Method::Put, format!("{BASE}/sensorProfile/{}", segment(id)))
            .header("If-Match", format!("\"{version}\""))
            .json(json),
    }
}

/// `DELETE /csapi/v1.3/sensorProfile/{id}`.
pub fn delete_profile(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/sensorProfile/{}", segment(id)),
    )
}

/// `POST /auth/logout`: the current token is refused from then on.
pub fn sign_out() -> RequestSpec {
    RequestSpec::new(Method::Post, "/auth/logout")
}

/// `GET /csapi/v1.3/users`: every user (admins).
pub fn users() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/users"))
}

/// `POST /csapi/v1.3/users`.
pub fn create_user(user: &shipshape_model::access::NewUser) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/users"))
        .json(serde_json::to_string(user).unwrap_or_default())
}

/// `PATCH /csapi/v1.3/users/{name}`: a new role and/or state.
pub fn change_user(name: &str, change: &shipshape_model::access::UserChange) -> RequestSpec {
    RequestSpec::new(Method::Patch, format!("{BASE}/users/{}", segment(name)))
        .json(serde_json::to_string(change).unwrap_or_default())
}

/// `PUT /csapi/v1.3/users/{name}/password`: an admin's reset.
pub fn reset_password(name: &str, password: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/users/{}/password", segment(name)),
    )
    .json(serde_json::json!({ "newPassword": password }).to_string())
}

/// `POST /csapi/v1.3/users/{name}/signout`: every session of the user ends.
pub fn sign_out_everywhere(name: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/users/{}/signout", segment(name)),
    )
}

/// `PUT /csapi/v1.3/me/password`; the answer carries a new token.
pub fn change_own_password(current: &str, new: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/me/password"))
        .json(serde_json::json!({ "currentPassword": current, "newPassword": new }).to_string())
}

/// `GET /csapi/v1.3/tokens`: the caller's service tokens (an admin's: everyone's).
pub fn tokens() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/tokens"))
}

/// `POST /csapi/v1.3/tokens`.
pub fn create_token(token: &shipshape_model::access::NewServiceToken) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/tokens"))
        .json(serde_json::to_string(token).unwrap_or_default())
}

/// `DELETE /csapi/v1.3/tokens/{id}`.
pub fn revoke_token(id: &str) -> RequestSpec {
    RequestSpec::new(Method::Delete, format!("{BASE}/tokens/{}", segment(id)))
}

fn to_json(doc: &shipshape_model::Dashboard) -> String {
    serde_json::to_string(doc).unwrap_or_default()
}

/// Ids come from the URL; encode them so that a stray `/` or `?` cannot change the path.
fn segment(id: &str) -> String {
    shipshape_model::request::percent_encode(id)
}

/// `GET /csapi/v1.3/activationKeys`: the keys sensors register with (never their secrets).
pub fn activation_keys() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/activationKeys"))
}

/// `POST /csapi/v1.3/activationKeys`: a new key, shown once.
pub fn create_activation_key(key: &shipshape_model::sensorapi::NewActivationKey) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/activationKeys"))
        .json(serde_json::to_string(key).unwrap_or_default())
}

/// `DELETE /csapi/v1.3/activationKeys/{id}`: it registers no more sensors.
pub fn revoke_activation_key(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/activationKeys/{}", segment(id)),
    )
}

/// `GET /csapi/v1.3/sensors/{uuid}/activity`: the scans due and the last events.
pub fn sensor_activity(uuid: &str) -> RequestSpec {
    sub("sensors", uuid, "activity")
}

/// `POST /csapi/v1.3/images/import` with a scanner report's text as the body.
pub fn import_report(report: &str) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/images/import")).json(report)
}

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

/// `GET /csapi/v1.3/reports`: the reports, newest first (with the extensions: rows, size,
/// expiry, why one failed).
pub fn reports(filter: &str, page: u32, size: u32) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/reports"))
        .param_opt("filter", Some(filter))
        .param("sort", "createdAt:desc")
        .param("pageNumber", page.to_string())
        .param("pageSize", size.to_string())
        .param("include", "extensions")
}

/// `POST /csapi/v1.3/reports` → 201 and the new report's UUID.
pub fn create_report(req: &shipshape_model::report::ReportRequest) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/reports"))
        .json(serde_json::to_string(req).unwrap_or_default())
}

/// `GET /csapi/v1.3/reports/count`: the rows a report would have now.
pub fn report_count(template: &str, filter: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/reports/count"))
        .param("templateName", template)
        .param_opt("filter", Some(filter))
}

/// `GET /csapi/v1.3/reports/{uuid}/download`: the file.
pub fn download_report(uuid: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/reports/{}/download", segment(uuid)))
}

/// `DELETE /csapi/v1.3/reports?reportUuids=…`.
pub fn delete_reports(uuids: &[String]) -> RequestSpec {
    RequestSpec::new(Method::Delete, format!("{BASE}/reports"))
        .param("reportUuids", uuids.join(","))
}

/// `GET /csapi/v1.3/reports/schedule`: every schedule with its next run.
pub fn schedules() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/reports/schedule"))
}

/// `POST /csapi/v1.3/reports/schedule` (new) or `PUT …/{id}` (a change).
pub fn save_schedule(
    id: Option<&str>,
    req: &shipshape_model::report::ScheduleRequest,
) -> RequestSpec {
    let body = serde_json::to_string(req).unwrap_or_default();
    match id {
        None => RequestSpec::new(Method::Post, format!("{BASE}/reports/schedule")).json(body),
        Some(id) => RequestSpec::new(
            Method::Put,
            format!("{BASE}/reports/schedule/{}", segment(id)),
        )
        .json(body),
    }
}

/// `POST /csapi/v1.3/reports/schedule/{id}/{action}`: `pause`, `resume` or `run` (a report now).
pub fn schedule_action(id: &str, action: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/reports/schedule/{}/{action}", segment(id)),
    )
}

/// `DELETE /csapi/v1.3/reports/schedule/{id}`.
pub fn delete_schedule(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/reports/schedule/{}", segment(id)),
    )
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

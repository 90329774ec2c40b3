//! Reports and their schedules.

use super::{segment, BASE};
use shipshape_model::{Method, RequestSpec};

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

/// `GET /csapi/v1.3/reports/schedule/{id}`: one schedule, for its editor.
pub fn schedule(id: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/reports/schedule/{}", segment(id)))
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
    use shipshape_model::report::ScheduleRequest;

    #[test]
    fn a_schedule_is_read_run_and_deleted_at_its_encoded_id() {
        let one = schedule("a/b?c");
        assert_eq!(one.method, Method::Get);
        assert_eq!(
            one.path_and_query(),
            "/csapi/v1.3/reports/schedule/a%2Fb%3Fc"
        );
        let run = schedule_action("a/b", "run");
        assert_eq!(run.method, Method::Post);
        assert_eq!(
            run.path_and_query(),
            "/csapi/v1.3/reports/schedule/a%2Fb/run"
        );
        let gone = delete_schedule("a/b");
        assert_eq!(gone.method, Method::Delete);
        assert_eq!(gone.path_and_query(), "/csapi/v1.3/reports/schedule/a%2Fb");
    }

    #[test]
    fn a_new_schedule_is_posted_and_a_change_is_put_with_the_same_body() {
        let req = ScheduleRequest {
            name: "Weekly".into(),
            template_name: "CS_Images".into(),
            expire_after: 7,
            event_time: "2026-12-07T08:00:00Z".into(),
            ..ScheduleRequest::default()
        };
        let new = save_schedule(None, &req);
        assert_eq!(new.method, Method::Post);
        assert_eq!(new.path_and_query(), "/csapi/v1.3/reports/schedule");
        let change = save_schedule(Some("s 1"), &req);
        assert_eq!(change.method, Method::Put);
        assert_eq!(
            change.path_and_query(),
            "/csapi/v1.3/reports/schedule/s%201"
        );
        let body = new.body.unwrap().encoded();
        assert_eq!(change.body.unwrap().encoded(), body);
        let sent: ScheduleRequest = serde_json::from_str(&body).unwrap();
        assert_eq!(sent, req);
    }
}

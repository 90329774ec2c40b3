//! `GET /csapi/v1.3/{sensors|images|containers}/trend` (extension): a filter per UTC day, for
//! the dashboard's trend widgets. `series=count` (the default): the filter's count as recorded
//! each day; reading a trend takes today's point when the day has none yet, past days have the
//! points the daily snapshot took (`store::trends`). `series=created`: how many matching rows
//! were created each day, computed from their stored `created` timestamps for every day.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::{parse_filter, qql_schema, Params};
use crate::store::trends::{day_of, DAY_MS};
use crate::store::Entity;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use shipshape_model::{TrendDays, TrendPoint, TrendResponse, TrendSeries};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trend_sensors))
        .routes(routes!(trend_images))
        .routes(routes!(trend_containers))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    #[param(schema_with = qql_schema)]
    pub filter: Option<String>,
    /// How many days, today included.
    #[param(inline)]
    pub days: Option<TrendDays>,
    /// What each day's point is: `count` (recorded daily, the default) or `created`.
    #[param(inline)]
    pub series: Option<TrendSeries>,
}

async fn trend(state: &AppState, entity: Entity, p: TrendParams) -> Result<Response, ApiError> {
    let now = crate::store::now_ms();
    let filter = parse_filter(entity, p.filter.as_deref(), now)?;
    let days = p.days.unwrap_or_default().get();
    let series = p.series.unwrap_or_default();
    let today = day_of(now);
    let from = today - i64::from(days) + 1;
    let points = match series {
        TrendSeries::Count => {
            state.store.trend_point(&filter, now).await?;
            state
                .store
                .trend_points(&filter, from, today)
                .await?
                .into_iter()
                .map(|(day, count)| (day, count.max(0) as u64))
                .collect()
        }
        TrendSeries::Created => state.store.created_per_day(&filter, from, today).await?,
    };
    let points = points
        .into_iter()
        .map(|(day, count)| TrendPoint {
            day: date(day),
            count,
        })
        .collect();
    Ok(json(&TrendResponse {
        days,
        series,
        points,
    }))
}

/// `YYYY-MM-DD` of a UTC day number.
fn date(day: i64) -> String {
    chrono::DateTime::from_timestamp_millis(day * DAY_MS)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/sensors/trend", tag = "dashboards", params(TrendParams),
    responses((status = 200, body = TrendResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn trend_sensors(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<TrendParams>,
) -> Result<Response, ApiError> {
    trend(&state, Entity::Sensor, p).await
}

#[utoipa::path(get, path = "/images/trend", tag = "dashboards", params(TrendParams),
    responses((status = 200, body = TrendResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn trend_images(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<TrendParams>,
) -> Result<Response, ApiError> {
    trend(&state, Entity::Image, p).await
}

#[utoipa::path(get, path = "/containers/trend", tag = "dashboards", params(TrendParams),
    responses((status = 200, body = TrendResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn trend_containers(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<TrendParams>,
) -> Result<Response, ApiError> {
    trend(&state, Entity::Container, p).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_utc_dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(20_789), "2026-12-02");
    }
}

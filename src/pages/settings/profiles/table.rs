//! The profiles list: each profile's scan interval, windows, sensors (and those another
//! profile outranks it for) and where it stands against its windows now.

use super::text::{short_window, window_text};
use super::Editing;
use crate::format::thousands;
use leptos::prelude::*;
use shipshape_model::profile::{SensorProfile, WindowSchedule};

#[component]
pub(super) fn ProfileTable(
    profiles: Vec<SensorProfile>,
    editing: RwSignal<Editing>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid="profiles-table">
                <thead><tr>
                    <th scope="col">"Profile"</th><th scope="col">"Scan every"</th><th scope="col">"Inactive windows"</th>
                    <th scope="col" class="num">"Sensors"</th><th scope="col">"Now"</th>
                </tr></thead>
                <tbody>
                    {profiles.into_iter().map(|p| {
                        let windows = p.config.weekly_blackout_window_schedules.iter().map(WindowSchedule::describe).collect::<Vec<_>>();
                        let outranked = p.claimed.saturating_sub(p.sensor_count);
                        let state = window_text(&p.window);
                        let name = p.profile_name.clone();
                        let row_name = name.clone();
                        let edit = p.clone();
                        view! {
                            <tr data-testid="profile-row" data-name=row_name>
                                <td>
                                    <button type="button" class="link-button" data-testid="profile-edit"
                                        on:click=move |_| editing.set(Editing::Existing(edit.clone()))>{name}</button>
                                    {p.is_default.then(|| view! { <span class="badge">"Default"</span> })}
                                    {p.description.map(|d| view! { <div class="muted small">{d}</div> })}
                                </td>
                                <td>{format!("{} h", p.config.vulnerability_management.container_scanning_interval)}</td>
                                <td>
                                    {if windows.is_empty() { "None".to_string() } else { windows.join("; ") }}
                                    {(!windows.is_empty()).then(|| view! { <div class="muted small">{p.config.time_zone.clone()}</div> })}
                                </td>
                                <td class="num">
                                    {thousands(p.sensor_count)}
                                    {(outranked > 0).then(|| view! {
                                        <div class="muted small" data-testid="outranked">{format!("{} more go to profiles assigned later", thousands(outranked))}</div>
                                    })}
                                </td>
                                <td class="small" class:window-inside=p.window.inside data-testid="profile-window"
                                    title=state.clone()>{short_window(&p.window)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

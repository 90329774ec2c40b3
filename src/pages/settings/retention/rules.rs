//! The policy's rules: one per kind with a period (on/off, a preset or a custom number of days,
//! the preview's count) and the container states the container rule purges.

use super::preview::count_text;
use crate::pages::settings::form::FieldError;
use leptos::prelude::*;
use shipshape_model::retention::{
    preset_label, Kind, RetentionCounts, RetentionPolicy, PRESETS, PURGEABLE_STATES,
};

/// The custom days box: a whole number of days; anything else (empty, negative, too large)
/// is 0, which the policy's validator refuses with its message.
fn parse_days(text: &str) -> u32 {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(0)
}

/// One rule with a period: on/off, a preset or a custom number of days, the preview's count.
#[component]
pub(super) fn Rule(
    kind: Kind,
    draft: RwSignal<RetentionPolicy>,
    admin: bool,
    preview: RwSignal<Option<Result<RetentionCounts, String>>>,
    totals: RwSignal<Option<RetentionCounts>>,
    title: &'static str,
    what: &'static str,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let get = move |d: &RetentionPolicy| match kind {
        Kind::Sensors => (d.rules.sensors.enabled, d.rules.sensors.days),
        Kind::Containers => (d.rules.containers.enabled, d.rules.containers.days),
        _ => (d.rules.images.enabled, d.rules.images.days),
    };
    let set_days = move |days: u32| {
        draft.update(|d| match kind {
            Kind::Sensors => d.rules.sensors.days = days,
            Kind::Containers => d.rules.containers.days = days,
            _ => d.rules.images.days = days,
        })
    };
    let set_on = move |on: bool| {
        draft.update(|d| match kind {
            Kind::Sensors => d.rules.sensors.enabled = on,
            Kind::Containers => d.rules.containers.enabled = on,
            _ => d.rules.images.enabled = on,
        })
    };
    let custom = RwSignal::new(preset_label(draft.with_untracked(|d| get(d).1)).is_none());
    let id = kind.as_str();
    let field = format!("rules.{id}.days");
    view! {
        <div class="rule" data-testid=format!("rule-{id}")>
            <label class="rule-name">
                <input type="checkbox" data-testid=format!("rule-{id}-enabled") disabled=!admin
                    prop:checked=move || draft.with(|d| get(d).0)
                    on:change=move |ev| set_on(event_target_checked(&ev)) />
                <strong>{title}</strong>
            </label>
            <span class="rule-what muted">{what}</span>
            <span class="rule-period">
                <select class="input" aria-label=format!("{title}: period") data-testid=format!("rule-{id}-preset") disabled=!admin
                    prop:value=move || if custom.get() { "custom".to_string() } else { draft.with(|d| get(d).1).to_string() }
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        match v.parse::<u32>() {
                            Ok(days) => { custom.set(false); set_days(days) }
                            Err(_) => custom.set(true),
                        }
                    }>
                    {PRESETS.iter().map(|(label, days)| view! { <option value=days.to_string()>{*label}</option> }).collect_view()}
                    <option value="custom">"Custom…"</option>
                </select>
                {move || custom.get().then(|| view! {
                    <input type="number" class="input days" min="1" max="365" step="1" disabled=!admin
                        aria-label=format!("{title}: days") data-testid=format!("rule-{id}-days")
                        aria-invalid=move || problem.get().is_some().to_string()
                        prop:value=move || draft.with(|d| get(d).1).to_string()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            set_days(parse_days(&v))
                        } />
                    <span class="muted">"days"</span>
                })}
            </span>
            <span class="rule-count" data-testid=format!("preview-{id}")
                title="How many records this rule would purge now">
                {move || count_text(preview.get(), totals.get(), kind)}
            </span>
            <FieldError message=problem field />
        </div>
    }
}

/// The container states the container rule purges.
#[component]
pub(super) fn StatesPick(
    draft: RwSignal<RetentionPolicy>,
    admin: bool,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="states" data-testid="rule-containers-states">
            <legend class="muted">"Container states purged (running containers never are)"</legend>
            {PURGEABLE_STATES.iter().map(|state| {
                let state: &'static str = state;
                view! {
                    <label class="check-label">
                        <input type="checkbox" data-testid=format!("state-{state}") disabled=!admin
                            prop:checked=move || draft.with(|d| d.rules.containers.states.iter().any(|s| s == state))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| {
                                    let s = &mut d.rules.containers.states;
                                    s.retain(|x| x != state);
                                    if on {
                                        s.push(state.to_string());
                                        s.sort_by_key(|x| PURGEABLE_STATES.iter().position(|p| p == x));
                                    }
                                })
                            } />
                        {state}
                    </label>
                }
            }).collect_view()}
            <FieldError message=problem field="rules.containers.states" />
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_days_read_whole_numbers_and_zero_otherwise() {
        assert_eq!(parse_days("30"), 30);
        assert_eq!(parse_days(" 365 "), 365);
        for bad in ["", "abc", "-5", "1.5", "99999999999"] {
            assert_eq!(parse_days(bad), 0, "{bad:?}");
        }
    }
}

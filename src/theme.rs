//! Light and dark themes: follow the system until the user picks one, then remember the pick.
//! The colours themselves are CSS custom properties in `style/main.css`; this only sets
//! `data-theme` on `<html>` (index.html applies the remembered pick before the wasm loads).

use leptos::prelude::*;

const THEME_KEY: &str = "shipshape.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    fn next(self) -> Self {
        match self {
            ThemeChoice::System => ThemeChoice::Light,
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Theme: system",
            ThemeChoice::Light => "Theme: light",
            ThemeChoice::Dark => "Theme: dark",
        }
    }
}

#[derive(Clone, Copy)]
pub struct Theme(RwSignal<ThemeChoice>);

pub fn provide_theme() -> Theme {
    let stored = local_storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
    let choice = match stored.as_deref() {
        Some("light") => ThemeChoice::Light,
        Some("dark") => ThemeChoice::Dark,
        _ => ThemeChoice::System,
    };
    let theme = Theme(RwSignal::new(choice));
    Effect::new(move |_| apply(theme.0.get()));
    provide_context(theme);
    theme
}

impl Theme {
    /// Subscribes the caller to theme changes (charts redraw in the new colours).
    pub fn track(&self) {
        self.0.track();
    }
}

pub fn use_theme() -> Theme {
    expect_context::<Theme>()
}

fn apply(choice: ThemeChoice) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let storage = local_storage();
    match choice {
        ThemeChoice::System => {
            let _ = root.remove_attribute("data-theme");
            if let Some(s) = storage {
                let _ = s.remove_item(THEME_KEY);
            }
        }
        ThemeChoice::Light | ThemeChoice::Dark => {
            let v = if choice == ThemeChoice::Light {
                "light"
            } else {
                "dark"
            };
            let _ = root.set_attribute("data-theme", v);
            if let Some(s) = storage {
                let _ = s.set_item(THEME_KEY, v);
            }
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The top bar's theme button: system → light → dark → system.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = use_theme();
    view! {
        <button
            type="button"
            class="btn btn-ghost"
            data-testid="theme-toggle"
            title="Switch between the system theme, light and dark"
            on:click=move |_| theme.0.update(|c| *c = c.next())
        >
            {move || theme.0.get().label()}
        </button>
    }
}

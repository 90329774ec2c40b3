//! The app: contexts (session, theme, clipboard) and the routes.

use crate::components::clipboard::provide_last_copied;
use crate::components::shell::Shell;
use crate::pages::audit::AuditPage;
use crate::pages::containers::{ContainerDetail, ContainersPage};
use crate::pages::dashboard::DashboardPage;
use crate::pages::images::{ImageDetail, ImagesPage};
use crate::pages::reports::ReportsPage;
use crate::pages::sensors::{SensorDetail, SensorsPage};
use crate::pages::settings::SettingsPage;
use crate::pages::signin::SignInPage;
use crate::session::provide_session;
use crate::theme::provide_theme;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_theme();
    provide_last_copied();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignInPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/sensors" /> } />
                    <Route path=path!("/dashboard") view=DashboardPage />
                    <Route path=path!("/sensors") view=SensorsPage />
                    <Route path=path!("/sensors/:uuid") view=SensorDetail />
                    <Route path=path!("/images") view=ImagesPage />
                    <Route path=path!("/images/:sha") view=ImageDetail />
                    <Route path=path!("/containers") view=ContainersPage />
                    <Route path=path!("/containers/:sha") view=ContainerDetail />
                    <Route path=path!("/reports") view=ReportsPage />
                    <Route path=path!("/audit") view=AuditPage />
                    <Route path=path!("/settings") view=SettingsPage />
                    <Route path=path!("/settings/:section") view=SettingsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <div class="signin-wrap">
            <div class="card">
                <h1>"Not found"</h1>
                <p>"There is no page at this address. " <a href="/sensors">"Go to Sensors"</a></p>
            </div>
        </div>
    }
}

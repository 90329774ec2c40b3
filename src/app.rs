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
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

/// A route whose page is cut out of the first load: its code is a wasm chunk fetched the first
/// time the page opens (`cargo xtask split-console`, trunk's post-build hook). The shell, the
/// dashboard and sign-in stay in the first load.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(SensorsRoute, SensorsPage);
lazy_page!(SensorDetailRoute, SensorDetail);
lazy_page!(ImagesRoute, ImagesPage);
lazy_page!(ImageDetailRoute, ImageDetail);
lazy_page!(ContainersRoute, ContainersPage);
lazy_page!(ContainerDetailRoute, ContainerDetail);
lazy_page!(ReportsRoute, ReportsPage);
lazy_page!(AuditRoute, AuditPage);
lazy_page!(SettingsRoute, SettingsPage);

#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_theme();
    provide_last_copied();
    let (routing, set_routing) = signal(false);
    provide_context(Routing(routing));
    view! {
        <Router set_is_routing=set_routing>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignInPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/sensors" /> } />
                    <Route path=path!("/dashboard") view=DashboardPage />
                    <Route path=path!("/sensors") view={Lazy::<SensorsRoute>::new()} />
                    <Route path=path!("/sensors/:uuid") view={Lazy::<SensorDetailRoute>::new()} />
                    <Route path=path!("/images") view={Lazy::<ImagesRoute>::new()} />
                    <Route path=path!("/images/:sha") view={Lazy::<ImageDetailRoute>::new()} />
                    <Route path=path!("/containers") view={Lazy::<ContainersRoute>::new()} />
                    <Route path=path!("/containers/:sha") view={Lazy::<ContainerDetailRoute>::new()} />
                    <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} />
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=path!("/settings/:section") view={Lazy::<SettingsRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// True while the router waits for a page (a lazy page's code on its first visit): the shell
/// shows a progress bar, so a click never seems to do nothing.
#[derive(Clone, Copy)]
pub struct Routing(pub ReadSignal<bool>);

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

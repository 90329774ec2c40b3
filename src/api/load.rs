//! Loading state for a view: re-sends when its `RequestSpec` changes, keeps only the newest
//! answer, and offers a retry.

use super::{use_api, ApiError, Inflight};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::RequestSpec;

#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// A loading view's state and its retry handle.
pub struct Loader<T: Send + Sync + 'static> {
    pub state: RwSignal<Load<T>>,
    /// The request whose answer `state` holds (`None` while loading).
    settled: RwSignal<Option<RequestSpec>>,
    reload: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Send + Sync + 'static> Loader<T> {
    pub fn retry(&self) {
        self.reload.update(|n| *n += 1);
    }

    /// True once the answer to `spec` (not to an earlier request) is in `state`. Right after a
    /// navigation the old answer is still there for a moment; this tells them apart.
    pub fn settled_for(&self, spec: &RequestSpec) -> bool {
        self.settled.with(|s| s.as_ref() == Some(spec))
    }
}

/// Sends `spec()` whenever it changes (or on retry), decoding the body text with `decode`.
pub fn load<T: Send + Sync + 'static>(
    spec: impl Fn() -> RequestSpec + 'static,
    decode: fn(&str) -> Result<T, String>,
) -> Loader<T> {
    let api = use_api();
    let inflight = Inflight::new();
    let state = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);
    let settled = RwSignal::new(None::<RequestSpec>);
    Effect::new(move |_| {
        let spec = spec();
        reload.track();
        state.set(Load::Loading);
        settled.set(None);
        let signal = inflight.next();
        spawn_local(async move {
            let result = api.text(&spec, signal.as_ref()).await;
            let next = match result {
                Err(e) if e.is_aborted() => return,
                Err(e) => Load::Failed(e),
                Ok(text) => match decode(&text) {
                    Ok(v) => Load::Ready(v),
                    Err(e) => Load::Failed(ApiError::Decode(e)),
                },
            };
            state.try_set(next);
            settled.try_set(Some(spec));
        });
    });
    Loader {
        state,
        settled,
        reload,
    }
}

//! The sensor API's wire types (`/sensorapi/v1`, an extension) and the activation keys
//! operators make for it (`/csapi/v1.3/activationKeys`).
//!
//! A sensor registers once with an activation key and gets a credential (`ssn_<id>_<secret>`)
//! that can call the sensor API and nothing else. Then it checks in now and then (the answer is
//! its effective profile, whether an inactive window is in force, and the scans due), posts
//! events as images and containers come and go, and posts scan results (a Trivy, CycloneDX or
//! Grype report).

use crate::profile::WindowState;
use crate::{ContainerState, EpochMillis, SensorType};
use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The prefix of an activation key's text.
pub const ACTIVATION_KEY_PREFIX: &str = "ssk_";
/// The prefix of a sensor credential's text.
pub const SENSOR_CREDENTIAL_PREFIX: &str = "ssn_";
/// Events taken per request.
pub const MAX_EVENTS: usize = 1000;
/// Scans listed as due per check-in (the rest at the next one).
pub const MAX_DUE: usize = 100;
/// An activation key's name, at most this many characters.
pub const MAX_KEY_NAME: usize = 100;

/// An activation key as listed (its secret is shown once, when made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationKey {
    pub id: String,
    pub name: String,
    /// The type of the sensors it registers.
    pub sensor_type: SensorType,
    /// The profile its sensors join (by id); none: the profiles' own rules decide.
    pub profile_id: Option<String>,
    pub created: EpochMillis,
    pub created_by: String,
    /// When it was revoked; a revoked key registers nothing.
    pub revoked: Option<EpochMillis>,
    /// How many sensors registered with it.
    pub registered: u64,
}

/// `{"count": n, "data": [key]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivationKeyList {
    pub count: u64,
    pub data: Vec<ActivationKey>,
}

/// What `POST /activationKeys` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewActivationKey {
    pub name: String,
    pub sensor_type: SensorType,
    #[serde(default)]
    pub profile_id: Option<String>,
}

/// What `POST /activationKeys` answers: the key's text, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedActivationKey {
    /// `ssk_<id>_<secret>`: give it to the sensors' installers.
    pub activation_key: String,
    pub info: ActivationKey,
}

/// The name problem, if any (1 to [`MAX_KEY_NAME`] characters, not blank).
pub fn key_name_problem(name: &str) -> Option<String> {
    let n = name.trim().chars().count();
    if n == 0 {
        Some("must not be blank".into())
    } else if name.chars().count() > MAX_KEY_NAME {
        Some(format!("is at most {MAX_KEY_NAME} characters"))
    } else {
        None
    }
}

/// A cluster a sensor runs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SensorCluster {
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// What a sensor says of itself, at registration and at each check-in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SensorFacts {
    pub hostname: String,
    pub sensor_version: String,
    /// The activation key's type when absent.
    #[serde(default)]
    pub sensor_type: Option<SensorType>,
    #[serde(default)]
    pub deployment: Option<crate::Deployment>,
    #[serde(default)]
    pub cluster: Option<SensorCluster>,
    #[serde(default)]
    pub ipv4: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub docker_version: Option<String>,
    #[serde(default)]
    pub vuln_sig_version: Option<String>,
}

/// `POST /sensorapi/v1/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registration {
    pub activation_key: String,
    /// What the sensor says of itself (as at each check-in).
    pub sensor: SensorFacts,
}

/// What registration answers: the sensor's identity and its credential (shown this once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    pub sensor_uuid: String,
    pub sensor_id: String,
    /// `ssn_<id>_<secret>`: send it as `Authorization: Bearer …` to the sensor API.
    pub credential: String,
    pub check_in: CheckInAnswer,
}

/// The profile a sensor follows, as it needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EffectiveProfile {
    pub name: String,
    /// Hours between scans of a running container.
    pub container_scanning_interval: u32,
    /// Images whose `repository:tag` matches one of these are not scanned.
    pub image_exclusions: Vec<String>,
}

/// The scans a sensor should run now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DueWork {
    /// Image shas to scan: a load, pull, import or tag event and no scan since.
    pub images: Vec<String>,
    /// Running containers (sha) whose last scan is older than the profile's interval.
    pub containers: Vec<String>,
    /// More are due than listed (at most [`MAX_DUE`] of each per answer).
    pub more: bool,
    /// Inside an inactive window nothing is due: what is due waits until this instant.
    pub deferred_until: Option<EpochMillis>,
}

/// `POST /sensorapi/v1/checkin`'s answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckInAnswer {
    pub sensor_uuid: String,
    pub sensor_type: SensorType,
    pub profile: EffectiveProfile,
    /// Inside an inactive window now, until when, and the next one. Inside a window the server
    /// refuses events and scan results (409) and lists nothing as due.
    pub inactive_window: WindowState,
    pub due: DueWork,
    pub server_time: EpochMillis,
}

/// An image event's action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ImageAction {
    Load,
    Pull,
    Import,
    Tag,
}

/// A container event's action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContainerAction {
    Create,
    Start,
    Pause,
    Unpause,
    Stop,
    Die,
    Destroy,
}

impl ContainerAction {
    /// The state a container is in after the action.
    pub fn state(self) -> ContainerState {
        match self {
            ContainerAction::Create => ContainerState::Created,
            ContainerAction::Start | ContainerAction::Unpause => ContainerState::Running,
            ContainerAction::Pause => ContainerState::Paused,
            ContainerAction::Stop | ContainerAction::Die => ContainerState::Stopped,
            ContainerAction::Destroy => ContainerState::Deleted,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContainerAction::Create => "create",
            ContainerAction::Start => "start",
            ContainerAction::Pause => "pause",
            ContainerAction::Unpause => "unpause",
            ContainerAction::Stop => "stop",
            ContainerAction::Die => "die",
            ContainerAction::Destroy => "destroy",
        }
    }
}

impl ImageAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageAction::Load => "load",
            ImageAction::Pull => "pull",
            ImageAction::Import => "import",
            ImageAction::Tag => "tag",
        }
    }
}

/// An image as an event names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventImage {
    /// The image id, `sha256:<64 hex>` or 64 hex.
    pub sha: String,
    /// `registry/repository:tag` references.
    #[serde(default)]
    pub repo_tags: Vec<String>,
    /// `registry/repository@sha256:…` references (a new one is a new manifest: due).
    #[serde(default)]
    pub repo_digests: Vec<String>,
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub created: Option<EpochMillis>,
}

/// A container as an event names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventContainer {
    /// 64 hex.
    pub sha: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The image it runs (needed the first time a container is seen).
    #[serde(default)]
    pub image_sha: Option<String>,
    #[serde(default)]
    pub created: Option<EpochMillis>,
    #[serde(default)]
    pub privileged: bool,
    #[serde(default)]
    pub is_root: bool,
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default)]
    pub arguments: Vec<String>,
}

/// One event, as it happened on the sensor's host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum SensorEvent {
    Image {
        action: ImageAction,
        /// When it happened (the time it is received when absent).
        #[serde(default)]
        time: Option<EpochMillis>,
        image: EventImage,
    },
    Container {
        action: ContainerAction,
        #[serde(default)]
        time: Option<EpochMillis>,
        container: EventContainer,
    },
}

/// `POST /sensorapi/v1/events`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SensorEvents {
    pub events: Vec<SensorEvent>,
}

/// What events changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventsTaken {
    pub images: u64,
    pub containers: u64,
}

/// One recent event of a sensor, as its detail view lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecentEvent {
    pub at: EpochMillis,
    /// `image` or `container`.
    pub kind: String,
    pub action: String,
    pub sha: String,
    pub name: Option<String>,
}

/// A sensor's due work and last events (`GET /sensors/{uuid}/activity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SensorActivity {
    /// Whether the sensor talks to this server through the sensor API (registered with a key).
    pub registered: bool,
    pub due: DueWork,
    pub events: Vec<RecentEvent>,
}

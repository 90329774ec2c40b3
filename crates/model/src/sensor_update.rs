//! The copy-ready update command for a sensor, by deployment type (see `settings.md`,
//! "Sensor updates").
//!
//! The console shows this text next to a sensor whose version is behind the latest release; the
//! operator pastes it on the sensor's host or cluster. It is plain text, not a script the server
//! runs, so the values that we cannot know (activation ids, ECS cluster names) are written as
//! `<placeholders>` rather than guessed.

use crate::{Deployment, Sensor};

/// The sensor image repository (the Qualys container sensor image).
pub const SENSOR_IMAGE: &str = "qualys/qcs-sensor";
/// The container, DaemonSet and service name the sensor's installers use.
pub const SENSOR_WORKLOAD: &str = "qualys-container-sensor";
/// The Kubernetes namespace a sensor runs in when the sensor does not say.
pub const DEFAULT_NAMESPACE: &str = "qualys";
/// The Helm release name the sensor chart is installed under by default.
pub const HELM_RELEASE: &str = "qualys-sensor";

/// `qualys/qcs-sensor:<version>`: the sensor image at `version`.
pub fn sensor_image(version: &str) -> String {
    format!("{SENSOR_IMAGE}:{version}")
}

/// The commands that bring `sensor` to `latest_version` for its `deployment` type.
pub fn update_command(deployment: Deployment, sensor: &Sensor, latest_version: &str) -> String {
    let image = sensor_image(latest_version);
    match deployment {
        Deployment::Helm => {
            let ns = namespace(sensor);
            format!(
                "helm repo update\n\
                 helm upgrade {HELM_RELEASE} qualys/qcs-sensor --namespace {ns} --reuse-values \\\n  \
                 --set image.repository={SENSOR_IMAGE} --set image.tag={latest_version}"
            )
        }
        Deployment::Daemonset => {
            let ns = namespace(sensor);
            format!(
                "# The sensor container needs imagePullPolicy: Always, so that the restarted pods pull {image}.\n\
                 kubectl -n {ns} set image daemonset/{SENSOR_WORKLOAD} {SENSOR_WORKLOAD}={image}\n\
                 kubectl -n {ns} rollout restart daemonset/{SENSOR_WORKLOAD}\n\
                 kubectl -n {ns} rollout status daemonset/{SENSOR_WORKLOAD}"
            )
        }
        Deployment::DockerRun => {
            let privileged = if sensor.privileged {
                " --privileged"
            } else {
                ""
            };
            format!(
                "docker pull {image}\n\
                 docker stop {SENSOR_WORKLOAD}\n\
                 docker rm {SENSOR_WORKLOAD}\n\
                 docker run -d --restart on-failure --name {SENSOR_WORKLOAD} --net=host{privileged} \\\n  \
                 -v /var/run/docker.sock:/var/run/docker.sock:ro \\\n  \
                 -v /usr/local/qualys/sensor/data:/usr/local/qualys/qpa/data \\\n  \
                 {image}"
            )
        }
        Deployment::Standalone => format!(
            "docker pull {image}\n\
             docker stop {SENSOR_WORKLOAD}\n\
             docker rm {SENSOR_WORKLOAD}\n\
             # The installer script starts the new sensor with the same storage and identity.\n\
             sudo ./installsensor.sh ActivationId=<activation-id> CustomerId=<customer-id> \\\n  \
             Storage=/usr/local/qualys/sensor/data ImageVersion={latest_version} -s"
        ),
        Deployment::Ecs => {
            let cluster = sensor
                .cluster
                .as_ref()
                .and_then(|c| c.k8s.as_ref())
                .and_then(|k| k.cluster_name.as_deref())
                .unwrap_or("<ecs-cluster>");
            format!(
                "# The task definition must reference {image} (or a tag that now points to it).\n\
                 aws ecs update-service --cluster {cluster} --service {SENSOR_WORKLOAD} --force-new-deployment"
            )
        }
        Deployment::Swarm => {
            format!("docker service update --image {image} --force {SENSOR_WORKLOAD}")
        }
    }
}

fn namespace(sensor: &Sensor) -> &str {
    sensor
        .cluster
        .as_ref()
        .and_then(|c| c.k8s.as_ref())
        .and_then(|k| k.namespace.as_deref())
        .filter(|ns| !ns.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cluster, EpochMillis, K8sInfo, SensorStatus, SensorType};

    fn sensor(cluster: Option<Cluster>, privileged: bool) -> Sensor {
        Sensor {
            uuid: "u".into(),
            sensor_id: "1".into(),
            name: "edge-01".into(),
            hostname: Some("edge-01".into()),
            host_uuid: None,
            ipv4: None,
            ipv6: None,
            mac_address: None,
            sensor_version: Some("1.9.3".into()),
            vuln_sig_version: None,
            docker_version: None,
            os: None,
            platform: None,
            sensor_type: SensorType::General,
            status: SensorStatus::Running,
            configuration_profile: None,
            privileged,
            created: EpochMillis(1),
            last_checked_in: None,
            label: vec![],
            cluster,
            deployment: None,
            update_available: Some(true),
            latest_version: Some("1.10.0".into()),
            inactive_window: None,
        }
    }

    fn k8s(namespace: Option<&str>, cluster_name: Option<&str>) -> Option<Cluster> {
        Some(Cluster {
            kind: "K8S".into(),
            version: None,
            k8s: Some(K8sInfo {
                cluster_name: cluster_name.map(Into::into),
                namespace: namespace.map(Into::into),
                pod_name: None,
                node_name: None,
            }),
        })
    }

    #[test]
    fn helm_upgrades_the_release_in_the_sensors_namespace() {
        let cmd = update_command(
            Deployment::Helm,
            &sensor(k8s(Some("sec"), None), false),
            "1.10.0",
        );
        assert!(cmd.contains("helm upgrade "), "{cmd}");
        assert!(cmd.contains("--namespace sec"), "{cmd}");
        assert!(cmd.contains("image.tag=1.10.0"), "{cmd}");
    }

    #[test]
    fn daemonset_restarts_the_rollout_and_mentions_pull_policy() {
        let cmd = update_command(
            Deployment::Daemonset,
            &sensor(k8s(Some("sec"), None), false),
            "1.10.0",
        );
        assert!(
            cmd.contains("kubectl -n sec rollout restart daemonset/qualys-container-sensor"),
            "{cmd}"
        );
        assert!(cmd.contains("imagePullPolicy: Always"), "{cmd}");
    }

    #[test]
    fn daemonset_namespace_defaults_to_qualys() {
        let none = update_command(Deployment::Daemonset, &sensor(None, false), "2.0");
        assert!(none.contains("kubectl -n qualys rollout restart"), "{none}");
        let empty = update_command(
            Deployment::Daemonset,
            &sensor(k8s(Some(""), None), false),
            "2.0",
        );
        assert!(
            empty.contains("kubectl -n qualys rollout restart"),
            "{empty}"
        );
    }

    #[test]
    fn docker_run_pulls_stops_removes_and_runs_the_new_image() {
        let cmd = update_command(Deployment::DockerRun, &sensor(None, true), "1.10.0");
        let pull = cmd.find("docker pull qualys/qcs-sensor:1.10.0").unwrap();
        let stop = cmd.find("docker stop ").unwrap();
        let rm = cmd.find("docker rm ").unwrap();
        let run = cmd.find("docker run ").unwrap();
        assert!(pull < stop && stop < rm && rm < run, "{cmd}");
        assert!(cmd.contains("--privileged"), "{cmd}");
        assert!(
            cmd.trim_end().ends_with("qualys/qcs-sensor:1.10.0"),
            "{cmd}"
        );
        let unprivileged = update_command(Deployment::DockerRun, &sensor(None, false), "1.10.0");
        assert!(!unprivileged.contains("--privileged"));
    }

    #[test]
    fn standalone_uses_the_installer_script() {
        let cmd = update_command(Deployment::Standalone, &sensor(None, false), "1.10.0");
        assert!(
            cmd.starts_with("docker pull qualys/qcs-sensor:1.10.0"),
            "{cmd}"
        );
        assert!(cmd.contains("installsensor.sh"), "{cmd}");
        assert!(cmd.contains("ImageVersion=1.10.0"), "{cmd}");
    }

    #[test]
    fn ecs_forces_a_new_deployment() {
        let cmd = update_command(
            Deployment::Ecs,
            &sensor(k8s(None, Some("prod")), false),
            "1.10.0",
        );
        assert!(
            cmd.contains("aws ecs update-service --cluster prod --service qualys-container-sensor --force-new-deployment"),
            "{cmd}"
        );
        let unknown = update_command(Deployment::Ecs, &sensor(None, false), "1.10.0");
        assert!(unknown.contains("--cluster <ecs-cluster>"), "{unknown}");
    }

    #[test]
    fn swarm_updates_the_service_image_with_force() {
        let cmd = update_command(Deployment::Swarm, &sensor(None, false), "1.10.0");
        assert_eq!(
            cmd,
            "docker service update --image qualys/qcs-sensor:1.10.0 --force qualys-container-sensor"
        );
    }
}

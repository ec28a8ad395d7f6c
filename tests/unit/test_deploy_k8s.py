"""The Kubernetes manifests of deploy/k8s/, checked without a cluster: every overlay is built
with kustomize (`kubectl kustomize`, as on the machines and in CI), every object it renders
is validated against the Kubernetes JSON schemas (kubernetes-validate, strict: an unknown
field fails), and the properties docs/operations.md promises are asserted on what renders."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from kubernetes_validate import utils as k8s_schemas

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())

SERVICES = ("registry", "intake", "routing", "notification", "reporting")
APPS = SERVICES + ("gateway",)
OVERLAYS = ("kabupaten", "province")
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")   # the oldest we claim, and the newest schemas
SECRET_KEYS = {   # the only secret keys each app may read (least privilege)
    "registry": {"AMQP_URI", "MONGO_URI"},
    "intake": {"AMQP_URI", "MONGO_URI", "SIMPUL_DATA_KEY"},
    "routing": {"AMQP_URI", "MONGO_URI"},
    "notification": {"AMQP_URI", "MONGO_URI", "SIMPUL_WEBHOOK_KEY", "SMTP_USER", "SMTP_PASSWORD"},
    "reporting": {"AMQP_URI", "MONGO_URI"},
    "gateway": {"AMQP_URI", "MONGO_URI", "SIMPUL_DATA_KEY", "SIMPUL_JWT_SECRET"},
}


def kustomize(tree: Path, overlay: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("no kubectl (its built-in kustomize builds the overlays): apt-get install kubectl")
    built = subprocess.run([kubectl, "kustomize", str(tree / "overlays" / overlay)],
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[dict]]:
    """Each overlay as `kubectl apply -k` would send it, with the example secrets filled in
    (a copy of deploy/k8s/: the real secrets.env is gitignored and never here)."""
    tree = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, tree, ignore=shutil.ignore_patterns("secrets.env"))
    for overlay in OVERLAYS:
        shutil.copy(tree / "secrets.env.example", tree / "overlays" / overlay / "secrets.env")
    return {overlay: kustomize(tree, overlay) for overlay in OVERLAYS}


def find(objects: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: list[dict], kind: str, name: str) -> dict:
    [found] = find(objects, kind, name)
    return found


def container(objects: list[dict], app: str) -> dict:
    [only] = one(objects, "Deployment", app)["spec"]["template"]["spec"]["containers"]
    return only


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value for key, value in pairs}


every_overlay = pytest.mark.parametrize("overlay", OVERLAYS)


# --- schemas -------------------------------------------------------------------------------------

@every_overlay
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_object_follows_the_kubernetes_schema(rendered, overlay, version):
    for obj in rendered[overlay]:
        k8s_schemas.validate(obj, version, strict=True)


def test_the_schema_check_catches_a_misspelt_field(rendered):
    deployment = yaml.safe_load(yaml.safe_dump(one(rendered["province"], "Deployment", "routing")))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(k8s_schemas.ValidationError):
        k8s_schemas.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


# --- one Deployment, HPA and PDB per app ----------------------------------------------------------

@every_overlay
def test_every_app_has_a_deployment_an_autoscaler_and_a_disruption_budget(rendered, overlay):
    objects = rendered[overlay]
    for kind in ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert sorted(o["metadata"]["name"] for o in find(objects, kind)) == sorted(APPS), kind
    assert [s["metadata"]["name"] for s in find(objects, "Service")] == ["gateway"]


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_the_autoscaler_owns_the_replicas_on_cpu(rendered, overlay, app):
    objects = rendered[overlay]
    deployment, hpa = one(objects, "Deployment", app), one(objects, "HorizontalPodAutoscaler", app)
    assert "replicas" not in deployment["spec"], "kubectl apply would reset what the HPA scaled"
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": app}
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_the_disruption_budget_covers_the_pods_and_never_blocks_a_drain(rendered, overlay, app):
    objects = rendered[overlay]
    pdb = one(objects, "PodDisruptionBudget", app)
    pod_labels = one(objects, "Deployment", app)["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert pdb["spec"]["maxUnavailable"] == 1 and "minAvailable" not in pdb["spec"]


def test_a_province_runs_at_least_what_a_kabupaten_runs(rendered):
    for app in APPS:
        small = one(rendered["kabupaten"], "HorizontalPodAutoscaler", app)["spec"]
        large = one(rendered["province"], "HorizontalPodAutoscaler", app)["spec"]
        assert large["minReplicas"] >= max(3, small["minReplicas"]), app
        assert large["maxReplicas"] >= small["maxReplicas"], app
    for app in ("gateway", "registry"):   # the HTTP path keeps two pods even in a kabupaten
        assert one(rendered["kabupaten"], "HorizontalPodAutoscaler", app)["spec"]["minReplicas"] >= 2


# --- pods -------------------------------------------------------------------------------------------

@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_pods_probe_the_endpoints_the_processes_serve(rendered, overlay, app):
    c = container(rendered[overlay], app)
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    probes = {kind: c[kind]["httpGet"] for kind in ("startupProbe", "readinessProbe", "livenessProbe")}
    if app == "gateway":
        assert ports == {"http": 8000}
        expected = {"startupProbe": "/metrics", "readinessProbe": "/healthz", "livenessProbe": "/metrics"}
        assert c["readinessProbe"]["timeoutSeconds"] > 5, "/healthz may wait RPC_TIMEOUT_SECONDS"
    else:
        assert ports == {"metrics": 9100}
        expected = {"startupProbe": "/healthz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
    assert {kind: probe["path"] for kind, probe in probes.items()} == expected
    assert {probe["port"] for probe in probes.values()} == set(ports)


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_pods_are_scraped_on_the_port_they_serve_metrics_on(rendered, overlay, app):
    pod = one(rendered[overlay], "Deployment", app)["spec"]["template"]
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == container(rendered[overlay], app)["ports"][0]["containerPort"]
    assert pod["metadata"]["labels"]["app.kubernetes.io/part-of"] == "simpul"


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_pods_run_as_uid_10001_read_only_with_limits(rendered, overlay, app):
    pod = one(rendered[overlay], "Deployment", app)["spec"]["template"]["spec"]
    c = container(rendered[overlay], app)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == pod["securityContext"]["runAsGroup"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert c["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                    "capabilities": {"drop": ["ALL"]}}
    assert {m["mountPath"] for m in c["volumeMounts"]} == {"/tmp"}
    for bound in ("requests", "limits"):
        assert set(c["resources"][bound]) == {"cpu", "memory"}, bound


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_pods_have_time_to_drain_on_sigterm(rendered, overlay, app):
    """nameko finishes the workers in flight before it exits; uvicorn its requests."""
    pod = one(rendered[overlay], "Deployment", app)["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= (30 if app == "gateway" else 60)
    strategy = one(rendered[overlay], "Deployment", app)["spec"]["strategy"]
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0


@every_overlay
def test_every_app_runs_the_same_pinned_image_with_the_command_compose_gives_it(rendered, overlay):
    images = {container(rendered[overlay], app)["image"] for app in APPS}
    [image] = images
    name, _, tag = image.rpartition(":")
    assert "/" in name and tag and tag != "latest", image
    for app in APPS:
        assert container(rendered[overlay], app)["command"] == COMPOSE["services"][app]["command"], app


# --- configuration and secrets -------------------------------------------------------------------

def environment(objects: list[dict], app: str) -> dict[str, str]:
    """Every variable the app's container gets: from ConfigMaps (by value) or the Secret (key)."""
    c = container(objects, app)
    found = {}
    for source in c.get("envFrom", []):
        found.update(one(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    for var in c.get("env", []):
        ref = var["valueFrom"]["secretKeyRef"]
        secret = one(objects, "Secret", ref["name"])
        assert ref["key"] in secret["data"], f"{app}: {ref['key']} not in the Secret"
        found[var["name"]] = f"secret:{ref['key']}"
    return found


@every_overlay
@pytest.mark.parametrize("app", APPS)
def test_every_app_gets_every_setting_compose_gives_it(rendered, overlay, app):
    compose_env = COMPOSE["services"][app]["environment"]
    k8s_env = environment(rendered[overlay], app)
    assert set(compose_env) - set(k8s_env) == set()
    secrets = {name for name, value in k8s_env.items() if value.startswith("secret:")}
    assert secrets == SECRET_KEYS[app]


@every_overlay
def test_settings_and_secrets_are_generated_so_a_change_rolls_the_pods(rendered, overlay):
    objects = rendered[overlay]
    [secret] = find(objects, "Secret")
    assert re.fullmatch(r"simpul-secrets-[a-z0-9]{10}", secret["metadata"]["name"])
    assert set(secret["data"]) == set().union(*SECRET_KEYS.values())
    for config in find(objects, "ConfigMap"):
        assert re.fullmatch(r"simpul(-gateway)?-config-[a-z0-9]{10}", config["metadata"]["name"])
        assert not set(config["data"]) & set(secret["data"]), "a secret key in a ConfigMap"


@every_overlay
def test_everything_lives_in_the_simpul_namespace(rendered, overlay):
    objects = rendered[overlay]
    namespace = one(objects, "Namespace", "simpul")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "simpul", obj["metadata"]["name"]


def test_the_gateway_service_reaches_the_gateway_pods(rendered):
    objects = rendered["province"]
    service = one(objects, "Service", "gateway")
    pod_labels = one(objects, "Deployment", "gateway")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert service["spec"]["type"] == "ClusterIP"
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]


def test_each_service_database_is_the_one_its_config_reads():
    config = env_file(K8S / "base" / "config.env")
    for name in SERVICES:
        text = (ROOT / "services" / name / "config.yml").read_text()
        variable, default = re.search(r"^MONGO_DB: \$\{(\w+):(\w+)\}", text, re.M).groups()
        assert config[variable] == default == COMPOSE["services"][name]["environment"][variable].split(":-")[1].rstrip("}")


# --- nothing secret committed, no guest ---------------------------------------------------------------

def test_no_secret_file_is_committed_and_each_overlay_ignores_its_own():
    tracked = subprocess.run(["git", "ls-files", "deploy/k8s"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert tracked == [] or not any(path.endswith("/secrets.env") for path in tracked)
    for overlay in OVERLAYS:
        ignored = subprocess.run(["git", "check-ignore", "-q", f"deploy/k8s/overlays/{overlay}/secrets.env"],
                                 cwd=ROOT)
        assert ignored.returncode == 0, f"{overlay}/secrets.env is not gitignored"


def test_the_example_secrets_are_placeholders():
    example = env_file(K8S / "secrets.env.example")
    assert set(example) == set().union(*SECRET_KEYS.values())
    for key, value in example.items():
        assert value == "" or "change-me" in value, key
    for key in ("SIMPUL_DATA_KEY", "SIMPUL_JWT_SECRET", "SIMPUL_WEBHOOK_KEY", "AMQP_URI", "MONGO_URI"):
        assert "change-me" in example[key], key
    assert "replicaSet=" in example["MONGO_URI"] and "retryWrites=false" not in example["MONGO_URI"]


def test_no_kubernetes_file_holds_a_secret_or_mentions_guest():
    for path in sorted(K8S.rglob("*")):
        if not path.is_file() or path.name == "secrets.env":
            continue
        text = path.read_text()
        values = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert "guest" not in values.lower(), path
        if path.suffix == ".yaml":
            for doc in filter(None, yaml.safe_load_all(text)):
                assert doc.get("kind") != "Secret", f"{path}: a Secret with values committed"


# --- what runs outside the kustomization, and Prometheus --------------------------------------------

def test_the_external_examples_make_a_quorum_vhost_and_a_replica_set_for_the_five_databases():
    rabbitmq = list(yaml.safe_load_all((K8S / "external" / "rabbitmq.yaml").read_text()))
    [cluster] = [d for d in rabbitmq if d["kind"] == "RabbitmqCluster"]
    [vhost] = [d for d in rabbitmq if d["kind"] == "Vhost"]
    assert cluster["spec"]["replicas"] == 3 and vhost["spec"]["defaultQueueType"] == "quorum"
    [policy] = [d for d in rabbitmq if d["kind"] == "Policy"]
    for queue in ("intake.submissions", "intake.tracking", "routing.reports", "notification.cases",
                  "reporting.facts"):
        assert re.search(policy["spec"]["pattern"], queue), queue
    assert not re.search(policy["spec"]["pattern"], "intake.submissions.retry.1")
    assert policy["spec"]["definition"]["dead-letter-routing-key"] == "simpul.dead-letters"

    [mongo] = yaml.safe_load_all((K8S / "external" / "mongodb.yaml").read_text())
    assert mongo["spec"]["type"] == "ReplicaSet" and mongo["spec"]["members"] == 3
    [app_user] = [u for u in mongo["spec"]["users"] if u["name"] == "simpul"]
    config = env_file(K8S / "base" / "config.env")
    assert {role["db"] for role in app_user["roles"]} == {config[f"{s.upper()}_DB"] for s in SERVICES}
    assert {role["name"] for role in app_user["roles"]} == {"readWrite"}


def test_prometheus_on_kubernetes_names_jobs_as_the_alerts_expect():
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "kubernetes.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    [job] = config["scrape_configs"]
    [discovery] = job["kubernetes_sd_configs"]
    assert discovery["role"] == "pod" and discovery["namespaces"]["names"] == ["simpul"]
    to_job = [r for r in job["relabel_configs"] if r.get("target_label") == "job"]
    assert to_job == [{"source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
                       "target_label": "job"}]
    alerts = (ROOT / "deploy" / "prometheus" / "alerts.yml").read_text()
    assert f'job=~"{"|".join(("gateway",) + SERVICES)}"' in alerts

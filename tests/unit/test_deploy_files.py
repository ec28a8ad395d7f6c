"""Static checks of the production deployment files in deploy/ (no container engine needed)."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENV_EXAMPLE = DEPLOY / ".env.example"

SERVICES = ("registry", "intake", "routing", "notification", "reporting")
APPS = SERVICES + ("gateway",)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text()


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _depends_on(service: dict) -> dict:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form: only "started"
        return {name: {"condition": "service_started"} for name in deps}
    return deps


@pytest.mark.parametrize("name", APPS)
def test_every_app_is_built_from_the_deploy_dockerfile(compose, name):
    service = compose["services"].get(name)
    assert service is not None, f"no compose service {name!r}"
    build = service.get("build")
    assert isinstance(build, dict), f"{name} has no build section"
    assert build.get("dockerfile") == "deploy/Dockerfile"
    assert (COMPOSE_FILE.parent / build.get("context", ".")).resolve() == ROOT


def test_no_service_sets_a_container_name(compose):
    named = [name for name, service in compose["services"].items() if "container_name" in service]
    assert named == []


def test_only_the_gateway_and_grafana_publish_a_host_port(compose):
    """Anything with a fixed host port cannot be scaled with `--scale`; Grafana never is."""
    publishing = sorted(name for name, service in compose["services"].items() if service.get("ports"))
    assert publishing == ["gateway", "grafana"]
    assert compose["services"]["grafana"]["ports"] == [
        "${GRAFANA_BIND_ADDRESS:-127.0.0.1}:${GRAFANA_HOST_PORT:-3000}:3000"]


@pytest.mark.parametrize("name", APPS)
def test_every_app_waits_for_healthy_broker_and_storage_or_has_a_healthcheck(compose, name):
    service = compose["services"][name]
    deps = _depends_on(service)
    waits = all(deps.get(dep, {}).get("condition") == "service_healthy" for dep in ("rabbitmq", "mongo"))
    assert waits or "healthcheck" in service, name


@pytest.mark.parametrize("name", APPS)
def test_every_app_restarts_and_takes_its_command_from_compose(compose, name):
    service = compose["services"][name]
    assert service.get("restart") == "unless-stopped"
    command = service.get("command")
    assert command, f"{name} relies on the image's default command, which only fails"
    if name in SERVICES:
        assert command == ["nameko", "run", "--config", f"services/{name}/config.yml",
                           f"simpul_{name}.service"]


def test_infrastructure_has_healthchecks(compose):
    services = compose["services"]
    assert "rabbitmq-diagnostics" in services["rabbitmq"]["healthcheck"]["test"]
    assert "mongosh" in services["mongo"]["healthcheck"]["test"]
    assert any("/healthz" in part for part in services["gateway"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_healthy_once_its_consumers_consume(compose, name):
    """/readyz on the metrics port (simpul_common.nameko_ext.metrics); python, as the image
    has no curl. The gateway waits for every service to be healthy."""
    services = compose["services"]
    test = services[name]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "urllib.request.urlopen('http://127.0.0.1:9100/readyz'" in test[3]
    assert _environment(services[name])["METRICS_PORT"] == "9100"
    assert _depends_on(services["gateway"])[name]["condition"] == "service_healthy"


def test_mongo_runs_a_replica_set_with_auth_and_is_initiated_once(compose):
    services = compose["services"]
    mongo = services["mongo"]
    script = " ".join(mongo["command"])
    assert "--replSet rs0" in script and "--keyFile" in script
    assert "MONGO_INITDB_ROOT_USERNAME" in _environment(mongo)
    init = services["mongo-init"]
    assert init.get("restart") == "no"
    assert "rs.initiate" in " ".join(init["command"])
    for name in APPS:
        deps = _depends_on(services[name])
        assert deps["mongo-init"]["condition"] == "service_completed_successfully", name


@pytest.mark.parametrize("name", APPS)
def test_apps_use_an_authenticated_replica_set_uri(compose, name):
    uri = _environment(compose["services"][name])["MONGO_URI"]
    assert "replicaSet=rs0" in uri
    assert "@mongo:27017" in uri
    assert "retryWrites=false" not in uri


def test_no_environment_value_mentions_guest(compose):
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            assert "guest" not in value.lower(), f"{name}.{key} = {value!r}"
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert "guest" not in line.split("=", 1)[1].lower(), line


def test_secrets_are_required_not_defaulted(compose):
    raw = _without_comments(COMPOSE_FILE.read_text())
    for secret in ("SIMPUL_DATA_KEY", "RABBITMQ_PASSWORD", "MONGO_ROOT_PASSWORD",
                   "MONGO_APP_PASSWORD", "MONGO_REPLICA_KEY", "GRAFANA_ADMIN_PASSWORD",
                   "SIMPUL_WEBHOOK_KEY", "SIMPUL_JWT_SECRET"):
        uses = re.findall(r"\$\{" + secret + r"(:?[?-][^}]*)?\}", raw)
        assert uses, f"{secret} is not used"
        assert all(use.startswith((":?", "?")) for use in uses), f"{secret} has a default"
    for name in ("intake", "gateway"):
        assert "SIMPUL_DATA_KEY" in _environment(compose["services"][name])
    assert "SIMPUL_JWT_SECRET" in _environment(compose["services"]["gateway"])
    assert "SIMPUL_WEBHOOK_KEY" in _environment(compose["services"]["notification"])


def test_env_example_lists_every_variable_compose_reads():
    raw = _without_comments(COMPOSE_FILE.read_text()).replace("$$", "")
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", raw))
    listed = {line.split("=", 1)[0].strip() for line in ENV_EXAMPLE.read_text().splitlines()
              if line.strip() and not line.lstrip().startswith("#")}
    assert used - listed == set(), "missing from deploy/.env.example"
    assert listed - used == set(), "listed in deploy/.env.example but unused"


def test_demo_seed_is_opt_in_and_uses_the_registry_console_script(compose):
    seed = compose["services"]["demo-seed"]
    assert seed.get("profiles") == ["demo"]
    assert seed["command"] == ["simpul-registry-seed"]
    assert set(_environment(seed)) == {"MONGO_URI", "REGISTRY_DB"}
    assert seed.get("restart") == "no"


DEV_ONLY = ("secantusdb", "kubernetes-validate")   # pinned in the lock, never in the image


def test_dockerfile_excludes_the_dev_only_packages(dockerfile):
    """The lock pins the GPL dev server and the Kubernetes schemas of the deploy tests; the
    image must install the lock without them, and without nothing else."""
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    dev_only = [line for line in lock if re.split(r"[=<>~ ]", line)[0].lower().replace("_", "-")
                in DEV_ONLY]
    assert len(dev_only) == len(DEV_ONLY), dev_only
    assert "-r requirements.lock" not in dockerfile
    assert "libs/devtools" not in _without_comments(dockerfile)
    match = re.search(r"grep -viE '([^']+)' requirements\.lock > (\S+)", dockerfile)
    assert match, "the Dockerfile does not filter requirements.lock"
    assert f"pip install -r {match.group(2)}" in dockerfile
    filtered = subprocess.run(["grep", "-viE", match.group(1), str(ROOT / "requirements.lock")],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    assert filtered == [line for line in lock if line not in dev_only]
    assert f"pip show {' '.join(DEV_ONLY)}" in dockerfile, "no check that none got installed"


def test_dockerfile_is_multi_stage_non_root_and_has_a_failing_default_command(dockerfile):
    stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", dockerfile, re.M | re.I)
    assert [stage for _, stage in stages] == ["build", "runtime"]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", dockerfile, re.M)
    assert "pip install --no-deps" in dockerfile
    assert re.search(r"^USER\s+(?!root|0\b)\S+", dockerfile, re.M)
    assert "COPY --from=build /opt/simpul /opt/simpul" in dockerfile
    cmd = json.loads(re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.M).group(1))
    assert cmd[0] == "python"
    result = subprocess.run([sys.executable, *cmd[1:]], capture_output=True, text=True)
    assert result.returncode != 0
    assert "nameko run" in result.stderr and "uvicorn" in result.stderr


# --- monitoring -------------------------------------------------------------------------------

PROMETHEUS_DIR = DEPLOY / "prometheus"
GRAFANA_DIR = DEPLOY / "grafana"


@pytest.fixture(scope="module")
def scrape_jobs() -> dict:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    return {job["job_name"]: job for job in config["scrape_configs"]}


def _mounts(service: dict) -> dict:
    """Container path → file or folder under deploy/ it comes from."""
    found = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            found[target] = (DEPLOY / source).resolve()
    return found


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_serves_metrics_on_9100(compose, name):
    assert _environment(compose["services"][name])["METRICS_PORT"] == "9100"


@pytest.mark.parametrize("name", APPS)
def test_prometheus_scrapes_every_replica_of_every_app_by_dns(scrape_jobs, name):
    """An A query of a compose service name answers one address per container (--scale)."""
    [discovery] = scrape_jobs[name]["dns_sd_configs"]
    assert discovery["names"] == [name] and discovery["type"] == "A"
    assert discovery["port"] == (8000 if name == "gateway" else 9100)
    assert scrape_jobs[name].get("metrics_path", "/metrics") == "/metrics"


def test_monitoring_images_are_pinned_to_a_version(compose):
    for name in ("prometheus", "grafana"):
        image = compose["services"][name]["image"]
        assert re.fullmatch(r"[a-z/]+:v?\d+\.\d+\.\d+", image), image


def test_prometheus_is_given_its_config_and_alert_rules(compose):
    prometheus = compose["services"]["prometheus"]
    mounts = _mounts(prometheus)
    assert mounts["/etc/prometheus/prometheus.yml"] == PROMETHEUS_DIR / "prometheus.yml"
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    for rule_file in config["rule_files"]:
        assert mounts[rule_file].is_file(), rule_file
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert "healthcheck" in prometheus and not prometheus.get("ports")


def test_grafana_provisions_the_datasource_and_the_dashboard_from_files(compose):
    grafana = compose["services"]["grafana"]
    mounts = _mounts(grafana)
    assert mounts["/etc/grafana/provisioning"] == GRAFANA_DIR / "provisioning"
    provisioning = GRAFANA_DIR / "provisioning"
    [provider] = yaml.safe_load((provisioning / "dashboards/simpul.yml").read_text())["providers"]
    folder = provider["options"]["path"]
    dashboards = [source for target, source in mounts.items() if target.startswith(folder + "/")]
    assert dashboards == [GRAFANA_DIR / "simpul-dashboard.json"]
    [source] = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    dashboard = json.loads((GRAFANA_DIR / "simpul-dashboard.json").read_text())
    used = {p["datasource"]["uid"] for p in dashboard["panels"] if p["type"] != "row"}
    assert used == {source["uid"]}
    assert _environment(grafana)["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


# --- the docker CLI's own check -------------------------------------------------------------------

def _compose_config(env_file: Path, *args: str) -> subprocess.CompletedProcess:
    """`docker compose config` as compose reads the file, without a container engine; with a
    clean environment, so no variable of the shell fills in what the env file lacks.

    Where only Debian's `docker-compose` 1.29 is installed (.ci/run installs it: the v2 plugin
    is not in Debian bookworm), that checks the file against the Compose schema, interpolation
    and references, on a copy without the top-level `name:` line, which v1 predates."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "DOCKER_CONFIG") if key in os.environ}
    docker = shutil.which("docker")
    found = docker and subprocess.run([docker, "compose", "version"], capture_output=True)
    if found and found.returncode == 0:
        return subprocess.run([docker, "compose", "-f", str(COMPOSE_FILE), "--env-file",
                               str(env_file), "config", *args], capture_output=True, text=True,
                              env=env, timeout=60)
    legacy = shutil.which("docker-compose")
    if not legacy:
        pytest.skip("neither the docker compose v2 plugin nor Debian's docker-compose is "
                    "installed; the static checks above still ran")
    lines = COMPOSE_FILE.read_text().splitlines(keepends=True)
    assert sum(line.startswith("name:") for line in lines) == 1
    copy = DEPLOY / f".compose-check-{os.getpid()}.yml"   # beside it: relative paths hold
    copy.write_text("".join(line for line in lines if not line.startswith("name:")))
    try:
        return subprocess.run([legacy, "-f", str(copy), "--env-file", str(env_file), "config",
                               *args], capture_output=True, text=True, env=env, timeout=60)
    finally:
        copy.unlink()


def test_docker_compose_accepts_the_file_with_the_example_environment():
    checked = _compose_config(ENV_EXAMPLE, "-q")
    assert checked.returncode == 0, checked.stderr


def test_docker_compose_refuses_to_start_without_the_secrets(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    checked = _compose_config(empty, "-q")
    assert checked.returncode != 0
    # v2: "required variable X is missing a value: …"; v1: "Missing mandatory value for …: …"
    assert "required variable" in checked.stderr or "Missing mandatory value" in checked.stderr
    assert "set RABBITMQ_USER in deploy/.env" in checked.stderr

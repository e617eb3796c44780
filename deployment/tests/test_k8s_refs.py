"""Cross-references between the rendered Kubernetes objects, per overlay.

A schema validator accepts a Service whose selector matches no pod, an HPA scaling a Deployment
that does not exist, or a NetworkPolicy for pods nobody runs; these tests do not.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import OVERLAYS

Obj = dict[str, Any]
WORKLOADS = {"Deployment", "StatefulSet", "Job"}


def by_kind(objects: list[Obj], kind: str) -> list[Obj]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: list[Obj], kind: str, name: str) -> Obj | None:
    return next((o for o in by_kind(objects, kind) if o["metadata"]["name"] == name), None)


def pod_templates(objects: list[Obj]) -> list[tuple[Obj, Obj]]:
    """(workload, pod template) for every workload."""
    return [(o, o["spec"]["template"]) for o in objects if o["kind"] in WORKLOADS]


def matches(selector: Obj, labels: dict[str, str]) -> bool:
    """Label-selector semantics (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, op, values = expression["key"], expression["operator"], expression.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def containers(template: Obj) -> list[Obj]:
    spec = template["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


@pytest.fixture(params=OVERLAYS)
def objects(request: pytest.FixtureRequest, rendered: dict[str, list[Obj]]) -> list[Obj]:
    return rendered[request.param]


def test_everything_lives_in_the_overlay_namespace(objects: list[Obj]) -> None:
    [namespace] = by_kind(objects, "Namespace")
    name = namespace["metadata"]["name"]
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == name, obj["metadata"]


def test_workload_selectors_match_their_pod_labels(objects: list[Obj]) -> None:
    for workload, template in pod_templates(objects):
        if workload["kind"] == "Job":
            continue
        assert matches(workload["spec"]["selector"], template["metadata"]["labels"]), workload["metadata"]["name"]


def test_services_select_pods_and_target_named_ports(objects: list[Obj]) -> None:
    for service in by_kind(objects, "Service"):
        selected = [
            t
            for _w, t in pod_templates(objects)
            if matches({"matchLabels": service["spec"]["selector"]}, t["metadata"]["labels"])
        ]
        assert selected, f"Service {service['metadata']['name']} selects no pod"
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            for template in selected:
                ports = [p for c in template["spec"]["containers"] for p in c.get("ports", [])]
                assert any(target in (p.get("name"), p["containerPort"]) for p in ports), (
                    f"Service {service['metadata']['name']} targets port {target!r}, which its pods do not expose"
                )
    for statefulset in by_kind(objects, "StatefulSet"):
        assert named(objects, "Service", statefulset["spec"]["serviceName"]), statefulset["metadata"]["name"]


def test_hpa_targets_exist_and_beat_is_never_scaled(objects: list[Obj]) -> None:
    hpas = by_kind(objects, "HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas} == {"pulse-api", "pulse-worker"}
    for hpa in hpas:
        ref = hpa["spec"]["scaleTargetRef"]
        target = named(objects, ref["kind"], ref["name"])
        assert target is not None, f"HPA {hpa['metadata']['name']} targets a missing {ref['kind']}/{ref['name']}"
        assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]
        for template in [target["spec"]["template"]]:
            for container in template["spec"]["containers"]:
                assert container["resources"]["requests"]["cpu"], "CPU utilisation needs a CPU request"
    beat = named(objects, "Deployment", "pulse-beat")
    assert beat is not None and beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"


def test_pdbs_select_running_pods_and_leave_room(objects: list[Obj]) -> None:
    pdbs = by_kind(objects, "PodDisruptionBudget")
    assert pdbs
    for pdb in pdbs:
        selected = [w for w, t in pod_templates(objects) if matches(pdb["spec"]["selector"], t["metadata"]["labels"])]
        assert len(selected) == 1, f"PDB {pdb['metadata']['name']} selects {[w['metadata']['name'] for w in selected]}"
        workload = selected[0]
        hpa = next(
            (
                h
                for h in by_kind(objects, "HorizontalPodAutoscaler")
                if h["spec"]["scaleTargetRef"]["name"] == workload["metadata"]["name"]
            ),
            None,
        )
        floor = hpa["spec"]["minReplicas"] if hpa else workload["spec"]["replicas"]
        assert pdb["spec"]["minAvailable"] < floor, f"PDB {pdb['metadata']['name']} would block every drain"


def test_ingress_routes_to_a_service_port_with_tls(objects: list[Obj]) -> None:
    [ingress] = by_kind(objects, "Ingress")
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts <= {h for tls in ingress["spec"]["tls"] for h in tls["hosts"]}
    config = named(objects, "ConfigMap", "pulse-config")
    assert config is not None
    assert hosts <= set(config["data"]["ALLOWED_HOSTS"].split(",")), "the ingress host is not an allowed host"
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > 20  # longer than the ping interval
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            service = named(objects, "Service", backend["name"])
            assert service is not None, f"Ingress routes to missing Service {backend['name']}"
            ports = service["spec"]["ports"]
            wanted = backend["port"]
            assert any(wanted.get("name") == p.get("name") or wanted.get("number") == p["port"] for p in ports), wanted


def test_network_policies_select_real_pods_and_start_from_deny(objects: list[Obj]) -> None:
    policies = by_kind(objects, "NetworkPolicy")
    deny = named(objects, "NetworkPolicy", "default-deny")
    assert (
        deny is not None
        and deny["spec"]["podSelector"] == {}
        and set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    )
    assert "ingress" not in deny["spec"] and "egress" not in deny["spec"]
    labels = [t["metadata"]["labels"] for _w, t in pod_templates(objects)]
    for policy in policies:
        assert any(matches(policy["spec"]["podSelector"], pod) for pod in labels), (
            f"{policy['metadata']['name']} selects no pod"
        )
        for rule in [*policy["spec"].get("ingress", []), *policy["spec"].get("egress", [])]:
            for peer in rule.get("from", []) + rule.get("to", []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    assert any(matches(peer["podSelector"], pod) for pod in labels), (
                        f"{policy['metadata']['name']} names peers no pod matches: {peer}"
                    )


def _allowed(policies: list[Obj], direction: str, pod: dict[str, str], peer: dict[str, str], port: int) -> bool:
    key, peers_key = ("ingress", "from") if direction == "ingress" else ("egress", "to")
    for policy in policies:
        if not matches(policy["spec"]["podSelector"], pod):
            continue
        for rule in policy["spec"].get(key, []):
            ports = [p["port"] for p in rule.get("ports", [])]
            if ports and port not in ports:
                continue
            if any(
                "podSelector" in p and "namespaceSelector" not in p and matches(p["podSelector"], peer)
                for p in rule.get(peers_key, [])
            ):
                return True
    return False


def test_each_component_can_reach_what_it_needs(objects: list[Obj]) -> None:
    policies = by_kind(objects, "NetworkPolicy")
    pods = {w["metadata"]["name"]: t["metadata"]["labels"] for w, t in pod_templates(objects)}
    web, api = pods["pulse-web"], pods["pulse-api"]
    assert _allowed(policies, "egress", web, api, 8000) and _allowed(policies, "ingress", api, web, 8000)
    assert not _allowed(policies, "ingress", api, pods["pulse-worker"], 8000), "workers need no access to the api"
    if "pulse-postgres" in pods:  # staging: in-namespace datastores
        for name in ("pulse-api", "pulse-worker", "pulse-beat", "pulse-migrate"):
            for store, port in (("pulse-postgres", 5432), ("pulse-redis", 6379)):
                assert _allowed(policies, "egress", pods[name], pods[store], port), (name, store)
                assert _allowed(policies, "ingress", pods[store], pods[name], port), (store, name)
        assert not _allowed(policies, "ingress", pods["pulse-postgres"], web, 5432), "web must not reach the database"
    else:
        backend = named(objects, "NetworkPolicy", "backend-to-datastores")
        assert backend is not None and any("ipBlock" in p for r in backend["spec"]["egress"] for p in r["to"])


def test_pods_are_locked_down(objects: list[Obj]) -> None:
    for workload, template in pod_templates(objects):
        spec = template["spec"]
        name = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True and isinstance(
            spec["securityContext"]["runAsUser"], int
        ), name
        assert spec.get("automountServiceAccountToken") is False, name
        mounts = set()
        for container in containers(template):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"], name
            image = container["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), f"{name}: unpinned image {image}"
            mounts |= {m["mountPath"] for m in container.get("volumeMounts", [])}
        if name.startswith("pulse-") and name not in {"pulse-postgres", "pulse-redis"}:
            assert "/tmp" in mounts, f"{name}: a read-only root needs a writable /tmp"


def test_api_probes_drain_and_spread(objects: list[Obj]) -> None:
    api = named(objects, "Deployment", "pulse-api")
    assert api is not None
    spec = api["spec"]["template"]["spec"]
    [container] = spec["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    graceful = int(next(e["value"] for e in container["env"] if e["name"] == "GRACEFUL_SHUTDOWN_SECONDS"))
    assert spec["terminationGracePeriodSeconds"] > pre_stop + graceful
    assert {c["topologyKey"] for c in spec["topologySpreadConstraints"]} >= {"kubernetes.io/hostname"}
    for constraint in spec["topologySpreadConstraints"]:
        assert matches(constraint["labelSelector"], api["spec"]["template"]["metadata"]["labels"])


def test_envfrom_references_exist(objects: list[Obj]) -> None:
    for workload, template in pod_templates(objects):
        for container in containers(template):
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert named(objects, "ConfigMap", source["configMapRef"]["name"]), workload["metadata"]["name"]
                if "secretRef" in source:
                    assert named(objects, "Secret", source["secretRef"]["name"]), workload["metadata"]["name"]

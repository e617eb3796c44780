"""No live data reaches someone who may not see it (SPEC §6, issue 9 B): private rows go to their one
person, shared (tag) events carry only what each recipient may see, and, for every kind of message the
server can send (the registry in pulse.realtime.events), an outsider listening to everything they may
listen to hears nothing about a project they cannot see."""

from __future__ import annotations

import contextlib
import datetime
import json
import threading
from typing import Any

import pytest
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.notifications.models import Notification
from pulse.notifications.services import mandrill_events_process
from pulse.projects.jobs import trash_purge
from pulse.projects.models import Project
from pulse.realtime.events import DASHBOARD_MESSAGE_TYPES, EVENT_TYPES, USER_MESSAGE_TYPES, Audience
from pulsekit.versioning import make_etag
from tests.factories import make_user
from tests.realtime.conftest import Team
from tests.realtime.support import Api, Server, Socket, is_event, wait_until

pytestmark = pytest.mark.usefixtures("transactional_db")

REASON = "Vendor slipped; the contract is worth 1.2M"


def run_bulk(
    monkeypatch: pytest.MonkeyPatch, actor: Any, projects: list[Project], action: str, params: dict[str, Any]
) -> BulkOperation:
    """Request and run a bulk operation in this process (what a worker would do), committed."""
    monkeypatch.setattr(bulk_services, "enqueue", lambda *args: None)
    items = [{"id": p.pk, "etag": make_etag("project", p.pk, Project.objects.get(pk=p.pk).version)} for p in projects]
    operation, _ = bulk_services.bulk_operation_request(actor=actor, action=action, params=params, items=items)
    done = bulk_services.bulk_operation_execute(operation_id=operation.pk)
    assert done is not None and done.status == BulkStatus.SUCCEEDED, done and done.report
    return done


def listening(sock: Socket, *topics: str) -> Socket:
    for topic in sorted(topics, key=lambda t: t == "dashboard"):
        if topic == "dashboard":  # its first stats may come before or after the answer
            sock.send({"type": "subscribe", "topic": topic})
            assert {"type": "subscribed", "topic": topic} in sock.collect(0.5)
        else:
            sock.subscribe(topic)
    return sock


def events_of(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in messages if is_event(m) and m["type"] == kind]


def test_a_bulk_summary_reaches_only_its_requester(
    team: Team, sessions: Any, server_a: Server, server_b: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    requester = listening(sessions(server_a, team.owner).socket(), "user", "dashboard")
    requester_elsewhere = listening(sessions(server_b, team.owner).socket(), "user")
    requester_dashboard_only = listening(sessions(server_a, team.owner).socket(), "dashboard")
    colleague = listening(
        sessions(server_b, team.member).socket(), "user", "dashboard", f"project:{team.pid}"
    )  # sees the project, not the requester's operation
    outsider = listening(sessions(server_a, team.outsider).socket(), "user", "dashboard")

    params = {"health": "at_risk", "reason": REASON}
    op = run_bulk(monkeypatch, team.owner, [team.project], "set_health_override", params)

    for sock in (requester, requester_elsewhere):
        summaries = events_of(sock.collect(1.5), "bulk.completed")
        assert [(e["data"]["target_id"], e["project_id"]) for e in summaries] == [(op.pk, None)]
        assert summaries[0]["data"]["metadata"]["params"]["reason"] == REASON
    assert events_of(requester_dashboard_only.collect(0.5), "bulk.completed") == [], "the user topic only"
    seen = colleague.collect(1.0)
    assert [e["data"]["changes"]["health_override"] for e in events_of(seen, "project.updated")] == [[None, "at_risk"]]
    assert events_of(seen, "bulk.completed") == []
    assert REASON not in str([m for m in seen if m.get("type") != "project.updated"])
    outsider.assert_quiet(0.5)


def test_a_shared_tag_event_lists_only_the_projects_each_subscriber_may_see(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner_api = sessions(server_a, team.owner)
    tag = owner_api.http.post("/tags/", json={"name": "classified"}).json()
    outsider_api = sessions(server_a, team.outsider)
    outsiders_project = outsider_api.http.post("/projects/", json={"title": "Outsider's own"}).json()
    for api, pid in ((owner_api, team.pid), (owner_api, team.other.pk), (outsider_api, outsiders_project["id"])):
        api.update_project(pid, tag_ids=[tag["id"]])

    watchers = {
        "owner": listening(owner_api.socket(server_b), "dashboard"),
        "member": listening(sessions(server_a, team.member).socket(), "dashboard"),
        "outsider": listening(outsider_api.socket(), "dashboard"),
        "outsider elsewhere": listening(outsider_api.socket(server_b), "dashboard"),
    }
    expected = {
        "owner": sorted([team.pid, team.other.pk]),
        "member": [team.pid],
        "outsider": [outsiders_project["id"]],
        "outsider elsewhere": [outsiders_project["id"]],
    }
    path = f"/tags/{tag['id']}/"
    response = owner_api.http.patch(path, json={"name": "declassified"}, headers={"If-Match": owner_api.etag(path)})
    assert response.status_code == 200, response.text
    created = owner_api.http.post("/tags/", json={"name": "right after"})  # shared events keep their order
    assert created.status_code == 201, created.text

    for name, sock in watchers.items():
        shared = [m for m in sock.collect(1.5) if is_event(m) and m["project_id"] is None]
        assert [m["type"] for m in shared] == ["tag.updated", "tag.created"], (name, shared)
        assert sorted(shared[0]["data"]["metadata"]["project_ids"]) == expected[name], name


# ---------------------------------------------------------------- every kind of message, one outsider

EVERY_TYPE = set(EVENT_TYPES) | USER_MESSAGE_TYPES | DASHBOARD_MESSAGE_TYPES


class Reader:
    """Reads a socket on a thread of its own, so a long scenario never backs its messages up."""

    def __init__(self, sock: Socket) -> None:
        self.sock = sock
        self.stop = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.sock.next(timeout=0.2)  # schema-checked, appended to sock.received
            except TimeoutError:
                continue
            except BaseException as error:
                self.failure = error
                return

    def finish(self) -> list[dict[str, Any]]:
        self.stop.set()
        self.thread.join(5)
        assert self.failure is None, f"reading the socket failed: {self.failure!r}"
        return self.sock.received

    def types(self) -> set[str]:
        return {m["type"] for m in list(self.sock.received)}


def _write(api: Api, method: str, path: str, *, json_body: Any = None, etag_of: str | None = None) -> Any:
    headers = {"If-Match": api.etag(etag_of)} if etag_of else {}
    response = api.http.request(method, path, json=json_body, headers=headers)
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response.json() if response.content else None


def test_an_outsider_listening_to_everything_hears_nothing_of_any_kind_about_projects_they_cannot_see(
    team: Team, sessions: Any, server_a: Server, server_b: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, member, outsider = (
        sessions(server_a, team.owner),
        sessions(server_b, team.member),
        sessions(server_a, team.outsider),
    )
    own = _write(outsider, "POST", "/projects/", json_body={"title": "Outsider's own"})["id"]
    start = int(Activity.objects.order_by("-id").values_list("id", flat=True)[0])

    insiders = {
        "owner": listening(
            owner.socket(), "user", f"project:{team.pid}", f"project:{team.other.pk}", "projects", "dashboard"
        ),
        "member": listening(member.socket(), "user", f"project:{team.pid}", "projects", "dashboard"),
    }
    outsiders = [
        listening(outsider.socket(server), "user", f"project:{own}", "projects", "dashboard")
        for server in (server_a, server_b)
    ]
    readers = {name: Reader(sock) for name, sock in insiders.items()}
    outsider_readers = [Reader(sock) for sock in outsiders]
    p = f"/projects/{team.pid}/"

    # Each step makes the server send some kinds of message about projects the outsider cannot see.
    _write(owner, "PATCH", p, json_body={"description": "Moon landing, phase two"}, etag_of=p)
    _write(owner, "POST", f"{p}transitions/start/", etag_of=p)  # and notifies the member
    zed = make_user("zed")
    added = _write(owner, "POST", f"{p}members/", json_body={"user_id": zed.pk, "role": "qa"})
    member_path = f"{p}members/{added['id']}/"
    _write(owner, "PATCH", member_path, json_body={"role": "designer"}, etag_of=member_path)
    _write(owner, "DELETE", member_path, etag_of=member_path)
    milestone = owner.add_milestone(team.pid, "Apollo lunar descent")
    milestone_path = f"{p}milestones/{milestone['id']}/"
    _write(owner, "PATCH", milestone_path, json_body={"progress": 40}, etag_of=milestone_path)
    _write(owner, "DELETE", milestone_path, etag_of=milestone_path)

    tag = _write(owner, "POST", "/tags/", json_body={"name": "portfolio"})
    outsider.update_project(own, tag_ids=[tag["id"]])
    owner.update_project(team.pid, tag_ids=[tag["id"]])
    owner.update_project(team.other.pk, tag_ids=[tag["id"]])
    tag_path = f"/tags/{tag['id']}/"
    _write(owner, "PATCH", tag_path, json_body={"name": "portfolio-2027"}, etag_of=tag_path)
    _write(owner, "DELETE", tag_path, etag_of=tag_path)

    params = {"health": "at_risk", "reason": "Apollo budget cut"}
    run_bulk(monkeypatch, team.owner, [team.project, team.other], "set_health_override", params)

    notification = Notification.objects.filter(recipient=team.member, project_id=team.pid).latest("id")
    Notification.objects.filter(pk=notification.pk).update(email_message_id="apollo-mail-1")
    mandrill_events_process(events=[{"event": "send", "_id": "apollo-mail-1", "ts": 1, "msg": {}}])

    hidden = _write(owner, "POST", "/projects/", json_body={"title": "Nebula", "description": "classified"})["id"]
    hidden_path = f"/projects/{hidden}/"
    _write(owner, "DELETE", hidden_path, etag_of=hidden_path)
    _write(owner, "POST", f"{hidden_path}restore/")
    _write(owner, "DELETE", hidden_path, etag_of=hidden_path)
    assert trash_purge(now=timezone.now() + datetime.timedelta(days=400)) == 1

    secret_ids = {team.pid, team.other.pk, hidden}
    secret_words = ["Apollo", "Gemini", "Nebula", "Moon landing", "classified", "zed-"]

    # Proof that each kind really went out while the outsider listened, so the silence below means something.
    def sent() -> set[str]:
        published = set(
            Activity.objects.filter(id__gt=start, published_at__isnull=False).values_list("verb", flat=True)
        )
        received = readers["owner"].types() | readers["member"].types()
        return {t for t in EVERY_TYPE if (EVENT_TYPES.get(t) is Audience.PROJECT and t in published) or t in received}

    with contextlib.suppress(AssertionError):
        wait_until(lambda: sent() >= EVERY_TYPE, 15.0, interval=0.25)
    assert not Activity.objects.filter(id__gt=start, published_at__isnull=True).exists()
    missing = EVERY_TYPE - sent()
    assert not missing, f"no step of this test sends {sorted(missing)}: add one (a new kind must be covered here)"
    tag_events = [m for m in readers["owner"].types() if m.startswith("tag.")]
    assert sorted(tag_events) == ["tag.created", "tag.deleted", "tag.updated"]

    outsiders_dashboard = outsider.http.get("/dashboard/").json()
    threading.Event().wait(1.5)  # anything still on its way to the outsider arrives
    for reader in readers.values():
        reader.finish()
    for n, reader in enumerate(outsider_readers):
        heard = reader.finish()
        problems = [m for m in heard if _about(m, secret_ids, secret_words, own, outsiders_dashboard)]
        assert not problems, f"outsider socket {n} heard about projects it cannot see: {problems}"
        shared = [m for m in heard if is_event(m) and m["project_id"] is None]
        assert [m["type"] for m in shared] == ["tag.created", "tag.updated", "tag.deleted"], shared
        assert [m["data"]["metadata"]["project_ids"] for m in shared[1:]] == [[own], [own]]

    # Nor does resuming from before it all replay anything of theirs.
    back = outsiders[0]
    back.send({"type": "resume", "last_id": start})
    replayed: list[dict[str, Any]] = []
    while (message := back.next())["type"] != "resumed":
        replayed.append(message)
    assert replayed and {m["project_id"] for m in replayed} == {own}, replayed
    assert message["replayed"] == len(replayed)


def _about(
    message: dict[str, Any], secret_ids: set[int], secret_words: list[str], own: int, dashboard: dict[str, Any]
) -> bool:
    """Whether a message the outsider got says anything about the projects they cannot see."""
    text = json.dumps(message)
    if any(word.lower() in text.lower() for word in secret_words):
        return True
    if message["type"] == "dashboard.stats":  # their own numbers only
        return bool(message["data"]["totals"] != dashboard["totals"])
    if message["type"] == "projects.changed":  # their own projects only
        return any(p["id"] != own for p in message["projects"])
    if not is_event(message):
        return message["type"] in USER_MESSAGE_TYPES  # the outsider ran nothing, was notified of nothing
    data = message["data"]
    if message["project_id"] is not None:
        return bool(message["project_id"] != own)
    if EVENT_TYPES[message["type"]] is not Audience.EVERYONE:
        return True  # someone else's private row
    return bool(set(data["metadata"].get("project_ids", [])) & secret_ids)

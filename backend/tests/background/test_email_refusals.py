"""Permanent email refusals fail at once with the reason recorded; transient failures are retried.

The real worker sends through the real adapters: django-anymail's Mandrill backend against the fake
Mandrill API of ``conftest.py``, and Django's SMTP backend against a small SMTP server in this module
that answers each recipient from a script (refuse RCPT or DATA with a given code, stall past the
client's timeout, drop the connection, or accept).
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pulse.accounts.models import User
from pulse.notifications.models import EmailStatus, Notification
from pulse.projects.models import Role
from tests.background.conftest import FakeMandrill, Worker, Workers, free_port
from tests.background.support import wait_until
from tests.factories import add_member, make_project, make_user

SMTP_TIMEOUT = 2  # the worker's EMAIL_TIMEOUT: a stalled server costs one attempt this long


def _notify(person: User) -> Notification:
    """Add ``person`` to a new project: one member_added notification, emailed by the worker."""
    add_member(make_project(make_user("mail-owner")), person, role=Role.DEVELOPER)
    return Notification.objects.get(recipient=person)


def _settled(notification: Notification, timeout: float) -> Notification:
    def check() -> Notification | None:
        fresh = Notification.objects.get(pk=notification.pk)
        return fresh if fresh.email_status != EmailStatus.PENDING else None

    return wait_until(check, timeout, interval=0.2, what=f"email of notification {notification.pk} settled")


def _assert_refused_once(notification: Notification, calls: Any, *, reason: str, worker: Worker) -> None:
    done = _settled(notification, timeout=30)
    assert done.email_status == EmailStatus.REJECTED, (done.email_status, done.email_error, worker.log_tail())
    assert reason in done.email_error, done.email_error
    assert done.email_attempts == 1
    assert done.email_updated_at is not None and done.email_message_id == ""
    time.sleep(3)  # a retry would come within 2 s (the first backoff)
    assert calls() <= 1, "a permanent refusal is not retried"
    assert Notification.objects.get(pk=notification.pk).email_attempts == 1


# ---------------------------------------------------------------- Mandrill (django-anymail)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        pytest.param("rejected:hard-bounce", "hard-bounce", id="status-rejected"),
        pytest.param("invalid", "invalid", id="status-invalid"),
        pytest.param("error:ValidationError", "ValidationError", id="validation-error"),
        pytest.param(400, "HTTP 400", id="http-400"),
    ],
)
def test_mandrill_permanent_refusal_fails_at_once(
    worker: Worker, fake_mandrill: FakeMandrill, answer: int | str, reason: str
) -> None:
    person = make_user("refused")
    fake_mandrill.script(person.email, [answer, "sent"])  # a retry would succeed: there must be none
    notification = _notify(person)
    _assert_refused_once(notification, lambda: len(fake_mandrill.sends_to(person.email)), reason=reason, worker=worker)
    assert len(fake_mandrill.sends_to(person.email)) == 1


def test_an_address_the_adapter_cannot_parse_is_refused_without_a_call(
    worker: Worker, fake_mandrill: FakeMandrill
) -> None:
    person = make_user("unparsable")
    User.objects.filter(pk=person.pk).update(email="no-at-sign.example.test")  # a legacy row
    notification = _notify(User.objects.get(pk=person.pk))
    _assert_refused_once(notification, lambda: 0, reason="Invalid address", worker=worker)
    assert fake_mandrill.sends_to("no-at-sign.example.test") == []


@pytest.mark.parametrize("answer", [429, 503, "error:GeneralError"])
def test_mandrill_transient_failure_is_retried(worker: Worker, fake_mandrill: FakeMandrill, answer: int | str) -> None:
    person = make_user("throttled")
    fake_mandrill.script(person.email, [answer, "sent:later-ok"])
    notification = _notify(person)
    done = _settled(notification, timeout=60)
    assert done.email_status == EmailStatus.SENT, (done.email_error, worker.log_tail())
    assert done.email_message_id == "later-ok"
    assert len(fake_mandrill.sends_to(person.email)) == 2


# ---------------------------------------------------------------- SMTP (Django's backend)


@dataclass
class FakeSmtp:
    """Each connection takes the next behaviour scripted for its recipient (the last one repeats):
    ``"ok"``, ``"rcpt:<code>"``, ``"data:<code>"``, ``"stall"`` (no answer to RCPT), ``"drop"``."""

    port: int = 0
    scripts: dict[str, list[str]] = field(default_factory=dict)
    attempts: dict[str, list[str]] = field(default_factory=dict)
    delivered: dict[str, list[bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closing: threading.Event = field(default_factory=threading.Event)

    def script(self, email: str, behaviours: list[str]) -> None:
        with self.lock:
            self.scripts[email.lower()] = list(behaviours)

    def next_behaviour(self, email: str) -> str:
        with self.lock:
            script = self.scripts.get(email.lower(), ["ok"])
            behaviour = script.pop(0) if len(script) > 1 else script[0]
            self.attempts.setdefault(email.lower(), []).append(behaviour)
            return behaviour

    def tries(self, email: str) -> int:
        with self.lock:
            return len(self.attempts.get(email.lower(), []))


def _smtp_handler(fake: FakeSmtp) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self) -> None:
            self.reply("220 fake-smtp ESMTP ready")
            behaviour, recipient = "ok", ""
            while raw := self.rfile.readline(65536):
                command = raw.decode(errors="replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 fake-smtp")
                elif verb == "MAIL":
                    self.reply("250 2.1.0 Sender OK")
                elif verb == "RCPT":
                    recipient = command.split(":", 1)[1].strip().strip("<>")
                    behaviour = fake.next_behaviour(recipient)
                    if behaviour == "stall":
                        fake.closing.wait(SMTP_TIMEOUT * 3)
                        return
                    if behaviour == "drop":
                        return
                    if behaviour.startswith("rcpt:"):
                        self.reply(f"{behaviour[5:]} Recipient refused by script")
                    else:
                        self.reply("250 2.1.5 Recipient OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    body = b""
                    while (line := self.rfile.readline(65536)) not in (b".\r\n", b""):
                        body += line
                    if behaviour.startswith("data:"):
                        self.reply(f"{behaviour[5:]} Message refused by script")
                    else:
                        with fake.lock:
                            fake.delivered.setdefault(recipient.lower(), []).append(body)
                        self.reply("250 2.0.0 Queued")
                elif verb == "RSET" or verb == "NOOP":
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

    return Handler


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="module")
def fake_smtp() -> Iterator[FakeSmtp]:
    fake = FakeSmtp(port=free_port())
    server = _Server(("127.0.0.1", fake.port), _smtp_handler(fake))
    thread = threading.Thread(target=server.serve_forever, name="fake-smtp", daemon=True)
    thread.start()
    yield fake
    fake.closing.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def smtp_workers(workers: Workers, fake_smtp: FakeSmtp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    """Workers that send with Django's SMTP backend to ``fake_smtp``."""
    env = dict(workers.env)
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(fake_smtp.port),
        EMAIL_TIMEOUT=str(SMTP_TIMEOUT),
    )
    manager = Workers(env, Path(tmp_path_factory.mktemp("celery-smtp")))
    yield manager
    manager.stop()


# One worker at a time on the broker (in whatever order the tests run): each kind stops the other.


@pytest.fixture
def smtp_worker(workers: Workers, smtp_workers: Workers, transactional_db: Any) -> Worker:
    workers.stop()
    return smtp_workers.ensure()


@pytest.fixture
def worker(workers: Workers, smtp_workers: Workers, transactional_db: Any) -> Worker:
    smtp_workers.stop()
    return workers.ensure()


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        pytest.param("rcpt:550", "550", id="rcpt-550-mailbox-unavailable"),
        pytest.param("rcpt:553", "553", id="rcpt-553-bad-address"),
        pytest.param("data:554", "554", id="data-554-refused"),
    ],
)
def test_smtp_5xx_fails_at_once(smtp_worker: Worker, fake_smtp: FakeSmtp, behaviour: str, reason: str) -> None:
    person = make_user("smtp-refused")
    fake_smtp.script(person.email, [behaviour, "ok"])
    notification = _notify(person)
    _assert_refused_once(notification, lambda: fake_smtp.tries(person.email), reason=reason, worker=smtp_worker)
    assert fake_smtp.tries(person.email) == 1 and person.email.lower() not in fake_smtp.delivered


@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param("rcpt:450", id="rcpt-450-mailbox-busy"),
        pytest.param("data:451", id="data-451-local-error"),
        pytest.param("drop", id="connection-dropped"),
        pytest.param("stall", id="timeout"),
    ],
)
def test_smtp_transient_failure_is_retried(smtp_worker: Worker, fake_smtp: FakeSmtp, behaviour: str) -> None:
    person = make_user("smtp-flaky")
    fake_smtp.script(person.email, [behaviour, "ok"])
    notification = _notify(person)
    done = _settled(notification, timeout=60)
    assert done.email_status == EmailStatus.SENT, (done.email_error, smtp_worker.log_tail())
    assert fake_smtp.tries(person.email) == 2
    assert done.email_attempts == 2 and done.email_error == ""
    (body,) = fake_smtp.delivered[person.email.lower()]
    assert f"X-Pulse-Notification: {notification.pk}".encode() in body

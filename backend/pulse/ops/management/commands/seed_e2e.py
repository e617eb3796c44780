"""The browser tests' data: a small portfolio whose every number is known by construction.

Loaded through the real services (so activity, health and notifications are what the product makes),
into an empty database only. The figures below are what `frontend/e2e/support/seed.ts` asserts; change
both together.

People (password ``pulse-e2e-2026`` for all):

- ``rita`` (Rita Reader): owns the read-only portfolio. Browser tests that assert numbers sign in as
  her and never change anything.
- ``eddie`` (Eddie Editor): owns the projects the write flows change (a lifecycle transition, a delete
  and restore) and has four unread notifications, one of which a test reads.
- ``tess`` (Tess Teammate): a manager on some of Rita's projects and owner of one of Eddie's; she runs
  the transitions that notify the other two. Booked 60 % + 50 % on two open projects: over-allocated.
- ``otto`` (Otto Outsider): owns a project nobody else may see.
- ``wendy`` (Wendy Writer): owns nothing at first; the form and editing tests sign in as her and make
  their own projects, which nobody else sees, so no other test's numbers move.
- ``nina`` (Nina Newcomer): on no project; those tests add her to a team (found by her whole email).
- ``bella`` (Bella Bulk): owns the 240 planning projects "Bulk project 001" … "Bulk project 240"
  (start -10, due +30 days, nothing else) that the bulk-edit test selects all of, changes and undoes.
- ``cole`` (Cole Colleague): a manager (0 % allocated) on "Bulk project 001" only: the bulk test
  changes it as him between the preview and the run, for a conflict.

Rita's portfolio (12 live projects, 1 in the trash), ``today`` = the server's local date:

==  =============================  =========  ======================  ========  =================
#   title                          status     health (why)            progress  dates
==  =============================  =========  ======================  ========  =================
1   Aurora billing revamp          active     on track                50 (ms)   -30 … +60
2   Beacon mobile app              active     on track                30        -20 … +80
3   Cobalt data pipeline           active     at risk (override)      20        -10 … +90
4   Delta search tuning            active     at risk (override)      60        -10 … +90
5   Ember checkout flow            active     off track (overdue)     80        -100 … -5
6   Falcon infrastructure upgrade  active     off track (override)    15        -10 … +90
7   Garnet onboarding              planning   on track                0         +10 … +100
8   Harbor analytics               planning   on track                0         +5 … +60
9   Iris design tokens             on_hold    on track                45        -40 … +50
10  Jade single sign-on            completed  on track                100       -90 … -10
11  Kestrel partner API            completed  on track                100       -80 … -20
12  Lumen support chatbot          cancelled  on track                10        -60 … +30
==  =============================  =========  ======================  ========  =================

Hence Rita's dashboard: open 9, at risk 2, off track 2, overdue 1, average progress of open
projects 300 / 9 → 33 %; by status planning 2, active 6, on hold 1, completed 2, cancelled 1;
progress bands of open projects 0–24: 4, 25–49: 2, 50–74: 2, 75–99: 1, 100: 0; one over-allocated
person, Tess, 110 % over 4 open projects (Aurora 60, Beacon 50, Iris 0, her own Quasar 0). "Nimbus
legacy archive" is in her trash; "Zephyr stealth prototype" (Otto's) is invisible to her. Tess ran
``start`` and ``hold`` on Iris, so Rita has 2 unread notifications.

Eddie: "Orbit launch plan" (planning: the transition flow starts it), "Pioneer data migration"
(active: deleted through the API and restored from the trash by a test), and Tess's "Quasar
research" where he is a developer; joining it and Tess's ``start``, ``hold`` and ``resume`` on it
leave Eddie 4 unread notifications.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pulse.accounts.models import User
from pulse.accounts.services import user_create
from pulse.notifications.models import EmailStatus, Notification
from pulse.projects import services
from pulse.projects.models import MilestoneStatus, Project, Role, Tag

E2E_PASSWORD = "pulse-e2e-2026"

PEOPLE = [
    ("rita", "Rita Reader"),
    ("eddie", "Eddie Editor"),
    ("tess", "Tess Teammate"),
    ("otto", "Otto Outsider"),
    ("wendy", "Wendy Writer"),
    ("nina", "Nina Newcomer"),
    ("bella", "Bella Bulk"),
    ("cole", "Cole Colleague"),
]

BULK_PROJECTS = 240

TAGS = [("frontend", "#3b82f6"), ("backend", "#10b981"), ("data", "#06b6d4"), ("security", "#ef4444")]

# Which transitions bring a new (planning) project to each status.
PATHS = {
    "planning": [],
    "active": ["start"],
    "on_hold": ["start", "hold"],
    "completed": ["start", "complete"],
    "cancelled": ["cancel"],
}


@dataclass(frozen=True)
class Seeded:
    title: str
    description: str
    status: str
    days: tuple[int, int]  # start and due, in days from today
    progress: int = 0
    tags: tuple[str, ...] = ()
    override: str | None = None
    team: dict[str, tuple[str, int]] = field(default_factory=dict)  # username → (role, allocation %)
    path: tuple[str, ...] | None = None  # transitions run after creation (default: PATHS[status])
    transitioned_by: str | None = None  # who runs them (default: the owner)


RITA = [
    Seeded(
        "Aurora billing revamp",
        "Invoices, plan changes and dunning in one place.",
        "active",
        (-30, 60),
        tags=("frontend", "backend"),
        team={"tess": (Role.MANAGER, 60)},
    ),
    Seeded(
        "Beacon mobile app",
        "Offline mode and push alerts for field staff.",
        "active",
        (-20, 80),
        30,
        ("frontend",),
        team={"tess": (Role.MANAGER, 50)},
    ),
    Seeded("Cobalt data pipeline", "Nightly loads into the warehouse.", "active", (-10, 90), 20, ("data",), "at_risk"),
    Seeded("Delta search tuning", "Synonyms and ranking signals.", "active", (-10, 90), 60, ("backend",), "at_risk"),
    Seeded("Ember checkout flow", "Fewer steps to pay.", "active", (-100, -5), 80, ("frontend",)),
    Seeded("Falcon infrastructure upgrade", "Retire the old node pools.", "active", (-10, 90), 15, (), "off_track"),
    Seeded("Garnet onboarding", "Guided setup for new accounts.", "planning", (10, 100)),
    Seeded("Harbor analytics", "Usage reports for customers.", "planning", (5, 60), tags=("data",)),
    Seeded(
        "Iris design tokens",
        "Colour and spacing tokens shared by every screen.",
        "on_hold",
        (-40, 50),
        45,
        ("frontend",),
        team={"tess": (Role.MANAGER, 0)},
        transitioned_by="tess",
    ),
    Seeded("Jade single sign-on", "SAML for enterprise customers.", "completed", (-90, -10), 100, ("security",)),
    Seeded("Kestrel partner API", "Versioned endpoints with webhooks.", "completed", (-80, -20), 100, ("backend",)),
    Seeded("Lumen support chatbot", "Answers to common questions.", "cancelled", (-60, 30), 10),
]
RITA_TRASHED = Seeded("Nimbus legacy archive", "Read-only copy of the old tracker.", "active", (-50, 40), 70)
OTTO = Seeded("Zephyr stealth prototype", "Not shared with anyone.", "active", (-10, 90), 40)
EDDIE = [
    Seeded(
        "Orbit launch plan",
        "Everything the launch needs, in order.",
        "planning",
        (3, 90),
        tags=("frontend",),
    ),
    Seeded("Pioneer data migration", "Move reports off the legacy database.", "active", (-15, 75), 35, ("data",)),
]
TESS_WITH_EDDIE = Seeded(
    "Quasar research",
    "Interviews and a short report.",
    "active",
    (-5, 40),
    25,
    team={"eddie": (Role.DEVELOPER, 10)},
    path=("start", "hold", "resume"),
)

# Aurora's milestones (weights 1, 2, 1 → progress (100 + 2·50 + 0) / 4 = 50); none overdue or slipping.
AURORA_MILESTONES = [
    ("Discovery", MilestoneStatus.DONE, (-30, -10), 100, 1),
    ("Build", MilestoneStatus.IN_PROGRESS, (-10, 30), 50, 2),
    ("Launch", MilestoneStatus.PENDING, (30, 60), 0, 1),
]


class Command(BaseCommand):
    help = "Load the browser tests' known data set into an empty database (see the module docstring)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Project.all_objects.exists() or User.objects.exists():
            raise CommandError("seed_e2e loads into an empty database only (its numbers are exact).")
        today = timezone.localdate()
        with transaction.atomic():
            people = {
                username: user_create(
                    username=username, email=f"{username}@pulse.example", password=E2E_PASSWORD, display_name=name
                )
                for username, name in PEOPLE
            }
            tags = {name: services.tag_create(actor=people["rita"], name=name, colour=colour) for name, colour in TAGS}
            projects = {s.title: self._project(s, people["rita"], people, tags, today) for s in RITA}
            self._milestones(projects["Aurora billing revamp"], people["rita"], today)
            trashed = self._project(RITA_TRASHED, people["rita"], people, tags, today)
            services.project_delete(project_id=trashed.pk, expected_version=trashed.version, actor=people["rita"])
            self._project(OTTO, people["otto"], people, tags, today)
            for seeded in EDDIE:
                self._project(seeded, people["eddie"], people, tags, today)
            self._project(TESS_WITH_EDDIE, people["tess"], people, tags, today)
            self._bulk_portfolio(people, tags, today)
            # In-app only: no e-mail goes out for test data.
            Notification.objects.filter(email_status=EmailStatus.PENDING).update(email_status=EmailStatus.SKIPPED)
        self.stdout.write(self.style.SUCCESS(f"Loaded the e2e data set; password {E2E_PASSWORD}."))

    def _project(
        self, seeded: Seeded, owner: User, people: dict[str, User], tags: dict[str, Tag], today: datetime.date
    ) -> Project:
        start, due = (today + datetime.timedelta(days=d) for d in seeded.days)
        project = services.project_create(
            actor=owner,
            title=seeded.title,
            description=seeded.description,
            start_date=start,
            due_date=due,
            progress=seeded.progress,
            tag_ids=[tags[t].pk for t in seeded.tags],
            health_override=seeded.override,
            health_override_reason="Set by the e2e data set." if seeded.override else "",
        )
        for username, (role, allocation) in seeded.team.items():
            services.member_add(
                project_id=project.pk, actor=owner, user_id=people[username].pk, role=role, allocation=allocation
            )
        # A transition notifies the owner and the members, except whoever ran it.
        actor = people[seeded.transitioned_by] if seeded.transitioned_by else owner
        path = seeded.path if seeded.path is not None else PATHS[seeded.status]
        return self._transition(project, list(path), actor)

    def _bulk_portfolio(self, people: dict[str, User], tags: dict[str, Tag], today: datetime.date) -> None:
        for n in range(1, BULK_PROJECTS + 1):
            seeded = Seeded(f"Bulk project {n:03d}", "Made for the bulk-edit test.", "planning", (-10, 30))
            team = {"cole": (Role.MANAGER, 0)} if n == 1 else {}
            self._project(Seeded(**{**seeded.__dict__, "team": team}), people["bella"], people, tags, today)

    def _transition(self, project: Project, names: list[str], actor: User) -> Project:
        for name in names:
            current = Project.objects.get(pk=project.pk)
            project = services.project_transition(
                project_id=project.pk, name=name, expected_version=current.version, actor=actor
            )
        return Project.objects.get(pk=project.pk)

    def _milestones(self, project: Project, actor: User, today: datetime.date) -> None:
        for title, status, (start, due), progress, weight in AURORA_MILESTONES:
            services.milestone_create(
                project_id=project.pk,
                actor=actor,
                data={
                    "title": title,
                    "status": status,
                    "start_date": today + datetime.timedelta(days=start),
                    "due_date": today + datetime.timedelta(days=due),
                    "progress": progress,
                    "weight": weight,
                },
            )

"""Load a believable demo portfolio through the real services (so activity history is real)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from pulse.accounts.models import User
from pulse.accounts.services import user_create
from pulse.notifications.models import EmailStatus, Notification
from pulse.projects import services
from pulse.projects.models import MilestoneStatus, Project, Role

DEMO_PASSWORD = "pulse-demo-2026"

PEOPLE = [
    ("demo", "Dana Demo", Role.LEAD),
    ("amara", "Amara Okafor", Role.LEAD),
    ("ben", "Ben Carter", Role.MANAGER),
    ("chen", "Chen Wei", Role.MANAGER),
    ("diego", "Diego Alvarez", Role.DEVELOPER),
    ("elif", "Elif Yilmaz", Role.DEVELOPER),
    ("farah", "Farah Haddad", Role.DEVELOPER),
    ("gus", "Gus Lindqvist", Role.DESIGNER),
    ("hana", "Hana Sato", Role.DESIGNER),
    ("ivan", "Ivan Petrov", Role.QA),
    ("jo", "Jo Mensah", Role.QA),
    ("kim", "Kim Nguyen", Role.STAKEHOLDER),
    ("leo", "Leo Rossi", Role.STAKEHOLDER),
]

TAGS = [
    ("frontend", "#3b82f6"),
    ("backend", "#10b981"),
    ("mobile", "#8b5cf6"),
    ("infrastructure", "#f59e0b"),
    ("security", "#ef4444"),
    ("data", "#06b6d4"),
    ("compliance", "#64748b"),
    ("customer", "#ec4899"),
]

PROJECTS = [
    (
        "Checkout redesign",
        "Rebuild the checkout flow with fewer steps and saved payment methods.",
        ["frontend", "customer"],
    ),
    (
        "Payments platform migration",
        "Move card processing to the new payments platform with zero downtime.",
        ["backend", "security"],
    ),
    ("Mobile app 3.0", "Offline mode, push notifications and a refreshed navigation model.", ["mobile", "frontend"]),
    (
        "Data warehouse consolidation",
        "Merge the three reporting databases into one warehouse.",
        ["data", "infrastructure"],
    ),
    (
        "SOC 2 Type II audit",
        "Evidence collection, policy updates and auditor walkthroughs.",
        ["compliance", "security"],
    ),
    ("Kubernetes cluster upgrade", "Upgrade production clusters and retire the legacy node pools.", ["infrastructure"]),
    (
        "Customer onboarding revamp",
        "Guided setup, sample data and in-product checklists for new accounts.",
        ["customer", "frontend"],
    ),
    (
        "Search relevance tuning",
        "Typo tolerance, synonyms and ranking signals for product search.",
        ["backend", "data"],
    ),
    (
        "Single sign-on rollout",
        "SAML and OIDC for enterprise customers with SCIM provisioning.",
        ["security", "backend"],
    ),
    ("Design system 2", "Tokens, accessible components and dark mode across every product surface.", ["frontend"]),
    (
        "Billing self-service",
        "Let customers change plans, download invoices and update tax details.",
        ["customer", "backend"],
    ),
    (
        "Incident response runbooks",
        "Write and rehearse runbooks for the top twenty failure modes.",
        ["infrastructure", "security"],
    ),
    ("Android tablet support", "Responsive layouts and stylus support for tablets.", ["mobile"]),
    ("GDPR data export", "Self-service export and deletion of personal data.", ["compliance", "data"]),
    ("Observability overhaul", "Tracing, SLOs and alert hygiene for every service.", ["infrastructure"]),
    ("Partner API v2", "Versioned REST API with webhooks and sandbox keys for partners.", ["backend", "customer"]),
    (
        "Localization: Japanese and German",
        "Translate the product and adapt date, currency and address formats.",
        ["frontend", "customer"],
    ),
    ("Fraud detection model", "Score transactions in real time and route risky ones to review.", ["data", "security"]),
    ("Warehouse robotics pilot", "Pilot autonomous pickers in the Rotterdam warehouse.", ["infrastructure"]),
    ("Accessibility remediation", "Fix every WCAG 2.2 AA issue from the external audit.", ["frontend", "compliance"]),
    ("Customer health scoring", "Predict churn from usage and support signals.", ["data", "customer"]),
    ("Legacy CRM retirement", "Migrate records and integrations off the legacy CRM.", ["backend", "data"]),
    ("Release train automation", "Weekly releases with automated changelogs and rollbacks.", ["infrastructure"]),
    ("In-app messaging", "Announcements, tours and NPS surveys inside the product.", ["frontend", "customer"]),
    ("Tax engine integration", "Calculate sales tax and VAT through the new tax engine.", ["backend", "compliance"]),
    ("iOS widget suite", "Home-screen widgets for dashboards and alerts.", ["mobile"]),
    ("Password-less login", "Passkeys and magic links alongside passwords.", ["security", "frontend"]),
    ("Cost optimisation sprint", "Cut cloud spend by a fifth without touching reliability.", ["infrastructure"]),
    ("Support chatbot", "Answer common questions and hand over to humans with context.", ["customer", "data"]),
    ("Quarterly business review pack", "Automated QBR slides from live portfolio data.", ["data"]),
    ("Vendor risk assessments", "Assess and document risk for every critical vendor.", ["compliance"]),
    ("Edge caching rollout", "Serve static and API responses from the edge where safe.", ["infrastructure", "backend"]),
]

# status the project should end in, and how far into its schedule it is
PLAN = ["planning", "active", "active", "active", "on_hold", "active", "completed", "active", "cancelled", "active"]
MILESTONE_NAMES = ["Discovery", "Design sign-off", "Build", "Beta", "Launch", "Retrospective"]


class Command(BaseCommand):
    help = "Load demo users, projects, milestones, tags and activity (idempotent: does nothing if already loaded)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Load even if projects already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0  # make run prints its own banner with the demo logins
        if Project.all_objects.exists() and not options["force"]:
            if not quiet:
                self.stdout.write("Demo data already present; skipping.")
            return
        rng = random.Random(2026)
        today = timezone.localdate()
        with transaction.atomic():
            people = self._people()
            tags = {name: services.tag_create(actor=people["demo"], name=name, colour=colour) for name, colour in TAGS}
            for index, (title, description, tag_names) in enumerate(PROJECTS):
                self._project(index, title, description, tag_names, people, tags, rng, today)
            self._spread_history(today)
            # Demo notifications stay in-app: nobody needs ~300 console emails on first start.
            Notification.objects.filter(email_status=EmailStatus.PENDING).update(email_status=EmailStatus.SKIPPED)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(PROJECTS)} projects for {len(PEOPLE)} people."))
        self.stdout.write(f"Log in as demo / {DEMO_PASSWORD} (or admin / {DEMO_PASSWORD} for the admin site).")

    def _people(self) -> dict[str, User]:
        people: dict[str, User] = {}
        for username, name, _ in PEOPLE:
            user = User.objects.filter(username=username).first() or user_create(
                username=username, email=f"{username}@pulse.example", password=DEMO_PASSWORD, display_name=name
            )
            people[username] = user
        if not User.objects.filter(username="admin").exists():
            user_create(
                username="admin",
                email="admin@pulse.example",
                password=DEMO_PASSWORD,
                display_name="Pulse Admin",
                is_staff=True,
                is_superuser=True,
            )
        return people

    def _project(
        self,
        index: int,
        title: str,
        description: str,
        tag_names: list[str],
        people: dict[str, User],
        tags: dict[str, Any],
        rng: random.Random,
        today: datetime.date,
    ) -> None:
        owner = people["demo"] if index % 3 == 0 else people[rng.choice(["amara", "ben", "chen"])]
        status = PLAN[index % len(PLAN)]
        if status == "planning":
            start = today + datetime.timedelta(days=rng.randint(5, 40))
        else:
            start = today - datetime.timedelta(days=rng.randint(10, 120))
        due = start + datetime.timedelta(days=rng.randint(60, 200))
        project = services.project_create(
            actor=owner,
            title=title,
            description=description,
            start_date=start,
            due_date=due,
            tag_ids=[tags[t].pk for t in tag_names],
        )
        team = rng.sample([u for u, _, _ in PEOPLE if people[u] != owner], k=rng.randint(3, 6))
        if owner != people["demo"] and index % 2 == 0:
            team = ["demo", *[u for u in team if u != "demo"]]
        roles = {u: r for u, _, r in PEOPLE}
        for username in team:
            services.member_add(
                project_id=project.pk,
                actor=owner,
                user_id=people[username].pk,
                role=roles[username] if username != "demo" else Role.MANAGER,
                allocation=rng.choice([10, 20, 25, 30, 40, 50]),
            )
        contributors = [people[u] for u in team if roles[u] in (Role.DEVELOPER, Role.DESIGNER, Role.QA)]
        span = (due - start).days
        count = rng.randint(3, 5)
        for n in range(count):
            m_start = start + datetime.timedelta(days=span * n // count)
            m_due = start + datetime.timedelta(days=span * (n + 1) // count)
            if status == "completed" or m_due < today - datetime.timedelta(days=5):
                m_status, progress = MilestoneStatus.DONE, 100
                if status == "active" and rng.random() < 0.3:
                    m_status, progress = MilestoneStatus.IN_PROGRESS, rng.randint(40, 90)
            elif m_start <= today:
                m_status, progress = MilestoneStatus.IN_PROGRESS, rng.randint(5, 80)
            else:
                m_status, progress = MilestoneStatus.PENDING, 0
            services.milestone_create(
                project_id=project.pk,
                actor=owner,
                data={
                    "title": MILESTONE_NAMES[n],
                    "description": f"{MILESTONE_NAMES[n]} for {title.lower()}.",
                    "status": m_status,
                    "start_date": m_start,
                    "due_date": m_due,
                    "progress": progress,
                    "weight": rng.choice([1, 1, 2, 3]),
                    "assignee_id": rng.choice(contributors).pk if contributors else None,
                },
            )
        path = {
            "planning": [],
            "active": ["start"],
            "on_hold": ["start", "hold"],
            "completed": ["start", "complete"],
            "cancelled": ["start", "cancel"],
        }[status]
        for name in path:
            current = Project.objects.get(pk=project.pk)
            services.project_transition(project_id=project.pk, name=name, expected_version=current.version, actor=owner)
        if index in (5, 17):
            current = Project.objects.get(pk=project.pk)
            services.project_update(
                project_id=project.pk,
                expected_version=current.version,
                actor=owner,
                data={"health_override": "at_risk", "health_override_reason": "Key vendor contract not yet signed."},
            )

    def _spread_history(self, today: datetime.date) -> None:
        """Services stamp activity 'now'; spread the history over the past weeks so feeds look lived-in."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE activity_activity a
                SET created_at = now() - interval '45 days' + interval '45 days' * (s.rn::float / s.total)
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS total
                      FROM activity_activity) s
                WHERE a.id = s.id
                """
            )

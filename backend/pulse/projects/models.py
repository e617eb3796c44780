from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from pulsekit.fields import NoControlCharsValidator
from pulsekit.models import SoftDeleteModel, VersionedModel


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class Role(models.TextChoices):
    LEAD = "lead", "Lead"
    MANAGER = "manager", "Manager"
    DEVELOPER = "developer", "Developer"
    DESIGNER = "designer", "Designer"
    QA = "qa", "QA"
    STAKEHOLDER = "stakeholder", "Stakeholder"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"


percent = [MinValueValidator(0), MaxValueValidator(100)]
# The one rule for text (pulsekit.fields): no control characters on one line, tab/LF/CR in descriptions.
one_line = NoControlCharsValidator()
multi_line = NoControlCharsValidator(multiline=True)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Tag(SoftDeleteModel, VersionedModel, TimeStamped):
    name = models.CharField(max_length=50, validators=[one_line])
    colour = models.CharField(
        max_length=7,
        default="#64748b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #3b82f6.")],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="projects_tag_name_live_unique",
                violation_error_message="A tag with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Project(SoftDeleteModel, VersionedModel, TimeStamped):
    title = models.CharField(max_length=200, validators=[one_line])
    description = models.TextField(blank=True, max_length=20000, validators=[multi_line])
    status = models.CharField(max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.ON_TRACK)
    health_reasons = models.JSONField(default=list, blank=True)
    health_override = models.CharField(max_length=16, choices=Health.choices, null=True, blank=True)
    health_override_reason = models.CharField(max_length=500, blank=True, validators=[one_line])
    progress = models.PositiveSmallIntegerField(default=0, validators=percent)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects")
    tags = models.ManyToManyField(Tag, blank=True, related_name="projects")
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("title"),
                condition=Q(deleted_at__isnull=True),
                name="projects_project_title_live_unique",
                violation_error_message="A project with this title already exists.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="projects_project_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="projects_project_progress_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="project_status_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["health"], name="project_health_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["due_date"], name="project_due_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["progress"], name="project_progress_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["-updated_at", "-id"], name="project_updated_idx"),
            # Live ids alone: the list counts a portfolio of thousands by an index-only scan, not the table.
            models.Index(fields=["id"], name="project_live_id_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["title"], name="project_title_idx"),
            GinIndex(fields=["search_vector"], name="project_search_gin"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="project_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title


class TeamMember(VersionedModel, TimeStamped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DEVELOPER)
    allocation = models.PositiveSmallIntegerField(default=0, validators=percent)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                name="projects_member_unique",
                violation_error_message="This person is already a member of the project.",
            ),
            models.CheckConstraint(
                condition=Q(allocation__gte=0) & Q(allocation__lte=100), name="projects_member_allocation_range"
            ),
        ]
        indexes = [models.Index(fields=["user", "project"], name="member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.project_id}"


class Milestone(SoftDeleteModel, VersionedModel, TimeStamped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200, validators=[one_line])
    description = models.TextField(blank=True, max_length=20000, validators=[multi_line])
    status = models.CharField(max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=percent)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_milestones"
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="projects_milestone_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="projects_milestone_progress_range"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100), name="projects_milestone_weight_range"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "due_date"], name="milestone_project_due_idx"),
            models.Index(
                fields=["due_date"],
                name="milestone_open_due_idx",
                condition=Q(deleted_at__isnull=True, status__in=["pending", "in_progress"]),
            ),
            GinIndex(fields=["search_vector"], name="milestone_search_gin"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="milestone_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

import re

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from pulse.accounts import apis as accounts
from pulse.activity import apis as activity
from pulse.bulk import apis as bulk
from pulse.common.spa import SERVER_PREFIXES, spa_index
from pulse.dashboard.apis import DashboardApi
from pulse.notifications import apis as notifications
from pulse.ops import views as ops
from pulse.projects import apis as projects
from pulse.projects.rules.lifecycle import TRANSITIONS
from pulse.realtime.apis import WsTicketApi
from pulse.search.apis import SearchApi
from pulsekit.errors import json_error_view

transition_names = "|".join(TRANSITIONS)
SPA_EXCLUDED = "|".join(re.escape(p) for p in SERVER_PREFIXES)

api_v1 = [
    path("auth/token/", accounts.LoginApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", accounts.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout/", accounts.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me/", accounts.MeApi.as_view(), name="auth-me"),
    path("auth/ws-ticket/", WsTicketApi.as_view(), name="auth-ws-ticket"),
    path("users/", accounts.UserListApi.as_view(), name="user-list"),
    path("projects/", projects.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/selection/", projects.ProjectSelectionApi.as_view(), name="project-selection"),
    path("projects/trash/", projects.ProjectTrashApi.as_view(), name="project-trash"),
    path("projects/<int:project_id>/", projects.ProjectDetailApi.as_view(), name="project-detail"),
    re_path(
        rf"^projects/(?P<project_id>[0-9]+)/transitions/(?P<name>{transition_names})/$",
        projects.ProjectTransitionApi.as_view(),
        name="project-transition",
    ),
    path("projects/<int:project_id>/restore/", projects.ProjectRestoreApi.as_view(), name="project-restore"),
    path("projects/<int:project_id>/members/", projects.MemberListCreateApi.as_view(), name="member-list"),
    path(
        "projects/<int:project_id>/members/<int:member_id>/",
        projects.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path("projects/<int:project_id>/milestones/", projects.MilestoneListCreateApi.as_view(), name="milestone-list"),
    path(
        "projects/<int:project_id>/milestones/<int:milestone_id>/",
        projects.MilestoneDetailApi.as_view(),
        name="milestone-detail",
    ),
    path("projects/<int:project_id>/activity/", activity.ProjectActivityApi.as_view(), name="project-activity"),
    path("tags/", projects.TagListCreateApi.as_view(), name="tag-list"),
    path("tags/<int:tag_id>/", projects.TagDetailApi.as_view(), name="tag-detail"),
    path("activity/", activity.ActivityFeedApi.as_view(), name="activity-list"),
    path("search/", SearchApi.as_view(), name="search"),
    path("dashboard/", DashboardApi.as_view(), name="dashboard"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read-all/", notifications.NotificationReadAllApi.as_view(), name="notification-read-all"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("webhooks/mandrill/", notifications.MandrillWebhookApi.as_view(), name="webhook-mandrill"),
    path("bulk-operations/", bulk.BulkOperationCreateApi.as_view(), name="bulk-operation-list"),
    path("bulk-operations/<int:operation_id>/", bulk.BulkOperationDetailApi.as_view(), name="bulk-operation-detail"),
    # Unknown API paths answer in the error shape even with DEBUG on.
    re_path(r"^.*$", csrf_exempt(json_error_view(404, "not_found", "No API endpoint at this path."))),
]

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    # Every other path is a client route of the web app: index.html, and the SPA decides.
    re_path(rf"^(?!(?:{SPA_EXCLUDED}))(?P<path>.*)$", spa_index, name="index"),
]

handler400 = json_error_view(400, "bad_request", "The request could not be understood.")
handler403 = json_error_view(403, "permission_denied", "You do not have permission to perform this action.")
handler404 = json_error_view(404, "not_found", "Not found.")
handler500 = json_error_view(500, "server_error", "Something went wrong on our side. It has been logged.")

SPECTACULAR_SETTINGS = {
    "TITLE": "Pulse API",
    "DESCRIPTION": (
        "Real-time project portfolio dashboard. JWT bearer auth; every single-resource GET returns a "
        "strong ETag and every write requires If-Match. Errors always have the shape "
        '`{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "pulse.projects.models.ProjectStatus",
        "HealthEnum": "pulse.projects.models.Health",
        "MilestoneStatusEnum": "pulse.projects.models.MilestoneStatus",
        "RoleEnum": "pulse.projects.models.Role",
        "NotificationKindEnum": "pulse.notifications.models.NotificationKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pulse.common.openapi.precondition_failed_schema",
    ],
}

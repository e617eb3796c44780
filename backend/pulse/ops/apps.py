from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pulse.ops"
    label = "ops"

    def ready(self) -> None:
        from pulse.ops import request_ids  # noqa: F401  (connects its signal receiver)

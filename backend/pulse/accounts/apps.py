from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pulse.accounts"
    label = "accounts"

    def ready(self) -> None:
        from pulse.accounts import schema  # noqa: F401  (registers the OpenAPI auth extension)

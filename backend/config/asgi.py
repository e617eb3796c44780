"""One ASGI application: HTTP (Django), websockets (Channels) and a lifespan task for the outbox sweep."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (Django must be set up first)

from pulse.realtime.lifespan import LifespanApp  # noqa: E402
from pulse.realtime.origin import PulseOriginValidator  # noqa: E402
from pulse.realtime.routing import websocket_urlpatterns  # noqa: E402

application = LifespanApp(
    ProtocolTypeRouter(
        {
            "http": django_application,
            "websocket": PulseOriginValidator(URLRouter(websocket_urlpatterns)),
        }
    )
)

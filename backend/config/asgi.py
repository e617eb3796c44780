"""One ASGI application: HTTP (Django), websockets (Channels) and a lifespan task for the outbox sweep."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")
# The event loop (websocket fan-out) and the request threads (ORM work) share the GIL. A request
# thread coming back from a database round trip otherwise waits up to the default 5 ms for the loop
# to let go, once per query; 0.5 ms keeps a busy loop from stretching every request.
sys.setswitchinterval(float(os.environ.get("PULSE_GIL_SWITCH_INTERVAL", "0.0005")))

from pulse.common.asgi import get_asgi_application  # noqa: E402  (settings module chosen first)

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (Django must be set up first)

from pulse.common.limits import RequestBodyLimit  # noqa: E402
from pulse.common.spa import with_spa_assets  # noqa: E402
from pulse.realtime.lifespan import LifespanApp  # noqa: E402
from pulse.realtime.origin import PulseOriginValidator  # noqa: E402
from pulse.realtime.routing import websocket_urlpatterns  # noqa: E402

application = LifespanApp(
    ProtocolTypeRouter(
        {
            "http": RequestBodyLimit(with_spa_assets(django_application)),
            "websocket": PulseOriginValidator(URLRouter(websocket_urlpatterns)),
        }
    )
)

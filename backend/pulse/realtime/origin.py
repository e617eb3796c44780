"""Origin check for the websocket handshake."""

from __future__ import annotations

from typing import Any
from urllib.parse import ParseResult

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.http.request import split_domain_port, validate_host


class PulseOriginValidator(OriginValidator):
    """Browsers always send Origin: it must name an allowed host or a CORS-allowed origin.

    A handshake without Origin comes from a non-browser client (a script, a
    service), which cannot be the victim of cross-site websocket hijacking.
    """

    def __init__(self, application: Any) -> None:
        super().__init__(application, allowed_origins=[])

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        if parsed_origin is None:
            return True
        origin = f"{parsed_origin.scheme}://{parsed_origin.netloc}"
        if origin in settings.CORS_ALLOWED_ORIGINS:
            return True
        host, _port = split_domain_port(parsed_origin.netloc)
        return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)

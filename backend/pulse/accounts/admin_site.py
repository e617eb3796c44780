"""The admin site, with its login form throttled like the API's login."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from pulse.accounts.auth import login_attempt_wait


class PulseAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Each POST to the login form counts against the client address and the account named, in
        the buckets ``POST /api/v1/auth/token/`` uses: the admin is no way around the API's limits."""
        if request.method == "POST":
            wait = login_attempt_wait(request)
            if wait is not None:
                seconds = max(1, math.ceil(wait))
                context = {**self.each_context(request), "title": "Too many sign-in attempts", "retry_after": seconds}
                response = TemplateResponse(request, "admin/login_throttled.html", context, status=429)
                response["Retry-After"] = str(seconds)
                return response
        return super().login(request, extra_context)

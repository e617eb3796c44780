from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from pulse.accounts import selectors, services
from pulse.accounts.auth import LoginIpThrottle, LoginUserThrottle
from pulse.accounts.models import User
from pulse.accounts.serializers import (
    LoginSerializer,
    LogoutSerializer,
    MeInputSerializer,
    MeOutputSerializer,
    RefreshSerializer,
    TokenPairSerializer,
    UserOutputSerializer,
)
from pulse.activity.selectors import explain_stale
from pulse.common.apis import AuthedRequest
from pulsekit.conditional import conditional_write
from pulsekit.openapi import ETAG, IF_MATCH, IF_NONE_MATCH, errors
from pulsekit.pagination import PageNumber
from pulsekit.params import reject_unknown_params, text_param
from pulsekit.versioning import make_etag, not_modified_or


class LoginApi(TokenObtainPairView):
    serializer_class = LoginSerializer
    throttle_classes = [LoginIpThrottle, LoginUserThrottle]

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={200: TokenPairSerializer, **errors(400, 401, 429)},
        description="Username **or email** and password → access (≤ 15 min) and refresh tokens. Throttled.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class RefreshApi(TokenRefreshView):
    serializer_class = RefreshSerializer

    @extend_schema(
        operation_id="auth_refresh",
        responses={200: TokenPairSerializer, **errors(400, 401)},
        description="Rotates: returns a new refresh token and blacklists the one used.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="auth_logout", request=LogoutSerializer, responses={204: None, **errors(400)})
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_logout(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def render_me(user: User) -> dict[str, Any]:
    return MeOutputSerializer(user).data


class MeApi(APIView):
    @extend_schema(
        operation_id="auth_me_retrieve",
        parameters=[ETAG, IF_NONE_MATCH],
        responses={200: MeOutputSerializer, **errors(304, 401)},
    )
    def get(self, request: AuthedRequest) -> Response:
        user = request.user
        return not_modified_or(request, make_etag("user", user.pk, user.version), lambda: Response(render_me(user)))

    @extend_schema(
        operation_id="auth_me_partial_update",
        parameters=[ETAG, IF_MATCH],
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, **errors(400, 401, 412, 428)},
        description="Changing the password (current_password + new_password) revokes every older token.",
    )
    def patch(self, request: AuthedRequest) -> Response:
        serializer = MeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return conditional_write(
            request,
            kind="user",
            pk=request.user.pk,
            explain=explain_stale("user", request.user.pk),
            write=lambda version: services.user_profile_update(
                user=request.user, expected_version=version, data=serializer.validated_data
            ),
            current=lambda: selectors.user_get(user_id=request.user.pk),
            render=render_me,
        )


class UserListApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="users_list",
        parameters=[OpenApiParameter("q", {"type": "string", "maxLength": 100}, description="Name or email.")],
        responses={200: UserOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, ["q"])
        paginator = PageNumber()
        page = paginator.paginate_queryset(
            selectors.user_list(user=request.user, q=text_param(request, "q", max_length=100)), request, view=self
        )
        return paginator.get_paginated_response(UserOutputSerializer(page, many=True).data)

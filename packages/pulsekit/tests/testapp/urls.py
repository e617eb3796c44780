from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("widgets/", views.WidgetListApi.as_view()),
    path("widgets/feed/", views.WidgetFeedApi.as_view()),
    path("widgets/by-name/", views.WidgetByNameApi.as_view()),
    path("widgets/<int:pk>/", views.WidgetDetailApi.as_view()),
    path("conditional/widgets/", views.ConditionalWidgetListApi.as_view()),
    path("conditional/widgets/<int:pk>/", views.ConditionalWidgetApi.as_view()),
    path("boom/<str:name>/", views.BoomApi.as_view()),
    path("private/", views.PrivateApi.as_view()),
    path("throttled/", views.ThrottledApi.as_view()),
    path("write-then/<str:outcome>/", views.WriteThenFailApi.as_view()),
]

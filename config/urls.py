from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from locator.api.errors import json_not_found, json_server_error

urlpatterns = [
    path(settings.DJANGO_ADMIN_URL, admin.site.urls),
    path("api/v1/", include("locator.api.urls")),
    path("api/hsds/", include("locator.api.hsds")),
    path("", include("locator.web.urls")),
]


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return defaults.server_error(request)

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from locator.api import access, changes, views

app_name = "api"

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider-list"),
    path("providers/<int:provider_id>/", views.ProviderDetailView.as_view(), name="provider-detail"),
    path("access/", access.AccessView.as_view(), name="access"),
    path("access/critical/", access.CriticalAccessView.as_view(), name="access-critical"),
    path("changes/", changes.ChangesView.as_view(), name="changes"),
    re_path(r"^export/(?P<name>providers\.(?:csv|geojson))$", views.ExportView.as_view(), name="export"),
    path("meta/", views.MetaView.as_view(), name="meta"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI, served from this site with its script in a file of its own: Redoc's page loads web fonts
    # and a logo from other hosts, which would see who reads the docs.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

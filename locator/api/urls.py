from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from locator.api import views

app_name = "api"

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider-list"),
    path("providers/<int:provider_id>/", views.ProviderDetailView.as_view(), name="provider-detail"),
    path("meta/", views.MetaView.as_view(), name="meta"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
]

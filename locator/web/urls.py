from django.urls import path

from locator.web import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("providers/<int:provider_id>/", views.provider_page, name="provider"),
    path("providers/<int:provider_id>/report/", views.report_problem, name="report-problem"),
    path("about/", views.about_page, name="about"),
    path("access/", views.access_page, name="access"),
    path("healthz", views.healthz, name="healthz"),
]

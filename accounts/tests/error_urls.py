"""The project's URLs plus one view that fails, for the 500 page's test (accounts/tests/test_error_pages.py)."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("broken-for-tests/", broken)]

"""The app with the alerts and quarantine pages, whether or not pages/server.py lists them yet."""
from __future__ import annotations

from contextlib import contextmanager
from unittest import mock


@contextmanager
def app_with_loop_pages(store, config):
    from pages import alerts, quarantine, server

    pages = tuple(dict.fromkeys((*server.PAGES, alerts, quarantine)))
    with mock.patch.object(server, "PAGES", pages):        # the shell reads PAGES on every page load
        yield server.create_app(store, config)

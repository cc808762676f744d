"""Widgets of the app, one module (and one .tcss) each."""

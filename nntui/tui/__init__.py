"""The Textual app: screens, widgets and their stylesheets."""

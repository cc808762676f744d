"""The presets shipped with nntui (TOML files; this file only makes them package data)."""

"""The Textual face: the builder (and, from the next issue, the training screen).

Import :func:`nntui.tui.app.run_app` to start it; nothing else here imports textual eagerly.
"""

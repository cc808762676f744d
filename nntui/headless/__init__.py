"""The headless face: the CLI's runner (on the one run setup, :mod:`nntui.preset.run`), text summaries,
the Keras-like progress reporter, the metrics file."""

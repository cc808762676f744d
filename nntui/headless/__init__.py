"""The headless face: text summaries, the Keras-like progress reporter, metrics files."""

"""The training screen: the worker thread, its messages, and the widgets that show a run live."""

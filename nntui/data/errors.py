"""The one exception type of the data package."""


class DataError(Exception):
    """A one-line, user-facing error: str(e) names the file or directory and what is wrong."""

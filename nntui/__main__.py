"""Allow ``python -m nntui``."""

from nntui.cli import main

main()

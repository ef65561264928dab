"""``python -m scoreline``: the command line."""

from scoreline.cli import main

main()

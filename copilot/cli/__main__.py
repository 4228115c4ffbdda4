"""`python -m copilot.cli`."""

from copilot.cli.application import main

main()

"""`python -m scoreline`: the same command line as `scoreline`."""

from scoreline.cli.app import main

main()

"""The ``ibrain`` command line (Typer + Rich): one sub-app per domain, all sharing the store services."""

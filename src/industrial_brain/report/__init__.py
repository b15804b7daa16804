"""Reports: the HTML report of ``ibrain demo`` and its sections."""

"""The ``aios`` command line: a thin front end over the core."""

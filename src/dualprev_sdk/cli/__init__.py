"""The ``dualprev`` command line. Each command group lives in its own module, registered in :mod:`.main`."""

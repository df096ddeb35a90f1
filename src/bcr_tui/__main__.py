"""`python -m bcr_tui` runs the same command line as `bcr`."""

from bcr_tui.cli import main

raise SystemExit(main())

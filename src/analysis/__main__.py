"""``python -m analysis`` — same as the ``analysis`` console command."""

from analysis.cli import main

raise SystemExit(main())

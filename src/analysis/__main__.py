"""``python -m analysis`` — same as the ``analysis`` console command."""

from .cli import main

raise SystemExit(main())

"""`python -m app`: the same as the `ward-station` command."""

import sys

from app.cli import main

sys.exit(main())

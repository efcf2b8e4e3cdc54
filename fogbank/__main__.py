"""``python -m fogbank`` runs the command line."""

import sys

from fogbank.cli import main

sys.exit(main())

"""``python -m aidregistry.domain.matching``: the solver's command line (see :mod:`.cli`)."""

import sys

from aidregistry.domain.matching.cli import main

sys.exit(main())

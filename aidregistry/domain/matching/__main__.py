"""``python -m aidregistry.domain.matching``: the solver's command line (see :mod:`.cli`).

``main`` is re-exported so that a console script may point here as well as at ``.cli``.
"""

import sys

from aidregistry.domain.matching.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())

"""Entry point of ``python -m loaders``."""

from __future__ import annotations

import sys

from loaders.tools.cli import main

if __name__ == "__main__":
    sys.exit(main())

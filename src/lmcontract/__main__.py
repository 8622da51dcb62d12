"""``python -m lmcontract``: the same command line as ``lmcontract``."""

import sys

from lmcontract.cli import main

if __name__ == "__main__":
    sys.exit(main())

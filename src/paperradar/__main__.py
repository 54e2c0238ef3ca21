"""`python -m paperradar`: the same as the `paperradar` command, for an environment whose scripts are not on PATH."""

import sys

from .cli import main

sys.exit(main())

"""python -m bench.relevance [--json FILE] [--show-failures]: see bench/relevance/run.py."""

import sys

from bench.relevance.run import main

sys.exit(main())

"""`python -m server`: the same as `tongdai1022-server`."""

import sys

from server.cli import main

sys.exit(main())

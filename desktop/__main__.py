"""`python -m desktop` is `tongdai1022`."""

import sys

from desktop.app import main

sys.exit(main())

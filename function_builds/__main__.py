"""``python -m function_builds api --arch arm64``: build or check one function's archive."""

import sys

from function_builds.archive import main

sys.exit(main())

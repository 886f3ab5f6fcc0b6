"""python -m plan_extract.report OUTPUT -o report.html"""

import sys

from . import report_main

sys.exit(report_main())

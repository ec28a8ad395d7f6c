"""Makes `reporting_unit_support` (event builders, in-memory fakes of the repository and the
registry's places) importable by the unit tests of reporting."""
import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

"""``python -m prime_pulumi.emulator``: the same as ``prime-emulator``."""

import sys

from prime_pulumi.emulator.cli import main

sys.exit(main())

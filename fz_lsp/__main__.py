"""`python -m fz_lsp`: the same as the `fz-lsp` command."""

import sys

from fz_lsp.cli import main

sys.exit(main())

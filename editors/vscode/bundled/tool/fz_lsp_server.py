"""Start the fz-lsp server bundled with the VS Code extension.

The extension runs `python -I bundled/tool/fz_lsp_server.py [args]`: `-I` keeps the user's
site-packages and PYTHON* variables out, and this file puts `bundled/libs` (fz_lsp and its
dependencies, made by scripts/bundle_server.py) first on the path, so any Python >= 3.10 can run
the server without anything installed.
"""

import os
import sys

# Written to run on any Python, so that an old one gets this sentence, not a syntax error.
if sys.version_info < (3, 10):  # noqa: UP036
    sys.stderr.write(
        "fz-lsp needs Python 3.10 or later; this is Python %d.%d (%s)\n"  # noqa: UP031
        % (sys.version_info[0], sys.version_info[1], sys.executable)
    )
    sys.exit(3)

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
sys.path.insert(0, LIBS)

from fz_lsp.cli import main  # noqa: E402  (needs the path above)

sys.exit(main())

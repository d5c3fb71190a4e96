"""Entrypoint of the Docker action (`ENTRYPOINT ["python", "/action/main.py"]`).

The same code runs outside Docker (`python action/main.py` or `deepfd-ci action`), which is how the
tests drive it.
"""

import sys

from deepfd_ci.github.commands import entrypoint

if __name__ == "__main__":
    sys.exit(entrypoint())

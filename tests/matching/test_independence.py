"""The engine stands alone: no Django, pure functions."""

import subprocess
import sys


def test_it_imports_no_django():
    code = ("import sys, voisins.matching as m; "
            "print(any(name == 'django' or name.startswith('django.') for name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"

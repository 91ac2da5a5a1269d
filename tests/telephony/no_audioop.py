"""`python no_audioop.py MODULE ARGS...`: runs MODULE as __main__ in a Python where `import audioop` fails,
as on Python 3.13 without audioop-lts; at exit it says on stderr which module answered `audioop`."""

from __future__ import annotations

import atexit
import importlib.abc
import runpy
import sys


class NoAudioop(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == "audioop":
            raise ImportError("audioop is blocked for this test (Python 3.13 has none)", name=fullname)


def _report() -> None:
    module = sys.modules.get("audioop")
    sys.stderr.write(f"\naudioop-module: {getattr(module, '__name__', None)}\n")


sys.meta_path.insert(0, NoAudioop())
sys.modules.pop("audioop", None)
atexit.register(_report)
module, *rest = sys.argv[1:]
sys.argv = [module, *rest]
runpy.run_module(module, run_name="__main__", alter_sys=True)

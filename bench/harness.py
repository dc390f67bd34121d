"""What the benchmarks share: valid unit identifiers, the peak-RSS figure and running a phase in a fresh process.

Every benchmark seeded its units with its own copy of the USCC arithmetic, read its peak RSS its own way (VmHWM in
some, ``ru_maxrss`` in others) and two of them had their own child-process runner for the baseline and SDK phases
next to the one :mod:`run` uses for whole benchmarks. They live here once, so every figure in ``results.json`` is
measured the same way. ``bench/`` is on ``sys.path`` for every benchmark (``run.py`` puts it on ``PYTHONPATH``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["MARKER", "call_in_child", "child_process", "child_result", "peak_rss_mb", "uscc"]

HERE = Path(__file__).resolve().parent

#: Precedes the JSON result on a child's stdout, so what a benchmark prints along the way does not matter.
MARKER = "@@RESULT@@"

_CHILD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("bench_module", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["bench_module"] = module
spec.loader.exec_module(module)
result = getattr(module, sys.argv[2])(*json.loads(sys.argv[3]))
print("\\n" + sys.argv[4] + json.dumps(result, ensure_ascii=False))
"""


def uscc(org: str, region: str = "410100") -> str:
    """A USCC (GB 32100) of a legal-person company in ``region`` whose GB 11714 organisation code is ``org``
    (8 characters) plus its check character; both check characters are valid."""
    from dualprev_sdk import ids

    first17 = "91" + region + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


def peak_rss_mb() -> float:
    """This process's peak resident set in MB: VmHWM from ``/proc``, else ``ru_maxrss`` (KiB on Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_process(path: Path | str, function: str = "run", *args: Any) -> subprocess.CompletedProcess[str]:
    """Call ``function(*args)`` of the module at ``path`` in a fresh interpreter (``args`` go as JSON), so its
    memory and CPU figures are its own."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), function, json.dumps(args), MARKER],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def child_result(proc: subprocess.CompletedProcess[str]) -> dict[str, Any] | None:
    """The JSON result a :func:`child_process` printed, or ``None`` when it failed."""
    if proc.returncode != 0 or MARKER not in proc.stdout:
        return None
    result: dict[str, Any] = json.loads(proc.stdout.rsplit(MARKER, 1)[1].strip())
    return result


def call_in_child(path: Path | str, function: str, *args: Any) -> dict[str, Any]:
    """:func:`child_process` for one phase of a benchmark; a failed phase raises with the child's stderr."""
    proc = child_process(path, function, *args)
    result = child_result(proc)
    if result is None:
        raise RuntimeError(f"{function} of {Path(path).name} failed:\n{(proc.stderr or proc.stdout)[-3000:]}")
    return result

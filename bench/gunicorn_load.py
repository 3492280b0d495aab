"""gunicorn's settings for the load test (bench/load.py): the production ones (gunicorn.conf.py), a loopback
address, and hooks that write each request's CPU time (the worker process's, not the wall clock's) to a file.

Each worker appends `<unix time> <CPU ms> <method> <path>` lines to LOAD_CPU_DIR/<pid>.log.
"""

import os
import time
from pathlib import Path

_production = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_production.read_text(), str(_production), "exec"))  # noqa: S102 - our own configuration file

bind = os.environ["LOAD_BIND"]
errorlog = os.environ.get("LOAD_ERROR_LOG", "-")
loglevel = "warning"

_CPU_DIR = Path(os.environ["LOAD_CPU_DIR"])
# gunicorn's control socket in the run's own directory, not the user's home (shared with any other gunicorn).
control_socket = str(_CPU_DIR.parent / "gunicorn.ctl")
_started = {}
_log = {}


def pre_request(worker, req):
    _started[worker.pid] = time.process_time()


def post_request(worker, req, environ, resp):
    spent = (time.process_time() - _started.pop(worker.pid, time.process_time())) * 1000
    if worker.pid not in _log:
        _log[worker.pid] = (_CPU_DIR / f"{worker.pid}.log").open("a", buffering=1)
    _log[worker.pid].write(f"{time.time():.3f} {spent:.2f} {req.method} {req.path}\n")

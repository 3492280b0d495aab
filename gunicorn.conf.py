"""gunicorn's settings, read from the working directory (the image's /app) by `gunicorn oocr.wsgi:application`.

Sync workers, one request each, behind the nginx proxy (deploy/nginx/nginx.conf) that reads slow clients'
requests whole and buffers answers: a worker only ever talks to nginx on the local network.
"""

import os


def _cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's rule of thumb, two per core plus one: while one worker waits on PostgreSQL another uses the core.
# WEB_CONCURRENCY overrides it (a container limited by CPU quota rather than by cpuset should set it).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
worker_class = "sync"
# Import the application once in the master: workers start by forking a ready process, in milliseconds.
preload_app = True
# The longest request is reading and storing a 200 MB crime record extract: nginx waits 125 s for that page,
# 65 s for any other (nginx.conf), so a worker stuck for longer than that is of no use to anyone.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Workers are replaced now and then, so a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only the proxy may say the request came over HTTPS (Django reads X-Forwarded-Proto itself, SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
# No access log here: nginx writes one without query strings (README, "Hardened deployment").
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

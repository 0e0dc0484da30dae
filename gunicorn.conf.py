"""gunicorn's settings, read by the Dockerfile, docker-compose and bench/scan_http.py (which measures them).

Threaded workers keep connections alive: a scan station posts every few seconds over the same
connection, and a thread waiting on PostgreSQL leaves the CPU to another request. Measured on 2 cores
(bench/scan_http.py, 8 stations posting at once): 2 workers × 4 threads 347–491 scans a second,
2 × 2 threads 341–352 (requests wait for a free thread while others wait on PostgreSQL), 3 × 2 340–410.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two workers measured best on 2 cores (more contend with PostgreSQL for the same CPUs). Not cpu_count():
# in a container that is the host's, and each worker thread holds a database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# Each thread holds one database connection (CONN_MAX_AGE): 2 × 4 = 8 a container.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5  # seconds
timeout = 60
graceful_timeout = 10
# Heartbeat files in memory, as gunicorn's documentation advises (a slow disk can stall workers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker):
    """Once the worker has loaded Django (every module, URL and template loader), move what it loaded out
    of the garbage collector's reach (gc.freeze, Python's documented way for long-lived servers): a full
    collection then scans only what requests create, instead of pausing a scan for every loaded object.
    bench/receiving.py does the same before it measures."""
    import gc

    gc.collect()
    gc.freeze()

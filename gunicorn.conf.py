"""gunicorn's settings, read by the Dockerfile, docker-compose and bench/scan_http.py (which measures them).

Threaded workers keep connections alive: a scan station posts every few seconds over the same
connection, and a thread waiting on PostgreSQL leaves the CPU to another request. Measured on 2 cores
(bench/scan_http.py): 2 gthread workers × 2 threads serve ~10% more scans a second than 2 sync workers.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two workers measured best on 2 cores (more contend with PostgreSQL for the same CPUs). Not cpu_count():
# in a container that is the host's, and each worker thread holds a database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5  # seconds
timeout = 60
graceful_timeout = 10
# Heartbeat files in memory, as gunicorn's documentation advises (a slow disk can stall workers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None

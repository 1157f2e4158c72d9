"""gunicorn settings for Voisins (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Each value can be changed from the environment without editing this file.
"""

import os

wsgi_app = "voisins.wsgi:application"
bind = os.environ.get("VOISINS_BIND", "127.0.0.1:8000")
# Two processes per core is plenty: pages wait on PostgreSQL, not on Python.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request that takes longer than this is killed (imports of large files are the slowest).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests, so that memory cannot creep up for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Voisins logs every request itself, by route and without the path (no personal data);
# gunicorn's access log would print paths and query strings, so it stays off.
accesslog = None
errorlog = "-"
# Only the reverse proxy on this machine may say which address and scheme the client used.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

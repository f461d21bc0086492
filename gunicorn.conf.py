"""gunicorn settings for AidRegistry (override any of them with GUNICORN_CMD_ARGS)."""

import multiprocessing
import os

bind = os.environ.get("AIDREGISTRY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("AIDREGISTRY_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30
keepalive = 5
# Requests larger than this are refused before the app sees them (uploads are capped lower).
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# The access log never holds the token of a sign-up or password-reset link (request line,
# path or Referer): it is written as <token>.
logger_class = "aidregistry.gunicorn_logging.RedactingLogger"
forwarded_allow_ips = os.environ.get("AIDREGISTRY_FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = True

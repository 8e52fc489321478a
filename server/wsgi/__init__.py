"""The process tree: `cls-kg serve` under gunicorn, its buffering worker, the body deadline."""

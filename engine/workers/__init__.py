"""Own ``workers: N``: N engine processes over one store, under a supervisor.

``engine.workers.supervisor`` starts the workers and restarts one that dies; ``gateway`` is its
public HTTP (``/health`` and ``/metrics`` add up the workers, ``proxy`` forwards the rest to
worker 1); ``worker`` is the engine side of a worker (its private socket, ``control``'s
two-phase rules reload); ``plan`` says which connectors run where and where the sockets are.
"""

from engine.workers.plan import WorkerSpec
from engine.workers.supervisor import supervise
from engine.workers.worker import serve_worker

__all__ = ["WorkerSpec", "serve_worker", "supervise"]

"""Two lanes in the query pool: long queries run reniced, one at a time, light ones stay fast."""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from flask import Flask

from cls_kg.graph.errors import ConfigError, QueryTimeout
from cls_kg.graph.results import BINDINGS
from cls_kg.graph.store import OxigraphStore, QueryRequest
from cls_kg.server.core import config
from cls_kg.server.sparql import pool as pool_module
from cls_kg.server.sparql.fairness import RETRY_SECONDS, ClientBusy, Fairness, HeavyBusy
from cls_kg.server.sparql.pool import (
    EARLY_FRACTION,
    LOW_PRIORITY,
    MEDIUM_PRIORITY,
    Idle,
    Lanes,
    LongQueryRefused,
    Worker,
    WorkerPool,
    niceness,
)
from cls_kg.server.sparql.worker import Call, Job, UserQuery

from ..support.apps import app_with, closing, write_data_dir
from .test_safety import PATHOLOGICAL

LIGHT = 0.2  # seconds before a query is long, in these tests
ASK = Call("ask", ("ASK {}",))


@dataclass(frozen=True)
class Sleep:
    """A job that takes a known time (a worker runs any job with a ``run(store)`` method)."""

    seconds: float

    def run(self, store: Any) -> str:
        """Sleep, then answer."""
        time.sleep(self.seconds)
        return "slept"


def sleep(seconds: float) -> Job:
    """A Sleep job, typed as a job."""
    return cast(Job, Sleep(seconds))


def query(text: str) -> UserQuery:
    """A client's query, JSON results."""
    return UserQuery(QueryRequest(text, {BINDINGS: "json"}), ())


@pytest.fixture
def pool(protocol_data_dir: Path) -> Iterator[WorkerPool]:
    """Two workers on the protocol store: one long slot, one light lane."""
    opener = partial(OxigraphStore.open_read_only, protocol_data_dir / "current" / "store")
    started = WorkerPool(opener, 2, Lanes(light=LIGHT, long_slots=1))
    yield started
    started.close()


def alive(pid: int) -> bool:
    """Whether a process exists (and is not a zombie)."""
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False


def run_in_thread(pool: WorkerPool, job: Job, timeout: float) -> tuple[threading.Thread, list[Any]]:
    """Start ``pool.call(job, timeout)`` in a thread; its result or error lands in the list."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(pool.call(job, timeout))
        except Exception as error:  # noqa: BLE001 (the test inspects it)
            outcome.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def wait_until_long(pool: WorkerPool, count: int = 1) -> list[int]:
    """The process ids of the long queries, once there are ``count`` of them."""
    for _ in range(500):
        with pool.lock:
            pids = list(pool.long)
        if len(pids) >= count:
            return pids
        time.sleep(0.01)
    raise AssertionError(f"no {count} long queries after 5 s")


def test_a_pathological_query_runs_long_while_light_ones_answer_fast(pool: WorkerPool) -> None:
    heavy, outcome = run_in_thread(pool, query(PATHOLOGICAL), 3.0)
    [pid] = wait_until_long(pool)
    assert niceness(pid) == LOW_PRIORITY
    times = []
    for _ in range(20):
        started = time.perf_counter()
        assert pool.call(ASK, 5) is True
        assert pool.call(query("SELECT * { ?s ?p ?o } LIMIT 1"), 5).rows == 1
        times.append(time.perf_counter() - started)
    assert heavy.is_alive(), "the light queries all came back while the long one ran"
    assert max(times) < 0.5
    heavy.join()
    assert isinstance(outcome[0], QueryTimeout)
    assert not alive(pid)


def test_a_second_long_query_is_stopped_with_retry_after(pool: WorkerPool) -> None:
    first, _ = run_in_thread(pool, query(PATHOLOGICAL), 3.0)
    [holder] = wait_until_long(pool)
    started = time.monotonic()
    with pytest.raises(LongQueryRefused) as refused:
        pool.call(query(PATHOLOGICAL), 3.0)
    assert time.monotonic() - started < 1.5  # stopped at LIGHT seconds, not at the deadline
    assert refused.value.detail == "0.2"
    assert 1 <= refused.value.retry_after <= 3
    assert list(pool.long) == [holder]  # the first one keeps its slot
    assert pool.call(ASK, 5) is True  # the refused worker was replaced
    first.join()


def test_the_service_s_own_queries_stay_in_the_light_lane(pool: WorkerPool) -> None:
    first, _ = run_in_thread(pool, query(PATHOLOGICAL), 3.0)
    [holder] = wait_until_long(pool)
    with pytest.raises(QueryTimeout):  # a page's query: never refused as long, only timed out
        pool.call(Call("select", (PATHOLOGICAL,)), LIGHT + 0.4)
    assert list(pool.long) == [holder]
    first.join()


def test_a_worker_that_ran_long_is_retired_when_its_priority_cannot_come_back(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "restore_priority", lambda pid: False)  # unprivileged
    thread, outcome = run_in_thread(pool, sleep(LIGHT + 0.6), 5.0)
    [pid] = wait_until_long(pool)
    assert niceness(pid) == LOW_PRIORITY
    thread.join()
    assert outcome == ["slept"]  # a long query that ends in time answers normally
    assert not alive(pid)
    assert not pool.long
    workers = [pool.idle.get(timeout=5) for _ in range(2)]  # both: none is the reniced one
    for worker in workers:
        pool.idle.put(worker)
    pids = {worker.pid for worker in workers}
    assert pid not in pids
    assert all(niceness(each) == niceness(os.getpid()) for each in pids)


def can_raise_priority() -> bool:
    """Whether this process may lower a niceness again (root, or RLIMIT_NICE allows it)."""
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20


@pytest.mark.skipif(not can_raise_priority(), reason="needs CAP_SYS_NICE or RLIMIT_NICE 20")
def test_a_worker_that_ran_long_gets_its_priority_back_and_stays_warm(pool: WorkerPool) -> None:
    thread, outcome = run_in_thread(pool, sleep(LIGHT + 0.6), 5.0)
    [pid] = wait_until_long(pool)
    assert niceness(pid) == LOW_PRIORITY
    thread.join()
    assert outcome == ["slept"]
    assert not pool.long
    assert alive(pid)
    warmest = pool.idle.get(timeout=5)  # the last worker to answer takes the next job
    pool.idle.put(warmest)
    assert warmest.pid == pid
    assert niceness(pid) == niceness(os.getpid())


def test_idle_workers_are_last_in_first_out_with_fresh_ones_at_the_bottom() -> None:
    idle = Idle()
    first, second, fresh = (cast(Worker, object()) for _ in range(3))
    idle.put(first)
    idle.put(second)
    idle.put(fresh, warm=False)
    assert [idle.get(timeout=1) for _ in range(3)] == [second, first, fresh]
    with pytest.raises(queue.Empty):
        idle.get(timeout=0.05)


@pytest.mark.skipif(
    os.getpriority(os.PRIO_PROCESS, 0) >= MEDIUM_PRIORITY,
    reason="the tests run at or below medium priority (e.g. under `nice`): no worker can be "
    "told apart by its niceness",
)
def test_a_query_past_the_early_mark_runs_at_medium_priority_without_becoming_long(
    pool: WorkerPool,
) -> None:
    thread, outcome = run_in_thread(pool, sleep(LIGHT * 0.7), 5.0)
    time.sleep(LIGHT * 0.3)  # past EARLY_FRACTION of LIGHT, before LIGHT
    busy: list[int] = []
    while thread.is_alive() and not busy:  # a loaded machine may renice a little late
        busy = [pid for pid in worker_pids() if niceness(pid) == MEDIUM_PRIORITY]
        time.sleep(0.005)
    thread.join()
    assert outcome == ["slept"]
    assert len(busy) == 1
    assert not pool.long


def worker_pids() -> list[int]:
    """The query processes started by this test process (through its fork server)."""
    return [child.pid for child in multiprocessing.active_children() if child.pid]


def test_light_queries_are_never_reniced(pool: WorkerPool) -> None:
    assert pool.call(sleep(LIGHT * EARLY_FRACTION / 4), 5) == "slept"
    assert not pool.long
    worker = pool.idle.get(timeout=5)
    pool.idle.put(worker)
    assert niceness(worker.pid) == niceness(os.getpid())


def test_the_deadline_still_wins_over_the_light_threshold(protocol_data_dir: Path) -> None:
    opener = partial(OxigraphStore.open_read_only, protocol_data_dir / "current" / "store")
    small = WorkerPool(opener, 1, Lanes(light=5.0, long_slots=1))
    try:
        with pytest.raises(QueryTimeout):
            small.call(query(PATHOLOGICAL), 0.3)
        assert not small.long
        assert small.call(ASK, 5) is True
    finally:
        small.close()


@pytest.fixture(scope="module")
def lanes_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a data folder of its own (its own pool), with short lanes."""
    data = b"<http://example.org/s> <http://example.org/p> 1 ."
    folder = write_data_dir(tmp_path_factory.mktemp("lanes"), {"http://example.org/g": data})
    yield from closing(
        app_with(folder, QUERY_WORKERS=2, QUERY_LIGHT_SECONDS=LIGHT, QUERY_TIMEOUT=3.0)
    )


def test_http_503_with_retry_after_and_message(lanes_app: Flask) -> None:
    url = "/sparql?" + urlencode({"query": PATHOLOGICAL})
    statuses: list[int] = []

    def heavy() -> None:
        statuses.append(lanes_app.test_client().get(url).status_code)

    first = threading.Thread(target=heavy)
    first.start()
    time.sleep(LIGHT + 0.3)
    french = lanes_app.test_client().get(url)
    english = lanes_app.test_client().get(url, headers={"Accept-Language": "en"})
    fast = lanes_app.test_client().get("/sparql?query=ASK{}")
    first.join()
    assert statuses == [503]  # the first one reached the deadline
    for response in (french, english):
        assert response.status_code == 503
        assert 1 <= int(response.headers["Retry-After"]) <= 3
    assert "requête longue" in french.get_data(as_text=True)
    assert "long query" in english.get_data(as_text=True)
    assert fast.status_code == 200


def settings(**values: Any) -> dict[str, Any]:
    """The settings loaded with ``values`` on top of the defaults."""
    return config.load({}, values)


def test_lane_settings_and_defaults() -> None:
    defaults = settings()
    assert defaults["QUERY_LIGHT_SECONDS"] == 0.5
    assert defaults["QUERY_LONG_SLOTS"] == 1
    assert defaults["QUERY_WORKERS"] > defaults["QUERY_LONG_SLOTS"]
    read = config.load({"CLS_KG_QUERY_LIGHT_SECONDS": "0.25", "CLS_KG_QUERY_LONG_SLOTS": "2"}, {})
    assert (read["QUERY_LIGHT_SECONDS"], read["QUERY_LONG_SLOTS"]) == (0.25, 2)
    assert Lanes.from_config(read) == Lanes(0.25, 2, memory_mb=512)
    assert settings(QUERY_WORKERS=1, QUERY_LONG_SLOTS=1)["QUERY_WORKERS"] == 1  # no light lane


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"QUERY_LIGHT_SECONDS": 0}, "QUERY_LIGHT_SECONDS must be positive"),
        ({"QUERY_LONG_SLOTS": 0}, "QUERY_LONG_SLOTS must be positive"),
        ({"QUERY_WORKERS": 2, "QUERY_LONG_SLOTS": 2}, "QUERY_LONG_SLOTS must be less than"),
        ({"QUERY_WORKERS": 1, "QUERY_LONG_SLOTS": 2}, "QUERY_LONG_SLOTS must be less than"),
    ],
)
def test_lane_settings_are_checked(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(**values)


def test_a_bad_lane_setting_in_the_environment_is_named() -> None:
    with pytest.raises(ConfigError, match="CLS_KG_QUERY_LIGHT_SECONDS"):
        config.load({"CLS_KG_QUERY_LIGHT_SECONDS": "soon"}, {})


def test_the_service_description_states_the_long_query_rule(lanes_app: Flask) -> None:
    response = lanes_app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "plus de 0.2 s devient longue" in text
    assert "longer than 0.2 s becomes long" in text
    assert "at most 1 long query(ies) at once" in text


def test_gunicorn_threads_leave_room_beside_the_query_processes() -> None:
    serve = pytest.importorskip("cls_kg.server.wsgi.serve")
    assert serve.threads_for(1) == 1  # one query process: one thread
    assert serve.threads_for(4) == 4 + serve.EXTRA_THREADS
    workers = config.load({}, {})["QUERY_WORKERS"]
    chosen = serve.options("127.0.0.1", 8000, 2, serve.threads_for(workers), 30.0)
    assert chosen["worker_class"] == serve.WORKER_CLASS  # gthread, requests read by its loop
    assert chosen["threads"] > workers


# --- fair shares of heavy work between clients (fairness.py) ----------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fairness(slots: int = 2) -> tuple[Fairness, Clock]:
    """Fair shares with ``slots`` heavy-lane slots, on a hand-moved clock."""
    clock = Clock()
    return Fairness(slots, clock, heavy_seconds=60, wait_seconds=3), clock


def test_clients_that_never_ran_long_do_not_enter_the_heavy_lane() -> None:
    shares, _ = fairness(slots=1)
    assert [shares.admit(f"10.0.0.{n}") for n in range(20)] == [False] * 20
    assert not shares.running


def test_a_heavy_client_runs_one_query_at_a_time() -> None:
    shares, _ = fairness()
    shares.mark("a")
    assert shares.admit("a") is True
    with pytest.raises(ClientBusy) as refused:
        shares.admit("a")
    assert refused.value.detail == str(RETRY_SECONDS)  # 429 with Retry-After
    shares.release("a")
    assert shares.admit("a") is True


def test_heavy_clients_share_the_slots_round_robin() -> None:
    shares, clock = fairness(slots=2)
    for client in "abcd":
        shares.mark(client)
    assert shares.admit("a") and shares.admit("b")
    for client in "cd":  # full: refused, and queued in this order
        with pytest.raises(HeavyBusy):
            shares.admit(client)
    shares.release("a")
    clock.now += 1
    with pytest.raises(HeavyBusy):  # a's slot is promised to c, refused first
        shares.admit("a")
    assert shares.admit("c") is True
    shares.release("b")
    with pytest.raises(HeavyBusy):  # then to d, then a (queued after d)
        shares.admit("b")
    assert shares.admit("d") is True
    shares.release("c")
    assert shares.admit("a") is True
    assert list(shares.waiting) == ["b"]


def test_a_queued_client_that_does_not_come_back_loses_its_place() -> None:
    shares, clock = fairness(slots=1)
    for client in "abc":
        shares.mark(client)
    assert shares.admit("a")
    with pytest.raises(HeavyBusy):
        shares.admit("b")
    shares.release("a")
    clock.now += 3.5  # b waited longer than wait_seconds without coming back
    assert shares.admit("c") is True
    assert "b" not in shares.waiting


def test_a_client_is_heavy_for_a_while_after_its_last_long_query() -> None:
    shares, clock = fairness(slots=1)
    shares.mark("a")
    clock.now += 59
    assert shares.admit("a") is True
    shares.release("a")
    clock.now += 2
    assert shares.admit("a") is False  # light again: no slot taken
    assert not shares.running


def test_the_pool_marks_a_client_whose_query_runs_long(pool: WorkerPool) -> None:
    with pytest.raises(QueryTimeout):
        pool.call(query(PATHOLOGICAL), LIGHT * 2, client="10.1.1.1")
    assert pool.fairness.heavy.get("10.1.1.1", 0) > time.monotonic()
    assert "10.1.1.2" not in pool.fairness.heavy
    assert pool.call(query("SELECT * {}"), 5, client="10.1.1.2").body  # another: light lane
    assert not pool.fairness.running


def test_the_service_s_own_jobs_never_enter_the_heavy_lane(pool: WorkerPool) -> None:
    pool.fairness.mark("10.1.1.3")
    pool.fairness.admit("10.1.1.3")  # its one heavy query, running
    assert pool.call(ASK, 5, client="10.1.1.3") is True  # a page's own query: not refused
    with pytest.raises(ClientBusy):
        pool.call(query("SELECT * {}"), 5, client="10.1.1.3")


def test_a_heavy_client_s_query_starts_at_medium_priority(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    lowered: list[int] = []
    original = pool_module.lower_priority

    def record(pid: int, level: int = LOW_PRIORITY) -> bool:
        lowered.append(level)
        return original(pid, level)

    monkeypatch.setattr(pool_module, "lower_priority", record)
    pool.fairness.mark("10.1.1.4")
    assert pool.call(query("SELECT * {}"), 5, client="10.1.1.4").rows == 1
    assert lowered[0] == MEDIUM_PRIORITY  # heavy: lowered before it starts
    assert not pool.fairness.running

"""A batch on a Ray cluster (``interview-analyzer batch --ray ADDRESS``): one actor per worker slot, each
holding one :class:`~analyzer.pipeline.Analyzer` (models load once per actor), in place of the local
process pool. Tasks carry paths and content keys, never audio: inputs and ``--out`` must be on a path
every node sees. Each actor runs the local batch's :func:`~analyzer.batch.workers.analyse_task`, so
reports and manifests are written the same way (atomically, manifest last) and resumption is unchanged.

Faults: an actor that dies is restarted by Ray (``max_restarts``) and its session handed out again; a
session whose actor dies twice is recorded as failed and the others go on. The driver owns the actors,
so a killed driver takes them with it, and the next run resumes from the manifests.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from analyzer.batch.workers import Outcome, Task, analyse_task, build_analyzer, use_share_of_cores
from analyzer.config import Config
from analyzer.errors import AnalyzerError, ConfigError, ModelMissingError
from analyzer.resources import build_fingerprint

if TYPE_CHECKING:
    import ray as ray_module

log = logging.getLogger("analyzer")

INSTALL_HINT = 'pip install "interview-analyzer[ray]" (in a checkout: pip install -c constraints.txt ".[ray]")'
ACTOR_CPUS = 1
"""CPUs per actor: as the local pool, one worker per core (each pinned to its own core on its node)."""
ACTOR_MEMORY_MIB = 1600
"""Memory reserved per actor: the peak RSS of one batch worker is 1,554 MiB (docs/benchmarks.md)."""
ACTOR_RESTARTS = 3
"""Restarts Ray grants one actor after its process dies; past them its slot is retired."""
DEATHS_BEFORE_FAILED = 2
"""A session whose actor died this many times while analysing it is recorded as failed."""


def require_ray() -> "ray_module":
    """The ``ray`` module, or a one-line :class:`ConfigError` naming the install command."""
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--ray needs Ray, an optional extra: {INSTALL_HINT}") from None
    return ray


class SessionActor:
    """One Ray actor: builds one Analyzer when it starts (in the driver's working directory, with the
    driver's transcript cache, on its share of its node's cores) and analyses sessions one at a time."""

    def __init__(self, config: Config, audio: dict[str, Any], cwd: str, cache: str | None,
                 slot: int, slots_on_node: int, log_level: int) -> None:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
        log.setLevel(log_level)
        if os.path.isdir(cwd):  # relative inputs and --out are the driver's: shared paths are the same everywhere
            os.chdir(cwd)
        if cache:
            os.environ["INTERVIEW_ANALYZER_CACHE"] = cache
        use_share_of_cores(slot, slots_on_node)
        self.error: AnalyzerError | None = None
        try:
            build_analyzer(config, audio)
        except (ConfigError, ModelMissingError) as exc:  # the same on every node: the driver stops the batch
            self.error = exc
        self.build = build_fingerprint()

    def ready(self) -> tuple[int, AnalyzerError | None, str]:
        """This actor's process id, the error that keeps it from analysing anything (or None), and the
        build of the analyzer it runs (:func:`~analyzer.resources.build_fingerprint`)."""
        return os.getpid(), self.error, self.build

    def analyse(self, task: Task) -> Outcome | AnalyzerError:
        """The session's :class:`Outcome`, or the error that stops the whole batch (returned, not raised,
        so the driver gets it as it is rather than wrapped in Ray's task error)."""
        if self.error is not None:
            return self.error
        try:
            return analyse_task(task)
        except (ConfigError, ModelMissingError) as exc:
            return exc


@dataclass
class Slot:
    """A place for one actor on one node."""

    node_id: str
    index: int
    """Its number among the slots of its node (which share of the node's cores it takes)."""
    count: int
    """The slots used on its node."""
    actor: Any = None
    task: Task | None = None
    retired: bool = False


def plan_slots(nodes: list[dict[str, Any]], limit: int | None = None) -> list[Slot]:
    """Worker slots from the alive nodes' resources (``ray.nodes()``): per node, as many actors as its CPUs
    take at :data:`ACTOR_CPUS` each and its memory at :data:`ACTOR_MEMORY_MIB` each; at most ``limit`` in all,
    dealt round the nodes so a small ``limit`` still spreads over machines."""
    per_node: list[list[Slot]] = []
    for node in sorted(nodes, key=lambda n: n.get("NodeID", "")):
        resources = node.get("Resources", {})
        if not node.get("Alive", False):
            continue
        count = int(resources.get("CPU", 0) // ACTOR_CPUS)
        if "memory" in resources:
            count = min(count, int(resources["memory"] // (ACTOR_MEMORY_MIB * 2**20)))
        if count > 0:
            per_node.append([Slot(node["NodeID"], i, count) for i in range(count)])
    dealt = [slots[i] for i in range(max((len(s) for s in per_node), default=0)) for slots in per_node if i < len(slots)]
    chosen = dealt[:limit] if limit else dealt
    used = Counter(slot.node_id for slot in chosen)
    for slot in chosen:  # the node's cores are shared among the actors it will run, not the ones it could
        slot.count = used[slot.node_id]
    return chosen


def cluster_description(ray: "ray_module") -> str:
    total = ray.cluster_resources()
    return f"{len([n for n in ray.nodes() if n.get('Alive')])} nodes, {total.get('CPU', 0):g} CPUs"


def run_ray(tasks: list[Task], config: Config, audio: dict[str, Any], address: str,
            jobs: int | None = None) -> Iterator[Outcome]:
    """Analyse ``tasks`` (already in the order to start them) on the Ray cluster at ``address`` (what
    ``ray.init(address=...)`` takes: ``auto`` or ``HOST:PORT``), with at most ``jobs`` actors (default:
    every slot of the cluster); yields each session's :class:`Outcome` as it finishes."""
    ray = require_ray()
    if not tasks:
        return
    try:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=True)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"--ray {address}: cannot connect to a Ray cluster: {exc}".splitlines()[0]) from None
    try:
        slots = plan_slots(ray.nodes(), min(jobs or len(tasks), len(tasks)))
        if not slots:
            raise ConfigError(f"--ray {address}: no node of the cluster ({cluster_description(ray)}) has "
                              f"{ACTOR_CPUS} CPU and {ACTOR_MEMORY_MIB} MiB of memory for an analysis actor")
        yield from _Scheduler(ray, slots, config, audio).run(tasks)
    finally:
        ray.shutdown()  # the driver owns the actors: they end with it


class _Scheduler:
    """Hands sessions to idle actors one at a time, so a death is charged to the session it interrupted."""

    actor_class: type = SessionActor

    def __init__(self, ray: "ray_module", slots: list[Slot], config: Config, audio: dict[str, Any]) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self.ray = ray
        self.slots = slots
        actor_class = ray.remote(self.actor_class)
        cache = os.environ.get("INTERVIEW_ANALYZER_CACHE")
        for slot in slots:
            slot.actor = actor_class.options(
                num_cpus=ACTOR_CPUS, memory=ACTOR_MEMORY_MIB * 2**20, max_restarts=ACTOR_RESTARTS,
                max_task_retries=0, max_concurrency=1,
                scheduling_strategy=NodeAffinitySchedulingStrategy(slot.node_id, soft=True),
            ).remote(config, audio, os.getcwd(), cache, slot.index, slot.count, log.getEffectiveLevel())
        self.waiting: dict[Any, Slot] = {}
        self.build = build_fingerprint()
        self.lost = ""
        """Why the last actor that went for good did."""

    def _ready(self, slot: Slot) -> None:
        """Wait (without blocking) for the slot's actor to be up; a restarting actor is waited for."""
        slot.task = None
        self.waiting[slot.actor.ready.options(max_task_retries=-1).remote()] = slot

    def run(self, tasks: list[Task]) -> Iterator[Outcome]:
        ray = self.ray
        pending = deque(tasks)
        deaths: Counter[str] = Counter()
        for slot in self.slots:
            self._ready(slot)
        while self.waiting:
            done, _ = ray.wait(list(self.waiting), num_returns=1)
            ref = done[0]
            slot = self.waiting.pop(ref)
            task, slot.task = slot.task, None
            try:
                value = ray.get(ref)
            except ray.exceptions.RayActorError as exc:
                if task is None:  # it cannot start, or its restarts are used up
                    self.lost = _first_line(exc)
                    log.warning("an analysis actor is gone for good: %s", self.lost)
                    slot.retired = True
                else:
                    deaths[task.session.rel] += 1
                    if deaths[task.session.rel] >= DEATHS_BEFORE_FAILED:
                        yield _died(task)
                    else:
                        pending.appendleft(task)  # outputs are idempotent: analysing it again is safe
                    self._ready(slot)
                    continue
            except ray.exceptions.RayTaskError as exc:  # a bug outside analyse_task's own handling
                if task is None:
                    raise
                yield Outcome(task.session.rel, ok=False,
                              error=f"{task.session.path}: internal error: {_last_line(exc)}")
                value = None
            if task is None and isinstance(value, tuple):  # ready: (pid, error, build)
                if value[1] is not None:
                    raise value[1]
                if value[2] != self.build:  # its reports would not be the ones the manifests' keys promise
                    raise ConfigError(f"--ray: a node of the cluster runs another build of interview-analyzer "
                                      f"than this one (its code or models differ); install the same on every "
                                      f"node (build {value[2][:12]} there, {self.build[:12]} here)")
            elif isinstance(value, AnalyzerError):
                raise value
            elif value is not None:
                yield value
            if pending and not slot.retired:
                slot.task = pending.popleft()
                self.waiting[slot.actor.analyse.remote(slot.task)] = slot
        for task in pending:  # every actor gone: nothing can analyse the rest
            yield Outcome(task.session.rel, ok=False,
                          error=f"{task.session.path}: no analysis actor is left on the Ray cluster ({self.lost})")


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _last_line(exc: BaseException) -> str:
    return next((line.strip() for line in reversed(str(exc).splitlines()) if line.strip()), type(exc).__name__)


def _died(task: Task) -> Outcome:
    return Outcome(task.session.rel, ok=False,
                   error=f"{task.session.path}: the Ray actor died {DEATHS_BEFORE_FAILED} times while analysing it "
                         "(out of memory or a crash in a native library)")

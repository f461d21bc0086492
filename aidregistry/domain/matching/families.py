"""Independent families of records, each built, solved and decomposed on its own.

An offer and a need can only be paired through a route key that the offer provides and the need
accepts, so the instance falls apart along the connected components of the route keys (two keys
are joined when one offer class provides both or one need class accepts both): roughly one
family per group of mutually substitutable standards. Each family's reduced network is built,
split into components (:mod:`.components`), solved and turned back into (offer, need, quantity)
triples in a worker process, largest family first; the parent only assembles the allocations
and the certificate. So the parent never holds the whole network, and the network of one
family is built while another family is being solved.

Records in no family (no quantity, or no route key at all) have no feasible pair.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from aidregistry.domain.matching.components import ComponentSolution, solve_component, split
from aidregistry.domain.matching.decompose import decompose
from aidregistry.domain.matching.network import build_network
from aidregistry.domain.matching.prepare import Prepared

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
PARALLEL_MIN_RECORDS = 4_000  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Family:
    """The offers and needs (indices into the instance, ascending) of one family."""

    offers: IntArray
    needs: IntArray


@dataclass(frozen=True)
class FamilyResult:
    """One family's flows as pairs, its groups and duals, in the family's own indices."""

    o_idx: IntArray
    n_idx: IntArray
    qty: IntArray
    reach: BoolArray  # per need: some offer with quantity reaches it in the network
    offer_group: IntArray  # per offer: component group 1..len(solutions), 0 = no pair
    need_group: IntArray
    solutions: list[ComponentSolution]
    stats: dict[str, float]


def split_families(prep: Prepared) -> list[Family]:
    """The families of ``prep`` that hold both an offer and a need with quantity, largest first."""
    live_o = np.flatnonzero(prep.o_supply > 0)
    live_n = np.flatnonzero(prep.n_demand > 0)
    o_keys = prep.o_class_keys[prep.o_class[live_o]]
    n_keys = prep.n_class_keys[prep.n_class[live_n]]
    rows = np.concatenate([o_keys, n_keys])
    keyed = rows.any(axis=1)
    if not keyed.any():
        return []
    first = np.argmax(rows, axis=1)
    r, k = np.nonzero(rows)
    graph = coo_matrix(
        (np.ones(r.size, np.int8), (first[r], k)), shape=(len(prep.keys), len(prep.keys))
    )
    _, key_family = connected_components(graph, directed=False)
    family = np.where(keyed, key_family[first], -1)
    o_family, n_family = family[: live_o.size], family[live_o.size :]
    out = []
    for f in np.unique(family[keyed]).tolist():
        offers, needs = live_o[o_family == f], live_n[n_family == f]
        if offers.size and needs.size:
            out.append(Family(offers, needs))
    out.sort(key=lambda fam: -(fam.offers.size + fam.needs.size))
    return out


def solve_family(prep: Prepared) -> FamilyResult:
    """Build, split, solve and decompose one family (``prep`` holds just its records)."""
    clock = time.perf_counter()
    net = build_network(prep)
    comps, offer_group, need_group = split(prep, net)
    built = time.perf_counter()
    solutions = [solve_component(c) for c in comps]
    solved = time.perf_counter()
    flow = np.zeros(net.tail.size, dtype=np.int64)
    for comp, sol in zip(comps, solutions, strict=True):
        flow[comp.arcs] = sol.flow
    o_idx, n_idx, qty = decompose(net, flow)
    no_flow = np.zeros(0, dtype=np.int64)  # the flows stay here: the pairs carry them
    return FamilyResult(
        o_idx=o_idx,
        n_idx=n_idx,
        qty=qty,
        reach=net.need_reached,
        offer_group=offer_group,
        need_group=need_group,
        solutions=[replace(s, flow=no_flow) for s in solutions],
        stats={
            "nodes": float(net.n_nodes),
            "arcs": float(net.tail.size),
            "transport_arcs": float(net.transport_arcs),
            "components": float(len(comps)),
            "build_s": built - clock,
            "flows_s": solved - built,
        },
    )


def solve_families(
    prep: Prepared, families: list[Family], workers: int
) -> Iterator[tuple[int, FamilyResult]]:
    """Solve every family, in ``workers`` processes when that pays off; yields (index into
    ``families``, result) as each finishes, so the caller can use the early ones meanwhile."""
    parts = [prep.subset(f.offers, f.needs) for f in families]
    small = prep.n_offers + prep.n_needs < PARALLEL_MIN_RECORDS
    if workers <= 1 or len(parts) <= 1 or small:
        for index, part in enumerate(parts):
            yield index, solve_family(part)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(parts))) as pool:
        futures = {pool.submit(solve_family, part): index for index, part in enumerate(parts)}
        for future in as_completed(futures):
            yield futures[future], future.result()

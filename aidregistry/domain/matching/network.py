"""The exact reduced flow network: time ladders per place, one transport arc per breakpoint.

Why it is exact. Route keys (a directly accepted standard or an equivalence row, see
:mod:`aidregistry.domain.certification`) that are provided by exactly the same offers form a
*key group* κ (an N95 lot's "N95" and "N95 for FFP2" keys, say). For a key group κ and a mode
m, group the offers that provide κ and can travel by m by *origin place* and *expiry slack*
into an origin chain; give the chain one node per distinct start day, with a free arc from each
day to the next (goods available on day a are also available on any later day). Group the
needs by *destination place* and by the *set of route keys* they accept into destination
chains, with one node per distinct needed-by day and a free arc from each day to the next
(goods that arrive by day b also serve any later deadline); every need of a chain accepts the
same keys, so the chains are shared by all the key groups they accept. A transport arc joins
the origin node of start day a to the first node, of each destination chain that accepts a key
of κ, whose day is ≥ a + transit(m, km), at cost weight(m) · km. Then:

* every path offer → … → need is a feasible pair with a usable mode, because start ≤ a,
  a + transit ≤ b ≤ needed_by, the offer provides every key of κ and the whole destination
  chain accepts one of them, m is one of the offer's modes, and the origin chain's expiry
  slack admits only arcs with start + transit < expires (slack = expires − start is the same
  for every offer of the chain, whatever ladder step the flow leaves from);
* every feasible pair (i, j) with mode m has such a path of cost weight(m) · km: a key that
  i provides and j accepts lies in one key group, whose chains i enters and whose transport
  arcs reach j's chain.

So the reduced network has the same optimum as the full offer × need graph. An arc from day a
is dominated when the next start day of the same chain reaches the same destination node,
so per (origin chain, destination chain) at most min(#start days, #deadline days) arcs remain.
A destination node that no transport arc reaches hands its needs to the nearest earlier node of
its chain that one reaches (:func:`_arrival_nodes`): the same paths, one node fewer.

Node layout: offers, origin nodes, destination nodes, needs — in that order, which is also a
topological order of the (acyclic) transport part, and each chain a run of consecutive ids in
day order; :mod:`.decompose` relies on both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.costs import MODE_ORDER, NO_EXPIRY
from aidregistry.domain.matching.prepare import Prepared

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
CHUNK_CELLS = 1 << 21  # bounds the (origin node × destination chain) scratch arrays


@dataclass(frozen=True)
class Ladder:
    """Nodes of chains over distinct days: entry → node, node → (chain, day), ladder arcs."""

    entry_node: IntArray
    chain: IntArray
    day: IntArray
    tail: IntArray
    head: IntArray

    @property
    def size(self) -> int:
        """Number of nodes."""
        return int(self.chain.size)


@dataclass(frozen=True)
class Network:
    """The reduced network's transport part (a DAG) and its node layout."""

    n_nodes: int
    n_offers: int
    n_needs: int
    need_base: int
    tail: IntArray
    head: IntArray
    cost: IntArray
    transport_start: int  # transport arcs are tail[transport_start : +transport_arcs]
    transport_arcs: int
    need_reached: BoolArray  # per need: some offer with quantity has a path to it


@dataclass(frozen=True)
class _Dest:
    """The destination nodes that take one key group, with a table for day look-ups."""

    chain_place: IntArray  # per chain: its place
    low: int
    first: IntArray  # (chain, day - low): the chain's first node due that day or later, or -1
    node: IntArray  # per node: its id in destination space


@dataclass(frozen=True)
class _Destinations:
    """One ladder per (place, set of route keys accepted) over the needs' deadline days."""

    ladder: Ladder
    needs: IntArray  # the needs on the ladder, in the order of ladder.entry_node
    chain_place: IntArray
    chain_keys: BoolArray  # chains × route keys


@dataclass
class _Arcs:
    """Growing arc lists."""

    tails: list[IntArray]
    heads: list[IntArray]
    costs: list[IntArray]

    def add(self, tail: IntArray, head: IntArray, cost: IntArray | int = 0) -> None:
        """Append arcs (cost broadcasts)."""
        self.tails.append(np.asarray(tail, np.int64))
        self.heads.append(np.asarray(head, np.int64))
        self.costs.append(np.broadcast_to(np.asarray(cost, np.int64), tail.shape).copy())

    def arrays(self, tail_shift: int = 0, head_shift: int = 0) -> tuple[IntArray, ...]:
        """Concatenated (tail, head, cost), shifted."""
        if not self.tails:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        return (
            np.concatenate(self.tails) + tail_shift,
            np.concatenate(self.heads) + head_shift,
            np.concatenate(self.costs),
        )


def build_ladder(chain: IntArray, day: IntArray) -> Ladder:
    """One node per distinct (chain, day), sorted, with an arc from each day to the next."""
    if chain.size == 0:
        empty = np.zeros(0, np.int64)
        return Ladder(empty, empty, empty, empty, empty)
    low = int(day.min())
    span = int(day.max()) - low + 1
    uniq, inverse = np.unique(chain * span + (day - low), return_inverse=True)
    node_chain, node_day = uniq // span, uniq % span + low
    step = np.flatnonzero(node_chain[1:] == node_chain[:-1])
    return Ladder(inverse.reshape(-1).astype(np.int64), node_chain, node_day, step, step + 1)


def _destinations(prep: Prepared, keys: BoolArray) -> _Destinations:
    """Destination chains: the needs with demand that accept one of ``keys``, grouped by place
    and by the set of route keys they accept (needs of one chain take the same keys, so goods
    that reach a chain by any of its keys may serve any of its needs due later)."""
    accepts = prep.n_class_keys[prep.n_class] & keys[None, :]
    needs = np.flatnonzero(accepts.any(axis=1) & (prep.n_demand > 0))
    key_sets, key_set = np.unique(prep.n_class_keys, axis=0, return_inverse=True)
    n_sets = key_sets.shape[0]
    code = prep.n_place[needs] * n_sets + key_set.reshape(-1)[prep.n_class[needs]]
    pairs, chain = np.unique(code, return_inverse=True)
    ladder = build_ladder(chain.reshape(-1).astype(np.int64), prep.n_deadline[needs])
    return _Destinations(ladder, needs, pairs // n_sets, key_sets[pairs % n_sets])


def _destination(dests: _Destinations, group: BoolArray) -> _Dest | None:
    """The part of the destination ladders that takes a route key of ``group``."""
    takes: BoolArray = np.asarray((dests.chain_keys & group[None, :]).any(axis=1), dtype=bool)
    chains = np.flatnonzero(takes)
    if chains.size == 0:
        return None
    node = np.flatnonzero(takes[dests.ladder.chain])  # sorted by (chain, day)
    chain = np.searchsorted(chains, dests.ladder.chain[node])
    day = dests.ladder.day[node]
    low = int(day.min())
    span = int(day.max()) - low + 2  # one spare day: "later than every deadline"
    code = chain * span + (day - low)  # ascending
    rows = np.arange(chains.size, dtype=np.int64)[:, None]
    pos = np.searchsorted(code, rows * span + np.arange(span, dtype=np.int64)[None, :])
    hit = np.minimum(pos, code.size - 1)
    first = np.where((pos < code.size) & (chain[hit] == rows), pos, -1)
    return _Dest(dests.chain_place[chains], low, first, node)


def _effective_slack(transit: IntArray, place_of: IntArray, slack: IntArray) -> IntArray:
    """Canonical expiry slack: 1 + the largest transit below it, NO_EXPIRY if never binding.

    Offers whose slack admits the same destinations then share a chain; -1 = no destination.
    """
    out = np.full(slack.shape, NO_EXPIRY, dtype=np.int64)
    binding = np.flatnonzero(slack < transit.max(axis=1)[place_of] + 1)
    for lo in range(0, binding.size, 4096):
        rows = binding[lo : lo + 4096]
        tr = transit[place_of[rows]]
        below = np.where(tr < slack[rows, None], tr, -2).max(axis=1)
        out[rows] = below + 1
    return out


@dataclass(frozen=True)
class _Origin:
    """Origin ladder nodes of one (route key, mode) block, ready for transport arcs."""

    base: int  # global id of the first node
    chain: IntArray
    row: IntArray  # row of the block's km / transit matrices (the node's place)
    slack: IntArray
    day: IntArray


def _transport(
    arcs: _Arcs, dest: _Dest, origin: _Origin, km: IntArray, transit: IntArray, weight: int
) -> None:
    """Non-dominated transport arcs from one block's origin nodes to a destination ladder."""
    n_nodes, (n_dc, span) = origin.chain.size, dest.first.shape
    same_next = np.zeros(n_nodes, dtype=bool)
    same_next[:-1] = origin.chain[1:] == origin.chain[:-1]
    step = max(1, CHUNK_CELLS // max(n_dc, 1))
    cols = np.arange(n_dc, dtype=np.int64)[None, :]
    for lo in range(0, n_nodes, step):
        sel = np.arange(lo, min(lo + step + 1, n_nodes))  # one look-ahead row
        tr = transit[origin.row[sel]]
        arrival = np.clip(origin.day[sel, None] + tr - dest.low, 0, span - 1)
        pos = dest.first[cols, arrival]
        valid = (tr < origin.slack[sel, None]) & (pos >= 0)
        pos = np.where(valid, pos, -1)
        # Leaving one ladder day later reaches the same destination node: this arc is dominated.
        dominated = np.zeros_like(valid)
        dominated[:-1] = (pos[:-1] == pos[1:]) & same_next[sel[:-1], None]
        emit = valid & ~dominated
        emit[sel >= lo + step] = False
        r, c = np.nonzero(emit)
        arcs.add(sel[r] + origin.base, dest.node[pos[r, c]], weight * km[origin.row[sel[r]], c])


def _distances(prep: Prepared, offers: IntArray, dest: _Dest) -> tuple[IntArray, IntArray]:
    """The offers' places (ascending) and the km from each to each destination chain's place."""
    places = np.unique(prep.o_place[offers])
    lat, lon = prep.place_lat, prep.place_lon
    km = rounded_km(
        lat[places][:, None],
        lon[places][:, None],
        lat[dest.chain_place][None, :],
        lon[dest.chain_place][None, :],
    )
    return places, km


def _origin_block(
    prep: Prepared,
    offers: IntArray,
    rank: int,
    dest: _Dest,
    state: _State,
    distances: tuple[IntArray, IntArray],
) -> None:
    """Origin ladders of the offers that provide one key group and travel by one mode
    (``distances``: :func:`_distances` of a superset of the offers)."""
    rule = prep.policy.modes[MODE_ORDER[rank]]
    places, place_of = np.unique(prep.o_place[offers], return_inverse=True)
    place_of = place_of.reshape(-1)
    km = distances[1][np.searchsorted(distances[0], places)]
    transit = rule.handling_days + -(-km // rule.speed_km_per_day)
    start = prep.o_start[offers]
    slack = _effective_slack(transit, place_of, prep.o_expiry[offers] - start)
    ok = slack >= 0
    if not ok.any():
        return
    offers, place_of, start, slack = offers[ok], place_of[ok], start[ok], slack[ok]
    slacks, slack_of = np.unique(slack, return_inverse=True)
    chains, chain = np.unique(place_of * slacks.size + slack_of, return_inverse=True)
    ladder = build_ladder(chain.reshape(-1).astype(np.int64), start)
    base = state.next_node
    state.next_node += ladder.size
    state.origin.add(ladder.tail + base, ladder.head + base)
    state.origin.add(offers, ladder.entry_node + base)
    code = chains[ladder.chain]
    origin = _Origin(
        base, ladder.chain, code // slacks.size, slacks[code % slacks.size], ladder.day
    )
    _transport(state.transport, dest, origin, km, transit, rule.cost_weight)


def _key_groups(offered: BoolArray, supplied: BoolArray) -> list[BoolArray]:
    """Masks of the route keys provided by exactly the same offers (one mask per group)."""
    live = np.flatnonzero(supplied)
    providers = np.packbits(offered[:, live], axis=0).T  # per live key: its offers, as bits
    group: dict[bytes, BoolArray] = {}
    for key, row in zip(live.tolist(), providers, strict=True):
        group.setdefault(row.tobytes(), np.zeros(offered.shape[1], dtype=bool))[key] = True
    return list(group.values())


def _arrival_nodes(ladder: Ladder, reached: BoolArray) -> IntArray:
    """Per destination node, the node that takes its needs: itself, or — when no transport arc
    reaches it (``reached``) — the nearest earlier node of its chain that one reaches (or the
    chain's first).

    Goods can only get to such a node down its chain from that earlier node, and every need
    there accepts them, so serving its needs from the earlier node is the same set of paths at
    the same costs; the skipped nodes are left without arcs, and the simplex has fewer nodes.
    """
    first = np.ones(ladder.size, dtype=bool)
    first[1:] = ladder.chain[1:] != ladder.chain[:-1]
    own = np.where(reached | first, np.arange(ladder.size), 0)
    rep: IntArray = np.maximum.accumulate(own) if own.size else own
    return rep


@dataclass
class _State:
    """Arcs and node counter while the network is built."""

    next_node: int
    origin: _Arcs  # offer → origin node, origin ladders (global ids)
    transport: _Arcs  # origin node (global) → destination space
    dest: _Arcs  # destination ladders and destination → need, in destination space


def build_network(prep: Prepared) -> Network:
    """Build the exact reduced network of ``prep`` (see the module docstring)."""
    n_o, n_n = prep.n_offers, prep.n_needs
    state = _State(n_o, _Arcs([], [], []), _Arcs([], [], []), _Arcs([], [], []))
    offered = prep.o_class_keys[prep.o_class] & (prep.o_supply > 0)[:, None]
    supplied: BoolArray = np.asarray(offered.any(axis=0), dtype=bool)
    dests = _destinations(prep, supplied)
    for group in _key_groups(offered, supplied):
        offers = np.flatnonzero(offered[:, np.argmax(group)])
        dest = _destination(dests, group)
        if dest is None:
            continue
        distances = _distances(prep, offers, dest)  # the same for every mode
        for rank, mode in enumerate(MODE_ORDER):
            usable = offers[((prep.o_modes[offers] >> rank) & 1).astype(bool)]
            if usable.size and mode in prep.policy.modes:
                _origin_block(prep, usable, rank, dest, state, distances)
    o_t, o_h, o_c = state.origin.arrays()
    t_t, t_h, t_c = state.transport.arrays()
    reached = np.zeros(dests.ladder.size, dtype=bool)
    reached[t_h] = True  # destination nodes that a transport arc enters
    rep = _arrival_nodes(dests.ladder, reached)
    step = rep[dests.ladder.tail] != rep[dests.ladder.head]
    state.dest.add(rep[dests.ladder.tail[step]], rep[dests.ladder.head[step]])
    # Destination nodes follow every origin node and needs follow every destination node,
    # so ascending ids are a topological order of the transport DAG.
    d_base = state.next_node
    need_base = d_base + dests.ladder.size
    state.dest.add(rep[dests.ladder.entry_node], dests.needs + need_base - d_base)
    t_h = t_h + d_base
    d_t, d_h, d_c = state.dest.arrays(d_base, d_base)
    # Every origin node is some offer's entry, so a need is reached when its node is.
    need_reached = np.zeros(n_n, dtype=bool)
    need_reached[dests.needs] = reached[rep[dests.ladder.entry_node]]
    return Network(
        n_nodes=need_base + n_n,
        n_offers=n_o,
        n_needs=n_n,
        need_base=need_base,
        tail=np.concatenate([o_t, t_t, d_t]),
        head=np.concatenate([o_h, t_h, d_h]),
        cost=np.concatenate([o_c, t_c, d_c]),
        transport_start=int(o_t.size),
        transport_arcs=int(t_t.size),
        need_reached=need_reached,
    )

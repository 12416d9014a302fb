"""Own the state diagrams of the console's rules page: each flow of the compiled rule set drawn
as SVG on the server, from its ``Flow`` (its triggers, states, cases, timeouts and ``goto``).

No drawing library runs in the browser: the layout is a small layered one (the states in rows
by their distance from the flow's entry, each row ordered by its parents' places), the edges
cubic curves with their labels, and the text is escaped like any of the page's. The page sends
it inline, so the Content-Security-Policy stays ``script-src 'self'; style-src 'self'`` (its
colours are in ``console.css``). The same edges are listed as text beside the drawing for
screen readers (``Edge``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from engine.ruleset.model import Case, Flow, State
from engine.runtime.why import describe

__all__ = ["ENTRY", "EXIT", "Edge", "draw", "edges_of"]

ENTRY = "(start)"
"""The node a flow's triggers leave from."""
EXIT = "end"
LABEL = 28
"""Characters of an edge's label drawn at most (the list beside the drawing has them whole)."""
CHAR = 7.4
"""Pixels a character of the diagram's font takes, about (13px system-ui)."""
LABEL_CHAR = 6.2
"""Pixels a character of an edge's label takes, about (11px)."""
NODE_H = 34
ROW = 100
GAP = 40
MARGIN = 16


@dataclass(frozen=True, slots=True)
class Edge:
    """One way from ``source`` to ``target`` (a state, ``ENTRY`` or ``EXIT``), and why."""

    source: str
    target: str
    label: str


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _case_edges(name: str, case: Case, label: str) -> list[Edge]:
    found = [] if case.then.is_stay else [Edge(name, case.then.state, label)]
    if case.retries is not None:
        found.append(Edge(name, case.exhausted.state, f"{label} × {case.retries + 1}"))
    return found


def _state_edges(name: str, state: State) -> list[Edge]:
    found: list[Edge] = []
    for case in state.route:
        found += _case_edges(name, case, "route " + describe(case.test))
    for case in state.choose:
        found += _case_edges(name, case, "choose " + describe(case.test))
    if state.then is not None and not state.then.is_stay:
        found.append(Edge(name, state.then.state, "goto"))
    if state.wait is not None:
        for case in (*state.wait.cases, state.wait.otherwise):
            if case is state.wait.otherwise and state.wait.implicit_otherwise:
                continue
            found += _case_edges(name, case, describe(case.test))
        timeout = state.wait.timeout
        if timeout is not None and not timeout.then.is_stay:
            found.append(Edge(name, timeout.then.state, f"after {_duration(timeout.after)}"))
    return found


def _trigger_label(flow: Flow) -> dict[str, str]:
    """Each state a trigger enters, and what enters it."""
    said: dict[str, list[str]] = {}
    for trigger in flow.triggers:
        if trigger.kind == "keyword":
            what = ", ".join(" ".join(words) for words in trigger.keywords)
        elif trigger.kind == "match" and trigger.pattern is not None:
            what = f"match: {trigger.pattern.source}"
        elif trigger.kind == "when" and trigger.condition is not None:
            what = f"when: {trigger.condition.source}"
        elif trigger.kind == "schedule":
            what = f"schedule {trigger.schedule}"
        else:
            what = "otherwise"
        said.setdefault(trigger.state, []).append(what)
    return {state: "; ".join(words) for state, words in said.items()}


def edges_of(flow: Flow) -> list[Edge]:
    """Every way through ``flow``: in from its triggers, between its states, out to ``end``
    (a ``stay`` draws nothing: the state keeps waiting)."""
    entered = _trigger_label(flow) or {flow.start: "start"}
    found = [Edge(ENTRY, state, label) for state, label in entered.items()]
    for name, state in flow.states.items():
        found += _state_edges(name, state)
    unique: dict[tuple[str, str, str], Edge] = {}
    for edge in found:
        unique.setdefault((edge.source, edge.target, edge.label), edge)
    return list(unique.values())


def _rows(flow: Flow, edges: list[Edge]) -> list[list[str]]:
    """The nodes in rows: by their distance from the entry (breadth first), the states no
    path reaches after, ``end`` last."""
    following: dict[str, list[str]] = {}
    for edge in edges:
        following.setdefault(edge.source, []).append(edge.target)
    depth = {ENTRY: 0}
    todo = [ENTRY]
    while todo:
        node = todo.pop(0)
        for target in following.get(node, []):
            if target not in depth and target != EXIT:
                depth[target] = depth[node] + 1
                todo.append(target)
    deepest = max(depth.values())
    for name in flow.states:
        if name not in depth:
            deepest += 1
            depth[name] = deepest
    if any(edge.target == EXIT for edge in edges):
        depth[EXIT] = max(depth.values()) + 1
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node, row in depth.items():
        rows[row].append(node)
    return _ordered([row for row in rows if row], edges)


def _ordered(rows: list[list[str]], edges: list[Edge]) -> list[list[str]]:
    """Each row ordered by the mean place of its parents in the rows above (fewer crossings)."""
    place = {node: i for i, node in enumerate(rows[0])}
    parents: dict[str, list[str]] = {}
    for edge in edges:
        parents.setdefault(edge.target, []).append(edge.source)
    ordered = [rows[0]]
    for row in rows[1:]:

        def weight(node: str) -> float:
            above = [place[p] for p in parents.get(node, []) if p in place]
            return sum(above) / len(above) if above else float(len(place))

        row = sorted(row, key=lambda node: (weight(node), row.index(node)))
        place.update({node: i for i, node in enumerate(row)})
        ordered.append(row)
    return ordered


def _width(text: str) -> float:
    return max(44.0, len(text) * CHAR + 24)


def _short(text: str) -> str:
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


def _label_width(edge: Edge) -> float:
    return len(_short(edge.label)) * LABEL_CHAR + 10


@dataclass(frozen=True, slots=True)
class _Box:
    x: float
    y: float
    w: float

    @property
    def middle(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each node is drawn, where each edge coming down ends (its label just above:
    the labels of the edges into one node side by side along its top), the drawing's size."""

    boxes: dict[str, _Box]
    ends: dict[int, float]
    width: float
    height: float


def _downward(rows: list[list[str]], edges: list[Edge]) -> dict[str, list[int]]:
    """Each node's edges coming from a row above."""
    row_of = {node: (r, i) for r, row in enumerate(rows) for i, node in enumerate(row)}
    into: dict[str, list[int]] = {}
    for index, edge in enumerate(edges):
        if row_of[edge.source][0] < row_of[edge.target][0]:
            into.setdefault(edge.target, []).append(index)
    return into


def _layout(rows: list[list[str]], edges: list[Edge]) -> _Layout:
    """Rows centred, each node as wide as its name or as the labels of the edges into it."""
    into = _downward(rows, edges)

    def width(node: str) -> float:
        labels = sum(_label_width(edges[i]) + 6 for i in into.get(node, []))
        return max(_width(node), labels)

    widths = [sum(width(n) for n in row) + GAP * (len(row) - 1) for row in rows]
    total = max(widths) + 2 * MARGIN
    boxes: dict[str, _Box] = {}
    ends: dict[int, float] = {}
    for index, (row, row_width) in enumerate(zip(rows, widths, strict=True)):
        x = (total - row_width) / 2
        for node in row:
            box = boxes[node] = _Box(x, MARGIN + index * ROW, width(node))
            coming = sorted(into.get(node, []), key=lambda i: boxes[edges[i].source].middle)
            used = sum(_label_width(edges[i]) + 6 for i in coming) - 6
            at = box.x + (box.w - used) / 2
            for i in coming:
                ends[i] = at + _label_width(edges[i]) / 2
                at += _label_width(edges[i]) + 6
            x += box.w + GAP
    return _Layout(boxes, ends, total, MARGIN * 2 + (len(rows) - 1) * ROW + NODE_H)


def _path(start: _Box, end: _Box, bend: float, x2: float | None) -> tuple[str, float, float]:
    """An edge's curve (SVG path data) and where its label goes (``x2``: where an edge coming
    down ends, its label just above)."""
    if x2 is not None:  # down to a row below
        x1, y1, y2 = start.middle, start.y + NODE_H, end.y
        mid = (y1 + y2) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
        return d, x2, y2 - 14
    if start is end:  # a state back to itself
        x, y = start.x + start.w, start.y + NODE_H / 2
        d = f"M{x:.1f},{y - 8:.1f} C{x + 40:.1f},{y - 30:.1f} {x + 40:.1f},{y + 30:.1f} "
        return d + f"{x:.1f},{y + 8:.1f}", x + 34, y
    if end.y == start.y:  # along the row: straight across, the label above
        y = start.y + NODE_H / 2 + bend / 3
        x1, x2 = (start.x, end.x + end.w) if end.x < start.x else (start.x + start.w, end.x)
        return f"M{x1:.1f},{y:.1f} L{x2:.1f},{y:.1f}", (x1 + x2) / 2, y - 10
    # back up (a loop): round the right side
    x1, y1 = start.x + start.w, start.y + NODE_H / 2 + bend / 4
    x2, y2 = end.x + end.w, end.y + NODE_H / 2
    out = max(x1, x2) + 36 + abs(bend)
    d = f"M{x1:.1f},{y1:.1f} C{out:.1f},{y1:.1f} {out:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    return d, out - 8, (y1 + y2) / 2


def _node(name: str, box: _Box, start: str) -> str:
    kind = "entry" if name == ENTRY else "exit" if name == EXIT else "state"
    if name == start:
        kind += " start"
    label = "●" if name == ENTRY else name
    return (
        f'<g class="node {kind}" data-state={quoteattr(name)}>'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{NODE_H}" '
        f'rx="{NODE_H / 2 if name in (ENTRY, EXIT) else 6}"/>'
        f'<text x="{box.middle:.1f}" y="{box.y + NODE_H / 2 + 4.5:.1f}">{escape(label)}</text>'
        "</g>"
    )


def _edge(edge: Edge, layout: _Layout, index: int, bend: float, marker: str) -> str:
    start, end = layout.boxes[edge.source], layout.boxes[edge.target]
    d, lx, ly = _path(start, end, bend, layout.ends.get(index))
    label = _short(edge.label)
    width = _label_width(edge)
    return (
        f'<g class="edge"><path d="{d}" marker-end="url(#{marker})"/>'
        f'<rect class="label" x="{lx - width / 2:.1f}" y="{ly - 8:.1f}" width="{width:.1f}" '
        f'height="15" rx="3"/><text x="{lx:.1f}" y="{ly + 3.5:.1f}">{escape(label)}</text></g>'
    )


def draw(flow: Flow, number: int) -> Markup:
    """``flow`` as an inline SVG (``number``: its place on the page, for unique ids)."""
    edges = [e for e in edges_of(flow) if e.target in flow.states or e.target == EXIT]
    layout = _layout(_rows(flow, edges), edges)
    marker = f"arrow-{number}"
    seen: dict[tuple[str, str], int] = {}
    drawn = []
    for index, edge in enumerate(edges):
        nth = seen.get((edge.source, edge.target), 0)
        seen[(edge.source, edge.target)] = nth + 1
        drawn.append(_edge(edge, layout, index, nth * 14.0, marker))
    upward = len(layout.ends) < len(edges)
    width = layout.width + (80 if upward else 0)
    title = escape(f"{flow.id}: {len(flow.states)} states")
    return Markup(
        f'<svg class="diagram" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width:.0f} {layout.height:.0f}" width="{width:.0f}" '
        f'height="{layout.height:.0f}" aria-labelledby="title-{number}" '
        f"data-flow={quoteattr(flow.id)}>"
        f'<title id="title-{number}">{title}</title>'
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        "</defs>"
        + "".join(_node(name, box, flow.start) for name, box in layout.boxes.items())
        + "".join(drawn)
        + "</svg>"
    )

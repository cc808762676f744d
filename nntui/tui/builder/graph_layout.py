"""The model drawn as a graph, top-down, with box-drawing characters (no textual here).

One node per line, in an order where every layer comes after the layers it reads. Edges run down
in columns ("lanes"): a layer read by several others splits its lane (``├──┬──╮``), a merge joins
the lanes of its inputs (``├──┴──╯``). Labels sit to the right of the lanes, aligned::

    ◉  input_layer  InputLayer    (None, 28, 28, 1)
    │
    ●  stem_pool    MaxPooling2D  (None, 13, 13, 32)
    ├──┬──╮
    ●  │  │  branch_1x1   Conv2D   (None, 13, 13, 16)
    │  ●  │  branch_3x3   Conv2D   (None, 13, 13, 16)
    ├──┴──╯
    ●  block        Concatenate   (None, 13, 13, 48)

The first misfit is drawn ``✗`` (and coloured by the widget), the layers below it ``?``. Every
shape comes from the view (the model's report); nothing here computes one.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .view import ERROR_MARK, INPUT_NAME, INPUT_TYPE, UNKNOWN_MARK, RowView, StackView

LANE = 3  # columns per lane: the lane's character and two for the horizontal lines
NODE_GLYPHS = {"input": "◉", "ok": "●", "error": ERROR_MARK, "unknown": UNKNOWN_MARK}
#: (up, down, left, right) -> box-drawing character
BOX = {
    (1, 1, 0, 0): "│", (0, 0, 1, 1): "─", (1, 1, 0, 1): "├", (1, 1, 1, 0): "┤", (1, 0, 1, 0): "╯",
    (1, 0, 0, 1): "╰", (0, 1, 1, 0): "╮", (0, 1, 0, 1): "╭", (1, 0, 1, 1): "┴", (0, 1, 1, 1): "┬",
    (1, 1, 1, 1): "┼", (1, 0, 0, 0): "╵", (0, 1, 0, 0): "╷", (0, 0, 1, 0): "─", (0, 0, 0, 1): "─",
}


@dataclass
class GraphNode:
    """One node: the input (row 0) or a layer (table row ``index + 1``)."""

    row: int
    name: str
    type: str
    shape: str
    state: str  # input | ok | error | unknown
    inputs: list[str]
    output: int | None = None  # position among the model's outputs
    loose: bool = False  # nothing reads it and it is not an output


@dataclass
class GraphLine:
    """One line of the drawing: ``(text, role)`` segments; ``row`` is the node's table row (None:
    a line of edges only). Roles: lane, node-<state>, name, type, shape, output, loose, error,
    unknown, gap."""

    segments: list[tuple[str, str]] = field(default_factory=list)
    row: int | None = None

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segments)


def graph_nodes(view: StackView) -> list[GraphNode]:
    """The nodes of the view's model: the input, then every layer, with what it reads."""
    report = view.check.report if view.check is not None else None
    outputs = list(report.outputs) if report is not None else []
    nodes = [_node(view.rows[0], [], None)]
    for row in view.rows[1:]:
        r = report.rows[row.index] if report is not None and row.index < len(report.rows) else None
        inputs = list(r.inputs) if r is not None and r.inputs else [n.strip() for n in row.inputs.split(",") if n.strip()]
        nodes.append(_node(row, inputs, outputs.index(row.name) if row.name in outputs else None))
    read = {n for node in nodes for n in node.inputs}
    for node in nodes[1:]:
        node.loose = node.output is None and node.name not in read
    return nodes


def _node(row: RowView, inputs: list[str], output: int | None) -> GraphNode:
    state = row.state if row.state in NODE_GLYPHS else "ok"
    shape = row.shape
    if row.state == "error" and row.index is not None and shape == UNKNOWN_MARK:
        shape = f"{ERROR_MARK} does not fit"
    return GraphNode(0 if row.index is None else row.index + 1, row.name, "Input" if row.index is None else row.type,
                     shape, state, inputs, output)


def draw_order(nodes: list[GraphNode]) -> list[GraphNode]:
    """Every node after the nodes it reads, otherwise in table order (a cycle: the rest in table order)."""
    first = {}
    for node in nodes:
        first.setdefault(node.name, node)
    waiting = {id(n): 0 for n in nodes}
    readers: dict[int, list[GraphNode]] = {id(n): [] for n in nodes}
    for node in nodes:
        for name in node.inputs:
            source = first.get(name)
            if source is not None and source is not node:
                waiting[id(node)] += 1
                readers[id(source)].append(node)
    heap = [(n.row, i) for i, n in enumerate(nodes) if waiting[id(n)] == 0]
    heapq.heapify(heap)
    order, placed = [], set()
    while heap:
        _, i = heapq.heappop(heap)
        node = nodes[i]
        if id(node) in placed:
            continue
        placed.add(id(node))
        order.append(node)
        for reader in readers[id(node)]:
            waiting[id(reader)] -= 1
            if waiting[id(reader)] == 0:
                heapq.heappush(heap, (reader.row, nodes.index(reader)))
    order.extend(n for n in nodes if id(n) not in placed)
    return order


@dataclass
class _Edge:
    source: GraphNode
    target: GraphNode


def layout(nodes: list[GraphNode]) -> list[GraphLine]:
    """The drawing, line by line."""
    order = draw_order(nodes)
    position = {id(n): k for k, n in enumerate(order)}
    first = {}
    for node in nodes:
        first.setdefault(node.name, node)
    # edges that run downwards; the others become notes on their reader
    incoming: dict[int, list[_Edge]] = {id(n): [] for n in nodes}
    outgoing: dict[int, list[_Edge]] = {id(n): [] for n in nodes}
    notes: dict[int, list[str]] = {id(n): [] for n in nodes}
    for node in order:
        for name in node.inputs:
            source = first.get(name)
            if source is None:
                notes[id(node)].append(f"reads {name!r}: no such layer")
            elif position[id(source)] >= position[id(node)]:
                notes[id(node)].append(f"reads {name!r} (a cycle)")
            else:
                edge = _Edge(source, node)
                incoming[id(node)].append(edge)
                outgoing[id(source)].append(edge)
    for edges in outgoing.values():
        edges.sort(key=lambda e: position[id(e.target)])

    rows: list[tuple[str, list, GraphNode | None, int]] = []  # (kind, lane cells, node, its lane)
    lanes: list[_Edge | None] = []

    def free_lane(after: int) -> int:
        for k in range(after + 1, len(lanes)):
            if lanes[k] is None:
                return k
        lanes.append(None)
        return len(lanes) - 1

    for k, node in enumerate(order):
        mine = [i for i, e in enumerate(lanes) if e is not None and e.target is node]
        if len(mine) >= 2:
            rows.append(("join", _join(lanes, mine), None, 0))
            for i in mine[1:]:
                lanes[i] = None
        if mine:
            col = mine[0]
        else:
            col = next((i for i, e in enumerate(lanes) if e is None), None)
            if col is None:
                lanes.append(None)
                col = len(lanes) - 1
        lanes[col] = None
        cells = ["│" if e is not None else " " for e in lanes]
        cells[col] = NODE_GLYPHS.get(node.state, "●")
        rows.append(("node", cells, node, col))
        out = outgoing[id(node)]
        if out:
            lanes[col] = out[0]
            new = []
            for edge in out[1:]:
                i = free_lane(col)
                lanes[i] = edge
                new.append(i)
            if new:
                rows.append(("split", _split(lanes, col, new), None, 0))
        while lanes and lanes[-1] is None:
            lanes.pop()
        if rows[-1][0] == "node" and k + 1 < len(order) and lanes:
            rows.append(("edges", ["│" if e is not None else " " for e in lanes], None, 0))
    # a plain line of edges only between two node lines (a join right after it draws them already)
    rows = [r for k, r in enumerate(rows) if not (r[0] == "edges" and k + 1 < len(rows) and rows[k + 1][0] == "join")]
    width = max((len(c) for _, c, _, _ in rows), default=1)
    name_w = max([len(INPUT_NAME)] + [len(n.name) for n in nodes])
    type_w = max([len(INPUT_TYPE)] + [len(n.type) for n in nodes])
    shape_w = max((len(n.shape) for n in nodes), default=4)
    lines = []
    for kind, cells, node, col in rows:
        lane_text = _lane_text(cells, width)
        line = GraphLine([(lane_text, "lane")])
        if node is not None:
            line.row = node.row
            line.segments = _node_segments(lane_text, col)
            state = node.state
            named = "error" if state == "error" else ("unknown" if state == "unknown" else "name")
            name, type_name = (INPUT_NAME, INPUT_TYPE) if node.row == 0 else (node.name, node.type)
            line.segments += [("  ", "gap"), (name.ljust(name_w), named), ("  ", "gap"),
                              (type_name.ljust(type_w), "unknown" if state == "unknown" else "type"), ("  ", "gap"),
                              (node.shape.ljust(shape_w), {"error": "error", "unknown": "unknown"}.get(state, "shape"))]
            if node.output is not None:
                line.segments.append(("  → output" + (f" {node.output + 1}" if _outputs(nodes) > 1 else ""),
                                      "output"))
            elif node.loose:
                line.segments.append(("  ○ not read by any layer", "loose"))
            for note in notes[id(node)]:
                line.segments.append((f"  {ERROR_MARK} {note}", "error"))
            text, role = line.segments[-1]
            line.segments[-1] = (text.rstrip(), role)
        lines.append(line)
    return lines


def _outputs(nodes: list[GraphNode]) -> int:
    return sum(1 for n in nodes if n.output is not None)


def _lane_text(cells: list[str], width: int) -> str:
    """Lane characters spaced LANE apart (horizontal lines fill the gaps of connector lines)."""
    out = []
    for i in range(width):
        c = cells[i] if i < len(cells) else " "
        if isinstance(c, tuple):  # (char, fill to the right)
            out.append(c[0] + c[1] * (LANE - 1))
        else:
            out.append(c + " " * (LANE - 1))
    return "".join(out).rstrip().ljust(width * LANE - (LANE - 1))


def _node_segments(lane_text: str, col: int) -> list[tuple[str, str]]:
    """Split a node line's lanes so that the node's glyph has its own role."""
    at = col * LANE
    glyph = lane_text[at]
    state = {v: k for k, v in NODE_GLYPHS.items()}.get(glyph, "ok")
    parts = [(lane_text[:at], "lane"), (glyph, f"node-{state}"), (lane_text[at + 1:], "lane")]
    return [p for p in parts if p[0]]


def _flags_row(lanes, ups, downs, span: tuple[int, int]) -> list:
    lo, hi = span
    cells = []
    for i in range(len(lanes)):
        up, down = i in ups, i in downs
        left = lo < i <= hi
        right = lo <= i < hi
        char = BOX.get((int(up), int(down), int(left), int(right)), " ")
        cells.append((char, "─" if right else " "))
    return cells


def _join(lanes: list, mine: list[int]) -> list:
    """A connector line where the lanes ``mine`` join into the first of them."""
    active = {i for i, e in enumerate(lanes) if e is not None}
    ups = active
    downs = (active - set(mine)) | {mine[0]}
    return _flags_row(lanes, ups, downs, (mine[0], mine[-1]))


def _split(lanes: list, col: int, new: list[int]) -> list:
    """A connector line where lane ``col`` also feeds the lanes ``new`` (all to its right)."""
    active = {i for i, e in enumerate(lanes) if e is not None}
    ups = active - set(new)
    downs = active
    return _flags_row(lanes, ups, downs, (col, max(new)))


def graph_lines(view: StackView) -> list[GraphLine]:
    """The drawing of the view's model (a plain list of the layers if the drawing fails)."""
    nodes = graph_nodes(view)
    try:
        return layout(nodes)
    except Exception:  # never take the builder down for a drawing
        return [GraphLine([(f"{n.name}  {n.type}  {n.shape}", "name")], n.row) for n in nodes]


__all__ = ["GraphLine", "GraphNode", "draw_order", "graph_lines", "graph_nodes", "layout"]

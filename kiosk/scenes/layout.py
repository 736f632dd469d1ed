"""Where every panel goes: one solver over the whole table, run when something changes.

Each panel (or sheet, comparison, suggested product) gets candidate places around its product
at every size it can take. A candidate's own cost says, in this order of weight, whether it
covers a product, whether it is out of its shopper's reach, how much smaller than full it is,
then how far it lies from the product and from the shopper's edge and how far it moved. Two
candidates of different shoppers cost more the more they overlap, and any overlap outweighs
any size. Panels in use are pinned where they are; the others, a layer its shopper just opened
first, are chosen together by a beam search over these costs, then moved one or two at a time
against all the others until nothing improves.

Pure geometry on NumPy arrays (no pygame), so it is tested and benchmarked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Box = tuple[int, int, int, int]
"""x, y, width, height in screen pixels."""

REACH = 150  # design pixels: the farthest a panel may be from its product
GAP = 20  # design pixels between a panel and its product, at best
SLIDES = (0.08, 0.3, 0.5, 0.7, 0.92)  # where the product sits along a panel's side
SPACINGS = (GAP, GAP + 60, REACH - 10, 2 * REACH)
KEEP = 3  # candidates kept per side and size, the cheapest on their own
BEAM = 10
THOROUGH_UP_TO = 8  # layers; past this (a pile of products) the search does less per layer
IMPROVED = 2  # beams improved further, the cheapest first
SWEEPS = 4

# Costs, in design units; each tier outweighs everything below it.
PRODUCT_HIT = 4_000_000.0
PRODUCT_DEPTH = 20_000.0  # per pixel a panel reaches into a product
OWN_PRODUCT_DEPTH = 5_000.0  # per pixel a sheet reaches into its own shopper's product...
OWN_PRODUCT_REACH = 45  # ... up to this many pixels (a third of it); deeper, it covers it
PANEL_HIT = 1_000_000.0
PANEL_AREA = 4.0  # per square pixel of another shopper's panel covered
PANEL_HIDDEN = 8_000_000.0  # times the square of the share of a panel hidden
OUT_OF_REACH = 300_000.0
OUT_OF_REACH_PX = 2_000.0
SHRINK = 120_000.0  # a panel at half its full area
OTHER_SIZE = 20_000.0  # any size but the first (a wider one is not better)
DISTANCE = 40.0  # per pixel between panel and product
DEPTH = 12.0  # per pixel from the shopper's edge to the panel's centre
ZONE = 40.0  # per pixel the panel's centre lies inside another shopper's zone
MOVE = 25.0  # per pixel a placed panel moves
RESIZE = 15_000.0  # a placed panel changes size
OVER = 30.0  # per pixel between a view and the panel it replaces
LEFT_HAND = 400.0  # a slight preference for the shopper's right hand side
SIDES = ("right", "left", "above", "below", "corner", "over", "kept")
EDGES = ("top", "bottom", "left", "right")


@dataclass(frozen=True)
class Anchor:
    """The product a panel belongs to, and the edge its shopper stands at."""

    center: tuple[float, float]
    radius: float
    edge: str


@dataclass(frozen=True)
class Footprint:
    """A product on the table: the group of its shopper, its centre and radius (screen px)."""

    group: str
    center: tuple[float, float]
    radius: float


@dataclass(frozen=True)
class Placement:
    """Where a layer is drawn (screen pixels, shadow included) and at which size step."""

    box: Box
    step: int


@dataclass(frozen=True)
class Request:
    """One layer to place.

    ``sizes`` are its screen sizes per step (already turned to face its shopper), full first:
    any other costs a little, more in proportion to the area it loses.
    ``group`` is the product whose shopper it belongs to: layers of one group may cover each
    other (a sheet over its own panel), never a layer of another group.
    """

    key: str
    group: str
    sizes: tuple[tuple[int, int], ...]
    anchor: Anchor | None
    current: Placement | None = None
    pinned: bool = False
    """In use: stays exactly where and as it is."""
    first: bool = False
    """Just opened by its shopper: chosen first, the others make room."""
    over: Box | None = None
    """A view (sheet, comparison) takes the place of this panel, its own."""
    steps: tuple[int, ...] | None = None
    """Sizes it may take (None: any)."""


@dataclass(frozen=True)
class Surface:
    """The table: screen size, the shoppers' edges, and design-to-screen scale."""

    size: tuple[int, int]
    edges: tuple[str, ...]
    unit: float
    products: tuple[Footprint, ...] = ()
    """Every product on the table."""


@dataclass
class _Options:
    """Candidate boxes of one request (x0, y0, x1, y1), their steps and own costs."""

    group: str
    boxes: np.ndarray
    steps: np.ndarray
    own: np.ndarray
    sides: np.ndarray


def solve(surface: Surface, requests: list[Request]) -> dict[str, Placement]:
    """A placement for every request."""
    result: dict[str, Placement] = {}
    fixed: list[tuple[str, np.ndarray]] = []
    for request in requests:
        if request.pinned and request.current is not None:
            result[request.key] = request.current
            fixed.append((request.group, _corners(request.current.box)))
    rest = sorted((request for request in requests if request.key not in result),
                  key=lambda request: (not request.first, request.current is None))
    options = _options(surface, rest, fixed) if rest else []
    for request, option, index in zip(rest, options, _search(options, surface.unit),
                                      strict=True):
        result[request.key] = _placement(option, index)
    return result


def _search(options: list[_Options], unit: float) -> list[int]:
    """The candidate of each request: a beam search with every size allowed, then (when
    that leaves an overlap) one with the smallest size only, so that all may shrink together
    where one alone cannot make room; the cheaper is improved by moving one request, then two
    overlapping ones together, against all the others (at any size)."""
    if not options:
        return []
    pairs = _pairs(options, unit)
    largest = max(int(option.steps.max()) for option in options)
    crowded = len(options) > THOROUGH_UP_TO
    width = BEAM // 3 if crowded else BEAM
    beams = []
    for smallest in [0] if crowded else sorted({0, largest}):
        chosen = _beam(options, pairs, smallest, width)
        beams.append((_total(options, pairs, chosen), chosen))
        if not _overlapping(pairs, chosen):
            break
    beams.sort(key=lambda beam: beam[0])
    outcomes = []
    for _, chosen in beams[:1 if crowded else IMPROVED]:
        _improve(options, pairs, chosen)
        outcomes.append((_total(options, pairs, chosen), chosen))
    return min(outcomes, key=lambda outcome: outcome[0])[1]


def _overlapping(pairs: dict[tuple[int, int], np.ndarray | None], chosen: list[int]) -> bool:
    """Whether two layers of different shoppers overlap as chosen."""
    return any(matrix is not None and matrix[chosen[first], chosen[second]] > 0
               for (first, second), matrix in pairs.items() if first < second)


def _beam(options: list[_Options], pairs: dict[tuple[int, int], np.ndarray | None],
          smallest: int, width: int) -> list[int]:
    """Requests chosen in order (a layer just opened first, then those already placed),
    keeping the ``width`` cheapest partial layouts; sizes before step ``smallest`` are left
    out (unless a request has no other)."""
    states = np.full((1, len(options)), -1, dtype=int)
    totals = np.zeros(1)
    for item, option in enumerate(options):
        cost = np.tile(option.own, (len(states), 1))
        for other in range(item):
            matrix = pairs[(other, item)]
            if matrix is not None:
                cost += matrix[states[:, other]]
        cost[:, option.steps < min(smallest, int(option.steps.max()))] = np.inf
        cost += totals[:, None]
        flat = cost.ravel()
        keep = (np.argpartition(flat, width)[:width] if flat.size > width
                else np.arange(flat.size))
        keep = keep[np.isfinite(flat[keep])]
        parent, index = np.divmod(keep, cost.shape[1])
        states = states[parent]
        states[:, item] = index
        totals = flat[keep]
    return states[int(np.argmin(totals))].tolist()


def _improve(options: list[_Options], pairs: dict[tuple[int, int], np.ndarray | None],
             chosen: list[int]) -> None:
    """Move one request at a time to its cheapest candidate against all the others, then two
    that overlap together, until nothing improves. Each request's costs against the others'
    choices are kept up to date as they move, rather than summed again."""
    context = [option.own.copy() for option in options]
    for item, index in enumerate(chosen):
        for other in range(len(options)):
            if (matrix := pairs.get((item, other))) is not None:
                context[other] += matrix[index]

    def move(item: int, index: int) -> None:
        for other in range(len(options)):
            if (matrix := pairs.get((item, other))) is not None:
                context[other] += matrix[index] - matrix[chosen[item]]
        chosen[item] = index

    for _ in range(SWEEPS):
        changed = False
        for item, cost in enumerate(context):
            best = int(np.argmin(cost))
            if cost[best] < cost[chosen[item]] - 1e-6:
                move(item, best)
                changed = True
        for (first, second), matrix in pairs.items():
            if first > second or matrix is None or matrix[chosen[first], chosen[second]] == 0:
                continue
            alone = (context[first] - pairs[(second, first)][chosen[second]],  # type: ignore[index]
                     context[second] - matrix[chosen[first]])
            joint = alone[0][:, None] + matrix + alone[1][None, :]
            row, column = np.unravel_index(int(np.argmin(joint)), joint.shape)
            if joint[row, column] < joint[chosen[first], chosen[second]] - 1e-6:
                move(first, int(row))
                move(second, int(column))
                changed = True
        if not changed:
            return


def _total(options: list[_Options], pairs: dict[tuple[int, int], np.ndarray | None],
           chosen: list[int]) -> float:
    """The whole layout's cost: every request's own, and every pair's overlap once."""
    total = sum(float(option.own[index]) for option, index in zip(options, chosen, strict=True))
    for (first, second), matrix in pairs.items():
        if first < second and matrix is not None:
            total += float(matrix[chosen[first], chosen[second]])
    return total


def _pairs(options: list[_Options],
           unit: float) -> dict[tuple[int, int], np.ndarray | None]:
    """For every two requests of different shoppers, what each candidate of the first (rows)
    costs with each of the second (columns)."""
    pairs: dict[tuple[int, int], np.ndarray | None] = {}
    for i, first in enumerate(options):
        for j in range(i + 1, len(options)):
            second = options[j]
            matrix = None
            if first.group != second.group:
                matrix = _overlap_costs(first.boxes, second.boxes, unit)
            pairs[(i, j)], pairs[(j, i)] = matrix, None if matrix is None else matrix.T
    return pairs


def _overlap_costs(boxes: np.ndarray, others: np.ndarray, unit: float) -> np.ndarray:
    """What covering another shopper's layer costs, for every box (rows) and every other
    (columns): any overlap, more with its area, far more as it hides most of either."""
    area = _overlap_area(boxes, others)
    sizes = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    other_sizes = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    hidden = area / np.maximum(np.minimum(sizes[:, None], other_sizes[None, :]), 1)
    return (PANEL_HIT * (area > 0) + PANEL_AREA * area / (unit * unit)
            + PANEL_HIDDEN * hidden * hidden)


def _placement(option: _Options, index: int) -> Placement:
    x0, y0, x1, y1 = (int(value) for value in option.boxes[index])
    return Placement((x0, y0, x1 - x0, y1 - y0), int(option.steps[index]))


def _corners(box: Box) -> np.ndarray:
    x, y, width, height = box
    return np.array([x, y, x + width, y + height], dtype=float)


def _options(surface: Surface, batch: list[Request],
             fixed: list[tuple[str, np.ndarray]]) -> list[_Options]:
    """The cheapest few candidates of each side and size of each request of ``batch``, with
    the costs that do not depend on the layers still to be placed (covering those ``fixed``
    included), computed for the whole batch at once."""
    boxes, owner, steps, sides = _candidates(surface, batch)
    unit = surface.unit
    full = np.array([request.sizes[0][0] * request.sizes[0][1] for request in batch], float)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    own = SHRINK * 2 * np.maximum(1 - area / full[owner], 0) + OTHER_SIZE * (steps > 0)
    viewers = [request.group if request.over is not None else None for request in batch]
    own += _product_costs(boxes, surface.products, unit, owner, viewers)
    own += _anchor_costs(boxes, owner, batch, surface)
    groups = np.array([request.group for request in batch])
    if fixed:
        others = np.vstack([box for _, box in fixed])
        foreign = groups[owner][:, None] != np.array([group for group, _ in fixed])[None, :]
        own += (_overlap_costs(boxes, others, unit) * foreign).sum(axis=1)
    for index, request in enumerate(batch):
        mine = owner == index
        if request.over is not None:
            over = _corners(request.over)
            middles = (boxes[mine, :2] + boxes[mine, 2:]) / 2
            own[mine] += OVER * np.hypot(*(middles - (over[:2] + over[2:]) / 2).T) / unit
        if request.current is not None:
            current = _corners(request.current.box)
            own[mine] += MOVE * np.abs(boxes[mine, :2] - current[:2]).sum(axis=1) / unit
            own[mine] += RESIZE * (steps[mine] != request.current.step)
    keep = _kept(owner, sides, steps, own)
    return [_Options(request.group, boxes[chosen], steps[chosen], own[chosen], sides[chosen])
            for index, request in enumerate(batch)
            for chosen in [keep[owner[keep] == index]]]


def _kept(owner: np.ndarray, sides: np.ndarray, steps: np.ndarray,
          own: np.ndarray) -> np.ndarray:
    """The cheapest few candidates of each request, side and size (and the current place),
    so the search compares different places rather than near copies of one."""
    group = (owner * len(SIDES) + sides) * 16 + steps
    order = np.lexsort((own, group))
    ranked = group[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return np.sort(order[(rank < KEEP) | (sides[order] == SIDES.index("kept"))])


def _templates() -> np.ndarray:
    """Candidate places as coefficients: x = cx + a·radius + b·unit + c·width, and y likewise,
    with the side each belongs to (computed once)."""
    rows = []
    for spacing in SPACINGS:
        for slide in SLIDES:
            rows += [(1, spacing, 0, 0, 0, -slide, 0), (-1, -spacing, -1, 0, 0, -slide, 1),
                     (0, 0, -slide, -1, -spacing, -1, 2), (0, 0, -slide, 1, spacing, 0, 3)]
        for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            rows.append((0.71 * sx, spacing * sx, min(sx, 0), 0.71 * sy, spacing * sy, min(sy, 0),
                         4))
    return np.array(rows, dtype=float)


TEMPLATES = _templates()


def _candidates(surface: Surface, batch: list[Request]) -> tuple[np.ndarray, ...]:
    """Boxes (x0, y0, x1, y1) around each request's product, over the panel a view replaces,
    and at its current place, for every size it may take, clamped to the screen; with the
    request (by index), step and side of each."""
    unit = surface.unit
    sized = [(index, step, *request.sizes[step]) for index, request in enumerate(batch)
             for step in (request.steps if request.steps is not None
                          else range(len(request.sizes)))]
    table = np.array(sized, dtype=float)
    owner_of, step_of = table[:, 0].astype(int), table[:, 1].astype(int)
    width, height = table[:, 2], table[:, 3]
    rows: list[np.ndarray] = []
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    sides: list[np.ndarray] = []
    anchored = np.flatnonzero([batch[index].anchor is not None for index in owner_of])
    if len(anchored):
        anchors = [batch[owner_of[row]].anchor for row in anchored]
        x = np.array([anchor.center[0] for anchor in anchors])[:, None]  # type: ignore[union-attr]
        y = np.array([anchor.center[1] for anchor in anchors])[:, None]  # type: ignore[union-attr]
        radius = np.array([anchor.radius for anchor in anchors])[:, None]  # type: ignore[union-attr]
        a = TEMPLATES
        xs.append((x + a[:, 0] * radius + a[:, 1] * unit + a[:, 2] * width[anchored, None])
                  .ravel())
        ys.append((y + a[:, 3] * radius + a[:, 4] * unit + a[:, 5] * height[anchored, None])
                  .ravel())
        rows.append(np.repeat(anchored, len(a)))
        sides.append(np.tile(a[:, 6], len(anchored)))
    for row, (index, _, w, h) in enumerate(sized):
        request = batch[index]
        spots: list[tuple[float, float, str]] = []
        if request.over is not None:
            x0, y0, over_w, over_h = request.over
            spots += [(x0 + (over_w - w) / 2, y0 + (over_h - h) / 2, "over"),
                      (x0, y0, "over"), (x0 + over_w - w, y0, "over"),
                      (x0, y0 + over_h - h, "over"), (x0 + over_w - w, y0 + over_h - h, "over")]
        if request.current is not None:
            spots.append((*request.current.box[:2], "kept"))
        elif request.anchor is None and request.over is None:
            spots.append(((surface.size[0] - w) / 2, (surface.size[1] - h) / 2, "kept"))
        if spots:
            xs.append(np.array([spot[0] for spot in spots], dtype=float))
            ys.append(np.array([spot[1] for spot in spots], dtype=float))
            rows.append(np.full(len(spots), row))
            sides.append(np.array([SIDES.index(spot[2]) for spot in spots], dtype=float))
    row = np.concatenate(rows)
    left = np.round(np.clip(np.concatenate(xs), 0, np.maximum(surface.size[0] - width[row], 0)))
    top = np.round(np.clip(np.concatenate(ys), 0, np.maximum(surface.size[1] - height[row], 0)))
    boxes = np.stack([left, top, left + width[row], top + height[row]], axis=1)
    return boxes, owner_of[row], step_of[row], np.concatenate(sides).astype(int)


def _product_costs(boxes: np.ndarray, products: tuple[Footprint, ...], unit: float,
                   owner: np.ndarray, viewers: list[str | None]) -> np.ndarray:
    """Covering any product is the worst a layer can do; only a sheet or comparison may
    reach a little over its own shopper's product (its ``viewers`` entry), which that
    shopper moves."""
    if not products:
        return np.zeros(len(boxes))
    centers = np.array([product.center for product in products], dtype=float)
    radii = np.array([product.radius for product in products], dtype=float)
    own = np.array([[product.group == viewer for product in products]
                    for viewer in viewers])[owner]
    nearest_x = np.minimum(np.maximum(centers[None, :, 0], boxes[:, None, 0]), boxes[:, None, 2])
    nearest_y = np.minimum(np.maximum(centers[None, :, 1], boxes[:, None, 1]), boxes[:, None, 3])
    depth = np.maximum(radii[None, :] - np.hypot(nearest_x - centers[None, :, 0],
                                                 nearest_y - centers[None, :, 1]), 0) / unit
    allowed = own & (depth <= OWN_PRODUCT_REACH)
    cost = np.where(allowed, OWN_PRODUCT_DEPTH * depth,
                    np.where(depth > 0, PRODUCT_HIT + PRODUCT_DEPTH * depth, 0.0))
    return cost.sum(axis=1)


def _anchor_costs(boxes: np.ndarray, owner: np.ndarray, batch: list[Request],
                  surface: Surface) -> np.ndarray:
    """Reach, distance to the product, depth into the table and into other shoppers' zones,
    and the shopper's right hand, for every box of a request with a product."""
    anchored = np.array([request.anchor is not None for request in batch])[owner]
    anchors = [request.anchor or Anchor((0.0, 0.0), 0.0, surface.edges[0])
               for request in batch]
    unit = surface.unit
    x = np.array([anchor.center[0] for anchor in anchors])[owner]
    y = np.array([anchor.center[1] for anchor in anchors])[owner]
    radius = np.array([anchor.radius for anchor in anchors])[owner]
    edge = np.array([EDGES.index(anchor.edge) for anchor in anchors])[owner]
    dx = np.maximum(np.maximum(boxes[:, 0] - x, x - boxes[:, 2]), 0)
    dy = np.maximum(np.maximum(boxes[:, 1] - y, y - boxes[:, 3]), 0)
    distance = np.maximum(np.hypot(dx, dy) - radius, 0) / unit
    cost = DISTANCE * distance
    cost += np.where(distance > REACH, OUT_OF_REACH + OUT_OF_REACH_PX * (distance - REACH), 0)
    middle_x, middle_y = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    width, height = surface.size
    depths = np.stack([middle_y, height - middle_y, middle_x, width - middle_x], axis=1)
    own = depths[np.arange(len(boxes)), edge]
    cost += DEPTH * own / unit
    for listed in surface.edges:
        other = EDGES.index(listed)
        cost += np.where(edge != other, ZONE * np.maximum(own - depths[:, other], 0) / unit, 0)
    left_hand = np.choose(edge, [middle_x > x, middle_x < x, middle_y < y, middle_y > y])
    cost += LEFT_HAND * left_hand
    return np.where(anchored, cost, 0.0)


def _overlap_area(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Area shared by every box (rows) with every other box (columns)."""
    others = np.atleast_2d(others)
    width = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0],
                                                                           others[None, :, 0])
    height = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1],
                                                                            others[None, :, 1])
    return np.maximum(width, 0) * np.maximum(height, 0)

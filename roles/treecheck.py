"""Pure functions over the role tree's stored columns (plain tuples, no database): invariants, numbering,
visible ancestors."""

from collections import defaultdict
from typing import NamedTuple


class TreeRow(NamedTuple):
    id: int
    parent_id: int | None
    tree_id: int
    lft: int
    rght: int
    level: int


def tree_problems(rows):
    """Every way the stored nested-set columns disagree with the parent links.

    An empty list means the tree is sound: each tree's intervals nest exactly,
    number 1..2n without gaps, and each node's enclosing interval is its parent.
    """
    rows = [TreeRow(*r) for r in rows]
    by_id = {r.id: r for r in rows}
    problems = []
    trees = defaultdict(list)
    for r in rows:
        trees[r.tree_id].append(r)
        if r.lft >= r.rght:
            problems.append(f"node {r.id}: lft {r.lft} is not below rght {r.rght}")
        if r.parent_id is not None and r.parent_id not in by_id:
            problems.append(f"node {r.id}: parent {r.parent_id} does not exist")

    for tree_id, nodes in trees.items():
        roots = [n for n in nodes if n.parent_id is None]
        if len(roots) != 1:
            problems.append(f"tree {tree_id}: {len(roots)} roots instead of 1")
        numbers = sorted([n.lft for n in nodes] + [n.rght for n in nodes])
        if numbers != list(range(1, 2 * len(nodes) + 1)):
            problems.append(f"tree {tree_id}: lft/rght values are not exactly 1..{2 * len(nodes)}")

        stack = []
        for node in sorted(nodes, key=lambda n: n.lft):
            while stack and stack[-1].rght < node.lft:
                stack.pop()
            container = stack[-1] if stack else None
            if container is not None and node.rght > container.rght:
                problems.append(f"node {node.id}: interval overlaps node {container.id}")
            expected_parent = container.id if container else None
            if node.parent_id != expected_parent:
                problems.append(
                    f"node {node.id}: parent is {node.parent_id} but its interval lies in {expected_parent}"
                )
            expected_level = container.level + 1 if container else 0
            if node.level != expected_level:
                problems.append(f"node {node.id}: level {node.level}, expected {expected_level}")
            stack.append(node)
    return problems


def numbered(parents):
    """The nested-set columns of the forest `parents` ({id: superior id or None}): {id: (tree_id, lft,
    rght, level)}.

    Numbered as django-mptt's rebuild() numbers a table read in tree order: each role's subordinates
    and the trees in the dict's order, trees 1, 2, … . ValueError when a superior is not in
    `parents` or the superiors make a loop (its roles hang from no top).
    """
    children = defaultdict(list)
    for node, parent in parents.items():
        if parent is not None and parent not in parents:
            raise ValueError(f"node {node}: superior {parent} is not in the forest")
        children[parent].append(node)
    numbers, done = {}, object()
    for tree_id, root in enumerate(children[None], start=1):
        counter, lefts = 1, {root: 1}
        stack = [(root, iter(children[root]))]  # the path from the top, with the subordinates not visited yet
        while stack:
            node, rest = stack[-1]
            child = next(rest, done)
            counter += 1
            if child is done:
                stack.pop()
                numbers[node] = (tree_id, lefts[node], counter, len(stack))
            else:
                lefts[child] = counter
                stack.append((child, iter(children[child])))
    if len(numbers) != len(parents):
        raise ValueError(f"nodes on a loop: {sorted(set(parents) - set(numbers))}")
    return numbers


def nearest_visible_ancestors(rows):
    """Map each row's id to (its nearest ancestor row among `rows` or None, its depth among them).

    Rows start with (id, tree_id, lft, rght) and come in tree order (tree_id, lft); any
    further columns ride along. Roles missing from `rows` (a draft hidden from the reader)
    are skipped over, so their subordinates hang from the nearest visible superior.
    """
    result, stack = {}, []
    for row in rows:
        tree_id, lft = row[1], row[2]
        while stack and (stack[-1][1] != tree_id or stack[-1][3] < lft):
            stack.pop()
        result[row[0]] = (stack[-1] if stack else None, len(stack))
        stack.append(row)
    return result

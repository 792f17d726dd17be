"""Career paths (晋升通道): which roles a role leads to. Pure rules, no database."""

from collections import deque


def loop_back(role_id, targets, pairs):
    """The shortest path role → … → role that giving `role_id` the targets `targets` would close,
    as a list of ids starting and ending with `role_id`; None when there is no loop.

    `pairs` are the stored (from, to) links; the role's own stored links are replaced by `targets`.
    """
    graph = {}
    for start, end in pairs:
        if start != role_id:
            graph.setdefault(start, []).append(end)
    graph[role_id] = list(targets)
    came_from = {}
    queue = deque([role_id])
    while queue:
        current = queue.popleft()
        for following in graph.get(current, ()):
            if following == role_id:
                path = [current]
                while current != role_id:
                    current = came_from[current]
                    path.append(current)
                return [*reversed(path), role_id]
            if following not in came_from:
                came_from[following] = current
                queue.append(following)
    return None

"""`FastTree` lays out the same lines as Textual's `Tree` does, however the tree changed
(it reuses the last layout's lines and measured widths): a line out of place would show one
node where another is, or a guide where a branch ends."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from divio_tui.ui._textual import FastTree


class _Filtered(FastTree[int]):
    hidden: set[int] | None = None

    def visible_ids(self) -> set[int] | None:
        if self.hidden is None:
            return None
        return {node.id for node in self.all_nodes() if node.id not in self.hidden}


class _Pair(App[None]):
    def compose(self) -> ComposeResult:
        yield _Filtered("root", id="fast")
        yield Tree("root", id="plain")


def _layout(tree: Tree[int]) -> list[tuple[str, bool, int, int]]:
    lines = tree._tree_lines
    return [(str(line.node.label), line.last, len(line.path), line.node.line) for line in lines]


def _screen(tree: Tree[int]) -> list[str]:
    """The tree's lines as drawn (through the widget's caches, as the screen gets them)."""
    strips = tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))
    return [strip.text.rstrip() for strip in strips]


def _walk(node: TreeNode[int]) -> list[TreeNode[int]]:
    found = [node]
    for child in node.children:
        found.extend(_walk(child))
    return found


async def test_the_lines_match_a_plain_tree_through_random_changes() -> None:
    app = _Pair()
    async with app.run_test(size=(80, 20)) as pilot:
        fast = app.query_one("#fast", _Filtered)
        plain: Tree[int] = app.query_one("#plain", Tree)
        rng = random.Random(3)
        for tree in (fast, plain):
            tree.root.expand()
        for step in range(300):
            action = rng.choice(["add", "add", "add", "insert", "toggle", "relabel", "drop",
                                 "reorder", "many"])
            nodes = list(zip(_walk(fast.root), _walk(plain.root), strict=True))
            index = rng.randrange(len(nodes))
            seed = rng.random()
            for side, tree in enumerate((fast, plain)):
                node = nodes[index][side]
                pick = random.Random(seed)
                if action in ("add", "many"):
                    for _ in range(1 if action == "add" else 40):
                        node.add(f"n{step}-{pick.random():.3f}", expand=pick.random() < 0.5)
                elif action == "insert" and node.children:
                    node.add("x" * pick.randrange(1, 60), before=pick.randrange(len(node.children)))
                elif action == "toggle" and node is not tree.root:
                    node.toggle()
                elif action == "relabel":
                    node.set_label("wide " * pick.randrange(1, 20))
                elif action == "drop" and node.children:
                    victim = node.children[pick.randrange(len(node.children))]
                    if isinstance(tree, FastTree):
                        tree.drop_some(node, [victim])
                    else:
                        victim.remove()
                elif action == "reorder" and node.children:
                    children = list(node.children)
                    pick.shuffle(children)
                    if isinstance(tree, FastTree):
                        tree.reorder_children(node, children)
                    else:
                        node._children[:] = children
                        node._updates += 1
                        tree._invalidate()
            if step % 5 == 0:
                assert _layout(fast) == _layout(plain), step
                assert fast.virtual_size == plain.virtual_size, step
        await pilot.pause()
        assert _layout(fast) == _layout(plain)


async def test_hidden_lines_come_back_in_place_when_the_filter_goes() -> None:
    app = _Pair()
    async with app.run_test(size=(80, 20)):
        fast = app.query_one("#fast", _Filtered)
        fast.show_root = False
        fast.root.expand()
        groups = [fast.root.add(f"group {index}", expand=True) for index in range(3)]
        for group in groups:
            for index in range(5):
                group.add_leaf(f"{group.label} leaf {index}")
        before = [str(node.label) for node in fast.visible_lines()]
        fast.hidden = {groups[1].id, *(child.id for child in groups[1].children)}
        fast.relayout()
        shown = [str(node.label) for node in fast.visible_lines()]
        assert "group 1" not in shown and len(shown) == len(before) - 6
        assert groups[1].line == -1 and groups[2].line == 6
        fast.hidden = None
        fast.relayout()
        assert [str(node.label) for node in fast.visible_lines()] == before
        assert [node.line for node in fast.visible_lines()] == list(range(len(before)))


async def test_lines_added_removed_and_relabelled_in_place_match_a_plain_tree() -> None:
    """`add_nodes`, `remove_node` and `relabel` splice the current layout instead of laying
    the tree out again: the lines, the cursor's node and what is drawn stay those of a plain
    Tree that relays everything out."""
    app = _Pair()
    async with app.run_test(size=(80, 30)) as pilot:
        fast = app.query_one("#fast", _Filtered)
        plain: Tree[int] = app.query_one("#plain", Tree)
        rng = random.Random(5)
        for tree in (fast, plain):
            tree.root.expand()
            for index in range(3):
                tree.root.add(f"group {index}", expand=True).add_leaf("first")
        await pilot.pause()
        for step in range(400):
            action = rng.choice(["add", "add", "insert", "remove", "relabel", "toggle",
                                 "cursor", "scroll"])
            nodes = list(zip(_walk(fast.root), _walk(plain.root), strict=True))
            index = rng.randrange(len(nodes))
            seed = rng.random()
            if action in ("scroll", "cursor"):
                await pilot.pause()  # the plain tree's scrollbars follow its size at a layout
            for tree in (fast, plain):
                tree._tree_lines  # noqa: B018 — laid out, as drawing it would have
                node = nodes[index][tree is plain]
                pick = random.Random(seed)
                labels = [f"n{step}-{n}" + "-" * pick.randrange(40)
                          for n in range(pick.randrange(1, 8))]
                before = pick.randrange(len(node.children) + 1) if action == "insert" \
                    else None
                if action in ("add", "insert"):
                    if tree is fast:
                        fast.add_nodes(node, [(label, None, pick.random() < 0.3)
                                              for label in labels], before=before)
                    else:
                        for offset, label in enumerate(labels):
                            node.add(label, before=None if before is None else before + offset,
                                     allow_expand=pick.random() < 0.3)
                elif action == "remove" and node.children:
                    victim = node.children[pick.randrange(len(node.children))]
                    if victim.line != tree.cursor_line:
                        if tree is fast:
                            fast.remove_node(victim)
                        else:
                            victim.remove()
                elif action == "relabel" and node is not tree.root:
                    if tree is fast:
                        fast.relabel(node, labels[0])
                    else:
                        node.set_label(labels[0])
                elif action == "toggle" and node is not tree.root and pick.random() < 0.3:
                    node.toggle()
                elif action == "cursor" and tree.last_line >= 0:
                    tree.cursor_line = pick.randrange(tree.last_line + 1)
                elif action == "scroll":
                    tree.scroll_to(y=pick.randrange(max(1, tree.last_line)), animate=False)
            if step % 4 == 0:
                assert _layout(fast) == _layout(plain), step
                # (Textual's set_label leaves the width as it was until the next layout.)
                plain._invalidate()
                assert _layout(fast) == _layout(plain), step
                assert fast.virtual_size == plain.virtual_size, step
                fast_cursor, plain_cursor = fast.cursor_node, plain.cursor_node
                assert (fast_cursor and str(fast_cursor.label)) == \
                    (plain_cursor and str(plain_cursor.label)), step
                await pilot.pause()
                assert fast.scroll_offset == plain.scroll_offset, step
                assert _screen(fast) == _screen(plain), step

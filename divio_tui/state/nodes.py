"""What each tree node holds: a resource, a group of children, or a status line.

Node data is plain dataclasses so the detail pane, the palette and the app can read a node
without knowing the tree. A `Listing` is the loading state of one list of children (a group
node's, or a resource node's whose kind has a single child kind): how many the server says
there are, how many arrived, where to resume.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from divio_tui.api.cursor import ListCursor
from divio_tui.api.models import ApiModel, InvalidRecord
from divio_tui.api.resources import ChildLink

LOAD_BATCH = 500
"""Children streamed into one list before a `load more` line stops it (product decision)."""


@dataclass(eq=False)
class Listing:
    """The loading state of one list of children of one kind under one parent.

    Paging itself is the API layer's (`cursor`, a `ListCursor`): the listing only says how
    far the tree has got and what it shows.
    """

    kind: str
    """Kind name of the children (a key of `resources.KINDS`)."""
    link: ChildLink | None = None
    """How the children hang under `parent` (None for the root groups: everything)."""
    parent: ApiModel | None = None
    count: int | None = None
    """What the server says the (filtered) list holds; None until the first page lands."""
    scanned: int = 0
    """Items received from the server so far, matching or not."""
    shown: int = 0
    """Resource children in the tree so far."""
    cursor: ListCursor[Any] | None = None
    """Where the list stands on the server (None: not started, or read whole elsewhere)."""
    pending: list[ApiModel] | None = None
    """Items already read but not shown yet (from a whole-collection read)."""
    loading: bool = False
    loaded: bool = False
    """At least one load finished (the children on screen are real, not a placeholder)."""
    read_whole: bool = False
    """The items came from a list read in full elsewhere (the session's), not a cursor."""
    dropped: int = 0
    """Items the server sent that belong to another parent (it ignored our filter)."""
    error: BaseException | None = None
    """The last load's failure (an error line is in the tree), cleared by the next load."""
    generation: int = 0
    """Counts loads started; a worker only settles the state if no newer load began."""
    stale: bool = False
    """A reload failed before anything new arrived: what is shown is the previous load's."""

    @property
    def params(self) -> dict[str, str]:
        """The server-side filter (a hint: children are re-checked with `belongs`)."""
        if self.link is None or self.parent is None:
            return {}
        return self.link.query(self.parent)

    @property
    def member_uuids(self) -> list[str] | None:
        """When the parent names its children (a backup's SIBs): their uuids, else None."""
        if self.link is None or self.parent is None:
            return None
        return self.link.member_uuids(self.parent)

    def belongs(self, child: ApiModel) -> bool:
        """Client-side filter: is `child` really one of this list's items?"""
        if self.link is None or self.parent is None:
            return True
        return self.link.belongs(self.parent, child)

    def reset(self) -> None:
        """Forget everything loaded: a reload starts from page 1."""
        self.count = None
        self.scanned = self.shown = self.dropped = 0
        self.cursor = None
        self.pending = None
        self.read_whole = False
        self.error = None
        self.loading = self.loaded = self.stale = False

    @property
    def started(self) -> bool:
        return self.cursor is not None or self.read_whole

    @property
    def exhausted(self) -> bool:
        """Every item has been read and shown (nothing left for `load more`)."""
        if self.pending:
            return False
        if self.read_whole:
            return True
        return self.cursor is not None and self.cursor.exhausted

    @property
    def remaining(self) -> int:
        """Items not shown yet (for `load more (n left)`)."""
        if self.pending:
            return len(self.pending)
        if self.cursor is None:
            return 0
        return self.cursor.remaining


@dataclass(eq=False)
class ResourceData:
    """A resource the API returned, with the resources it was listed under."""

    kind: str
    model: ApiModel
    parent: ResourceData | None = None
    listing: Listing | None = None
    """Set when this node lists its single child kind directly (no group nodes)."""
    expanded_once: bool = False

    @property
    def raw(self) -> dict[str, Any]:
        """The wire-format JSON of the resource."""
        return self.model.raw

    @property
    def uuid(self) -> str | None:
        uuid = self.raw.get("uuid")
        return uuid if isinstance(uuid, str) else None

    @property
    def ancestors(self) -> list[ResourceData]:
        """Root first: organisation, application, environment…"""
        chain: list[ResourceData] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def ancestor(self, kind: str) -> ResourceData | None:
        """The nearest ancestor (or self) of `kind`."""
        node: ResourceData | None = self
        while node is not None:
            if node.kind == kind:
                return node
            node = node.parent
        return None

    @property
    def key(self) -> tuple[str, ...]:
        """Identity across reloads: kind and uuid (or the model's own key)."""
        return ("resource", self.kind, self.model.key)


@dataclass(eq=False)
class GroupData:
    """A group of children of one kind: `Backups (412)`, or a root such as `Organisations`."""

    title: str
    listing: Listing
    owner: ResourceData | None = None
    """The resource the group belongs to (None for the root groups)."""

    @property
    def kind(self) -> str:
        return self.listing.kind

    @property
    def key(self) -> tuple[str, ...]:
        owner = self.owner.model.key if self.owner is not None else ""
        return ("group", self.listing.kind, owner)


@dataclass(eq=False)
class StatusData:
    """A line that is not a resource: `loading…`, `no backups`, `load more`, or an error."""

    kind: str
    """"placeholder", "empty", "load-more", "error" or "invalid"."""
    message: str = ""
    error: BaseException | None = None
    invalid: InvalidRecord | None = None
    owner: Any = None
    """The ResourceData / GroupData whose children this line belongs to (retry target)."""
    stale: bool = False
    """An error line of a reload that failed, the previous load still shown: a retry
    reloads (rather than continuing the list where it stopped)."""

    @property
    def key(self) -> tuple[str, ...]:
        return ("status", self.kind, str(id(self.owner)))


NodeData = ResourceData | GroupData | StatusData
"""Anything a `ResourceTree` node may carry."""


@dataclass
class ExpandedState:
    """What a reload restores: which nodes were open and where the cursor was."""

    expanded: set[tuple[str, ...]] = field(default_factory=set)
    cursor: tuple[str, ...] | None = None

"""The one read path: these roles, as this reader sees them.

Every page, export and endpoint that shows roles asks here, so the rules below hold everywhere:

- `Audience`: what one reader may see (drafts, pay, the reference pay range, people's names),
  decided once per request or export from the user and the shop profile (the rules themselves
  are in roles.permissions).
- `RoleReader(audience).roles()`: the roles that reader may see at all; `organisation()`: those
  of them in the organisation (no archived roles), what charts and trees show.
- `RoleReader.load(roles)`: those roles ready to show, in a fixed number of queries:
  * content: a role whose working copy is not approved yet is shown to a reader who may not see
    drafts in its live (approved) version — what the job description says comes from that
    version; its place in the organisation (superior, department, grade, headcount, dotted
    lines) is today's, the same for every reader and every output (as of another day: the
    version in force then, in that day's place, see `_load_on`);
  * links: `superior` (the nearest superior the reader may see: a hidden draft in between is
    skipped over), `reporting_line` (every visible superior, top first), `subordinates` (the
    visible roles whose nearest visible superior this is), `dotted_superiors` and `depth`,
    each link as a `RoleLink` carrying the title this reader may read.
- `RoleReader.rows(roles, fields)`: the same rules for flat rows (chart data, the API tree).
- `RoleReader.search(roles, query)`: the search of the list page and the API.

The tree is read in `_tree_rows` and contents in `_live_versions` only. "As of a day"
(`RoleReader(audience, as_of=day)`, issue 12) is a parameter of the reader: `roles()` and `rows()`
then read that day's periods (`_roles_on`, `_rows_on`; roles/dated.py records them), and `load()`
shows the job descriptions in force that day (`_load_on`). "Inside a reorganisation plan" is meant
the same way.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from shopconfig.revision_cache import cached

from . import dated, permissions, timeline
from .models import Department, Grade, PayScheme, Role, RolePeriod, RoleVersion, live_version_shown_q, sendable
from .treecheck import nearest_visible_ancestors

# ----------------------------------------------------------------------------- who reads


@dataclass(frozen=True)
class Audience:
    """What one reader may see; built once per request or export and handed to every loader."""

    see_drafts: bool = False  # working copies, drafts, review status (managers, HR)
    see_pay: bool = False  # pay schemes, amounts, KPI weights
    see_people: bool = False  # names of the people in post
    # A document made for someone already allowed to read it (the handbook): the published
    # catalogue, whatever the shop's public switch says.
    printing: bool = False
    shop: object = field(default=None, compare=False, repr=False)  # read only if the pay range is asked

    @classmethod
    def of(cls, user, shop):
        internal = permissions.can_see_internal(user)
        return cls(see_drafts=internal, see_pay=permissions.can_see_pay(user), see_people=internal, shop=shop)

    @classmethod
    def of_request(cls, request):
        """The request's reader, worked out once per request."""
        audience = getattr(request, "_roleatlas_audience", None)
        if audience is None:
            audience = request._roleatlas_audience = cls.of(request.user, request.shop)
        return audience

    @classmethod
    def printed(cls, shop, *, with_pay=False):
        """Readers of a printed document of the published catalogue; `with_pay` adds the pay sections."""
        return cls(see_pay=with_pay, printing=True, shop=shop)

    @property
    def reads_catalogue(self):
        """Whether this reader may read the catalogue at all: staff and printed documents always,
        visitors and employees when the shop publishes it (what catalogue_is_public_q() filters)."""
        return self.see_drafts or self.printing or self.shop is None or bool(self.shop.public_catalogue)

    @property
    def see_pay_range(self):
        """The reference pay range and benefits: pay readers, or everyone when the shop publishes them."""
        return self.see_pay or bool(self.shop is not None and self.shop.show_public_pay_range)


# ----------------------------------------------------------------------------- which day


class BadParameter(ValidationError):
    """A query parameter that is not what it must be: 400 on pages and in the API, naming it."""


def requested_day(params, name="as_of"):
    """The day in ?as_of=YYYY-MM-DD (None when absent); BadParameter when it is empty, not a date or
    outside 1900–2100."""
    if name not in params:
        return None
    text = params.get(name)
    day = dated.parse_day(text)
    if day is None or not timeline.EARLIEST <= day <= timeline.LATEST:
        raise BadParameter(
            {name: [_("Enter a date as YYYY-MM-DD between 1900-01-01 and 2100-12-31, e.g. 2026-12-01.")]},
            code="invalid_date",
        )
    return day


# ----------------------------------------------------------------------------- what a link shows


@dataclass(frozen=True)
class RoleLink:
    """Another role as a job description names it (superior, subordinate, dotted line)."""

    pk: int
    slug: str
    title: str

    def __str__(self):
        return self.title


LINK_FIELDS = ("id", "tree_id", "lft", "rght", "slug", "title", "status", "live_version_id")

# ----------------------------------------------------------------------------- search

# What the search looks at, as lookups on the working copy; a version's snapshot is read along
# the same paths ("duties__text": every duty's text; "requirement__majors": that requirement).
SEARCH_FIELDS = (
    "title",
    "code",
    "summary",
    "duties__text",
    "skills__text",
    "requirement__experience_text",
    "requirement__education_text",
    "requirement__majors",
    "requirement__physical",
    "requirement__other",
)


def search_q(words):
    """Roles whose working copy contains every word in one of the SEARCH_FIELDS."""
    condition = Q()
    for word in words:
        any_field = Q()
        for lookup in SEARCH_FIELDS:
            any_field |= Q(**{f"{lookup}__icontains": word})
        condition &= any_field
    return condition


def snapshot_texts(snapshot):
    """The texts of a version's snapshot that SEARCH_FIELDS name."""
    texts = []
    for path in SEARCH_FIELDS:
        head, _sep, tail = path.partition("__")
        value = snapshot.get(head)
        if head == "requirement":
            value = (value or {}).get(tail)
        if isinstance(value, list):
            texts.extend(str(item) for item in value)
        elif value:
            texts.append(str(value))
    return texts


def snapshot_matches(snapshot, words):
    """Whether every word is in one of the snapshot's searched texts (case-insensitive, like icontains)."""
    texts = [text.casefold() for text in snapshot_texts(snapshot)]
    return all(any(word.casefold() in text for text in texts) for word in words)


# ----------------------------------------------------------------------------- the reader


class RoleReader:
    """Loads roles as one audience sees them; see the module docstring for the rules.

    `as_of` (a date) reads the organisation as in force at the end of that day from the dated
    changes' periods (roles/dated.py); None or today reads the present tree. A reader who may not
    see drafts sees no scheduled future: a later day reads as today. Before the first recorded
    change the earliest known day is read, and `before_history` says so.
    """

    def __init__(self, audience, as_of=None):
        self.audience = audience
        self.before_history = False
        self.asked = as_of  # the day asked for; as_of is the day read
        self.as_of = self._day_read(as_of)
        self._dotted_on = {}  # day -> dotted_pairs(), read along with rows() of that day

    @classmethod
    def of_request(cls, request):
        """The request's reader, on the day its ?as_of= asks for (BadParameter when that is no date)."""
        return cls(Audience.of_request(request), as_of=requested_day(request.GET))

    def _day_read(self, day):
        """The day this reader reads (None: the present tree), after the rules above."""
        if day is None:
            return None
        today = dated.today()
        if day >= today and (day == today or not self.audience.see_drafts):
            return None
        first = dated.first_day()
        if first is not None and day < first:
            self.before_history = True
            return first if first < today else None
        return day

    @property
    def swaps(self):
        """Whether roles being edited are shown in their live version (to readers who may not see drafts)."""
        return not self.audience.see_drafts

    # -- which roles

    def roles(self):
        """The roles this reader may see (a queryset to filter, order and paginate)."""
        if self.as_of is not None:
            return self._roles_on(self.as_of)
        if self.audience.see_drafts:
            return Role.objects.all()
        if self.audience.printing:
            return Role.objects.published()
        return Role.objects.published().filter(permissions.catalogue_is_public_q())

    def branch(self, roles, root):
        """`roles` narrowed to `root` and the roles under it on the day this reader reads."""
        if self.as_of is None:
            return roles.filter(tree_id=root.tree_id, lft__gte=root.lft, rght__lte=root.rght)
        parents = dict(_periods_on(self.as_of).values_list("role_id", "superior_id"))
        below = {root.pk}
        for role_id in parents:
            line, above = [], role_id
            while above is not None and above not in below and len(line) <= len(parents):
                line.append(above)
                above = parents.get(above)
            if above in below:
                below.update(line)
        return roles.filter(pk__in=below)

    def dotted_pairs(self):
        """(subordinate id, dotted-line superior id) of every matrix relation on the day read, in one query."""
        if self.as_of is None:
            return list(Role.dotted_line_superiors.through.objects.values_list("from_role_id", "to_role_id"))
        if self.as_of not in self._dotted_on:  # rows() of the day has read them already
            periods = _periods_on(self.as_of).exclude(dotted=[]).values_list("role_id", "dotted")
            self._dotted_on[self.as_of] = [(role_id, boss) for role_id, dotted in periods for boss in dotted]
        return self._dotted_on[self.as_of]

    def _roles_on(self, day):
        """Roles in the organisation on `day` this reader may see: for readers who may not see
        drafts, those with a job description approved and in force by then."""
        roles = Role.objects.filter(pk__in=_periods_on(day).values("role_id"))
        if self.audience.see_drafts:
            return roles
        roles = roles.filter(pk__in=_approved_by(day))
        if self.audience.printing:
            return roles
        return roles.filter(permissions.catalogue_is_public_q())

    def organisation(self):
        """The roles of the organisation on the day read that this reader may see: what a chart or a
        tree shows. roles() without archived roles (a past or future day's roles() has none; a role a
        reorganisation plan adds from a later day waits archived until then)."""
        roles = self.roles()
        return roles if self.as_of is not None else roles.exclude(status=Role.Status.ARCHIVED)

    def cards(self, roles=None):
        """`roles` (default roles()) with what a list row shows (department, grade, job family, pay grade)."""
        roles = self.roles() if roles is None else roles
        return roles.select_related("department", "department__parent", "grade", "job_family", "pay_grade")

    def job_descriptions(self):
        """roles() with everything a job description shows (page, PDF, Word, Excel, API detail)."""
        related = [
            "duties",
            "skills",
            "kpis",
            "shifts",
            # Only the fields a link needs; the reader's own visibility applies.
            _prefetch_links("dotted_line_superiors", self.roles()),
            _prefetch_links("leads_to", self.roles()),  # career paths (晋升通道), today's
        ]
        roles = self.cards().select_related("requirement").prefetch_related(*related)
        if self.audience.see_pay:
            roles = roles.select_related("pay_scheme").prefetch_related("pay_scheme__tiers")
        return roles

    def in_place(self, roles, department="", grade=""):
        """`roles` narrowed to a department (with its teams) and a grade, by code, as they stood on
        the day read (today: RoleQuerySet.in_department / of_grade)."""
        if self.as_of is None:
            return roles.in_department(department).of_grade(grade)
        if not (department or grade):
            return roles
        if not sendable(department + grade):
            return roles.none()
        places = _periods_on(self.as_of)
        if department:
            places = places.filter(Q(department__code=department) | Q(department__parent__code=department))
        if grade:
            places = places.filter(grade__code=grade)
        return roles.filter(pk__in=places.values("role_id"))

    def by_department(self, roles):
        """`roles` in the catalogue's order: by department, then in tree order (the department of the day read)."""
        if self.as_of is None:
            return roles.order_by("department__order", "department__name", "tree_id", "lft")
        place = _periods_on(self.as_of).filter(role=OuterRef("pk"))
        return roles.annotate(
            day_department_order=Subquery(place.values("department__order")[:1]),
            day_department_name=Subquery(place.values("department__name")[:1]),
        ).order_by("day_department_order", "day_department_name", "tree_id", "lft")

    def search(self, roles, query):
        """`roles` narrowed to those matching every word of `query` in the text this reader reads."""
        words = query.split()
        if not words:
            return roles
        if not sendable(query):
            return roles.none()
        matching = Role.objects.filter(search_q(words)).values("pk")
        if self.as_of is not None:
            # The version in force that day; for a role not approved by then (staff only), its working copy.
            in_force = RoleVersion.objects.latest_in_force(self.as_of).values_list("role_id", "snapshot")
            hits = {role_id for role_id, snapshot in in_force if snapshot_matches(snapshot, words)}
            unapproved = matching.exclude(pk__in=_approved_by(self.as_of))
            return roles.filter(Q(pk__in=hits) | Q(pk__in=unapproved))
        if not self.swaps:
            return roles.filter(pk__in=matching)
        # A role read in its live version is found by that version's words, not the working copy's.
        shown_live = Role.objects.filter(live_version_shown_q())
        live_hits = [
            role_id
            for role_id, snapshot in shown_live.values_list("pk", "live_version__snapshot")
            if snapshot_matches(snapshot, words)
        ]
        return roles.filter(Q(pk__in=matching.exclude(live_version_shown_q())) | Q(pk__in=live_hits))

    def get(self, roles=None, **lookup):
        """One job description, loaded; 404 when this reader may not see it."""
        roles = self.job_descriptions() if roles is None else roles
        found = self.load(roles.filter(**lookup)[:2])
        if len(found) != 1:
            raise Http404
        return found[0]

    # -- loading

    def load(self, roles, *, superior_only=False):
        """The roles (a queryset from roles()/cards()/job_descriptions(), or a page of it) ready to show.

        Sets on each: superior, depth (how many of these roles are above it: a handbook's
        nesting) and, unless `superior_only` (a list needs no more), reporting_line and
        subordinates; `dotted_superiors` and `career_paths` (the roles it leads to, 晋升通道) when
        they were prefetched (job_descriptions()).
        """
        roles = list(roles)
        if not roles:
            return roles
        if self.as_of is not None:
            return self._load_on(roles, subordinates=not superior_only)
        subordinates = not superior_only
        rows = self._tree_rows(roles, whole_line=subordinates)
        placed = nearest_visible_ancestors(sorted(rows.values(), key=lambda row: (row[1], row[2])))
        lines = {}  # role id -> ids of its visible superiors, top first
        for role in roles:
            line, above = [], placed[role.pk][0]
            while above is not None:
                line.append(above[0])
                above = placed[above[0]][0]
            lines[role.pk] = line[::-1]
        below = {}  # role id -> ids of the roles whose nearest visible superior it is
        if subordinates:
            for role_id, (above, _depth) in placed.items():
                if above is not None and above[0] in lines:
                    below.setdefault(above[0], []).append(role_id)
        dotted = {role.pk: _prefetched(role, "dotted_line_superiors") for role in roles}
        paths = {role.pk: _prefetched(role, "leads_to") for role in roles}
        named = {i for ids in (*lines.values(), *below.values()) for i in ids} | set(lines)
        others = [other for links in (*dotted.values(), *paths.values()) for other in links or ()]
        versions = self._live_versions([rows[i] for i in named], others)
        links = {i: self._link(rows[i], versions) for i in named}
        within = nearest_visible_ancestors(sorted((r.pk, r.tree_id, r.lft, r.rght) for r in roles))
        schemes = self._pay_schemes(roles, versions)
        shown = []
        for role in roles:
            if self.swaps and role.shows_live_version:
                version = versions[role.live_version_id]
                role = version.as_role(role, pay_scheme=schemes.get(version.snapshot["pay_scheme"]))
            line = [links[i] for i in lines[role.pk]]
            role.superior = line[-1] if line else None
            role.depth = within[role.pk][1]
            if subordinates:
                role.reporting_line = line
                role.subordinates = [links[i] for i in below.get(role.pk, [])]
            if dotted[role.pk] is not None:
                role.dotted_superiors = [self._link(_row(boss), versions) for boss in dotted[role.pk]]
            if paths[role.pk] is not None:
                role.career_paths = [self._link(_row(other), versions) for other in paths[role.pk]]
            shown.append(role)
        return shown

    def _load_on(self, roles, subordinates):
        """load() for a past or future day: what each job description said then (the version in
        force at the end of the day; staff see the working copy of a role not approved by then)
        in that day's place (superior, title, department, grade, headcount, dotted lines from the
        day's periods). Fixed queries: the day's periods, the visible roles, the versions in
        force, departments, grades (and pay schemes for pay readers)."""
        rows = _periods_on(self.as_of).values_list(*DAY_PLACE_COLUMNS, "role__tree_id", "role__lft")
        periods, order = {}, {}  # role id -> its DayPlace; -> today's position (siblings keep today's order)
        for row in rows:
            periods[row[0]], order[row[0]] = DayPlace(*row[:-2]), row[-2:]
        visible = set(self.roles().values_list("pk", flat=True))
        numbered = timeline.nested_rows({i: {"parent": place.superior} for i, place in periods.items()}, order)
        numbers = {row[0]: row for row in numbered}
        placed = nearest_visible_ancestors(sorted((row for row in numbered if row[0] in visible), key=_tree_order))
        levels = nearest_visible_ancestors(sorted(numbered, key=_tree_order))
        below = {}  # role id -> ids of the visible roles whose nearest visible superior it is
        for role_id, (above, _depth) in placed.items():
            if above is not None:
                below.setdefault(above[0], []).append(role_id)
        within = nearest_visible_ancestors(sorted((numbers[r.pk] for r in roles), key=_tree_order))
        versions = RoleVersion.objects.filter(role_id__in=[r.pk for r in roles]).latest_in_force(self.as_of)
        versions = {version.role_id: version for version in versions}
        schemes = self._schemes({version.snapshot["pay_scheme"] for version in versions.values()})
        departments = Department.objects.select_related("parent").in_bulk()
        grades = Grade.objects.in_bulk()

        def link(role_id):
            """Another role as that day names it."""
            return RoleLink(role_id, periods[role_id].slug, periods[role_id].title)

        shown = []
        for role in roles:
            place = periods[role.pk]
            paths = _prefetched(role, "leads_to")  # before the version stands in for the role
            version = versions.get(role.pk)
            if version is not None:
                role = version.as_role(role, pay_scheme=schemes.get(version.snapshot["pay_scheme"]))
            role.parent_id, role.title, role.headcount = place.superior, place.title, place.headcount
            role.department, role.grade = departments[place.department], grades[place.grade]
            role.tree_id, role.lft, role.rght = numbers[role.pk][1:]  # the day's nesting: sort by it for tree order
            role.level = levels[role.pk][1]
            line, above = [], placed[role.pk][0]
            while above is not None:
                line.append(link(above[0]))
                above = placed[above[0]][0]
            line.reverse()
            role.superior = line[-1] if line else None
            role.depth = within[role.pk][1]
            if subordinates:
                role.reporting_line = line
                role.subordinates = [link(i) for i in below.get(role.pk, [])]
            if _prefetched(role, "dotted_line_superiors") is not None:
                role.dotted_superiors = [link(i) for i in place.dotted if i in visible]
            if paths is not None:  # career paths are not dated: today's, named as that day names the roles
                role.career_paths = [link(other.pk) for other in paths if other.pk in periods]
            shown.append(role)
        return shown

    def rows(self, roles, fields=()):
        """Flat rows in tree order for charts and the API tree: (id, superior id, title, status, public, *fields).

        `roles` is a queryset from roles() (annotated as the caller needs); the superior is the
        nearest one among these rows; title and status are what this reader reads (a role shown in
        its live version is "published"); `public` says whether the public may read the role.
        Kept per catalogue revision, reader and day in each process (shopconfig.revision_cache: every
        write to a role or a dated change changes the revision), so a repeated read costs one small
        query; otherwise one query, and one more for live titles when this reader reads some.
        Querysets annotated from other tables (people in post) are read afresh each time.
        """
        if roles.query.is_empty():
            return []
        if roles.query.annotations:
            return self._read_rows(roles, fields)
        day = self.as_of or dated.today()  # today's answer may differ tomorrow without any write
        key = ("reader-rows", self.audience, day, tuple(fields), str(roles.query))
        rows, dotted = cached(key, lambda: (self._read_rows(roles, fields), self._dotted_on.get(self.as_of)))
        if dotted is not None:
            self._dotted_on[self.as_of] = dotted
        return list(rows)

    def _read_rows(self, roles, fields):
        """rows() read from the database."""
        if self.as_of is not None:
            return self._rows_on(roles, fields)
        rows = list(roles.order_by("tree_id", "lft").values_list(*LINK_FIELDS, *fields))
        live = [row[7] for row in rows if self.swaps and _shows_live_version(row)]
        titles = dict(RoleVersion.objects.filter(pk__in=live).values_list("pk", KT("snapshot__title"))) if live else {}
        placed = nearest_visible_ancestors(rows)
        out = []
        for row in rows:
            role_id, _tree, _lft, _rght, _slug, title, status, live_version_id = row[: len(LINK_FIELDS)]
            above = placed[role_id][0]
            public = status == Role.Status.PUBLISHED or _shows_live_version(row)
            if live_version_id in titles:
                title, status = titles[live_version_id], Role.Status.PUBLISHED
            out.append((role_id, above[0] if above else None, title, status, public, *row[len(LINK_FIELDS) :]))
        return out

    def _rows_on(self, roles, fields):
        """rows() for a past or future day: the places and titles of that day's periods, numbered
        as a nested set (timeline.nested_rows, siblings in today's order) so the present's readers
        apply unchanged. Three queries: that day's periods with today's order (and the dotted lines,
        which then answer dotted_pairs() for the day), the roles in `roles`, the approved ones.
        (One query with EXISTS columns instead costs as much on SQLite, and PostgreSQL's estimate
        of it is high enough to start its JIT compiler: +100 ms.)"""
        day = self.as_of
        columns = [PERIOD_COLUMNS.get(name, f"role__{name}") for name in fields]  # others: today's row
        periods = _periods_on(day).values_list(
            "role_id",
            "superior_id",
            "title",
            Cast("dotted", TextField()),  # decoded only where there are dotted lines
            "role__tree_id",
            "role__lft",
            *columns,
        )
        by_id = {row[0]: row for row in periods}
        self._dotted_on[day] = [
            (role_id, boss) for role_id, row in by_id.items() if row[3] != "[]" for boss in json.loads(row[3])
        ]
        visible = set(roles.order_by().values_list("pk", flat=True))
        public = set(_approved_by(day).values_list("role_id", flat=True))
        order = {role_id: row[4:6] for role_id, row in by_id.items()}
        states = {role_id: {"parent": row[1]} for role_id, row in by_id.items()}
        numbered = [row for row in timeline.nested_rows(states, order) if row[0] in visible]
        numbered.sort(key=lambda r: (r[1], r[2]))
        placed = nearest_visible_ancestors(numbered)
        out = []
        for role_id, *_numbers in numbered:
            row = by_id[role_id]
            above = placed[role_id][0]
            status = Role.Status.PUBLISHED if role_id in public else Role.Status.DRAFT
            out.append((role_id, above[0] if above else None, row[2], status, role_id in public, *row[6:]))
        return out

    # -- the two places that read the organisation and the contents

    def _tree_rows(self, roles, whole_line):
        """Link rows of the roles and their nearest visible superiors; with `whole_line`, also of
        every visible superior above and of the visible roles whose nearest visible superior they
        are. One query; two for a list in which some superior is hidden from this reader."""
        visible = self.roles()
        if not whole_line:  # a list: the direct superiors, unless one is hidden from this reader
            rows = {
                row[0]: row for row in visible.filter(pk__in={r.parent_id for r in roles}).values_list(*LINK_FIELDS)
            }
            if all(role.parent_id is None or role.parent_id in rows for role in roles):
                return rows | {role.pk: _row(role) for role in roles}
        if len(roles) > 1:  # many job descriptions (Excel, the handbook): their whole trees, one plain scan
            around = visible.filter(tree_id__in={role.tree_id for role in roles})
        else:
            [role] = roles
            # Above the role, every superior; below it, direct reports and roles under a superior
            # hidden from this reader. nearest_visible_ancestors() then finds whose nearest
            # superior is `role` (the topmost visible role on any path down is a candidate).
            hidden_parent = ~Exists(visible.filter(pk=OuterRef("parent_id")))
            subtree = Q(tree_id=role.tree_id, lft__gt=role.lft, rght__lt=role.rght)
            above = Q(tree_id=role.tree_id, lft__lt=role.lft, rght__gt=role.rght)
            around = visible.filter(above | subtree & (Q(parent_id=role.pk) | hidden_parent))
        rows = {row[0]: row for row in around.values_list(*LINK_FIELDS)}
        return rows | {role.pk: _row(role) for role in roles}

    def _live_versions(self, rows, others):
        """The live versions of the roles among `rows` and `others` (roles: dotted-line superiors, career
        paths) this reader reads that way, by id."""
        if not self.swaps:
            return {}
        ids = {row[7] for row in rows if _shows_live_version(row)}
        ids |= {other.live_version_id for other in others if other.shows_live_version}
        return RoleVersion.objects.in_bulk(ids) if ids else {}

    def _pay_schemes(self, roles, versions):
        """Today's pay schemes of the codes the shown versions name (for readers who see pay)."""
        if not self.audience.see_pay:
            return {}
        return self._schemes(
            {versions[r.live_version_id].snapshot["pay_scheme"] for r in roles if self.swaps and r.shows_live_version}
        )

    def _schemes(self, codes):
        """Today's pay schemes of these codes, by code, with their tiers (for readers who see pay)."""
        codes = set(codes) - {None} if self.audience.see_pay else set()
        return {s.code: s for s in PayScheme.objects.filter(code__in=codes).prefetch_related("tiers")} if codes else {}

    def _link(self, row, versions):
        title = row[5]
        if self.swaps and _shows_live_version(row):
            title = versions[row[7]].snapshot["title"]
        return RoleLink(row[0], row[4], title)


# The fields rows() may be asked for that a day's period answers, by period column (the slug is the role's).
PERIOD_COLUMNS = {
    "slug": "role__slug",
    "department_id": "department_id",
    "grade_id": "grade_id",
    "headcount": "headcount",
}


def _periods_on(day):
    """The periods in force at the end of `day` of roles not archived then (one per role)."""
    return RolePeriod.objects.filter(valid_from__lte=day, archived=False).exclude(valid_to__lte=day)


def _approved_by(day):
    """Ids of roles with a job description approved and in force by `day` (a subquery)."""
    return RoleVersion.objects.in_force(day).values("role_id")


DAY_PLACE_COLUMNS = (
    "role_id",
    "superior_id",
    "role__slug",
    "title",
    "department_id",
    "grade_id",
    "headcount",
    "dotted",
)


@dataclass(frozen=True)
class DayPlace:
    """A role's place in the organisation on one day, as its period records it."""

    role_id: int
    superior: int | None
    slug: str
    title: str
    department: int
    grade: int
    headcount: int
    dotted: list


def _tree_order(row):
    """The sort key of (id, tree_id, lft, rght, …) rows in tree order, as nearest_visible_ancestors wants them."""
    return (row[1], row[2])


def _row(role):
    return tuple(getattr(role, "pk" if name == "id" else name) for name in LINK_FIELDS)


def _shows_live_version(row):
    """Role.shows_live_version for a link row."""
    return Role.live_version_shown(row[6], row[7])


def _prefetch_links(relation, visible):
    return Prefetch(relation, queryset=visible.only(*LINK_FIELDS).order_by("tree_id", "lft"))


def _prefetched(role, relation):
    return getattr(role, "_prefetched_objects_cache", {}).get(relation)

"""Deterministic synthetic incidents for the benchmarks, and the two projects built from them.

`generate_incidents(n, seed)` makes N incidents of realistic shape from the shipped catalog
(1-3 causes with roles, 0-3 lessons, 3-12 timeline entries, 0-8 public updates, 0-5
follow-up actions, tags, services, regions, ten years of dates, prose of varied length
from word lists). The same seed always gives the same files, byte for byte.

Two projects are written from the same incidents:

- `write_outagekb_project`: incidents/*.yaml, incidents/catalog.yaml, docs/index.md and an
  mkdocs.yml with Material, search and the outagekb plugin (the showcase's set-up);
- `write_plain_project` (in `handwritten.py`): the same incidents, causes, lessons and
  index pages as natural Markdown a person would write, for plain MkDocs + Material.

Usage: python benchmarks/generate.py --incidents 1000 --out benchmarks/out/n1000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED_CATALOG = os.path.join(HERE, os.pardir, "plugins", "outagekb", "defaults", "catalog.yaml")
DEFAULT_SEED = 20241211

# --- the catalog --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    id: str
    title: str
    summary: str
    description: str
    parent: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    description: str
    aliases: tuple[str, ...]
    practices: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    path: str
    causes: dict[str, Cause]
    lessons: dict[str, Lesson]

    def ancestors(self, cause_id: str) -> list[str]:
        """The cause's parents, nearest first."""
        result: list[str] = []
        parent = self.causes[cause_id].parent
        while parent and parent not in result:
            result.append(parent)
            parent = self.causes[parent].parent
        return result

    def children(self, cause_id: str) -> list[str]:
        return [c.id for c in self.causes.values() if c.parent == cause_id]


def load_catalog(path: str = SHIPPED_CATALOG) -> Catalog:
    with open(path, encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=yaml.CSafeLoader)
    causes = {
        entry["id"]: Cause(
            id=entry["id"],
            title=entry["title"],
            summary=entry.get("summary", "").strip(),
            description=entry.get("description", "").strip(),
            parent=entry.get("parent"),
            aliases=tuple(entry.get("aliases") or ()),
        )
        for entry in data["causes"]
    }
    lessons = {
        entry["id"]: Lesson(
            id=entry["id"],
            title=entry["title"],
            summary=entry.get("summary", "").strip(),
            description=entry.get("description", "").strip(),
            aliases=tuple(entry.get("aliases") or ()),
            practices=tuple(str(p).strip() for p in entry.get("practices") or ()),
        )
        for entry in data["lessons"]
    }
    return Catalog(os.path.abspath(path), causes, lessons)


# --- the incidents -----------------------------------------------------------------------


@dataclass
class CauseRef:
    cause: str
    roles: list[str]
    detail: str
    role_written: bool = True  # False: the file leaves `role` to its default (contributing)


@dataclass
class LessonRef:
    lesson: str
    detail: str


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    event: str
    approximate: bool = False


@dataclass
class Update:
    at: datetime
    status: str
    channel: str
    text: str


@dataclass
class Action:
    action: str
    lesson: str | None
    status: str
    owner: str | None
    due: date | None


@dataclass
class Reference:
    title: str
    url: str
    kind: str | None
    archived: str | None


@dataclass
class Incident:
    id: str
    title: str
    organization: str
    services: list[str]
    severity: str
    started: datetime
    detected: datetime | None
    mitigated: datetime | None
    resolved: datetime | None
    regions: list[str]
    upstream: list[str]
    approximate: list[str]
    summary: str
    impact: str
    causes: list[CauseRef]
    lessons: list[LessonRef]
    timeline: list[TimelineEntry]
    updates: list[Update]
    actions: list[Action]
    references: list[Reference]
    tags: list[str]
    related: list[str]
    analysis: str
    retrospective: dict[str, list[str]] = field(default_factory=dict)


# --- word lists -------------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """A word list written as one string."""
    return tuple(text.split())


ORG_FIRST = words(
    "Acme Alder Amber Apex Arbor Aster Atlas Aurora Basalt Beacon Birch Bluejay Boreal Brightline Cedar Cinder "
    "Cobalt Comet Copper Coral Crescent Cypress Delta Driftwood Ember Evergreen Falcon Fathom Fjord Flint Foxglove "
    "Garnet Glacier Granite Harbor Hazel Helix Heron Horizon Indigo Iris Juniper Kestrel Lantern Larch Linden Lumen "
    "Maple Meridian Mistral Nimbus Northwind Oakridge Onyx Orbit Osprey Paloma Pebble Pinecone Polar Quartz Quill "
    "Raven Redwood Ridge Saffron Sable Sequoia Sierra Slate Solstice Sparrow Spruce Summit Tamarack Tern Thistle "
    "Tidal Topaz Tundra Umber Vesper Willow Wren Zephyr"
)
ORG_SECOND = words(
    "Cloud Pay Mail Works Labs Systems Health Bank Games Stream Chat Maps Ride Shop Air Energy Logistics Media Insurance Tickets"
)
PRODUCTS = (
    "API",
    "Checkout",
    "Dashboard",
    "Login",
    "Mobile app",
    "Web app",
    "Search",
    "Payments",
    "Storage",
    "Messaging",
    "Notifications",
    "Billing",
    "Analytics",
    "Sync",
    "Uploads",
    "Streaming",
    "Video calls",
    "Webhooks",
    "Reports",
    "Admin console",
    "Marketplace",
    "Identity",
    "CDN",
    "Managed database",
    "Job queue",
    "Scheduler",
    "Email delivery",
    "Feeds",
    "Maps",
    "Bookings",
)
OFFSETS = ("-08:00", "-07:00", "-06:00", "-05:00", "-03:00", "Z", "+01:00", "+02:00", "+05:30", "+08:00", "+09:00", "+10:00")
REGIONS = (
    "global",
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "sa-east-1",
    "North America",
    "Europe",
    "Asia Pacific",
    "UK",
    "Japan",
    "India",
)
UPSTREAMS = ("AWS", "Google Cloud", "Azure", "Cloudflare", "Fastly", "Akamai", "Stripe", "Twilio", "GitHub", "Okta", "Datadog")
TAGS = words(
    "kubernetes dns bgp tls certificates database postgres mysql redis kafka cache cdn load-balancer autoscaling "
    "rollout config feature-flags migration failover replication storage s3 networking firewall ddos rate-limiting "
    "retries timeouts memory-leak cpu disk-full quota authentication oauth payments mobile api search queue cron "
    "leap-second time-zones monitoring alerting status-page on-call runbook backup restore data-center power "
    "cooling hardware vendor third-party service-mesh ipv6 routing terraform ci deploy canary rollback"
)
TEAMS = (
    "SRE",
    "Platform team",
    "Database team",
    "Networking",
    "Payments team",
    "Mobile team",
    "Security",
    "Storage team",
    "Observability",
    "Edge team",
    "Release engineering",
    "Support",
)
PEOPLE = ("A. Okafor", "M. Lindqvist", "J. Tanaka", "R. Mehta", "S. Novak", "L. Moreau", "K. Osei", "D. Alvarez", "P. Kowalski")

COMPONENTS = (
    "the primary database",
    "the session cache",
    "the API gateway",
    "the load balancer fleet",
    "the message queue",
    "the authentication service",
    "the billing pipeline",
    "the search cluster",
    "the object store",
    "the internal DNS resolvers",
    "the edge proxies",
    "the job scheduler",
    "the metrics pipeline",
    "the container registry",
    "the payment processor integration",
    "the notification workers",
    "the configuration service",
    "the feature-flag service",
    "the replication stream",
    "the storage controllers",
    "the CDN configuration",
    "the Kubernetes control plane",
    "the service mesh",
    "the certificate manager",
    "the rate limiter",
    "the ingest workers",
    "the read replicas",
    "the write-ahead log volume",
    "the deploy pipeline",
    "the connection pooler",
)
FAILURES = (
    "ran out of connections",
    "stopped accepting writes",
    "began returning 503 errors",
    "fell into a crash loop",
    "exhausted its memory",
    "lost quorum",
    "saturated its disk throughput",
    "stalled on a lock",
    "dropped a large share of requests",
    "served stale data",
    "timed out on most requests",
    "rejected valid credentials",
    "filled its queue",
    "stopped replicating",
    "leaked file descriptors until it failed",
    "routed traffic to a drained zone",
)
TRIGGERS = (
    "a routine deploy",
    "a configuration change",
    "a scheduled maintenance window",
    "an unexpected traffic spike",
    "an expired certificate",
    "a failed failover",
    "a schema migration",
    "a kernel upgrade",
    "a bad routing announcement",
    "a power event in one data center",
    "a retry storm from mobile clients",
    "an automated cleanup job",
    "a dependency upgrade",
    "a quota change at a provider",
    "a cache flush",
    "a marketing launch",
)
EFFECTS = (
    "users could not log in",
    "checkouts failed",
    "pages loaded slowly or not at all",
    "API clients saw elevated error rates",
    "uploads were rejected",
    "messages were delayed by up to an hour",
    "dashboards showed no data",
    "webhooks were not delivered",
    "search returned empty results",
    "mobile apps could not sync",
    "scheduled jobs did not run",
    "new sign-ups failed",
)
RESPONSES = (
    "Engineers rolled back the change",
    "The on-call team failed over to the secondary region",
    "Operators added capacity and drained the backlog",
    "The team turned off the new feature flag",
    "Engineers restarted the affected nodes in small batches",
    "The database team promoted a replica",
    "Traffic was shifted away from the affected zone",
    "The team rotated the expired credentials",
    "Operators paused the batch jobs",
    "Engineers blocked the hostile traffic at the edge",
    "The team restored the previous configuration from version control",
    "Engineers raised the connection limit and recycled the pool",
)
METRICS = (
    "db_connections_active",
    "http_5xx_rate",
    "queue_depth",
    "p99_latency_ms",
    "replication_lag_seconds",
    "cpu_throttled_seconds",
    "open_file_descriptors",
    "cache_hit_ratio",
    "error_budget_burn",
    "disk_io_wait",
)
SETTINGS = (
    "max_connections",
    "pool_size",
    "retry_limit",
    "ttl_seconds",
    "worker_threads",
    "timeout_ms",
    "replicas",
    "batch_size",
    "rate_limit_rps",
    "heap_max",
)
ACTION_TEMPLATES = (
    "Add an alert on `{metric}` for {component}.",
    "Load-test {component} at twice the expected peak before each major launch.",
    "Roll out changes to {component} region by region, with an automatic halt on errors.",
    "Document the failover procedure for {component} in the runbook.",
    "Cap client retries and add jitter to the backoff.",
    "Make `{setting}` changes go through review and a canary.",
    "Remove the dependency of {component} on {component2}.",
    "Automate certificate renewal and alert thirty days before expiry.",
    "Post the first status page update within 15 minutes of detection.",
    "Rehearse restoring {component} from backup every quarter.",
    "Keep spare capacity of at least 30% in {component}.",
    "Give the on-call engineer a break-glass path into {component}.",
)
EVENT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "deploy": (
        "A change to {component} starts rolling out.",
        "The new release of {component} reaches the first production cluster.",
        "A configuration push changes `{setting}` across the fleet.",
    ),
    "detect": (
        "Alerts on `{metric}` fire and page the on-call engineer.",
        "Customer reports of failures reach support.",
        "Synthetic checks for {component} start failing.",
    ),
    "escalate": (
        "The incident is declared and an incident commander takes over.",
        "The {team} is paged in to help.",
        "Severity is raised after error rates keep climbing.",
    ),
    "communicate": (
        "The first status page update is posted.",
        "Support posts a notice to affected customers.",
        "An update goes out on social media.",
    ),
    "mitigate": (
        "{response}.",
        "Traffic to {component} is throttled to let it recover.",
        "Error rates begin to fall.",
    ),
    "rollback": ("The change to {component} is rolled back.", "The previous release is redeployed."),
    "resolve": ("All services are back to normal.", "Backlogs are drained and the incident is closed."),
    "other": (
        "{component_cap} {failure}.",
        "Engineers find that {component} depends on {component2}.",
        "A first fix attempt fails and makes the backlog worse.",
    ),
}
UPDATE_TEXTS: dict[str, tuple[str, ...]] = {
    "investigating": (
        "We are investigating elevated error rates affecting {service}.",
        "Some users are unable to use {service}. We are looking into it.",
        "We are aware of problems with {service} and are investigating.",
    ),
    "identified": (
        "The issue has been identified and a fix is being implemented.",
        "We have found the cause, a problem with {component}, and are working on a fix.",
    ),
    "monitoring": (
        "A fix has been applied and we are monitoring the results.",
        "{service} is recovering. We continue to monitor.",
    ),
    "resolved": ("This incident has been resolved.", "{service} is operating normally again. We apologize for the disruption."),
    "postmortem": ("We have published a post-mortem of this incident.", "Our post-incident review is now available."),
}
CHANNELS = ("status page", "status page", "status page", "Twitter", "email", "in-app banner", "community forum")
RETRO_ITEMS: dict[str, tuple[str, ...]] = {
    "went_well": (
        "Alerts fired within minutes.",
        "The rollback procedure worked as documented.",
        "The status page was updated early and often.",
        "The incident commander kept the channel focused.",
        "Failover to the secondary region took less than ten minutes.",
    ),
    "went_wrong": (
        "The runbook for {component} was out of date.",
        "It took too long to find who owned {component}.",
        "Dashboards depended on the system that was down.",
        "The first status update came late.",
        "Retries from clients made the overload worse.",
    ),
    "lucky": (
        "The outage happened outside peak hours.",
        "An engineer who knew {component} well happened to be online.",
        "No data was lost.",
    ),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Organization:
    name: str
    slug: str
    offset: str
    services: tuple[str, ...]


def make_organizations(count: int = 300, seed: int = 7) -> list[Organization]:
    """A few hundred made-up organizations, each with its own time zone and products."""
    rng = random.Random(seed)
    names = [f"{a} {b}" for a in ORG_FIRST for b in ORG_SECOND]
    rng.shuffle(names)
    result = []
    for name in names[:count]:
        brand = name.split()[0]
        services = rng.sample(PRODUCTS, rng.randint(2, 6))
        result.append(
            Organization(
                name=name,
                slug=_slug(name),
                offset=rng.choice(OFFSETS),
                services=tuple(f"{brand} {s}" if rng.random() < 0.4 else s for s in services),
            )
        )
    return result


# --- prose --------------------------------------------------------------------------------


PROSE_LENGTHS = {"short": 0.5, "default": 1.0, "long": 2.0}
"""`--prose`: how many sentences each paragraph has, against the default (which is unchanged,
so that the default corpus stays the same, byte for byte)."""


class Prose:
    """Plausible made-up sentences from the word lists, with some Markdown now and then;
    `scale` lengthens or shortens every paragraph (at least one sentence)."""

    def __init__(self, rng: random.Random, org: Organization, scale: float = 1.0) -> None:
        self.rng = rng
        self.org = org
        self.scale = scale

    def fill(self, template: str, **extra: str) -> str:
        rng = self.rng
        component = rng.choice(COMPONENTS)
        values = {
            "component": component,
            "component_cap": component[0].upper() + component[1:],
            "component2": rng.choice([c for c in COMPONENTS if c != component]),
            "failure": rng.choice(FAILURES),
            "trigger": rng.choice(TRIGGERS),
            "effect": rng.choice(EFFECTS),
            "response": rng.choice(RESPONSES),
            "metric": rng.choice(METRICS),
            "setting": rng.choice(SETTINGS),
            "team": rng.choice(TEAMS).lower() if rng.random() < 0.5 else "database team",
            "service": rng.choice(self.org.services),
            "minutes": str(rng.choice((3, 5, 8, 12, 15, 20, 25, 40, 45, 90))),
            "pct": str(rng.choice((5, 10, 15, 20, 30, 40, 60, 80, 95))),
            "region": rng.choice(REGIONS[1:]),
        }
        values.update(extra)
        return template.format(**values)

    def sentence(self) -> str:
        rng = self.rng
        templates = (
            "{component_cap} {failure} after {trigger}.",
            "As a result, {effect} for about {minutes} minutes.",
            "{response}, and error rates returned to normal.",
            "Alerts on {metric_md} fired within {minutes} minutes, but the cause was not obvious at first.",
            "The problem grew worse because {component} depended on {component2}.",
            "{response} once the team understood that {component} was the bottleneck.",
            "Monitoring showed {metric_md} rising steadily for {minutes} minutes before the first user reports.",
            "The change had passed staging, where {component} runs at a fraction of production load.",
            "Customers in {region} were affected first, then the failure spread to other regions.",
            "At the peak, roughly {pct}% of requests to {service} failed.",
            "A setting, {setting_md}, had been lowered weeks earlier without anyone noticing.",
            "Clients retried aggressively, which kept {component} overloaded even after the trigger was gone.",
            "Recovery was slow because restarting {component} required {component2}, which was also degraded.",
            "{effect_cap}, and support received a surge of tickets.",
        )
        metric = rng.choice(METRICS)
        setting = rng.choice(SETTINGS)
        effect = rng.choice(EFFECTS)
        text = self.fill(
            rng.choice(templates),
            metric_md=f"`{metric}`" if rng.random() < 0.6 else metric.replace("_", " "),
            setting_md=f"`{setting}`",
            effect_cap=effect[0].upper() + effect[1:],
        )
        if rng.random() < 0.05:
            text = text.replace("failed", "**failed**", 1)
        return text

    def link_sentence(self) -> str:
        rng = self.rng
        number = rng.randint(1000, 99999)
        choices = (
            f"See the [status page history](https://status.{self.org.slug}.example/incidents/{number}) for the original updates.",
            f"The [runbook](https://wiki.{self.org.slug}.example/runbooks/{rng.choice(COMPONENTS).split()[-1]}) was followed.",
            f"More detail is in the [internal review](https://docs.{self.org.slug}.example/reviews/{number}).",
        )
        return rng.choice(choices)

    def paragraph(self, low: int, high: int, links: float = 0.1) -> str:
        sentences: list[str] = []
        count = self.rng.randint(low, high)
        if self.scale != 1.0:
            count = max(1, round(count * self.scale))
        for _ in range(count):
            sentence = self.sentence()
            if sentence not in sentences:  # the same sentence twice reads like a bug, not like a person
                sentences.append(sentence)
        if self.rng.random() < links:
            sentences.insert(self.rng.randint(1, len(sentences)), self.link_sentence())
        return " ".join(sentences)

    def paragraphs(self, count: int, low: int, high: int) -> str:
        return "\n\n".join(self.paragraph(low, high) for _ in range(count))

    def bullet_list(self, count: int) -> str:
        items = []
        for _ in range(count):
            service = self.rng.choice(self.org.services)
            items.append(f"- **{service}**: {self.fill(self.rng.choice(EFFECTS))} for {self.rng.randint(5, 240)} minutes.")
        return "\n".join(items)


# --- the generator ------------------------------------------------------------------------------

EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 10 * 365 * 24 * 60  # ten years


def _tz(offset: str) -> timezone:
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _weighted_causes(catalog: Catalog) -> tuple[list[str], list[float]]:
    ids = list(catalog.causes)
    # child causes are common in practice (dns under network, config-change under deployment)
    weights = [1.3 if catalog.causes[c].parent else 1.0 for c in ids]
    for common in ("deployment", "config-change", "capacity", "software-bug", "network", "dns"):
        if common in catalog.causes:
            weights[ids.index(common)] *= 1.8
    return ids, weights


def _pick_distinct(rng: random.Random, ids: Sequence[str], weights: Sequence[float], count: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < min(count, len(ids)):
        pick = rng.choices(ids, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _duration_minutes(rng: random.Random) -> int:
    # heavy-tailed: median about 100 minutes, from a few minutes to several days
    return max(4, min(int(math.exp(rng.gauss(math.log(100), 1.1))), 5 * 24 * 60))


def generate_incidents(
    count: int, seed: int = DEFAULT_SEED, catalog: Catalog | None = None, prose: str = "default"
) -> list[Incident]:
    catalog = catalog or load_catalog()
    rng = random.Random(seed)
    orgs = make_organizations()
    cause_ids, cause_weights = _weighted_causes(catalog)
    lesson_ids = list(catalog.lessons)
    incidents: list[Incident] = []
    taken: set[str] = set()
    for _ in range(count):
        org = rng.choice(orgs)
        incidents.append(
            _incident(rng, org, catalog, cause_ids, cause_weights, lesson_ids, incidents, taken, PROSE_LENGTHS[prose])
        )
    return incidents


def _incident(
    rng: random.Random,
    org: Organization,
    catalog: Catalog,
    cause_ids: list[str],
    cause_weights: list[float],
    lesson_ids: list[str],
    earlier: list[Incident],
    taken: set[str],
    prose_scale: float = 1.0,
) -> Incident:
    prose = Prose(rng, org, prose_scale)
    tz = _tz(org.offset)
    started = (EPOCH + timedelta(minutes=rng.randrange(SPAN_MINUTES))).astimezone(tz)
    duration = _duration_minutes(rng)
    ongoing = rng.random() < 0.03
    resolved = None if ongoing else started + timedelta(minutes=duration)
    end = started + timedelta(minutes=duration)
    detected = started + timedelta(minutes=rng.randint(-10, min(60, duration))) if rng.random() < 0.85 else None
    mitigated = started + timedelta(minutes=int(duration * rng.uniform(0.35, 0.95))) if rng.random() < 0.7 else None
    approximate: list[str] = []
    if rng.random() < 0.08:
        approximate = [f for f in ("started", "resolved") if rng.random() < 0.7 and (f == "started" or resolved)] or ["started"]

    services = rng.sample(org.services, min(len(org.services), rng.choice((1, 1, 1, 2, 2, 3))))
    severity = rng.choices(("critical", "major", "minor"), (0.25, 0.5, 0.25))[0]

    # causes: 1-3, at most one trigger
    chosen = _pick_distinct(rng, cause_ids, cause_weights, rng.choices((1, 2, 3), (0.35, 0.45, 0.2))[0])
    causes: list[CauseRef] = []
    for position, cause_id in enumerate(chosen):
        if position == 0:
            roles = rng.choices((["trigger"], ["trigger", "root"], ["root"], ["contributing"]), (0.45, 0.25, 0.2, 0.1))[0]
        elif position == 1 and "root" not in causes[0].roles:
            roles = ["root"]
        else:
            roles = ["contributing"]
        written = roles != ["contributing"] or rng.random() < 0.5
        causes.append(CauseRef(cause_id, roles, prose.paragraph(1, 4, links=0.05), role_written=written))

    lessons = [LessonRef(lesson_id, prose.paragraph(1, 3, links=0)) for lesson_id in rng.sample(lesson_ids, rng.randint(0, 3))]

    # timeline: 3-12 entries in time order, from shortly before the start to the end
    count = rng.randint(3, 12)
    first = started - timedelta(minutes=rng.randint(0, 15))
    span = max(1, int((end - first).total_seconds() // 60))
    times = sorted(first + timedelta(minutes=rng.randint(0, span)) for _ in range(count))
    timeline = []
    for index, at in enumerate(times):
        fraction = index / max(1, count - 1)
        if index == count - 1 and resolved:
            kind = "resolve"
        elif fraction < 0.2:
            kind = rng.choice(("deploy", "detect", "other"))
        elif fraction < 0.5:
            kind = rng.choice(("detect", "escalate", "communicate", "other"))
        else:
            kind = rng.choice(("mitigate", "rollback", "communicate", "other", "escalate"))
        text = prose.fill(rng.choice(EVENT_TEMPLATES[kind]))
        if rng.random() < 0.25:
            text += " " + prose.sentence()
        timeline.append(TimelineEntry(at, kind, text, approximate=rng.random() < 0.03))

    # public updates: 0-8, in the order they were posted
    update_count = rng.choice((0, 0, 1, 2, 3, 3, 4, 5, 6, 8))
    updates: list[Update] = []
    if update_count:
        times = sorted(started + timedelta(minutes=rng.randint(3, duration + 30)) for _ in range(update_count))
        flow = ["investigating", "identified", "monitoring", "resolved"]
        for index, at in enumerate(times):
            if index == update_count - 1 and resolved and update_count > 1:
                status = "resolved"
            else:
                status = flow[min(len(flow) - 2, index * (len(flow) - 1) // update_count)]
            text = prose.fill(rng.choice(UPDATE_TEXTS[status]), service=rng.choice(services))
            if rng.random() < 0.3:
                text += " " + prose.sentence()
            updates.append(Update(at, status, rng.choice(CHANNELS), text))
        if resolved and rng.random() < 0.15:
            text = prose.fill(rng.choice(UPDATE_TEXTS["postmortem"]))
            updates.append(Update(end + timedelta(days=rng.randint(1, 10)), "postmortem", "status page", text))

    actions = []
    for _ in range(rng.choice((0, 0, 1, 1, 2, 2, 3, 4, 5))):
        status = "open" if rng.random() < 0.55 else "done"
        owner = rng.choice(TEAMS + PEOPLE) if status == "open" and rng.random() < 0.7 else None
        due = (started + timedelta(days=rng.randint(14, 150))).date() if status == "open" and rng.random() < 0.6 else None
        lesson = rng.choice(lesson_ids) if rng.random() < 0.6 else None
        actions.append(Action(prose.fill(rng.choice(ACTION_TEMPLATES)), lesson, status, owner, due))

    references = []
    for index in range(rng.choice((0, 1, 1, 2, 2, 3))):
        number = rng.randint(1000, 999999)
        kind = ("postmortem", "status", "news")[index % 3]
        url = {
            "postmortem": f"https://{org.slug}.example/blog/{started:%Y/%m}/incident-{number}",
            "status": f"https://status.{org.slug}.example/incidents/{number:x}",
            "news": f"https://news.example.net/{started:%Y}/{org.slug}-outage-{number}",
        }[kind]
        title = {"postmortem": "Post-incident review", "status": "Status page incident", "news": f"{org.name} outage report"}[
            kind
        ]
        archived = f"https://archive.example.org/{started:%Y%m%d}/{url}" if rng.random() < 0.2 else None
        references.append(Reference(title, url, kind if rng.random() < 0.8 else None, archived))

    main_cause = catalog.causes[chosen[0]].title.lower()
    service = services[0]
    title = rng.choice(
        (
            f"{service} down after {rng.choice(TRIGGERS)}",
            f"{service} errors: {rng.choice(COMPONENTS)} {rng.choice(FAILURES)}",
            f"{', '.join(services)} degraded by {main_cause}",
            f"{org.name} {service} outage: {rng.choice(FAILURES)} in {rng.choice(REGIONS)}",
        )
    )
    base = f"{started:%Y-%m-%d}-{org.slug}-{_slug(chosen[0])}"
    incident_id, suffix = base, 2
    while incident_id in taken:
        incident_id, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(incident_id)

    summary_paragraphs = rng.choices((1, 2, 3), (0.3, 0.45, 0.25))[0]
    summary = prose.paragraphs(summary_paragraphs, 3, 7)
    impact = ""
    if rng.random() < 0.75:
        impact = prose.paragraph(2, 4)
        if rng.random() < 0.4:
            impact += "\n\n" + prose.bullet_list(rng.randint(2, 4))
    analysis = ""
    if rng.random() < 0.15:
        parts = [prose.paragraph(3, 6)]
        for heading in rng.sample(("Background", "What went wrong", "Why it took so long", "Recovery", "Next steps"), 2):
            parts.append(f"### {heading}\n\n{prose.paragraph(3, 6)}")
        parts.append("\n".join(f"1. {prose.sentence()}" for _ in range(rng.randint(2, 4))))
        analysis = "\n\n".join(parts)
    retrospective: dict[str, list[str]] = {}
    if rng.random() < 0.3:
        for key, pool in RETRO_ITEMS.items():
            items = [prose.fill(t) for t in rng.sample(pool, rng.randint(0 if key == "lucky" else 1, 2))]
            if items:
                retrospective[key] = items

    related = []
    if earlier and rng.random() < 0.08:
        related = sorted({rng.choice(earlier).id for _ in range(rng.randint(1, 2))})

    return Incident(
        id=incident_id,
        title=title[:200],
        organization=org.name,
        services=services,
        severity=severity,
        started=started,
        detected=detected,
        mitigated=mitigated,
        resolved=resolved,
        regions=rng.sample(REGIONS, rng.choice((0, 1, 1, 1, 2, 3))),
        upstream=rng.sample(UPSTREAMS, 1) if rng.random() < 0.12 else [],
        approximate=approximate,
        summary=summary,
        impact=impact,
        causes=causes,
        lessons=lessons,
        timeline=timeline,
        updates=updates,
        actions=actions,
        references=references,
        tags=rng.sample(TAGS, rng.choice((0, 1, 2, 3, 3, 4, 5, 6))),
        related=related,
        analysis=analysis,
        retrospective=retrospective,
    )


# --- writing YAML the way a person would --------------------------------------------------------

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .,()/'%+_-]*$")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_NUMBERISH = re.compile(r"[0-9][0-9.:_-]*")


def scalar(text: str) -> str:
    """A one-line string as a plain YAML scalar where that is unambiguous, else double-quoted."""
    if text == text.strip() and _PLAIN_SAFE.match(text) and text.lower() not in _RESERVED and not _NUMBERISH.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: Sequence[str]) -> str:
    quoted = [
        item if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ._-]*", item) and item.lower() not in _RESERVED else json.dumps(item)
        for item in items
    ]
    return "[" + ", ".join(quoted) + "]"


def timestamp(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if value.utcoffset() == timedelta(0) else text


def block(key: str, text: str, indent: int) -> list[str]:
    """`key: value` for prose: plain when it is one short line, a literal block otherwise."""
    pad = " " * indent
    if "\n" not in text and len(text) + len(key) + indent < 100:
        return [f"{pad}{key}: {scalar(text)}"]
    lines = [f"{pad}{key}: |"]
    for paragraph_index, paragraph in enumerate(text.split("\n\n")):
        if paragraph_index:
            lines.append("")
        for line in paragraph.split("\n"):
            if line.startswith(("- ", "1. ", "### ")):
                lines.append(f"{pad}  {line}")
                continue
            protected = re.sub(r"\[[^\]]*\]\([^)]*\)", lambda m: m.group(0).replace(" ", "\x00"), line)
            for wrapped in textwrap.wrap(protected, 80, break_long_words=False, break_on_hyphens=False):
                lines.append(f"{pad}  {wrapped.replace(chr(0), ' ')}")
    return lines


def incident_yaml(incident: Incident) -> str:
    out: list[str] = [
        f"title: {scalar(incident.title)}",
        f"organization: {scalar(incident.organization)}",
        f"services: {flow_list(incident.services)}",
        f"severity: {incident.severity}",
        f"started: {timestamp(incident.started)}",
    ]
    for name in ("detected", "mitigated", "resolved"):
        value = getattr(incident, name)
        if value is not None:
            out.append(f"{name}: {timestamp(value)}")
    if incident.approximate:
        out.append(f"approximate: {flow_list(incident.approximate)}")
    if incident.regions:
        out.append(f"regions: {flow_list(incident.regions)}")
    if incident.upstream:
        out.append(f"upstream: {flow_list(incident.upstream)}")
    out += block("summary", incident.summary, 0)
    if incident.impact:
        out += block("impact", incident.impact, 0)
    out.append("causes:")
    for ref in incident.causes:
        out.append(f"  - cause: {ref.cause}")
        if ref.role_written:
            out.append(f"    role: {ref.roles[0] if len(ref.roles) == 1 else flow_list(ref.roles)}")
        out += block("detail", ref.detail, 4)
    if incident.lessons:
        out.append("lessons:")
        for lref in incident.lessons:
            out.append(f"  - lesson: {lref.lesson}")
            out += block("detail", lref.detail, 4)
    if incident.timeline:
        out.append("timeline:")
        for entry in incident.timeline:
            out.append(f"  - at: {timestamp(entry.at)}")
            out.append(f"    kind: {entry.kind}")
            if entry.approximate:
                out.append("    approximate: true")
            out += block("event", entry.event, 4)
    if incident.updates:
        out.append("updates:")
        for update in incident.updates:
            out.append(f"  - at: {timestamp(update.at)}")
            out.append(f"    status: {update.status}")
            if update.channel != "status page":
                out.append(f"    channel: {scalar(update.channel)}")
            out += block("text", update.text, 4)
    if incident.actions:
        out.append("actions:")
        for action in incident.actions:
            lines = block("action", action.action, 4)
            out += ["  - " + lines[0][4:], *lines[1:]]
            if action.lesson:
                out.append(f"    lesson: {action.lesson}")
            out.append(f"    status: {action.status}")
            if action.owner:
                out.append(f"    owner: {scalar(action.owner)}")
            if action.due:
                out.append(f"    due: {action.due.isoformat()}")
    if incident.references:
        out.append("references:")
        for source in incident.references:
            out.append(f"  - title: {scalar(source.title)}")
            out.append(f"    url: {source.url}")
            if source.kind:
                out.append(f"    kind: {source.kind}")
            if source.archived:
                out.append(f"    archived: {source.archived}")
    if incident.tags:
        out.append(f"tags: {flow_list(incident.tags)}")
    if incident.related:
        out.append(f"related: {flow_list(incident.related)}")
    if incident.retrospective:
        out.append("retrospective:")
        for key, items in incident.retrospective.items():
            out.append(f"  {key}:")
            for item in items:
                out.append(f"    - {scalar(item)}")
    if incident.analysis:
        out += block("analysis", incident.analysis, 0)
    return "\n".join(out) + "\n"


# --- the projects -----------------------------------------------------------------------------

MKDOCS_COMMON = """\
theme:
  name: material
  features:
    - navigation.tabs
    - navigation.sections
    - navigation.top
    - search.suggest
    - search.highlight
    - content.code.copy
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: deep orange
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: deep orange
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode

markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true

nav:
  - Home: index.md
  - Incidents: incidents/index.md
  - Causes: causes/index.md
  - Lessons: lessons/index.md
  - Open actions: actions/index.md
"""

HOME = """\
# {name}

A synthetic knowledge base of {count:,} outages, generated for the outagekb benchmarks
(seed {seed}). Every incident, cause and lesson has its own page; the navigation lists the
section pages only.

- [Incidents](incidents/index.md): every incident, newest first.
- [Causes](causes/index.md): the cause tree with counts and durations.
- [Lessons](lessons/index.md): what the outages taught.
- [Open actions](actions/index.md): follow-up work still open.
"""


def reset_folder(path: str) -> None:
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)


def write_outagekb_project(folder: str, incidents: Sequence[Incident], catalog: Catalog, seed: int) -> None:
    """An outagekb knowledge base: the incident files, the catalog and the site's configuration."""
    reset_folder(folder)
    os.makedirs(os.path.join(folder, "incidents"))
    os.makedirs(os.path.join(folder, "docs"))
    shutil.copyfile(catalog.path, os.path.join(folder, "incidents", "catalog.yaml"))
    for incident in incidents:
        with open(os.path.join(folder, "incidents", f"{incident.id}.yaml"), "w", encoding="utf-8") as stream:
            stream.write(incident_yaml(incident))
    with open(os.path.join(folder, "docs", "index.md"), "w", encoding="utf-8") as stream:
        stream.write(HOME.format(name="outagekb benchmark", count=len(incidents), seed=seed))
    with open(os.path.join(folder, "mkdocs.yml"), "w", encoding="utf-8") as stream:
        stream.write("site_name: outagekb benchmark\n\nplugins:\n  - search\n  - outagekb:\n      incidents: incidents\n\n")
        stream.write(MKDOCS_COMMON)


def write_projects(folder: str, count: int, seed: int = DEFAULT_SEED, prose: str = "default") -> tuple[str, str, list[Incident]]:
    """Both projects side by side: `<folder>/outagekb` and `<folder>/plain`."""
    from handwritten import write_plain_project

    catalog = load_catalog()
    incidents = generate_incidents(count, seed, catalog, prose)
    okb, plain = os.path.join(folder, "outagekb"), os.path.join(folder, "plain")
    write_outagekb_project(okb, incidents, catalog, seed)
    write_plain_project(plain, incidents, catalog, seed)
    return okb, plain, incidents


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", "-n", type=int, default=1000, help="how many incidents (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", default=None, help="output folder (default benchmarks/out/n<N>)")
    parser.add_argument("--only", choices=("outagekb", "plain"), help="write one project only")
    parser.add_argument("--prose", choices=list(PROSE_LENGTHS), default="default", help="paragraph length (default: default)")
    args = parser.parse_args(argv)
    out = args.out or os.path.join(HERE, "out", f"n{args.incidents}")
    if args.only == "outagekb":
        catalog = load_catalog()
        write_outagekb_project(out, generate_incidents(args.incidents, args.seed, catalog, args.prose), catalog, args.seed)
    elif args.only == "plain":
        from handwritten import write_plain_project

        catalog = load_catalog()
        write_plain_project(out, generate_incidents(args.incidents, args.seed, catalog, args.prose), catalog, args.seed)
    else:
        write_projects(out, args.incidents, args.seed, args.prose)
    print(f"wrote {args.incidents} incidents to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

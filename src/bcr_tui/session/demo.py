"""A ready demo session: the PAI, rated by sixteen fictional partners of a county collaborative.

The ratings have a realistic shape (trust is a strength, capacity building needs attention, a few
items split the room, the sectors see some things differently), and everything is deterministic —
the same demo every time — so that screenshots and tests can rely on it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bcr_tui.instrument.load import find_instrument, load_instrument
from bcr_tui.session.records import Action, Cursor
from bcr_tui.session.state import Session, new_session

CREATED = datetime(2026, 10, 15, 17, 30, tzinfo=UTC)

PEOPLE = [
    ("Ana Ruiz", "Ventura County Human Services Agency", "government"),
    ("Marcus Bell", "Oxnard Family Resource Center", "community-based-organizations"),
    ("Grace Okafor", "Gold Coast Health Plan", "health-care"),
    ("Pastor Luis Tran", "Iglesia del Valle", "faith-based"),
    ("Dana Whitfield", "Ventura Community Foundation", "philanthropy"),
    ("Keisha Moore", "Parent partner", "residents"),
    ("Tom Alvarez", "Ventura Unified School District", "government"),
    ("Priya Shah", "CSU Channel Islands", "universities"),
    ("Ben Carter", "Harbor Hardware", "business"),
    ("Rosa Delgado", "Promotoras Network", "community-based-organizations"),
    ("Sam Lee", "Ventura County Public Health", "health-care"),
    ("Joy Nakamura", "Parent partner", "residents"),
    ("Marisol Vega", "Ventura County Probation", "government"),
    ("Hector Ruiz", "Boys & Girls Club", "community-based-organizations"),
    ("Dr. Alice Wong", "Ventura County Medical Center", "health-care"),
    ("Darnell Price", "Parent partner", "residents"),
]

#: How likely each domain is rated (maintain, immediate, future): the partnership's shape.
LEANING = {
    "trust": (0.62, 0.13, 0.25),
    "shared-values": (0.55, 0.15, 0.30),
    "organizational-culture": (0.40, 0.25, 0.35),
    "capacity-building": (0.15, 0.55, 0.30),
    "integrated-learning": (0.35, 0.35, 0.30),
    "systems-structure-accountability": (0.25, 0.45, 0.30),
}
#: Items the room disagrees on: half say maintain, half say immediate attention.
CONTESTED = {"organizational-culture-6", "integrated-learning-3"}
#: Residents and CBOs see capacity and accountability as more urgent than agencies do.
URGENT_SECTORS = {"residents", "community-based-organizations"}


def demo_session() -> Session:
    """The demo session: fully rated, with notes and action steps; deterministic."""
    instrument = load_instrument(find_instrument("partnership-assessment-inventory"))
    people = [(name, org) for name, org, _ in PEOPLE]
    session = new_session(
        instrument,
        "Ventura partners, fall check-in (demo)",
        people,
        community="Ventura County",
        mode="round-robin",
    )
    session.created = CREATED
    session.id = "demo-ventura-2026"
    rng = random.Random(2026)
    for person, (_, _, sector) in zip(session.participants, PEOPLE, strict=True):
        session.set_profile(person.id, "sector", sector)
    keys = ("maintain", "immediate", "future")
    for item in instrument.items:
        for person, (_, _, sector) in zip(session.participants, PEOPLE, strict=True):
            if item.id in CONTESTED:
                weights = (0.5, 0.45, 0.05)
            else:
                weights = LEANING[item.domain_id]
                if sector in URGENT_SECTORS and item.domain_id in (
                    "capacity-building",
                    "systems-structure-accountability",
                ):
                    weights = (weights[0] * 0.4, weights[1] + 0.3, weights[2])
            if rng.random() < 0.02:
                session.abstain(person.id, item.id)
            else:
                session.record(person.id, item.id, rng.choices(keys, weights)[0])
    session.set_note(
        "capacity-building-1",
        "Partners want a shared budget conversation before the spring funding cycle.",
    )
    session.set_note(
        "integrated-learning-3",
        "Agencies see two-way channels; parents and CBOs say information flows one way.",
    )
    session.add_action(
        Action(
            "Hold a joint resource-allocation workshop",
            "Budget summaries from each partner",
            "Dana Whitfield",
            "2027-01-31",
        )
    )
    session.add_action(
        Action(
            "Set up a parent feedback loop at every partner meeting",
            "Interpreters, child care",
            "Keisha Moore",
            "2026-12-15",
        )
    )
    # Fixed clock: the log reads as a 90-minute meeting that started at CREATED.
    session.log = [
        e._replace(at=CREATED + timedelta(seconds=15 * n)) for n, e in enumerate(session.log)
    ]
    last = instrument.items[-1].id
    session.cursor = Cursor(last, None)
    return session

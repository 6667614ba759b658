"""Generate a reproducible, article-like benchmark corpus (stdlib only).

The text is built from the word lists and templates below with a seeded random generator, so
every run of the same version writes the same bytes. Articles are paragraphs (one per line)
separated by blank lines, with curly quotes, dashes and accented names so that the text is not
pure ASCII. With ``boilerplate > 0`` about that fraction of the lines are the kinds of
boilerplate the rule packs remove: date headers, donation appeals, gallery captions, "Read
more" teasers, newsletter and follow prompts.

>>> import random
>>> text = article(random.Random(1), boilerplate=0.0)
>>> "open image in gallery" in text, text.endswith("\\n")
(False, True)
"""

from __future__ import annotations

import random
from pathlib import Path

FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Tomás",
    "Zoë",
    "Kwame",
    "Ingrid",
    "Rahul",
    "Chen",
    "Olga",
    "Dafydd",
    "Amara",
    "Lukas",
    "Sofía",
    "Hiroshi",
    "Fatima",
    "Niamh",
    "Pieter",
    "Grace",
    "Omar",
)
LAST_NAMES = (
    "Okafor",
    "Müller",
    "Hughes",
    "Fernández",
    "Nakamura",
    "Kowalski",
    "Patel",
    "O\u2019Brien",
    "Lindqvist",
    "Mensah",
    "Rossi",
    "Dubois",
    "Haddad",
    "Novak",
    "Campbell",
    "Søndergaard",
)
ROLES = (
    "a spokesperson for the council",
    "the regional health minister",
    "a local business owner",
    "the head of the teachers\u2019 union",
    "a senior police officer",
    "an economist at the bank",
    "the mayor",
    "a resident of the estate",
    "the chief executive",
    "a climate scientist",
)
SUBJECTS = (
    "The council",
    "Residents",
    "The government",
    "Police",
    "The hospital trust",
    "Campaigners",
    "The committee",
    "Investors",
    "The regulator",
    "Scientists",
    "Local shops",
    "The ministry",
    "Rail operators",
    "Farmers",
    "The court",
    "Union leaders",
    "The fire service",
    "Voters",
)
VERBS = (
    "announced",
    "warned",
    "confirmed",
    "rejected",
    "approved",
    "questioned",
    "delayed",
    "welcomed",
    "criticised",
    "proposed",
    "reviewed",
    "postponed",
    "funded",
    "defended",
)
OBJECTS = (
    "plans for a new bypass",
    "the latest budget figures",
    "a review of school funding",
    "changes to the bus timetable",
    "the proposed housing development",
    "a ban on night flights",
    "the flood defence scheme",
    "an inquiry into the delays",
    "the closure of the library",
    "new rules for short-term lets",
    "a pay offer for nurses",
    "the wind farm application",
    "the merger of two hospitals",
    "emergency repairs to the bridge",
    "the recycling contract",
)
PLACES = (
    "Leeds",
    "the Netherlands",
    "Kraków",
    "the north-east",
    "Cork",
    "São Paulo",
    "the valley",
    "Brussels",
    "Glasgow",
    "the coastal towns",
    "Düsseldorf",
    "Nairobi",
    "the city centre",
)
TIMES = (
    "on Monday",
    "on Tuesday",
    "last week",
    "earlier this month",
    "in March",
    "on Friday evening",
    "after a two-hour meeting",
    "before the summer recess",
    "at the weekend",
    "in 2019",
)
CONNECTIVES = (
    "However,",
    "Meanwhile,",
    "Earlier,",
    "In a statement,",
    "Separately,",
    "At the same time,",
    "Last year,",
    "According to the figures,",
    "By contrast,",
    "For now,",
)
QUOTES = (
    "We have listened to people and we will keep listening",
    "This is not the end of the matter",
    "Nobody wants to see families pay more for less",
    "The numbers speak for themselves",
    "It\u2019s been a difficult year for everyone involved",
    "We expect a decision before the end of the year",
    "There is still a great deal of work to do",
)
CREDITS = ("AFP/Getty", "PA", "Reuters", "AP", "Getty Images", "EPA", "PA Wire", "Supplied")
CAPTIONS = (
    "Crowds gathered outside the town hall",
    "Fire crews at the scene",
    "The harbour at dawn",
    "Protesters marched through the city centre",
    "The minister speaking to reporters",
    "Flooding on the main road",
    "Workers at the site",
    "Fans outside the stadium",
)
NEWSLETTERS = ("Morning Headlines", "Politics", "Climate", "Money", "Sport", "Evening Briefing")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def sentence(rng: random.Random) -> str:
    """One article sentence."""
    form = rng.randrange(6)
    if form == 0:
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TIMES)}."
    if form == 1:
        quote = rng.choice(QUOTES)
        return f"“{quote},” said {_name(rng)}, {rng.choice(ROLES)}."
    if form == 2:
        number = rng.randrange(2, 900)
        return (
            f"{rng.choice(CONNECTIVES)} {number} people in {rng.choice(PLACES)} "
            f"were affected by {rng.choice(OBJECTS)} — more than expected."
        )
    if form == 3:
        return (
            f"{_name(rng)}, {rng.choice(ROLES)}, said the support of {rng.choice(SUBJECTS).lower()} "
            f"for {rng.choice(OBJECTS)} had been {rng.choice(('crucial', 'mixed', 'patchy', 'strong'))}."
        )
    if form == 4:
        return (
            f"The date for {rng.choice(OBJECTS)} was set for {rng.randrange(1, 28)} "
            f"{rng.choice(('May', 'June', 'October', 'December'))}, {rng.choice(SUBJECTS).lower()} said."
        )
    return (
        f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
        f"while {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
    )


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randrange(2, 6)))


def _date(rng: random.Random) -> str:
    return f"date {rng.randrange(2015, 2026)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def _appeal(rng: random.Random) -> str:
    middle = " ".join(paragraph(rng) for _ in range(rng.randrange(1, 3)))
    return (
        "Your support helps us to tell the story Read more Support Now "
        f"{middle} Your support makes all the difference. Read more"
    )


def boilerplate_line(rng: random.Random) -> str:
    """One line of boilerplate, of a kind the rule packs remove."""
    kind = rng.randrange(10)
    if kind == 0:
        return _appeal(rng)
    if kind in (1, 2, 3):
        return f"open image in gallery {rng.choice(CAPTIONS)} {rng.choice(TIMES)} ( {rng.choice(CREDITS)} )"
    if kind == 4:
        return rng.choice(("Support Now", "Donate today!", "Support independent journalism"))
    if kind == 5:
        return "Read more"
    if kind == 6:
        return f"Read more: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if kind == 7:
        return f"Sign up to our free {rng.choice(NEWSLETTERS)} newsletter"
    if kind == 8:
        return rng.choice(("Follow us on Twitter", "Share this article", "Advertisement"))
    return _date(rng)


def article(rng: random.Random, boilerplate: float) -> str:
    """One article: paragraphs on their own lines, blank lines between them."""
    lines = [paragraph(rng) for _ in range(rng.randrange(5, 16))]
    if boilerplate > 0:
        if rng.random() < 0.1:
            # A date header, alone or glued to the first paragraph, as extraction leaves it.
            lines[0] = f"{_date(rng)}{rng.choice((chr(10) * 2, ' '))}{lines[0]}"
        # Date headers make up about one point of the boilerplate share; inserted lines the rest.
        rate = max(boilerplate - 0.01, 0.0)
        count = sum(1 for _ in lines if rng.random() < rate / (1 - rate))
        for _ in range(count):
            lines.insert(rng.randrange(len(lines) + 1), boilerplate_line(rng))
    return "\n\n".join(lines) + "\n"


def write_corpus(path: Path, size: int, *, boilerplate: float, seed: int = 8) -> int:
    """Write articles, separated by blank lines, until ``path`` holds at least ``size`` bytes."""
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        while written < size:
            block = "\n".join(article(rng, boilerplate) for _ in range(200)) + "\n"
            data = block.encode("utf-8")
            out.write(block)
            written += len(data)
    return written


def boilerplate_literals() -> list[str]:
    """The literal strings a ``grep -F -f`` baseline looks for: one per boilerplate shape."""
    return [
        "Your support helps us to tell the story",
        "Your support makes all the difference",
        "Support Now",
        "Donate today",
        "Support independent journalism",
        "open image in gallery",
        "Read more",
        "Sign up to our",
        "newsletter",
        "Follow us on",
        "Share this article",
        "Advertisement",
        "date 20",
        "Subscribe now",
        "Click here",
        "All rights reserved",
        "Copyright ©",
        "Related articles",
        "Most popular",
        "Comments are closed",
        "Leave a Reply",
        "min read",
        "Sponsored",
        "Watch the video",
        "Listen to this article",
        "Download the app",
        "Accept cookies",
        "Skip to content",
        "Back to top",
        "Image caption",
    ]

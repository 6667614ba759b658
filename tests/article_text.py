# ruff: noqa: RUF001 - typographic quotes and apostrophes are part of the prose
"""Article prose for the generated sites (:mod:`sites`): headlines and paragraphs in English
or German, from sentence forms and word lists written for these tests, with a seeded
generator, so that no two articles read alike.

>>> import random
>>> paragraph(random.Random(1), "en") != paragraph(random.Random(2), "en")
True
"""

from __future__ import annotations

import random

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip

# fmt: off
_EN = {
    "first": ("Maria", "James", "Aisha", "Tomás", "Zoë", "Kwame", "Ingrid", "Rahul", "Chen", "Olga", "Dafydd",
        "Amara", "Lukas", "Sofía", "Hiroshi", "Fatima", "Niamh", "Pieter", "Grace", "Omar", "Beatriz",
        "Emeka", "Saoirse", "Yusuf", "Marta", "Anton"),
    "last": ("Okafor", "Müller", "Hughes", "Fernández", "Nakamura", "Kowalski", "Patel", "O’Brien",
        "Lindqvist", "Mensah", "Rossi", "Dubois", "Haddad", "Novak", "Campbell", "Søndergaard",
        "Achterberg", "Quispe", "Varga", "Whitlock", "Ibarra", "Kerrigan"),
    "role": ("a spokesperson for the council", "the regional health minister", "a local shop owner",
        "the head of the teachers’ union", "a senior police officer", "an economist at the bank",
        "the mayor", "a resident of the estate", "the chief executive", "a climate scientist",
        "the harbour master", "a nurse at the district hospital", "the ferry company’s director",
        "a lawyer for the families", "the school’s head teacher", "a volunteer at the food bank"),
    "subject": ("The council", "Residents", "The government", "Police", "The hospital trust", "Campaigners",
        "The committee", "Investors", "The regulator", "Scientists", "Local shops", "The ministry",
        "Rail operators", "Farmers", "The court", "Union leaders", "The fire service", "Parents",
        "The port authority", "Fishermen"),
    "verb": ("announced", "warned about", "confirmed", "rejected", "approved", "questioned", "delayed",
        "welcomed", "criticised", "proposed", "reviewed", "postponed", "funded", "defended",
        "challenged", "backed", "paused", "reopened"),
    "object": ("plans for a new bypass", "the latest budget figures", "a review of school funding",
        "changes to the bus timetable", "the proposed housing scheme", "a ban on night flights",
        "the flood defence works", "an inquiry into the delays", "the closure of the library",
        "new rules for holiday lets", "a pay offer for nurses", "the wind farm application",
        "the merger of two hospitals", "emergency repairs to the bridge", "the recycling contract",
        "a curfew for the harbour bars", "the sale of the old mill", "a new cycle lane"),
    "place": ("Leeds", "the Netherlands", "Kraków", "the north-east", "Cork", "São Paulo", "the valley",
        "Brussels", "Glasgow", "the coastal towns", "Düsseldorf", "Nairobi", "the city centre",
        "the old quarter", "the island", "the industrial estate"),
    "time": ("on Monday", "on Tuesday", "last week", "earlier this month", "in March", "on Friday evening",
        "after a two-hour meeting", "before the summer recess", "at the weekend", "in 2019", "overnight",
        "late on Wednesday", "this morning"),
    "quote": ("We have listened to people and we will keep listening", "This is not the end of the matter",
        "Nobody wants to see families pay more for less", "The numbers speak for themselves",
        "It has been a difficult year for everyone", "We expect a decision before the end of the year",
        "There is still a lot of work to do", "I have never seen the water come up so fast",
        "We were told one thing and then another", "People deserve a straight answer",
        "The money has to come from somewhere", "Nobody here asked for this"),
    "adjective": ("crucial", "mixed", "patchy", "strong", "cautious", "lukewarm", "overwhelming"),
}
# fmt: on


def pick(rng: random.Random, key: str) -> str:
    return rng.choice(_EN[key])


def name(rng: random.Random) -> str:
    return f"{pick(rng, 'first')} {pick(rng, 'last')}"


def sentence_en(rng: random.Random) -> str:
    form = rng.randrange(10)
    n = rng.randrange(2, 2000)
    if form == 0:
        return f"{pick(rng, 'subject')} {pick(rng, 'verb')} {pick(rng, 'object')} {pick(rng, 'time')}."
    if form == 1:
        return f"“{pick(rng, 'quote')},” said {name(rng)}, {pick(rng, 'role')}."
    if form == 2:
        return (
            f"{n:,} people in {pick(rng, 'place')} were affected by {pick(rng, 'object')}, "
            f"{rng.choice(('more than expected', 'fewer than feared', 'about the same as last year'))}."
        )
    if form == 3:
        return (
            f"{name(rng)}, {pick(rng, 'role')}, said support for {pick(rng, 'object')} had been "
            f"{pick(rng, 'adjective')}."
        )
    if form == 4:
        return (
            f"A hearing on {pick(rng, 'object')} is set for {rng.randrange(1, 29)} "
            f"{rng.choice(MONTHS_EN)}, {pick(rng, 'subject').lower()} said."
        )
    subject, other, thing = pick(rng, "subject"), pick(rng, "subject").lower(), pick(rng, "object")
    if form == 5:
        return (
            f"{subject} in {pick(rng, 'place')} {pick(rng, 'verb')} {thing}, "
            f"while {other} {pick(rng, 'verb')} {pick(rng, 'object')}."
        )
    if form == 6:
        return (
            f"The cost of {thing} has risen to £{n / 10:.1f}m, up from £{n / 17:.1f}m when {other} "
            f"first {rng.choice(('planned', 'costed', 'approved'))} it."
        )
    if form == 7:
        return f"Asked whether {thing} would go ahead, {name(rng)} said: “{pick(rng, 'quote')}.”"
    if form == 8:
        nth = rng.choice(("first", "second", "third", "fourth"))
        since = rng.randrange(1990, 2020)
        return f"It is the {nth} time since {since} that {other} have {pick(rng, 'verb')} {thing}."
    return f"{subject} are expected to meet again {pick(rng, 'time')} to discuss {thing}."


# fmt: off
_DE = {
    "subject": ("Der Stadtrat", "Die Landesregierung", "Die Polizei", "Der Verband", "Die Anwohner",
        "Das Gericht", "Die Feuerwehr", "Der Bürgermeister", "Die Gewerkschaft", "Die Bahn",
        "Der Kreistag", "Die Verkehrsbetriebe", "Der Elternbeirat", "Die Handwerkskammer"),
    "verb": ("prüfte", "stoppte", "verschob", "kritisierte", "genehmigte", "forderte", "begrüßte",
        "verteidigte", "beschloss", "vertagte"),
    "object": ("den Neubau der Brücke", "die Sanierung des Rathauses", "eine neue Buslinie",
        "die Schließung des Hallenbads", "mehr Geld für Schulen", "den Ausbau des Hafens",
        "ein Verbot für Lastwagen in der Altstadt", "die Erhöhung der Gebühren",
        "den Verkauf des alten Schlachthofs", "einen neuen Radweg am Rhein",
        "die Verlegung des Wochenmarkts", "längere Öffnungszeiten der Bibliothek"),
    "place": ("Köln", "Bonn", "Düsseldorf", "Koblenz", "Mainz", "Neuss", "dem Kreis", "der Innenstadt",
        "Leverkusen", "Siegburg", "Andernach", "Bad Honnef", "der Südstadt", "dem Hafenviertel"),
    "time": ("am Montag", "am Dienstag", "in der vergangenen Woche", "am Freitagabend", "im Frühjahr",
        "nach langer Debatte", "noch vor der Sommerpause", "am Mittwochnachmittag"),
    "cause": ("den Umbau", "die Baustelle", "das Hochwasser", "den Streik", "die neuen Regeln",
        "die Sperrung der Brücke", "den Ausfall der Heizung"),
    "because": ("der Baustelle", "des Hochwassers", "des Streiks", "der neuen Regeln", "des Umbaus",
        "der Sperrung der Brücke"),
    "quote": ("Wir haben die Sorgen der Menschen ernst genommen", "Das ist noch nicht das letzte Wort",
        "Die Zahlen sprechen eine deutliche Sprache", "Niemand will, dass die Bürger mehr zahlen"),
}
# fmt: on


def sentence_de(rng: random.Random) -> str:
    de = lambda key: rng.choice(_DE[key])  # noqa: E731 - a local shorthand
    form = rng.randrange(6)
    if form == 0:
        return f"{de('subject')} {de('verb')} {de('time')} {de('object')}."
    if form == 5:
        return f"Wegen {de('because')} rechnet man in {de('place')} {de('time')} mit Verzögerungen."
    if form == 1:
        return f"„{de('quote')}“, sagte {name(rng)} in {de('place')}."
    if form == 2:
        who = rng.choice(("der Stadt", "des Kreises", "der Polizei"))
        count = rng.randrange(20, 5000)
        return f"In {de('place')} sind nach Angaben {who} {count} Menschen von {de('cause')} betroffen."
    if form == 3:
        said = rng.choice(("hieß es", "sagte ein Sprecher", "teilte die Verwaltung mit"))
        cost = f"rund {rng.randrange(2, 90)} Millionen Euro"
        return f"Die Kosten für {de('object')} liegen bei {cost}, {said} {de('time')}."
    return f"{de('subject')} will sich {de('time')} erneut damit befassen, wie es aus {de('place')} hieß."


def paragraph(rng: random.Random, language: str) -> str:
    sentence = sentence_de if language == "de" else sentence_en
    return " ".join(sentence(rng) for _ in range(rng.randrange(1, 5)))


def headline(rng: random.Random, language: str) -> str:
    if language == "de":
        return f"{rng.choice(_DE['subject'])} und {rng.choice(_DE['object'])} in {rng.choice(_DE['place'])}"
    return f"{pick(rng, 'subject')} {pick(rng, 'verb')} {pick(rng, 'object')} in {pick(rng, 'place')}"

# ruff: noqa: RUF001 - Greek and Cyrillic words are what this module is about
"""Reported speech: a line that says who said it is an article's line, whatever its words.

A call that boilerplate makes ("Support independent journalism", "Enter your email address")
is also what a minister, a label or the police may be reported to have said, and an article
then prints it followed by who said it: "…, the minister said.", "…, dijo el editor.",
"…, so der Minister.". :func:`reports_speech` finds such a clause: a comma or a dash, then
within a few words a verb of saying (or "according to"), in the 24 languages the built-in
packs cover. Rules of the ``signals`` kind test it (``reported_speech: false``).
"""

from __future__ import annotations

import functools
import re

# Verbs of saying as news reports them (third person, past and present), and "according to".
_SAYING = (
    # English
    "said", "says", "told", "warned", "added", "explained", "insisted", "wrote", "argued",
    "noted", "stressed", "claimed", "replied", "recalled", "according to",
    # German
    "sagte", "sagt", "sagten", "erklärte", "erklärt", "betonte", "warnte", "schrieb", "meinte",
    "fügte", "so", "hieß es", "heißt es",
    # Spanish, Catalan
    "dijo", "dice", "afirmó", "explicó", "señaló", "aseguró", "advirtió", "añadió", "declaró",
    "indicó", "apuntó", "escribió", "según", "va dir", "va afirmar", "va explicar", "diu", "segons",
    # French
    "a dit", "a déclaré", "a expliqué", "a affirmé", "a ajouté", "a averti", "a souligné",
    "a assuré", "a estimé", "a lancé", "a répondu", "a rappelé", "a insisté", "a prévenu",
    "a confié", "a indiqué", "dit", "explique", "affirme", "estime", "précise", "selon",
    # Portuguese
    "disse", "afirmou", "explicou", "declarou", "alertou", "acrescentou", "diz", "segundo",
    # Italian
    "ha detto", "ha dichiarato", "ha spiegato", "ha affermato", "ha aggiunto", "ha avvertito",
    "spiega", "secondo",
    # Polish
    "powiedział", "powiedziała", "mówi", "dodał", "dodała", "stwierdził", "stwierdziła",
    "ostrzegł", "ostrzegła", "napisał", "napisała", "podkreślił", "podkreśliła", "według",
    # Dutch
    "zei", "zegt", "verklaarde", "waarschuwde", "schreef", "aldus", "volgens",
    # Russian, Ukrainian
    "сказал", "сказала", "заявил", "заявила", "отметил", "отметила", "добавил", "добавила",
    "пояснил", "пояснила", "предупредил", "говорит", "по словам", "сказав", "заявив",
    "зазначив", "зазначила", "додав", "додала", "попередив", "каже", "за словами",
    # Swedish, Danish, Norwegian
    "sa", "sade", "säger", "skrev", "varnade", "förklarade", "enligt", "sagde", "siger",
    "advarede", "forklarede", "ifølge", "sier", "advarte", "forklarte",
    # Finnish
    "sanoi", "sanoo", "kertoi", "kertoo", "totesi", "varoitti", "kirjoitti", "mukaan",
    # Czech, Slovak
    "řekl", "řekla", "uvedl", "uvedla", "dodal", "dodala", "varoval", "napsal", "podle",
    "povedal", "povedala", "uviedol", "uviedla", "napísal", "podľa",
    # Hungarian
    "mondta", "közölte", "jelentette ki", "hangsúlyozta", "írta", "figyelmeztetett", "szerint",
    # Romanian
    "a spus", "a declarat", "a explicat", "a avertizat", "a adăugat", "spune", "potrivit",
    # Turkish
    "dedi", "söyledi", "açıkladı", "uyardı", "belirtti", "ifade etti",
    # Greek
    "είπε", "δήλωσε", "τόνισε", "ανέφερε", "προειδοποίησε", "έγραψε", "σύμφωνα με",
    # Croatian, Slovenian
    "rekao", "rekla", "izjavio", "izjavila", "upozorio", "dodao", "napisao", "prema",
    "je dejal", "je dejala", "je povedal", "je opozoril", "je dodal", "pravi", "po besedah",
    # Indonesian
    "kata", "ujar", "ucap", "tutur", "ungkap", "tegas", "menurut",
)  # fmt: skip


@functools.cache
def _clause() -> re.Pattern[str]:
    """Compiled on first use, as most runs have no rule that asks."""
    verbs = "|".join(re.escape(verb) for verb in sorted(_SAYING, key=len, reverse=True))
    # A comma or dash, up to four words (who: "the minister", "el editor de la revista"), the
    # verb; or the verb right after the comma ("…, said the minister", "…, dijo el editor").
    return re.compile(rf"[,–—](?:\s+[^\s,.;:!?]+){{0,4}}?\s+(?:{verbs})(?![^\W\d_])", re.IGNORECASE)


def reports_speech(text: str) -> bool:
    """Whether a line reports what someone said: a comma or a dash, then within four words a
    verb of saying or "according to".

    >>> reports_speech("Support independent journalism, the minister said, was not the state's job.")
    True
    >>> reports_speech("Apoya el periodismo independiente, dijo el editor.")
    True
    >>> reports_speech("Support independent journalism, and get our newsletter every day.")
    False
    >>> reports_speech("By continuing to browse, you agree to our use of cookies.")
    False
    """
    return _clause().search(text) is not None

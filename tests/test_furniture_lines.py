"""The built-in packs on a large set of furniture lines and of article lines that sound like it.

``tests/data/furniture/boilerplate.tsv`` holds about 1,500 boilerplate lines (read-also teasers,
paywall and newsletter prompts, credits, captions, date lines, share and comment buttons, …)
in a dozen languages, and ``article.tsv`` about 3,550 article lines that use the same words:
sentences about subscriptions, apps and photographers, subheadings, list items, short quotes.
Both were written for this project, each line as a site or an article would word it, by
writers who had not read the packs. Each line is put between the paragraphs of a short article.

Every article line must stay wherever it is put. Every boilerplate line must go from the middle
of the article, except the few the packs are known to leave (``LEFT``): a rule that starts
removing one of them must take it off that list, so the list stays what the packs miss.
"""

# Boilerplate and article text in many languages and scripts is the point of these lines.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import cleaner

DATA = Path(__file__).parent / "data" / "furniture"
CHAIN = cleaner.load_chain()
PARAGRAPHS = [
    "The council met on Tuesday to discuss the budget for the coming year, and most members "
    "agreed that the harbour needed new funds.",
    "The meeting ended late in the evening after a long debate about the harbour and its future, "
    "with several residents speaking.",
    "Officials said the work would begin in the spring if the regional government approves the "
    "plan before the end of March.",
    "Local businesses have welcomed the decision, although some worry about the noise the "
    "building work will bring to the area.",
    "The harbour master said the old pier had not been repaired since the storm of 1998 and was "
    "now unsafe for larger boats.",
    "A public consultation will run until the end of February, and residents can send their "
    "comments by post or online.",
]

# Boilerplate lines the packs leave, with what they would need.
LEFT = {
    # An agency's or a news service's name the packs do not know; a credit with "di".
    "(Agenzia Nordest)",
    "Haber: Mehmet Kaya / Kordon Haber Ajansı",
    "Testo di Giulia Marchetti, foto di Davide Sorrentino",
    # A credit in capitals after a bar (the shape of a table row's last cell), an institution
    # after a slash, a section heading in capitals naming the site.
    "Imagen de archivo del embalse de Riaño. | JAVIER MORA",
    "El nuevo centro de salud abrirá sus puertas en septiembre. / Ayuntamiento de Valdemora",
    "MÁS DE DIARIO DEL ALTOZANO",
    # An affiliate note in the third person, with no word of the rules' first-person ones.
    "Os preços podem variar. A equipe do Achadinhos do Sul recebe comissão pelas vendas feitas "
    "através dos links.",
    # Prompts worded as a pitch, with no label or call the rules know.
    "✉️ La lettre du soir du Courrier de l'Orvanne : chaque jour à 18 h",
    "✉️ Ogni venerdì nella tua casella di posta il meglio della settimana. Iscriviti gratis",
    "NOTRE ENQUÊTE. Comment les marchands de sommeil prospèrent en centre-ville",
    # Offers with one price and no period, or a period without a second price.
    "Článek je dostupný pouze pro předplatitele. Předplaťte si nás od 99 Kč měsíčně.",
    "Jetzt 4 Wochen für 0,99 € testen und weiterlesen",
    "Suscríbete por 1 € el primer mes y accede a todo el contenido",
    # Date lines after a byline (a name and a bar), away from the head.
    "Door Eva Jansen | 04-03-24, 14:05",
    "Door Lotte Jansen | 12-03-24, 07:30 | Laatste update: 09:15",
    # A bare counter or an age label: as a line alone it could be a score or a fraction.
    "1/14",
    "18+",
}


def lines(name: str) -> list[tuple[str, str, str]]:
    """The ``(language, family, text)`` rows of one data file."""
    rows = (row.split("\t") for row in (DATA / name).read_text(encoding="utf-8").splitlines() if row)
    return [(language, family, text) for language, family, text in rows]


def placed(line: str, at: int) -> str:
    """An article with ``line`` as its paragraph number ``at`` (0: the first)."""
    return "\n\n".join([*PARAGRAPHS[:at], line, *PARAGRAPHS[at:]]) + "\n"


def test_the_data_files_are_what_the_docstring_says() -> None:
    boilerplate, article = lines("boilerplate.tsv"), lines("article.tsv")
    assert len(boilerplate) > 1500 and len(article) > 2000
    assert len({language for language, _, _ in boilerplate}) >= 12
    assert not {text for _, _, text in boilerplate} & {text for _, _, text in article}
    assert {text for _, _, text in boilerplate} >= LEFT


def test_boilerplate_goes_from_the_middle_of_an_article() -> None:
    article = placed("", 3).replace("\n\n\n\n", "\n\n")
    left = set()
    for _, _, line in lines("boilerplate.tsv"):
        if cleaner.clean_text(placed(line, 3), CHAIN).clean != article:
            left.add(line)
    assert left == LEFT


def test_article_lines_stay_at_the_head_in_the_middle_and_at_the_end() -> None:
    changed = []
    for _, kind, line in lines("article.tsv"):
        for at in (0, 3, len(PARAGRAPHS)):
            text = placed(line, at)
            if cleaner.clean_text(text, CHAIN).clean != text:
                changed.append((kind, at, line))
    assert changed == []

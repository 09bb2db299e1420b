"""One number written two ways is one number; a changed number is caught (grounding/quantities.py).

Every check that compares quantities (the translation's numbers, a fact's, a summary
sentence's) asks missing_quantities, so these pairs hold for all of them.
"""

from __future__ import annotations

import pytest

from summarise.grounding.claims import qualifier_problems
from summarise.grounding.quantities import missing_quantities

# (French source, its right English translation): each pair written from a real translator's choice.
SAME = [
    ("parents de 3 enfants", "mother-of-three"),
    ("ils sont menés de 8 points", "they trail by eight points"),
    ("Dix ans plus tôt", "Ten years earlier"),
    ("4 000 000 de personnes", "four million people"),
    ("4 000 000 de personnes", "4m people"),
    ("les années 30", "the 1930s"),
    ("dans les années 2000", "in the 2000s"),
    ("les années 1960", "the 1960s"),
    ("agressée dans les années 80", "assaulted in the 1980s"),
    ("une bande de 2,4 GHz", "a 2.4Ghz band"),
    ("125 millions de livres sterling", "£125m"),
    ("Plus d’un millier d’Indonésiens", "More than 1,000 people"),
    ("à 14 h, deux fourgons", "At 2pm two vans"),
    ("mercredi à 15 h", "at 3 p.m. on Wednesday"),
    ("arrivant à 04h40 le jeudi", "entering at 4.40 am Thursday"),
    ("le référendum du 1er octobre", "the October 1 referendum"),
    ("au XIXe siècle", "in the 19th century"),
    ("registre 247 du 30 septembre", "log 247 of 30th September"),
    ("au 0800 555 111", "on 0800 555 111"),
    ("des vents de 135 km/h", "winds of 85 mph"),
    ("à 620 km au sud-ouest", "385 miles southwest"),
    ("jusqu’à 25 cm de pluie", "up to 10 inches of rain"),
    ("entre 2,5 et 10 cm", "1 to 4 inches"),
    ("l’animal pesant 250 kg", "the 550 pound hog"),
    ("autour de 26 degrés", "widespread 80 degrees"),
    ("la norme 802.11a", "the 802.11a standard"),
]


@pytest.mark.parametrize(("source", "translation"), SAME)
def test_a_number_written_another_way_is_not_missing(source: str, translation: str) -> None:
    assert missing_quantities(source, "fr", translation, "en") == []


# (French source, a translation with one number changed)
CHANGED = [
    ("la norme 802.11a", "the 809.11a standard"),  # a version, compared as written
    ("les années 30", "the 1937s"),
    ("les années 30", "the 1940s"),
    ("parents de 3 enfants", "mother-of-four"),
    ("des vents de 135 km/h", "winds of 82 mph"),
    ("autour de 26 degrés", "widespread 87 degrees"),
    ("à 14 h, deux fourgons", "At 3pm two vans"),
    ("le 30 mai 2005", "on May 37, 2005"),
    ("le 30 mai 2005", "in 2005"),
    ("125 millions de livres sterling", "£126m"),
    ("au XIXe siècle", "in the 16th century"),
]


@pytest.mark.parametrize(("source", "translation"), CHANGED)
def test_a_changed_number_is_missing(source: str, translation: str) -> None:
    assert missing_quantities(source, "fr", translation, "en")


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        ("There is nearly a 20-degree difference", "la différence est de presque 20 degrés"),
        ("more than the 20.4 million people", "plus de 20,4 millions de personnes"),
        ("More than 1,000 people were killed", "Plus d’un millier d’Indonésiens"),
        ("while about 30 yards out", "à 30 mètres environ des buts"),
    ],
)
def test_a_qualifier_with_an_article_elided_or_after_the_number_is_read(statement: str, source: str) -> None:
    assert qualifier_problems(statement, "en", source, "fr") == []


def test_a_changed_qualifier_is_still_caught() -> None:
    assert qualifier_problems("over 90 million dollars", "en", "près de 90 millions de dollars", "fr")

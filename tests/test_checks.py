"""Unit tests for summarise.grounding: quantities, quotes and names across languages."""

import pytest
from conftest import INPUTS

from summarise.grounding.names import extract_names, missing_names
from summarise.grounding.quantities import Quantity, extract_quantities, missing_quantities, same_quantity
from summarise.grounding.quotes import QuoteMatch, _normalise_map, find_quote, normalise_text


def only(text: str, language: str) -> Quantity:
    """The single quantity in `text` (fails loudly if there are none or several)."""
    found = extract_quantities(text, language)
    assert len(found) == 1, found
    return found[0]


# --- extraction: canonical values -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "kind", "value"),
    [
        ("7,7 millions", "fr", "number", "7700000"),
        ("7.7 million", "en", "number", "7700000"),
        ("7,7 Millionen", "de", "number", "7700000"),
        ("5 Mrd. Euro", "de", "money", "5000000000 EUR"),
        ("3 milliards", "fr", "number", "3000000000"),
        ("3 billion", "en", "number", "3000000000"),
        ("3 billions", "fr", "number", "3000000000000"),  # long scale: fr billion = 10**12
        ("1,000.5", "en", "number", "1000.5"),
        ("1 000,5", "fr", "number", "1000.5"),
        ("1\u202f000,5", "fr", "number", "1000.5"),  # narrow no-break space, as Word/CLDR write it
        ("1.000", "de", "number", "1000"),
        ("1,000", "en", "number", "1000"),
        ("1.000", "en", "number", "1"),
        ("25%", "en", "percent", "25%"),
        ("25 %", "fr", "percent", "25%"),
        ("25 pour cent", "fr", "percent", "25%"),
        ("25 percent", "en", "percent", "25%"),
        ("3,5 Prozent", "de", "percent", "3.5%"),
        ("90 millions de dollars", "fr", "money", "90000000 USD"),
        ("$90 million", "en", "money", "90000000 USD"),
        ("€5", "en", "money", "5 EUR"),
        ("5 euros", "fr", "money", "5 EUR"),
        ("USD 5", "en", "money", "5 USD"),
        ("2 millions d'euros", "fr", "money", "2000000 EUR"),
        ("11 mai 2022", "fr", "date", "2022-05-11"),
        ("le 1er juin 2018", "fr", "date", "2018-06-01"),
        ("11 May 2022", "en", "date", "2022-05-11"),
        ("May 11, 2022", "en", "date", "2022-05-11"),
        ("am 11. Mai 2022", "de", "date", "2022-05-11"),
        ("el 11 de mayo de 2022", "es", "date", "2022-05-11"),
        ("2022-05-11", "en", "date", "2022-05-11"),
        ("11/05/2022", "fr", "date", "2022-05-11"),
        ("en juin 2018", "fr", "date", "2018-06"),
        ("in June 2018", "en", "date", "2018-06"),
        ("depuis 2018", "fr", "year", "2018"),
    ],
)
def test_extract_canonical_value(text: str, language: str, kind: str, value: str) -> None:
    q = only(text, language)
    assert (q.kind, q.value) == (kind, value)


def test_extract_keeps_surface_and_order() -> None:
    text = "Le 11 mai 2022, 84 Etats ont promis 7,7 millions d'euros, soit 25 % de plus."
    found = extract_quantities(text, "fr")
    assert [q.surface for q in found] == ["11 mai 2022", "84", "7,7 millions d'euros", "25 %"]
    assert [q.kind for q in found] == ["date", "number", "money", "percent"]


def test_names_with_numbers_are_ignored_and_ordinals_and_glued_units_are_read() -> None:
    found = extract_quantities("COVID-19 hit the G20 in 2020; she came 5th in the 100m.", "en")
    assert [q.value for q in found] == ["2020", "5", "100000000"]  # "100m": 100 million, or 100 metres
    assert not missing_quantities("elle est arrivée 5e du 100 m en 2020", "fr", found[1].surface + " 100m 2020", "en")


@pytest.mark.parametrize("language", ["zz", "", "xx-YY", "en-GB", "pt_BR"])
def test_unknown_or_regional_language_codes_fall_back_to_english_data(language: str) -> None:
    found = extract_quantities("In May 2022, 84 people paid $3.", language)
    assert [q.value for q in found] == ["2022-05", "84", "3 USD"]


# --- same_quantity across languages ------------------------------------------------


@pytest.mark.parametrize(
    ("left", "left_lang", "right", "right_lang"),
    [
        ("7,7 millions", "fr", "7.7 million", "en"),
        ("90 millions de dollars", "fr", "$90 million", "en"),
        ("11 mai 2022", "fr", "11 May 2022", "en"),
        ("11 mai 2022", "fr", "May 11, 2022", "en"),
        ("11 May 2022", "en", "May 11, 2022", "en"),
        ("en juin 2018", "fr", "in June 2018", "en"),
        ("84 Etats", "fr", "84 states", "en"),
        ("1,000.5", "en", "1 000,5", "fr"),
        ("25%", "en", "25 %", "fr"),
        ("25 %", "fr", "25 pour cent", "fr"),
        ("11. Mai 2022", "de", "11 May 2022", "en"),
        ("7,7 Millionen", "de", "7.7 million", "en"),
        ("1.000", "de", "1,000", "en"),
        ("11 mai 2022", "fr", "in 2022", "en"),  # a full date also covers its year...
        ("11 mai 2022", "fr", "in May 2022", "en"),  # ...and its month
        ("90 millions de dollars", "fr", "90 million", "en"),  # one side lacks the currency
        ("le 11 mai", "fr", "May 11th, 2022", "en"),  # a day without its year is that day
    ],
)
def test_same_quantity_matches(left: str, left_lang: str, right: str, right_lang: str) -> None:
    a, b = only(left, left_lang), only(right, right_lang)
    assert same_quantity(a, b)
    assert same_quantity(b, a)


@pytest.mark.parametrize(
    ("left", "left_lang", "right", "right_lang"),
    [
        ("575 millions de dollars", "fr", "$57.5 million", "en"),  # misplaced decimal point
        ("90 millions de dollars", "fr", "€90 million", "en"),  # wrong currency
        ("11 mai 2022", "fr", "12 May 2022", "en"),
        ("en juin 2018", "fr", "in July 2018", "en"),
        ("11 mai 2022", "fr", "in 2021", "en"),
        ("le 12 mai", "fr", "May 11th, 2022", "en"),
        ("25 %", "fr", "25", "en"),  # a percentage is not a bare number
        ("1,000", "en", "1,000", "fr"),  # "1,000" is one thousand in English, 1 in French
    ],
)
def test_same_quantity_rejects(left: str, left_lang: str, right: str, right_lang: str) -> None:
    assert not same_quantity(only(left, left_lang), only(right, right_lang))


# --- missing_quantities ------------------------------------------------------------

SOURCE_FR = (
    "Le 11 mai 2022, à Marrakech, 84 Etats ont promis 90 millions de dollars, "
    "soit 25 % de plus qu'en juin 2018, pour aider 7,7 millions de personnes."
)


def test_missing_quantities_reports_the_dropped_number() -> None:
    translation = (
        "On May 11, 2022, in Marrakech, 84 states pledged $90 million, "
        "25% more than in June 2018, to help people in need."
    )
    missing = missing_quantities(SOURCE_FR, "fr", translation, "en")
    assert [(q.surface, q.value) for q in missing] == [("7,7 millions", "7700000")]


def test_missing_quantities_empty_when_all_present() -> None:
    translation = (
        "On May 11, 2022, in Marrakech, 84 states pledged $90 million, "
        "25 percent more than in June 2018, to help 7.7 million people."
    )
    assert missing_quantities(SOURCE_FR, "fr", translation, "en") == []


def test_missing_quantities_catches_a_wrong_magnitude_and_deduplicates() -> None:
    source = "Le budget est de 575 millions de dollars. Oui, 575 millions de dollars."
    missing = missing_quantities(source, "fr", "The budget is $57.5 million.", "en")
    assert [q.value for q in missing] == ["575000000 USD"]


def test_missing_quantities_summary_numbers_must_exist_in_source() -> None:
    # Direction used for summaries: every number of the summary must be in the source.
    summary = "84 Etats ont promis 95 millions de dollars en 2022."
    assert [q.value for q in missing_quantities(summary, "fr", SOURCE_FR, "fr")] == ["95000000 USD"]


# --- normalise_text / find_quote ---------------------------------------------------


def test_normalise_text() -> None:
    assert normalise_text("  L’ÉTAT\u00a0\u202f–  «\u202fSouverain\u202f»\n") == "l'état -'souverain'"
    assert normalise_text('L\'État – "souverain"') == normalise_text("l’état — « Souverain »")


@pytest.mark.parametrize(
    "text",
    [
        "  L’ÉTAT\u00a0\u202f–  «\u202fSouverain\u202f»\n",
        "a ' ' b\t\t' c '",
        "e\u0301te\u0301 \u200b  ﬁn\u00adal — « x »",
        "Straße  İstanbul ＡＢＣ ½",
        *(path.read_text(encoding="utf-8") for path in sorted(INPUTS.glob("*.txt"))),
    ],
)
def test_normalised_text_and_its_spans_agree(text: str) -> None:
    # find_quote looks the normalised quote up in the source's span map: both must agree.
    assert normalise_text(text) == _normalise_map(text)[0]


SOURCE_QUOTE = (
    "Lors de la conférence de presse, le ministre a déclaré : « L’accord   signé "
    "aujourd’hui à Marrakech ouvre une nouvelle ère de coopération entre nos deux pays "
    "et nos partenaires africains », avant de quitter la salle."
)


def span(match: QuoteMatch) -> str:
    return SOURCE_QUOTE[match.start : match.end]


def test_find_quote_exact() -> None:
    quote = "ouvre une nouvelle ère de coopération"
    match = find_quote(quote, SOURCE_QUOTE)
    assert (match.kind, match.score) == ("exact", 100.0)
    assert span(match) == quote


@pytest.mark.parametrize(
    "quote",
    [
        "L'accord signé aujourd'hui à Marrakech",  # straight apostrophes, single spaces
        "l’accord signé AUJOURD’HUI à marrakech",  # case
        "L’accord\nsigné\u00a0aujourd’hui à Marrakech",  # other whitespace
    ],
)
def test_find_quote_normalised_maps_back_to_original(quote: str) -> None:
    match = find_quote(quote, SOURCE_QUOTE)
    assert (match.kind, match.score) == ("normalised", 100.0)
    assert span(match) == "L’accord   signé aujourd’hui à Marrakech"


def test_find_quote_normalised_guillemets_vs_straight_quotes() -> None:
    quote = "\"L'accord signé aujourd'hui à Marrakech ouvre une nouvelle ère de coopération"
    match = find_quote(quote, SOURCE_QUOTE)
    assert match.kind == "normalised"
    assert span(match).startswith("« L’accord")


def test_find_quote_fuzzy_one_word_changed() -> None:
    quote = (
        "L'accord signé aujourd'hui à Rabat ouvre une nouvelle ère de coopération "
        "entre nos deux pays et nos partenaires africains"
    )
    match = find_quote(quote, SOURCE_QUOTE)
    assert match.kind == "fuzzy"
    assert 90.0 <= match.score < 100.0
    assert span(match).startswith("L’accord")
    assert span(match).endswith("partenaires africains")


def test_find_quote_fuzzy_threshold_is_configurable() -> None:
    quote = "L'accord signé hier à Rabat ouvre une nouvelle ère de coopération"
    assert find_quote(quote, SOURCE_QUOTE).kind == "absent"
    assert find_quote(quote, SOURCE_QUOTE, fuzzy_threshold=75.0).kind == "fuzzy"


@pytest.mark.parametrize("quote", ["Le chat dort paisiblement sur le canapé du salon.", "", "   "])
def test_find_quote_absent(quote: str) -> None:
    match = find_quote(quote, SOURCE_QUOTE)
    assert (match.kind, match.start, match.end) == ("absent", -1, -1)
    assert match.score < 90.0


def test_find_quote_longer_than_source_is_not_a_perfect_fuzzy_match() -> None:
    # The source fits inside the quote, but the quote adds words the source never said.
    source = "Nous soutenons le processus politique."
    quote = "Nous soutenons le processus politique mené par les Nations unies au Sahara."
    assert find_quote(quote, source).kind == "absent"


# --- names -------------------------------------------------------------------------


def test_missing_names_is_case_and_accent_insensitive() -> None:
    text = "NASSER BOURITA a reçu Antony Blinken des États‑Unis à marrakech, avec Alice."
    names = ["Nasser Bourita", "antony blinken", "Etats-Unis", "Marrakech", "Rabat", "Ali"]
    # "Ali" must not be found inside "Alice": names are matched as whole words.
    assert missing_names(names, text) == ["Rabat", "Ali"]


def test_missing_names_empty_when_all_present() -> None:
    assert missing_names(["Valéry Giscard d’Estaing"], "valery giscard d'estaing est venu.") == []


def test_extract_names() -> None:
    text = (
        "Le ministre Nasser Bourita a reçu Antony Blinken à Marrakech. Blinken a salué "
        "Mohammed bin Salman et Bashar al-Assad. In May, the United Nations met on Monday."
    )
    names = extract_names(text)
    for expected in ["Nasser Bourita", "Antony Blinken", "Marrakech", "Mohammed bin Salman", "Bashar al-Assad"]:
        assert expected in names
    assert "United Nations" in names
    # Sentence-initial words, months and weekdays are not names.
    for rejected in ["Le", "In", "May", "Monday"]:
        assert all(rejected not in name.split() for name in names), names


def test_extract_names_sentence_start() -> None:
    text = "Nasser Bourita a reçu le ministre. Le Maroc soutient le plan. Hier, il pleuvait."
    # A full name opening a sentence is kept; "Le" (also seen as "le") and "Hier" are not names.
    assert extract_names(text) == ["Nasser Bourita", "Maroc"]


def test_extract_names_deduplicates() -> None:
    assert extract_names("Il a vu Rabat puis Rabat, puis RABAT et rabat.") == ["Rabat"]


def test_extract_names_drops_english_possessives() -> None:
    names = extract_names("The summit confirmed Morocco's role and the Coalition’s reach.")
    assert "Morocco" in names and "Morocco's" not in names
    assert missing_names(names, "Morocco hosted the Coalition.") == []

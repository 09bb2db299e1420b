"""Units after a number, and one value said in another unit ("135 km/h" is "85 mph").

A translator for another country converts: "620 km" becomes "385 miles", "26 degrés" becomes
"80 degrees". Both values are on the page, so code can tell a conversion from a changed
number: the converted value must round to the one written, at the precision each is written
with ("85" is written to the nearest 5, "82" to the nearest 1: 135 km/h is 83.9 mph, so "85
mph" is the same speed and "82 mph" is not).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

# unit -> (dimension, how many of the dimension's base unit one is), and the words that name it.
_UNITS: dict[str, tuple[str, float, tuple[str, ...]]] = {
    "km": ("length", 1000.0, ("km", "kilomètre", "kilometre", "kilometer", "kilómetro", "kilometro")),
    "m": ("length", 1.0, ("m", "mètre", "metre", "meter", "metro")),
    "cm": ("length", 0.01, ("cm", "centimètre", "centimetre", "centimeter", "centímetro")),
    "mm": ("length", 0.001, ("mm", "millimètre", "millimetre", "millimeter")),
    "mi": ("length", 1609.344, ("mi", "mile")),
    "yd": ("length", 0.9144, ("yd", "yard")),
    "ft": ("length", 0.3048, ("ft", "foot", "feet", "pied")),
    "in": ("length", 0.0254, ("inch", "inche", "pouce")),
    "km/h": ("speed", 1 / 3.6, ("km/h", "kmh", "km/hr", "kilomètres-heure", "kilomètres par heure", "kph")),
    "mph": ("speed", 0.44704, ("mph", "miles per hour", "miles an hour")),
    "kg": ("mass", 1.0, ("kg", "kilo", "kilogramme", "kilogram", "kilogramo")),
    "g": ("mass", 0.001, ("g", "gramme", "gram", "gramo")),
    "t": ("mass", 1000.0, ("tonne", "tonnes", "t")),
    "lb": ("mass", 0.45359237, ("lb", "lbs", "pound")),
    "oz": ("mass", 0.0283495, ("oz", "ounce")),
    "l": ("volume", 1.0, ("litre", "liter", "litro")),
    "gal": ("volume", 3.785411784, ("gallon", "gal")),
    "ha": ("area", 10000.0, ("ha", "hectare")),
    "acre": ("area", 4046.8564224, ("acre",)),
    "km2": ("area", 1e6, ("km2", "km²", "kilomètres carrés", "square kilometres", "square kilometers")),
    "sqmi": ("area", 2589988.11, ("square miles", "sq mi")),
    "°c": ("temperature", 1.0, ("°c", "celsius", "degrés celsius", "degrees celsius")),
    "°f": ("temperature", 1.0, ("°f", "fahrenheit", "degrees fahrenheit")),
    # "degrés"/"degrees" alone: Celsius or Fahrenheit, said by the value (see convertible)
    "°": ("temperature", 1.0, ("°", "degré", "degree", "grado", "grad")),
}
_TO_CELSIUS: dict[str, Callable[[float], float]] = {"°c": lambda c: c, "°f": lambda f: (f - 32) / 1.8}


@lru_cache(maxsize=1)
def _by_word() -> tuple[dict[str, str], re.Pattern[str]]:
    words: dict[str, str] = {}
    for unit, (_dimension, _factor, names) in _UNITS.items():
        for name in names:
            words[name.casefold()] = unit
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    # a plural -s or -es, and nothing glued after ("miles" yes, "milestone" no)
    return words, re.compile(rf"\s?(?:de\s+|d['’]\s*|of\s+|an?\s+)?({alternatives})(?:e?s)?(?![^\W\d_])", re.IGNORECASE)


def unit_at(text: str, end: int) -> tuple[str, int]:
    """The unit written right after a number that ends at `end` ("km", "mph"...), and where it
    ends; ("", end) when none is."""
    words, pattern = _by_word()
    if match := pattern.match(text, end):
        word = " ".join(match.group(1).casefold().split())
        return words.get(word) or words.get(word.rstrip("s"), ""), match.end()
    return "", end


def precision(value: Decimal) -> Decimal:
    """What a written value is rounded to: 85 to 5, 80 to 10, 385 to 5, 2.5 to 0.1, 4 to 1."""
    _sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    last = digits[-1] if digits else 0
    return Decimal(5 if last == 5 and len(digits) > 1 else 1).scaleb(exponent)


def _in_base(value: float, unit: str) -> float:
    dimension, factor, _names = _UNITS[unit]
    if dimension == "temperature":
        return _TO_CELSIUS[unit](value)
    return value * factor


def _scales(unit: str) -> tuple[str, ...]:
    """A bare "degree" may be either scale: the value tells (news writes 26 °C or 80 °F)."""
    return ("°c", "°f") if unit == "°" else (unit,)


def convertible(a: Decimal, unit_a: str, b: Decimal, unit_b: str) -> bool:
    """Whether `a unit_a` and `b unit_b` are one amount in two units (different ones of one
    dimension), within the precision each is written with."""
    if not unit_a or not unit_b or unit_a not in _UNITS or unit_b not in _UNITS:
        return False
    if _UNITS[unit_a][0] != _UNITS[unit_b][0]:
        return False
    for scale_a in _scales(unit_a):
        for scale_b in _scales(unit_b):
            if scale_a == scale_b:
                continue  # the same unit: the values must be equal (compared elsewhere)
            base_a, base_b = _in_base(float(a), scale_a), _in_base(float(b), scale_b)
            slack_a = abs(_in_base(float(a + precision(a)), scale_a) - base_a) / 2
            slack_b = abs(_in_base(float(b + precision(b)), scale_b) - base_b) / 2
            if abs(base_a - base_b) <= max(slack_a, slack_b) * 1.0001:
                return True
    return False


def _from_base(value: float, unit: str) -> float:
    if unit == "°f":
        return value * 1.8 + 32
    return value if _UNITS[unit][0] == "temperature" else value / _UNITS[unit][1]


def near_band(value: Decimal, unit: str, low: int, high: int) -> bool:
    """Whether `value unit`, give or take one step of the precision it is written with, falls in
    the band [low, high) read in some unit of its dimension: "26 degrés" (25-27 °C, 77-80.6 °F)
    is in "the 80s" and "the 20s", not in "the 90s". A band is loose, and says no unit."""
    if unit not in _UNITS:
        return False
    step = precision(value)
    dimension = _UNITS[unit][0]
    for scale in _scales(unit):
        ends = (_in_base(float(value - step), scale), _in_base(float(value + step), scale))
        for other in _UNITS:
            if _UNITS[other][0] == dimension and other != "°":
                bottom, top = sorted(_from_base(end, other) for end in ends)
                if bottom < high and top >= low:
                    return True
    return False

"""Bytes -> text: binary files refused by their signature, BOMs, UTF-16 without a BOM,
strict UTF-8, then charset detection (charset-normalizer)."""

from __future__ import annotations

import charset_normalizer

from summarise.errors import InputError

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "a program",
}
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, told by where its zero bytes fall.

    A Latin-1 character (a space, a digit, a line break: any real text has some) is a zero
    byte beside a printable one: the zero comes second in little-endian, first in
    big-endian. Binary data has zeros beside anything, on either side."""
    sample = data[: min(len(data), 4096) // 2 * 2]
    pairs = [(sample[i], sample[i + 1]) for i in range(0, len(sample), 2)]
    if len(pairs) < 8:
        return None
    for encoding, high, low in (("utf-16-le", 1, 0), ("utf-16-be", 0, 1)):
        ascii_pairs = [pair[low] for pair in pairs if pair[high] == 0]
        # U+0000-U+00FF: printable unless a control character (C0, DEL, C1)
        printable = sum(32 <= byte < 127 or byte >= 160 or byte in (9, 10, 13) for byte in ascii_pairs)
        other_side = sum(pair[low] == 0 and pair[high] != 0 for pair in pairs)
        if len(ascii_pairs) >= len(pairs) // 4 and printable == len(ascii_pairs) and other_side == 0:
            try:
                return data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def decode(data: bytes, source: str) -> str:
    """Bytes -> text: BOM first, then strict UTF-8, then charset detection."""
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"{source}: this is {kind}, not text; convert it to plain text first")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:4096]:
        if (text := _utf16_without_bom(data)) is not None:
            return text
        raise InputError(f"{source}: this is a binary file, not text; convert it to plain text first")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError(f"{source}: cannot tell the text encoding; save it as UTF-8 and try again")
    # Short Western text decodes cleanly in several code pages (cp1250 turns "à" into "ŕ");
    # on a tie, the most common legacy encoding, Windows-1252, wins.
    for match in matches:
        if match.chaos <= best.chaos and "cp1252" in match.could_be_from_charset:
            return data.decode("cp1252", errors="replace")
    return str(best)

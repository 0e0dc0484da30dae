"""What an Excel cell shows: a number through its number format, as the customer sees the code on screen.

A code typed as a number keeps only its digits: 049842770000 is stored as 49842770000 and shown with a
format of zeros (000000000000), "SF"0000000000000 shows a courier's letters before the digits, and a
scientific format (0.00E+00) shows a long number with its last digits gone. `compile_format` turns a format
code into a function giving that text; formats it cannot show exactly (fractions, conditions, text in a
number's place) give None, and the number is then read as Excel's General format shows it.

Two choices are made for codes rather than for looks: thousands separators are left out (a code has none,
and which character Excel shows depends on the computer), and a number shown with decimals that are all
zero (0.00 on 78123456789012) is its whole digits. Decimals that are not zero are kept, and marked
(`WithDecimals`), so that the import can refuse them instead of gluing them onto the code.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

EXACT_BELOW = 1e15  # Excel keeps 15 significant digits: a number this large has lost some


class WithDecimals(str):
    """The text of a number shown with decimals that are not zero: never a tracking number."""

    __slots__ = ()


def general(value) -> str:
    """A number as Excel's General format shows it, when it is wide enough: whole numbers as their digits."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < EXACT_BELOW:
        return str(int(value))
    text = format(value, ".15G")  # rounded by Excel already: the rounded form, which normalisation refuses
    if "E" not in text and "." in text:
        return WithDecimals(text)
    return text


# A format code's pieces, in order (ECMA-376 18.8.31).
_TOKENS = re.compile(
    r'"(?P<quoted>[^"]*)"?'  # "SF": text shown as it is
    r"|\\(?P<escaped>.)"  # \S: one character shown as it is
    r"|_(?P<space>.)"  # _) : a space as wide as the character
    r"|\*(?P<fill>.)"  # *- : the character repeated to fill the cell
    r"|\[(?P<bracket>[^\]]*)\]"  # [Red], [$-409], [$€-407], [>100]
    r"|(?P<scientific>[Ee][+-])"
    r"|(?P<general>General)"
    r"|(?P<digit>[0#?])"
    r"|(?P<other>.)",
    re.IGNORECASE | re.DOTALL,
)
_LITERAL_CHARACTERS = set("$-+()/:!^&'~{}<>= €¥£₫%,.@") | {" "}


def _sections(code: str) -> list[str]:
    """The format's sections (positive; negative; zero; text), split on ; outside quotes and brackets."""
    sections, current, quoted, bracket, escaped = [], [], False, False, False
    for ch in code:
        if escaped:
            escaped = False
        elif ch == "\\" and not quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    sections.append("".join(current))
    return sections


class _Section:
    """One section of a number format, as pieces: text shown as it is, digit places, the decimal point…"""

    def __init__(self, source: str):
        self.pieces: list[tuple[str, str]] = []  # ("text", s) | ("digit", "0#?") | ("point" | "general", "")
        self.scale = Decimal(1)
        self.scientific = ""  # "+" or "-" when the section shows an exponent
        self.exponent_places = 0
        self.supported = True
        seen_point = False
        commas = 0  # commas since the last whole-number digit place: "0," shows thousands, "0,," millions
        for match in _TOKENS.finditer(source):
            kind, text = match.lastgroup, match.group(match.lastgroup)
            if kind in ("quoted", "escaped"):
                self._text(text)
            elif kind == "space":
                self._text(" ")
            elif kind == "fill":
                continue
            elif kind == "bracket":
                self._bracket(text)
            elif kind == "scientific":
                if self.scientific:
                    self.supported = False
                self.scientific = text[1]
            elif kind == "general":
                self.pieces.append(("general", ""))
            elif kind == "digit":
                if self.scientific:
                    self.exponent_places += 1
                else:
                    if not seen_point:
                        commas = 0  # the commas were between digit places: thousands separators
                    self.pieces.append(("digit", text))
            elif text == "." and not seen_point and not self.scientific:
                seen_point = True
                self._scale_by(commas)
                commas = 0
                self.pieces.append(("point", ""))
            elif text == ",":
                if not seen_point and any(kind == "digit" for kind, _ in self.pieces):
                    commas += 1  # thousands separators are left out; a trailing one scales
            elif text == "%":
                self.scale *= 100
                self._text("%")
            elif text in _LITERAL_CHARACTERS and text not in "@/":
                self._text(text)
            else:  # @ (text in a number's place), / (a fraction), a letter Excel would not accept
                self.supported = False
        self._scale_by(commas)
        kinds = [kind for kind, _ in self.pieces]
        if "general" in kinds and (kinds.count("general") > 1 or "digit" in kinds or "point" in kinds):
            self.supported = False
        if "point" in kinds and "digit" not in kinds[: kinds.index("point")] and not self.scientific:
            self.supported = False  # ".00": no place for the whole number

    def whole_number_form(self) -> tuple[str, int, str] | None:
        """(text before, fewest digits, text after) when a whole number shows as its digits padded with
        zeros between two texts ("SF"0000000000000, 0.00, #,##0): the quick way for such formats."""
        kinds = [kind for kind, _ in self.pieces]
        if self.scientific or self.scale != 1 or "general" in kinds:
            return None
        first = next((i for i, kind in enumerate(kinds) if kind != "text"), None)
        if first is None:
            return None
        last = max(i for i, kind in enumerate(kinds) if kind != "text")
        if "text" in kinds[first:last]:
            return None  # text between the digits (000-0000-0000)
        point = kinds.index("point") if "point" in kinds else last + 1
        whole = "".join(text for kind, text in self.pieces[first:point] if kind == "digit")
        if "?" in whole or "0#" in whole:
            return None
        before = self.pieces[first - 1][1] if first else ""
        after = self.pieces[last + 1][1] if last + 1 < len(self.pieces) else ""
        return before, whole.count("0"), after

    def _scale_by(self, commas: int) -> None:
        if commas:
            self.scale /= Decimal(1000) ** commas

    def _text(self, text: str) -> None:
        if self.pieces and self.pieces[-1][0] == "text":
            self.pieces[-1] = ("text", self.pieces[-1][1] + text)
        else:
            self.pieces.append(("text", text))

    def _bracket(self, text: str) -> None:
        if text[:1] in "<>=":  # a condition: which section applies is no longer by sign
            self.supported = False
        elif text.startswith("$"):  # [$€-407]: a currency symbol, then the locale
            symbol = text[1:].split("-", 1)[0]
            if symbol:
                self._text(symbol)
        # colours ([Red], [Color10]) and locales show nothing

    def show(self, value: Decimal) -> str:
        """value (not negative, already scaled) as this section shows it."""
        if self.scientific:
            return self._show_scientific(value)
        texts = []
        places = [kind for kind, _ in self.pieces]
        if "general" in places:
            for kind, text in self.pieces:
                texts.append(general(_as_number(value)) if kind == "general" else text)
            return "".join(texts)
        point = places.index("point") if "point" in places else len(places)
        whole_places = [text for kind, text in self.pieces[:point] if kind == "digit"]
        decimal_places = [text for kind, text in self.pieces[point:] if kind == "digit"]
        rounded = value.quantize(Decimal(1).scaleb(-len(decimal_places)), rounding=ROUND_HALF_UP)
        whole, _, fraction = f"{rounded:f}".partition(".")
        whole = whole.lstrip("0")
        decimals = fraction.ljust(len(decimal_places), "0") if decimal_places else ""
        shown_decimals = bool(decimals.strip("0"))
        whole_digits = self._fill_whole(whole, whole_places)
        decimal_digits = self._fill_decimals(decimals, decimal_places) if shown_decimals else []
        digit_index = decimal_index = 0
        for index, (kind, text) in enumerate(self.pieces):
            if kind == "text":
                texts.append(text)
            elif kind == "point":
                if shown_decimals:
                    texts.append(".")
            elif index < point:
                texts.append(whole_digits[digit_index])
                digit_index += 1
            elif shown_decimals:
                texts.append(decimal_digits[decimal_index])
                decimal_index += 1
        shown = "".join(texts)
        return WithDecimals(shown) if shown_decimals else shown

    @staticmethod
    def _fill_whole(digits: str, places: list[str]) -> list[str]:
        """The text each whole-number place shows: digits from the right, the rest to the first place."""
        if not places:
            return []
        filled = []
        remaining = digits
        for place in reversed(places):
            if remaining:
                filled.append(remaining[-1])
                remaining = remaining[:-1]
            else:
                filled.append({"0": "0", "#": "", "?": " "}[place])
        filled.reverse()
        filled[0] = remaining + filled[0]
        return filled

    @staticmethod
    def _fill_decimals(digits: str, places: list[str]) -> list[str]:
        filled = list(digits)
        for index in range(len(places) - 1, -1, -1):  # trailing zeros in # and ? places are not shown
            if filled[index] != "0" or places[index] == "0":
                break
            filled[index] = "" if places[index] == "#" else " "
        return filled

    def _show_scientific(self, value: Decimal) -> str:
        point = [kind for kind, _ in self.pieces].index("point") if ("point", "") in self.pieces else None
        decimals = sum(1 for kind, _ in self.pieces[point:] if kind == "digit") if point is not None else 0
        mantissa, _, exponent = format(float(value), f".{decimals}E").partition("E")
        sign = "-" if exponent.startswith("-") else ("+" if self.scientific == "+" else "")
        digits = exponent.lstrip("+-").lstrip("0") or "0"
        prefix = "".join(text for kind, text in self.pieces[: self._first_digit()] if kind == "text")
        return f"{prefix}{mantissa}E{sign}{digits.zfill(max(self.exponent_places, 1))}"

    def _first_digit(self) -> int:
        return next((i for i, (kind, _) in enumerate(self.pieces) if kind != "text"), len(self.pieces))


def _as_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def compile_format(code: str | None):
    """A function number → the text Excel shows with this format, or None to show it as General does."""
    if not code or code.strip().casefold() in ("general", "@"):
        return None
    parts = _sections(code)
    try:
        numeric = [_Section(part) for part in parts[:3]]
    except (ArithmeticError, ValueError, IndexError):
        return None
    if not all(section.supported for section in numeric):
        return None
    if not any(kind != "text" for section in numeric for kind, _ in section.pieces) and not any(
        section.scientific for section in numeric
    ):
        return None  # no place for the number at all (a format of text only): not a code's format

    quick = numeric[0].whole_number_form()

    def show(number) -> str:
        if isinstance(number, float) and number != number:  # NaN cannot be stored; be safe
            return general(number)
        if quick is not None and 0 < number < EXACT_BELOW and number == int(number):
            before, width, after = quick
            return f"{before}{int(number):0{width}d}{after}"
        if abs(number) >= EXACT_BELOW:
            return general(float(number))  # Excel has lost digits past the 15th: the rounded form
        try:
            value = Decimal(number) if isinstance(number, int) else Decimal(repr(number))
            if len(numeric) >= 3 and value == 0:
                section, sign = numeric[2], ""
            elif len(numeric) >= 2 and value < 0:
                section, sign = numeric[1], ""
            else:
                section, sign = numeric[0], "-" if value < 0 else ""
            shown = section.show(abs(value) * section.scale)
        except (ArithmeticError, ValueError, IndexError):  # e.g. more decimal places than Decimal holds
            return general(number)
        if sign:
            return type(shown)(sign + shown)
        return shown

    return show


def compile_text_format(code: str | None):
    """A function text → what a text cell shows with this format ("SF"@ shows SF before it), or None."""
    if not code or "@" not in code:
        return None
    parts = _sections(code)
    if len(parts) == 4:
        text_part = parts[3]
    elif len(parts) == 1:
        text_part = parts[0]
    else:
        return None
    before, at, after = [], False, []
    for match in _TOKENS.finditer(text_part):
        kind, text = match.lastgroup, match.group(match.lastgroup)
        if kind in ("quoted", "escaped"):
            (after if at else before).append(text)
        elif kind in ("space", "fill") or (kind == "bracket" and text[:1] not in "<>=$"):
            continue
        elif kind == "other" and text == "@" and not at:
            at = True
        elif kind == "other" and text in _LITERAL_CHARACTERS and text != "@":
            (after if at else before).append(text)
        else:
            return None
    if not at:
        return None
    prefix, suffix = "".join(before), "".join(after)
    if not prefix and not suffix:
        return None
    return lambda text: f"{prefix}{text}{suffix}"

"""The tokenizer of metric math: numbers, identifiers, strings, operators and punctuation."""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.services.cloudwatch.math.errors import MathError

#: two-character operators are tried before one-character ones
OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "^", "<", ">", "(", ")", "[", "]", ",")
KEYWORDS = {"AND": "&&", "OR": "||", "NOT": "NOT"}


@dataclass(frozen=True)
class Token:
    """One token: its kind (num, id, str, op, end), its text or value, and where it starts."""

    kind: str
    value: str | float
    pos: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token; raises MathError on a bad character."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            if j < n and text[j] in "eE" and j + 1 < n and (text[j + 1].isdigit() or (text[j + 1] in "+-" and j + 2 < n and text[j + 2].isdigit())):
                j += 2
                while j < n and text[j].isdigit():
                    j += 1
            literal = text[i:j]
            try:
                tokens.append(Token("num", float(literal), i))
            except ValueError:
                raise MathError(f"Invalid number {literal!r} at position {i}", i) from None
            i = j
            continue
        if ch.isalpha() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if word.upper() in KEYWORDS:
                tokens.append(Token("op", KEYWORDS[word.upper()], i))
            else:
                tokens.append(Token("id", word, i))
            i = j
            continue
        if ch in "'\"":
            j = i + 1
            out: list[str] = []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise MathError(f"Unterminated string starting at position {i}", i)
            tokens.append(Token("str", "".join(out), i))
            i = j + 1
            continue
        for op in OPERATORS:
            if text.startswith(op, i):
                tokens.append(Token("op", op, i))
                i += len(op)
                break
        else:
            raise MathError(f"Unexpected character {ch!r} at position {i}", i)
    tokens.append(Token("end", "", n))
    return tokens

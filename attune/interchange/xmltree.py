"""A small, safe XML tree with line numbers, on the standard library's expat.

Safety: a document type declaration (DTD), and so any entity declaration, is refused,
which rules out external entities and entity expansion bombs; nesting depth and element
count are bounded. Every element keeps the line it starts on, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from attune.errors import InputError

MAX_DEPTH = 200
MAX_ELEMENTS = 5_000_000


@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str) -> Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_xml(data: bytes, name: str) -> Node:
    """Parse ``data``; raise :class:`InputError` naming the line of any problem."""
    parser = expat.ParserCreate()
    stack: list[Node] = []
    root: list[Node] = []
    count = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        count[0] += 1
        if count[0] > MAX_ELEMENTS or len(stack) >= MAX_DEPTH:
            raise _Refused(f"line {parser.CurrentLineNumber}: the document is too large or "
                           "nested too deeply")
        node = Node(tag, dict(attrs), parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].text_parts.append(text)

    def doctype(*args: object) -> None:
        raise _Refused(f"line {parser.CurrentLineNumber}: a DOCTYPE declaration is not "
                       "allowed (it could pull in outside files)")

    def entity(*args: object) -> None:
        raise _Refused(f"line {parser.CurrentLineNumber}: entity declarations are not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = lambda *a: 0  # type: ignore[assignment,return-value]
    try:
        parser.Parse(data, True)
    except _Refused as err:
        raise InputError(f"{name}, {err.message}; this is not a plain XML file.") from None
    except expat.ExpatError as err:
        raise InputError(f"{name}, line {err.lineno} column {err.offset}: not well-formed XML "
                         f"({expat.ErrorString(err.code)}); the file may be damaged or "
                         "truncated.") from None
    except RecursionError:
        raise InputError(f"{name}: the XML is nested too deeply.") from None
    except (LookupError, ValueError) as err:  # e.g. an unknown encoding in the declaration
        raise InputError(f"{name}, line 1: the XML cannot be decoded ({err}); save it as "
                         "UTF-8.") from None
    if not root:
        raise InputError(f"{name}: the XML has no root element.")
    return root[0]

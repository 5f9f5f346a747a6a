"""The HTML part of an e-mail: a short page beside the plain text, built from escaped pieces.

Every piece of text goes through `html.escape` here and nowhere else (quotes too inside an
attribute): an organisation named
« Bois & Fils <SARL> » or a reason a person typed is shown as written, never read as markup.
The page is what a screen reader and a phone read well: the recipient's language on <html>,
one heading, paragraphs and lists, a link whose words say where it goes, inline styles only
(mail clients drop style sheets), dark text on white.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

BODY = (
    "margin:0;padding:16px;background:#ffffff;color:#1a1a1a;"
    "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5"
)
HEADING = "margin:0 0 16px;font-size:22px;line-height:1.3;color:#1a1a1a"
LINK = "color:#0b4f8a;text-decoration:underline"
FOOTER = "margin-top:24px;padding-top:8px;border-top:1px solid #cccccc;color:#4d4d4d;font-size:14px"


def _text(value: str) -> str:
    """`value` as the text of an element (quotes need no escaping there)."""
    return escape(value, quote=False)


def page(lang: str, title: str, blocks: Iterable[str]) -> str:
    """A whole HTML document in `lang` headed by `title`, with `blocks` (made by the
    functions below, hence already escaped) one after another."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_text(title)}</title>",
            "</head>",
            f'<body style="{BODY}">',
            f'<h1 style="{HEADING}">{_text(title)}</h1>',
            *blocks,
            "</body>",
            "</html>",
            "",
        ]
    )


def paragraph(text: str) -> str:
    """A paragraph; its line breaks kept."""
    return "<p>" + "<br>\n".join(_text(line) for line in text.split("\n")) + "</p>"


def heading(text: str) -> str:
    """A second-level heading (a part of the message)."""
    return f'<h2 style="font-size:18px;margin:20px 0 8px">{_text(text)}</h2>'


def items(texts: Iterable[str]) -> str:
    """A bulleted list, one item per text."""
    lines = "\n".join(f"<li>{_text(text)}</li>" for text in texts)
    return f"<ul>\n{lines}\n</ul>"


def link(url: str, words: str) -> str:
    """A paragraph holding a link to `url` named by `words`, then the address itself (for
    whoever copies it)."""
    return f'<p><a href="{escape(url)}" style="{LINK}">{_text(words)}</a><br>\n{_text(url)}</p>'


def footer(lines: Iterable[str]) -> str:
    """The signature and the note on who sent the message, set apart by a thin line."""
    return f'<div style="{FOOTER}">' + "".join(paragraph(line) for line in lines) + "</div>"

"""Reading rendered pages in tests: elements, their attributes and the ids they point at."""

from __future__ import annotations

from html.parser import HTMLParser

ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for", "list")


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes, ancestors' tags and classes)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, list[tuple[str, str]]]] = []
        self._open: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes, list(self._open)))
        if tag not in {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}:
            self._open.append((tag, attributes.get("class", "")))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def with_tag(self, tag: str) -> list[dict]:
        return [attributes for name, attributes, _ in self.elements if name == tag]


def broken_references(html: str) -> list[str]:
    """Attributes that name an id no element on the page has, and in-page links to nowhere."""
    page = Elements(html)
    ids = {attributes["id"] for _, attributes, _ in page.elements if "id" in attributes}
    broken = []
    for tag, attributes, _ in page.elements:
        for name in ID_REFERENCES:
            for target in attributes.get(name, "").split():
                if target not in ids:
                    broken.append(f'<{tag} {name}="{target}">')
        href = attributes.get("href", "") if tag == "a" else ""
        if href.startswith("#") and len(href) > 1 and href[1:] not in ids:
            broken.append(f'<a href="{href}">')
    return broken


def tables_outside_a_scroll_container(html: str) -> int:
    """How many tables would widen the page on a phone instead of scrolling on their own."""
    page = Elements(html)
    return sum(
        1
        for tag, _attributes, ancestors in page.elements
        if tag == "table" and not any("table-scroll" in classes.split() for _, classes in ancestors)
    )

"""What a page's HTML must satisfy: labelled inputs and nothing the strict CSP would block."""

from dataclasses import dataclass
from html.parser import HTMLParser

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@dataclass
class Control:
    description: str
    id: str | None
    inside_label: bool
    aria_labelled: bool


class PageAudit(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.label_targets: set[str] = set()
        self.open_labels = 0
        self.open_forms = 0
        self.controls: list[Control] = []
        self.script_sources: list[str] = []
        self.inline_code: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.inline_code += [
            f"<{tag} {name}>" for name in attributes if name == "style" or name.startswith("on")
        ]
        if tag == "style":
            self.inline_code.append("<style>")
        elif tag == "script":
            if attributes.get("src"):
                self.script_sources.append(attributes["src"])
            elif attributes.get("type") not in DATA_SCRIPT_TYPES:
                self.inline_code.append("<script> without src")
        elif tag == "form":
            self.open_forms += 1
        elif tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_targets.add(attributes["for"])
        if self.open_forms and self._needs_label(tag, attributes):
            self.controls.append(
                Control(
                    description=f"<{tag} name={attributes.get('name')!r}>",
                    id=attributes.get("id"),
                    inside_label=self.open_labels > 0,
                    aria_labelled=bool(
                        attributes.get("aria-label") or attributes.get("aria-labelledby")
                    ),
                )
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self.open_forms -= 1
        elif tag == "label":
            self.open_labels -= 1

    @staticmethod
    def _needs_label(tag, attributes):
        if tag in {"select", "textarea"}:
            return True
        return tag == "input" and attributes.get("type", "text") not in UNLABELLED_INPUT_TYPES

    @property
    def unlabelled(self) -> list[str]:
        return [
            control.description
            for control in self.controls
            if not (
                control.inside_label
                or control.aria_labelled
                or (control.id and control.id in self.label_targets)
            )
        ]


def audit_page(response) -> PageAudit:
    """Parse the page and assert every form input is labelled and nothing inline is used."""
    page = PageAudit(response.content.decode())
    assert page.unlabelled == [], f"inputs without a label: {page.unlabelled}"
    assert page.inline_code == [], f"inline code the CSP blocks: {page.inline_code}"
    return page

"""Find an app's forms the way a visitor would: follow its links and read what its pages offer.

`crawl` GETs pages through Django's test client, breadth first, following same-site links
(<a href>, hx-get, and GET forms submitted with what they show) and reading every place a page
can POST from: <form method="post">, and elements with hx-post (a form, a button inside one,
or an element on its own with hx-vals). Parsing is html.parser's; nothing is run.
"""

import json
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

SITE_HOSTS = ("", "testserver")
# Inputs a browser never sends a value for (a submit input is sent only as the submitter).
NOT_SENT = {"button", "file", "image", "reset"}


@dataclass
class Field:
    """One name a form sends: the values it offers, and what the page sends untouched."""

    name: str
    kind: str
    offered: list[str] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return self.kind == "hidden"

    def add(self, other: "Field") -> None:
        """Another control with this name (radios, checkboxes, repeated inputs)."""
        self.offered += [value for value in other.offered if value not in self.offered]
        self.untouched += other.untouched


@dataclass
class Form:
    """A place a page sends data from. `submitters` are its named buttons: a browser sends the
    clicked one's name and value alongside the fields."""

    method: str
    action: str
    page: str
    htmx: bool
    fields: dict[str, Field] = field(default_factory=dict)
    submitters: list[tuple[str, str]] = field(default_factory=list)
    # Headers htmx adds to every request from the page (hx-headers, such as X-CSRFToken).
    htmx_headers: dict[str, str] = field(default_factory=dict)

    def add_field(self, new: Field) -> None:
        if new.name in self.fields:
            self.fields[new.name].add(new)
        else:
            self.fields[new.name] = new

    def untouched_data(self) -> list[tuple[str, str]]:
        return [(name, value) for name, item in self.fields.items() for value in item.untouched]


def _json_attribute(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class Page(HTMLParser):
    """What a page at `url` offers: its links and its forms (read_page fills it in)."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.htmx_headers: dict[str, str] = {}
        self._form: Form | None = None
        self._forms_by_id: dict[str, list[Form]] = {}
        # Controls outside their form, tied to it by form="id": attached at the end.
        self._owned_elsewhere: list[tuple[str, Field | None, tuple[str, str] | None]] = []
        # Buttons with an hx-post of their own: (their form, the target they post to).
        self._button_targets: list[tuple[Form, Form]] = []
        self._textarea: tuple[Field, list[str], str | None] | None = None
        self._select: tuple[Field, bool, str | None] | None = None
        self._option: tuple[dict, list[str]] | None = None
        self._select_has_choice = False

    def _absolute(self, url: str) -> str:
        return urljoin(self.url, url)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "hx-headers" in attributes:
            self.htmx_headers.update(
                {str(k): str(v) for k, v in _json_attribute(attributes["hx-headers"]).items()}
            )
        if tag == "a" and attributes.get("href"):
            self.links.append(self._absolute(attributes["href"]))
        if attributes.get("hx-get"):
            self.links.append(self._absolute(attributes["hx-get"]))
        if tag == "form":
            self._start_form(attributes)
        elif tag == "input":
            self._input(attributes)
        elif tag == "button":
            self._button(attributes)
        elif tag == "textarea" and attributes.get("name") and "disabled" not in attributes:
            self._textarea = (Field(attributes["name"], "textarea"), [], attributes.get("form"))
        elif tag == "select" and attributes.get("name") and "disabled" not in attributes:
            multiple = "multiple" in attributes
            self._select = (Field(attributes["name"], "select"), multiple, attributes.get("form"))
            self._select_has_choice = False
        elif tag == "option" and self._select is not None:
            self._option = (attributes, [])
        elif attributes.get("hx-post") and tag != "form":
            self._lone_htmx_element(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            control, text, owner_id = self._textarea
            # A browser drops the newline right after <textarea>; Django's widget writes one.
            value = "".join(text).removeprefix("\r\n").removeprefix("\n")
            control.offered, control.untouched = [value], [value]
            self._place(control, owner_id)
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._end_option()
            control, multiple, owner_id = self._select
            if not multiple and not control.untouched and control.offered:
                control.untouched = [control.offered[0]]
            self._place(control, owner_id)
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[1].append(data)

    def close(self):
        super().close()
        for owner_id, control, submitter in self._owned_elsewhere:
            for form in self._forms_by_id.get(owner_id, []):
                if control is not None:
                    form.add_field(control)
                if submitter is not None:
                    form.submitters.append(submitter)
        for form, target in self._button_targets:
            target.fields = dict(form.fields)

    # -- forms and their controls -----------------------------------------------------------

    def _start_form(self, attributes):
        method = (attributes.get("method") or "get").lower()
        hx_post = attributes.get("hx-post")
        hx_get = attributes.get("hx-get")
        if hx_post is not None:
            form = Form("post", self._absolute(hx_post), self.url, htmx=True)
        elif method == "post":
            form = Form("post", self._absolute(attributes.get("action") or ""), self.url, False)
        else:
            action = attributes.get("action") or hx_get or ""
            form = Form("get", self._absolute(action), self.url, htmx=hx_get is not None)
        self._form = form
        self.forms.append(form)
        if attributes.get("id"):
            self._forms_by_id.setdefault(attributes["id"], []).append(form)

    def _place(self, control: Field, owner_id: str | None) -> None:
        if owner_id:
            self._owned_elsewhere.append((owner_id, control, None))
        elif self._form is not None:
            self._form.add_field(control)

    def _input(self, attributes):
        name = attributes.get("name")
        kind = (attributes.get("type") or "text").lower()
        if not name or kind in NOT_SENT or "disabled" in attributes:
            return
        value = attributes.get("value")
        if kind == "submit":
            self._submitter(attributes, name, value or "")
            return
        if kind in ("checkbox", "radio"):
            value = "on" if value is None else value
            untouched = [value] if "checked" in attributes else []
            control = Field(name, kind, [value], untouched)
        else:
            control = Field(name, kind, [value or ""], [value or ""])
        self._place(control, attributes.get("form"))

    def _button(self, attributes):
        kind = (attributes.get("type") or "submit").lower()
        if attributes.get("hx-post") and self._form is not None:
            # A button that posts somewhere of its own, with its form's fields.
            target = Form("post", self._absolute(attributes["hx-post"]), self.url, htmx=True)
            if attributes.get("name"):
                target.submitters.append((attributes["name"], attributes.get("value") or ""))
            self._button_targets.append((self._form, target))
            self.forms.append(target)
            return
        if attributes.get("hx-post"):
            self._lone_htmx_element(attributes)
            return
        if kind != "submit" or "disabled" in attributes or not attributes.get("name"):
            return
        self._submitter(attributes, attributes["name"], attributes.get("value") or "")

    def _submitter(self, attributes, name: str, value: str) -> None:
        if attributes.get("form"):
            self._owned_elsewhere.append((attributes["form"], None, (name, value)))
        elif self._form is not None:
            self._form.submitters.append((name, value))

    def _lone_htmx_element(self, attributes):
        target = Form("post", self._absolute(attributes["hx-post"]), self.url, htmx=True)
        for name, value in _json_attribute(attributes.get("hx-vals")).items():
            target.add_field(Field(str(name), "hidden", [str(value)], [str(value)]))
        if attributes.get("name"):
            value = attributes.get("value") or ""
            target.add_field(Field(attributes["name"], "hidden", [value], [value]))
        self.forms.append(target)

    def _end_option(self):
        attributes, text = self._option
        control, multiple, _owner_id = self._select
        value = attributes.get("value")
        value = "".join(text).strip() if value is None else value
        if "disabled" not in attributes:
            control.offered.append(value)
            if "selected" in attributes and (multiple or not self._select_has_choice):
                control.untouched.append(value)
                self._select_has_choice = True
        self._option = None


def _site_path(url: str) -> str | None:
    """The path and query of a same-site http URL, without its fragment; None for others."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in SITE_HOSTS:
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _get_form_urls(form: Form) -> list[str]:
    """A GET form as submitted with what it shows, and with each select set to its first real
    option in turn (a search form shows results only once something is asked)."""
    base = form.untouched_data()
    urls = [f"{form.action.split('?')[0]}?{urlencode(base)}"]
    for name, control in form.fields.items():
        choices = [value for value in control.offered if value]
        if control.kind == "select" and choices:
            data = [(key, value) for key, value in base if key != name] + [(name, choices[0])]
            urls.append(f"{form.action.split('?')[0]}?{urlencode(data)}")
    return urls


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    # GETs answered with a server error: (url, status).
    broken: list[tuple[str, int]] = field(default_factory=list)


def read_page(url: str, html: str) -> Page:
    page = Page(url)
    page.feed(html)
    page.close()
    for form in page.forms:
        form.htmx_headers = dict(page.htmx_headers)
    return page


def crawl(client, start_urls, *, skip_prefixes=(), max_pages: int = 200) -> Crawl:
    """Visit the pages reachable from `start_urls` with plain GETs; collect their forms."""
    found = Crawl()
    queue = deque(path for url in start_urls if (path := _site_path(url)))
    seen = set(queue)
    while queue and len(found.pages) < max_pages:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 500:
            found.broken.append((path, response.status_code))
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            links = [urljoin(path, response["Location"])]
            forms = []
        elif response.status_code == 200 and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            page = read_page(path, response.content.decode(response.charset or "utf-8"))
            found.pages.append(path)
            forms = page.forms
            links = page.links + [
                url for form in forms if form.method == "get" for url in _get_form_urls(form)
            ]
        else:
            continue
        found.forms += [form for form in forms if form.method == "post"]
        for link in links:
            target = _site_path(link)
            if target is None or target in seen or target.startswith(tuple(skip_prefixes)):
                continue
            seen.add(target)
            queue.append(target)
    return found

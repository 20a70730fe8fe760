"""Rich text of knowledge articles (KB-1): what the editor may produce survives, everything else
(scripts, styles, event handlers such as `onclick`, `javascript:` links, frames, images from other
hosts) is removed by nh3 (the Ammonia sanitizer) before the body is stored."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "div",
    "span",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "sub",
    "sup",
    "small",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed together with what they contain, not only their tags.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_BLOCK_END = re.compile(r"<\s*(?:br|hr)\b[^>]*>|<\s*/\s*(?:p|div|li|h[1-6]|blockquote|pre|tr|table|ul|ol)\s*>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_html(body: str) -> str:
    """The body as safe HTML. Text without any tag (typed into a plain textarea or sent through
    the API) becomes paragraphs, so its line breaks survive."""
    body = (body or "").strip()
    if not body:
        return ""
    if not _TAG.search(body):
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]
        body = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain_text(clean_body: str) -> str:
    """The text of a sanitized body, for search and excerpts: tags gone, block ends become line
    breaks (so words of two paragraphs never run together), entities decoded."""
    with_breaks = _BLOCK_END.sub("\n", clean_body or "")
    text = html.unescape(nh3.clean(with_breaks, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()

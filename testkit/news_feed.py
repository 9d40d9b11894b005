"""A small invented news feed for tests: three daily briefings, as RSS or Atom, and their pages.

Every name, place and figure here is made up. Each article is a web page as a news site
serves it (a headline, sections, sentences worth asking about); the feed dates each entry,
the pages do not, so a test can see that the feed's date is the one kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from testkit.local_site import LocalSite


@dataclass(frozen=True)
class Article:
    """One briefing: where its page is, its id in the feed, its title, date and sections."""

    path: str
    guid: str
    title: str
    published: str  # RFC 822, as RSS writes it
    iso: str  # RFC 3339, as Atom writes it
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def html(self) -> str:
        """The article as a news site's page, with navigation and a footer around it."""
        parts = [f"<h1>{escape(self.title)}</h1>"]
        for heading, sentences in self.sections:
            parts.append(f"<h2>{escape(heading)}</h2>")
            parts.append("<p>" + " ".join(escape(s) for s in sentences) + "</p>")
        body = "\n".join(parts)
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(self.title)} | Merrow Valley Daily</title>"
            "<meta property='og:site_name' content='Merrow Valley Daily'></head>"
            f"<body><nav><a href='/'>Home</a></nav><main><article>{body}</article></main>"
            "<footer>Copyright Merrow Valley Daily.</footer></body></html>"
        )


ARTICLES = (
    Article(
        "/news/flood-barrier.html",
        "mvd-2026-11-16-barrier",
        "Flood barrier works begin on the Merrow",
        "Mon, 16 Nov 2026 07:30:00 +0000",
        "2026-11-16T07:30:00Z",
        (
            (
                "Works",
                (
                    "Crews began building the Merrow flood barrier at Tollbridge on Monday.",
                    "The barrier will be 1.4 kilometres long and is due to be finished in"
                    " March 2027.",
                    "The regional council has set aside 38 million crowns for the works.",
                ),
            ),
            (
                "Traffic",
                (
                    "The riverside road at Tollbridge will be closed to lorries for six weeks.",
                    "Buses will run on the upper road while the works last.",
                ),
            ),
        ),
    ),
    Article(
        "/news/ferry-strike.html",
        "mvd-2026-11-17-ferry",
        "Ferry crews strike over rosters",
        "Tue, 17 Nov 2026 18:05:00 +0100",
        "2026-11-17T18:05:00+01:00",
        (
            (
                "Strike",
                (
                    "Crews of the Merrow ferry walked out on Tuesday in a dispute over"
                    " night rosters.",
                    "The union said 140 of its members joined the strike.",
                    "No ferry will cross between Lowmere and Harrowgate until Thursday.",
                ),
            ),
            (
                "Talks",
                (
                    "The ferry company offered to meet the union on Wednesday morning.",
                    "Commuters were told to use the bridge at Tollbridge instead.",
                ),
            ),
        ),
    ),
    Article(
        "/news/hospital-wing.html",
        "mvd-2026-11-18-hospital",
        "Lowmere hospital opens a new children's wing",
        "Wed, 18 Nov 2026 09:00:00 +0000",
        "2026-11-18T09:00:00Z",
        (
            (
                "Opening",
                (
                    "Lowmere General Hospital opened its new children's wing on Wednesday.",
                    "The wing has 42 beds and two operating theatres.",
                    "It was paid for by a public appeal that raised 9 million crowns.",
                ),
            ),
            (
                "Staff",
                (
                    "The hospital has hired 60 nurses to staff the new wing.",
                    "Doctor Ilse Varga will lead its surgical team.",
                ),
            ),
        ),
    ),
)


def rss(site: str, articles: tuple[Article, ...] = ARTICLES) -> str:
    """An RSS 2.0 feed of ``articles`` (newest first, as feeds list them) on ``site``."""
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{site}{a.path}</link>"
        f"<guid isPermaLink='false'>{a.guid}</guid><pubDate>{a.published}</pubDate></item>"
        for a in reversed(articles)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Merrow Valley Daily</title><link>{site}/</link>"
        f"<description>News of the Merrow valley</description>{items}</channel></rss>"
    )


def atom(site: str, articles: tuple[Article, ...] = ARTICLES) -> str:
    """The same as an Atom 1.0 feed."""
    entries = "".join(
        f"<entry><title>{escape(a.title)}</title><link href='{site}{a.path}'/>"
        f"<id>urn:mvd:{a.guid}</id><updated>{a.iso}</updated></entry>"
        for a in reversed(articles)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Merrow Valley Daily</title><id>urn:mvd</id><updated>{ARTICLES[-1].iso}</updated>"
        f"{entries}</feed>"
    )


def serve(site: LocalSite, articles: tuple[Article, ...] = ARTICLES, *, kind: str = "rss") -> str:
    """Put ``articles``' pages and a feed of them on ``site``; the feed's URL."""
    for article in articles:
        site.put(article.path, article.html())
    if kind == "atom":
        return site.put("/atom.xml", atom(site.url, articles), "application/atom+xml")
    return site.put("/feed.xml", rss(site.url, articles), "application/rss+xml")

"""The index cache's layout: documents and index arrays as plain, typed numpy arrays.

Strings (sentences, terms, words, titles...) are stored as one UTF-8 text and the length of
each piece, so there is never an object array to unpickle. Metadata is JSON, checked at save
time to come back equal. Every array read back is checked for shape and bounds before use.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bot.core.analysis.entities import AnswerType
from bot.core.ingest.documents import Document, DocumentMeta, KnowledgeBase, Paragraph
from bot.core.search.build import IndexArrays
from bot.core.search.postings import Postings

FORMAT = 1
_DATE, _DATETIME = "__date__", "__datetime__"
_FIELDS = ("sentences", "windows", "paragraphs", "headings")


def _pack(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.frombuffer("".join(texts).encode(), dtype=np.uint8),
        np.array([len(t) for t in texts], dtype=np.int64),
    )


def _unpack(blob: np.ndarray, lengths: np.ndarray) -> list[str]:
    text = bytes(blob).decode()
    ends = np.cumsum(lengths).tolist()
    if ends and ends[-1] != len(text):
        raise ValueError("text lengths do not add up")
    starts = [0, *ends[:-1]] if ends else []
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def _tagged(value: Any) -> Any:
    """Front matter as JSON, dates tagged so they come back as dates (YAML reads them so)."""
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tagged(v) for v in value]
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DATETIME}:
            return dt.datetime.fromisoformat(value[_DATETIME])
        if set(value) == {_DATE}:
            return dt.date.fromisoformat(value[_DATE])
        return {k: _untagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    return value


def _documents(base: KnowledgeBase) -> dict[str, np.ndarray] | None:
    metas: list[dict[str, object]] = []
    sections: list[str] = []
    sentences: list[str] = []
    table = []  # per paragraph: document, line, section (-1: none), sentence count
    for number, document in enumerate(base.documents):
        meta = _tagged(document.meta.model_dump())
        if DocumentMeta.model_validate(_untagged(json.loads(json.dumps(meta)))) != document.meta:
            return None  # something JSON cannot carry: better no cache than a different one
        metas.append({"path": document.path, "digest": document.digest, "meta": meta})
        for paragraph in document.paragraphs:
            section = -1 if paragraph.section is None else len(sections)
            if paragraph.section is not None:
                sections.append(paragraph.section)
            table.append((number, paragraph.line, section, len(paragraph.sentences)))
            sentences.extend(paragraph.sentences)
    text, lengths = _pack(sentences)
    section_text, section_lengths = _pack(sections)
    return {
        "documents": np.frombuffer(json.dumps(metas).encode(), dtype=np.uint8),
        "paragraphs": np.array(table, dtype=np.int64).reshape(-1, 4),
        "sentence_text": text,
        "sentence_lengths": lengths,
        "section_text": section_text,
        "section_lengths": section_lengths,
    }


def to_arrays(base: KnowledgeBase, index: IndexArrays) -> dict[str, np.ndarray] | None:
    """Every array to save, or ``None`` if the documents cannot be stored faithfully."""
    arrays = _documents(base)
    if arrays is None:
        return None
    for field in _FIELDS:
        postings: Postings = getattr(index, field)
        arrays[f"{field}_size"] = np.array([postings.size])
        for name, array in postings.arrays().items():
            arrays[f"{field}_{name}"] = array
    for name in ("sentence_terms", "heading_terms"):
        matrix: sp.csr_matrix = getattr(index, name)
        arrays[f"{name}_indptr"] = matrix.indptr.astype(np.int64)
        arrays[f"{name}_indices"] = matrix.indices.astype(np.int64)
        arrays[f"{name}_data"] = matrix.data.astype(np.int64)
    arrays["terms_text"], arrays["terms_lengths"] = _pack(index.terms)
    arrays["words_text"], arrays["words_lengths"] = _pack(list(index.word_counts))
    arrays["words_counts"] = np.array(list(index.word_counts.values()), dtype=np.int64)
    for kind in AnswerType:
        arrays[f"holds_{kind.value}"] = index.holds[kind]
    arrays["heading_of"] = index.heading_of
    arrays["pair_keys"] = index.pair_keys
    arrays["pair_ptr"] = index.pair_ptr
    arrays["pair_sentences"] = index.pair_sentences
    return arrays


def _base(arrays: dict[str, Any], directory: Path) -> KnowledgeBase:
    metas = json.loads(bytes(arrays["documents"]).decode())
    sentences = _unpack(arrays["sentence_text"], arrays["sentence_lengths"])
    sections = _unpack(arrays["section_text"], arrays["section_lengths"])
    paragraphs: list[list[Paragraph]] = [[] for _ in metas]
    at = 0
    for number, line, section, count in arrays["paragraphs"].tolist():
        texts = tuple(sentences[at : at + count])
        if len(texts) != count or not texts:
            raise ValueError("paragraph table does not fit the sentences")
        paragraphs[number].append(
            Paragraph(texts, sections[section] if section >= 0 else None, line)
        )
        at += count
    documents = tuple(
        Document(
            m["path"], DocumentMeta.model_validate(_untagged(m["meta"])), tuple(p), m["digest"]
        )
        for m, p in zip(metas, paragraphs, strict=True)
    )
    return KnowledgeBase(directory=directory, documents=documents)


def _csr(arrays: dict[str, Any], name: str, rows: int, columns: int) -> sp.csr_matrix:
    parts = (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"])
    matrix = sp.csr_matrix(parts, shape=(rows, columns))
    matrix.check_format(full_check=True)
    return matrix


def from_arrays(arrays: dict[str, Any], directory: Path) -> tuple[KnowledgeBase, IndexArrays]:
    """Rebuild the base and the index arrays; ``ValueError`` if anything does not fit."""
    base = _base(arrays, directory)
    fields = {
        f: Postings.from_arrays(
            int(arrays[f"{f}_size"][0]),
            {n: arrays[f"{f}_{n}"] for n in ("indptr", "ids", "scores", "df")},
        )
        for f in _FIELDS
    }
    terms = _unpack(arrays["terms_text"], arrays["terms_lengths"])
    words = _unpack(arrays["words_text"], arrays["words_lengths"])
    n = base.sentence_count
    heading_of = np.asarray(arrays["heading_of"], dtype=np.int64)
    pair_ptr = np.asarray(arrays["pair_ptr"], dtype=np.int64)
    pair_sentences = np.asarray(arrays["pair_sentences"], dtype=np.int64)
    checks = (
        fields["sentences"].size == fields["windows"].size == n == len(heading_of),
        all(len(p.df) == len(terms) for p in fields.values()),
        not n or (heading_of.min() >= 0 and heading_of.max() < fields["headings"].size),
        fields["paragraphs"].size == len(arrays["paragraphs"]),
        all(len(arrays[f"holds_{k.value}"]) == n for k in AnswerType),
        len(pair_ptr) == len(arrays["pair_keys"]) + 1 and pair_ptr[-1] == len(pair_sentences),
        not len(pair_sentences) or (pair_sentences.min() >= 0 and pair_sentences.max() < n),
    )
    if not all(checks):
        raise ValueError("index arrays do not fit the documents")
    index = IndexArrays(
        terms=terms,
        **fields,
        sentence_terms=_csr(arrays, "sentence_terms", n, len(terms)),
        heading_terms=_csr(arrays, "heading_terms", fields["headings"].size, len(terms)),
        heading_of=heading_of,
        holds={k: np.asarray(arrays[f"holds_{k.value}"], dtype=bool) for k in AnswerType},
        pair_keys=np.asarray(arrays["pair_keys"], dtype=np.int64),
        pair_ptr=pair_ptr,
        pair_sentences=pair_sentences,
        word_counts=dict(zip(words, arrays["words_counts"].tolist(), strict=True)),
    )
    return base, index

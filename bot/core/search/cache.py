"""An on-disk copy of a built index, so a restart answers in a second, not after a rebuild.

The cache is one ``.npz`` file of plain arrays (read with ``allow_pickle=False``: a foreign or
damaged file can at worst fail to load, never run code), holding the documents (text,
paragraphs, metadata as JSON) and every array of ``IndexArrays``. A JSON header names the
format, the key and a SHA-256 of every array. The key is a digest of the engine's code (every
source file under ``bot/core``, and the versions of the PDF and web page extractors), the file
size limit and every knowledge file's path and content digest: any change to either makes the
cache miss and the index be rebuilt. A file that is torn, truncated, foreign or tampered with
fails the checks and is ignored. Writing goes to a temporary file renamed into place, so
readers never see half a cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.ingest.documents import KnowledgeBase
from bot.core.ingest.loading import extractor_versions, knowledge_files, load_knowledge
from bot.core.search import serialise
from bot.core.search.build import IndexArrays, build_arrays

logger = logging.getLogger(__name__)

FILE_NAME = "index.npz"
ENGINE = Path(__file__).resolve().parent.parent  # bot/core


def code_version() -> str:
    """Digest of the engine's source: every ``.py`` file under ``bot/core``, walked.

    Walking the tree, rather than listing the modules that decide what an index holds, means a
    renamed or added module can never be left out (or crash start-up): any change to the
    engine's code rebuilds the index once, which costs seconds and is never wrong.
    """
    digest = hashlib.sha256()
    for path in sorted(ENGINE.rglob("*.py")):
        digest.update(path.relative_to(ENGINE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(files: list[tuple[str, str]], max_bytes: int) -> str:
    """Digest of the code, the size limit and every knowledge file's path and content digest.

    The versions of the libraries that extract PDFs and web pages count as code too.
    """
    engine = [code_version(), extractor_versions()]
    payload = json.dumps([serialise.FORMAT, *engine, max_bytes, files])
    return hashlib.sha256(payload.encode()).hexdigest()


def files_on_disk(directory: Path) -> list[tuple[str, str]]:
    """Each knowledge file's path (as documents name it) and content digest."""
    return [
        (str(path.relative_to(directory)), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in knowledge_files(directory)
    ]


def load_indexed(
    directory: Path, *, max_bytes: int, cache_dir: Path
) -> tuple[KnowledgeBase, IndexArrays]:
    """Load and index ``directory``, from the cache in ``cache_dir`` when it is fresh.

    On a miss, the directory is loaded as usual (all or nothing, errors raised) and the cache
    is written under the key of what was actually loaded, so a file changed meanwhile can
    never be cached under the old content's key.
    """
    path = cache_dir / FILE_NAME
    try:
        key = cache_key(files_on_disk(directory), max_bytes)
    except OSError:
        key = ""  # unreadable: the load below reports it properly
    hit = load(path, key, directory) if key else None
    if hit is not None:
        return hit
    base = load_knowledge(directory, max_bytes=max_bytes)
    arrays = build_arrays(base)
    loaded = [(d.path, d.digest) for d in base.documents]
    save(path, cache_key(loaded, max_bytes), base, arrays)
    return base, arrays


def _checksum(arrays: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()


def save(path: Path, key: str, base: KnowledgeBase, index: IndexArrays) -> bool:
    """Write the cache atomically; ``False`` (and a log line) if it cannot be written."""
    arrays = serialise.to_arrays(base, index)
    if arrays is None:
        logger.info("index cache not written: some metadata does not survive JSON")
        return False
    header = {"format": serialise.FORMAT, "key": key, "checksum": _checksum(arrays)}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=".index-", suffix=".partial", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            np.savez(out, allow_pickle=False, **arrays)
        os.replace(scratch, path)
    except OSError as exc:
        logger.warning("index cache not written to %s: %s", path, exc)
        return False
    return True


def load(path: Path, key: str, directory: Path) -> tuple[KnowledgeBase, IndexArrays] | None:
    """The cached base and index for ``key``, or ``None`` if absent, stale or damaged."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays: dict[str, Any] = {name: data[name] for name in data.files}
        header = json.loads(bytes(arrays.pop("header")).decode())
        if header.get("format") != serialise.FORMAT or header.get("key") != key:
            return None
        if header.get("checksum") != _checksum(arrays):
            raise ValueError("checksum mismatch")
        return serialise.from_arrays(arrays, directory)
    except Exception as exc:  # a damaged or foreign file must never stop the bot
        logger.warning("index cache %s ignored: %s", path, exc)
        return None

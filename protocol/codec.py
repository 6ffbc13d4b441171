"""Canonical msgpack encoding and strictly limited decoding.

Canonical form: every message is a msgpack map whose keys are strings in the fixed
order of its schema, every value in msgpack's shortest encoding (as ``msgpack``'s
packer writes it with ``use_bin_type=True``), no floats, no extension types, no
``nil`` except where a field is declared optional. A decoder accepts only bytes that
re-encode to exactly themselves, so every message has exactly one encoding and
every signature and hash is over that one encoding.

Decoding checks, in this order: total size, msgpack well-formedness with per-type
length limits, trailing bytes, nesting depth and value types, the schema (exact
key set and order, types, ranges), and canonical re-encoding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar

import msgpack

from .errors import (
    DecodeError,
    DecodeLimitError,
    DecodeTrailingError,
    DecodeTypeError,
    LocalProtocolError,
    NonCanonicalError,
    SchemaError,
)

INT_MAX = 2**63 - 1

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """Decoder limits; every length and the depth are bounded."""

    max_size: int = 1 << 20
    max_str: int = 1 << 18
    max_bin: int = 1 << 20
    max_array: int = 1024
    max_map: int = 64
    max_depth: int = 8


DEFAULT_LIMITS = Limits()


def _refuse_ext(code: int, data: bytes) -> NoReturn:
    raise DecodeTypeError(f"extension type {code}")


def unpack(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode msgpack bytes under ``limits``; raises only :class:`DecodeError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DecodeTypeError("input is not bytes")
    if len(data) > limits.max_size:
        raise DecodeLimitError(f"{len(data)} bytes > {limits.max_size}")
    if len(data) == 0:
        raise DecodeError("empty input")
    try:
        obj = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=True,
            use_list=True,
            ext_hook=_refuse_ext,
            max_str_len=limits.max_str,
            max_bin_len=limits.max_bin,
            max_array_len=limits.max_array,
            max_map_len=limits.max_map,
            max_ext_len=0,
        )
    except DecodeError:
        raise
    except msgpack.ExtraData as exc:
        raise DecodeTrailingError(f"{len(exc.extra)} extra bytes") from None
    except msgpack.StackError:
        raise DecodeLimitError("nesting too deep") from None
    except ValueError as exc:
        text = str(exc)
        if "exceeds max" in text:
            raise DecodeLimitError("length limit") from None
        if "not allowed for map key" in text:
            raise DecodeTypeError("map key is not a string") from None
        if "Unpack failed: incomplete input" in text or "incomplete" in text:
            raise DecodeError("truncated input") from None
        raise DecodeError("malformed msgpack") from None
    except Exception:  # msgpack raises several internal types on garbage input
        raise DecodeError("malformed msgpack") from None
    _check_tree(obj, limits.max_depth)
    return obj


_SCALARS = (int, str, bytes, bool, type(None))


def _check_tree(obj: Any, max_depth: int) -> None:
    """Refuse floats, extension values and nesting deeper than ``max_depth``."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        kind = type(value)
        if kind in _SCALARS:
            continue
        if depth > max_depth:
            raise DecodeLimitError(f"depth > {max_depth}")
        if kind is list:
            stack.extend((item, depth + 1) for item in value if type(item) not in _SCALARS)
        elif kind is dict:
            stack.extend((item, depth + 1) for item in value.values() if type(item) not in _SCALARS)
        else:
            raise DecodeTypeError(f"value of type {kind.__name__}")


def pack(obj: Any) -> bytes:
    """Encode a wire value (dicts in schema order) in canonical form."""
    try:
        out: bytes = msgpack.packb(obj, use_bin_type=True, strict_types=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise LocalProtocolError(f"cannot encode: {type(exc).__name__}") from None
    return out


# --- schema -----------------------------------------------------------------------


class Spec(Generic[T]):
    """A wire type: ``check`` validates a decoded value, ``wire`` converts back."""

    def check(self, value: Any, path: str) -> T:
        raise NotImplementedError

    def wire(self, value: T) -> Any:
        return value

    @staticmethod
    def fail(path: str, what: str) -> NoReturn:
        raise SchemaError(f"{path}: {what}")


class Int(Spec[int]):
    def __init__(self, lo: int = 0, hi: int = INT_MAX) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any, path: str) -> int:
        if type(value) is not int:
            self.fail(path, "expected integer")
        if not self.lo <= value <= self.hi:
            self.fail(path, f"integer out of range {self.lo}..{self.hi}")
        return value


class Bool(Spec[bool]):
    def check(self, value: Any, path: str) -> bool:
        if type(value) is not bool:
            self.fail(path, "expected boolean")
        return value


class Str(Spec[str]):
    def __init__(
        self,
        max_len: int,
        min_len: int = 0,
        pattern: str | None = None,
        choices: Sequence[str] | None = None,
    ) -> None:
        self.max_len, self.min_len = max_len, min_len
        self.pattern = re.compile(pattern) if pattern else None
        self.choices = frozenset(choices) if choices is not None else None

    def check(self, value: Any, path: str) -> str:
        if type(value) is not str:
            self.fail(path, "expected string")
        if not self.min_len <= len(value) <= self.max_len:
            self.fail(path, f"string length not in {self.min_len}..{self.max_len}")
        if self.choices is not None and value not in self.choices:
            self.fail(path, "value not allowed")
        if self.pattern is not None and not self.pattern.fullmatch(value):
            self.fail(path, "string does not match its pattern")
        if "\x00" in value:
            self.fail(path, "NUL in string")
        return value


class Bin(Spec[bytes]):
    def __init__(self, size: int | None = None, max_len: int | None = None, min_len: int = 0):
        self.size, self.max_len, self.min_len = size, max_len, min_len

    def check(self, value: Any, path: str) -> bytes:
        if type(value) is not bytes:
            self.fail(path, "expected bytes")
        if self.size is not None and len(value) != self.size:
            self.fail(path, f"expected {self.size} bytes")
        if self.max_len is not None and len(value) > self.max_len:
            self.fail(path, f"more than {self.max_len} bytes")
        if len(value) < self.min_len:
            self.fail(path, f"fewer than {self.min_len} bytes")
        return value


class Const(Spec[Any]):
    def __init__(self, value: Any) -> None:
        self.value = value

    def check(self, value: Any, path: str) -> Any:
        if type(value) is not type(self.value) or value != self.value:
            self.fail(path, f"expected {self.value!r}")
        return value


class Opt(Spec[T | None]):
    def __init__(self, inner: Spec[T]) -> None:
        self.inner = inner

    def check(self, value: Any, path: str) -> T | None:
        return None if value is None else self.inner.check(value, path)

    def wire(self, value: T | None) -> Any:
        return None if value is None else self.inner.wire(value)


class List(Spec[tuple[T, ...]]):
    def __init__(
        self, inner: Spec[T], max_len: int, min_len: int = 0, strictly_sorted: bool = False
    ) -> None:
        self.inner, self.max_len, self.min_len = inner, max_len, min_len
        self.strictly_sorted = strictly_sorted

    def check(self, value: Any, path: str) -> tuple[T, ...]:
        if type(value) is not list:
            self.fail(path, "expected array")
        if not self.min_len <= len(value) <= self.max_len:
            self.fail(path, f"array length not in {self.min_len}..{self.max_len}")
        inner = self.inner
        out = tuple(inner.check(item, f"{path}[{i}]") for i, item in enumerate(value))
        if self.strictly_sorted:
            for a, b in zip(out, out[1:], strict=False):
                if not a < b:  # type: ignore[operator]
                    self.fail(path, "array not strictly sorted (duplicates or order)")
        return out

    def wire(self, value: tuple[T, ...]) -> Any:
        inner = self.inner
        return [inner.wire(item) for item in value]


class Tup(Spec[tuple[Any, ...]]):
    """A fixed-length array of differently typed items."""

    def __init__(self, *items: Spec[Any]) -> None:
        self.items = items

    def check(self, value: Any, path: str) -> tuple[Any, ...]:
        if type(value) is not list or len(value) != len(self.items):
            self.fail(path, f"expected array of {len(self.items)}")
        return tuple(
            s.check(v, f"{path}[{i}]")
            for i, (s, v) in enumerate(zip(self.items, value, strict=True))
        )

    def wire(self, value: tuple[Any, ...]) -> Any:
        return [s.wire(v) for s, v in zip(self.items, value, strict=True)]


class Struct(Spec[T]):
    """A map with string keys in a fixed order, converted to a dataclass ``cls``.

    The dataclass's field names are the wire keys, in wire order.
    """

    def __init__(self, cls: Callable[..., T], fields: Sequence[tuple[str, Spec[Any]]]) -> None:
        self.cls = cls
        self.fields = tuple(fields)
        self.keys = tuple(k for k, _ in self.fields)

    @property
    def message_type(self) -> str:
        """The value of the constant ``t`` field that names the message type."""
        key, spec = self.fields[0]
        if key != "t" or not isinstance(spec, Const):
            raise TypeError("not a typed message")
        return str(spec.value)

    def check(self, value: Any, path: str) -> T:
        if type(value) is not dict:
            self.fail(path, "expected map")
        if tuple(value) != self.keys:
            missing = [k for k in self.keys if k not in value]
            unknown = [k for k in value if k not in self.keys]
            if missing:
                self.fail(path, f"missing field {missing[0]!r}")
            if unknown:
                self.fail(path, f"unknown field {str(unknown[0])[:40]!r}")
            raise NonCanonicalError(f"{path}: fields out of order")
        out = {k: spec.check(value[k], f"{path}.{k}") for k, spec in self.fields}
        return self.cls(**out)

    def wire(self, value: T) -> dict[str, Any]:
        return {k: spec.wire(getattr(value, k)) for k, spec in self.fields}


class Message:
    """Base for wire messages: subclasses are frozen dataclasses with a ``SPEC``."""

    SPEC: ClassVar[Struct[Any]]
    if TYPE_CHECKING:
        t: str  # the message type, on messages that have one

    def to_wire(self) -> dict[str, Any]:
        return self.SPEC.wire(self)

    def encode(self) -> bytes:
        """Canonical bytes; checks the value against its own schema first."""
        wire = self.to_wire()
        try:
            self.SPEC.check(wire, type(self).__name__)
        except SchemaError as exc:
            raise LocalProtocolError(exc.detail) from None
        return pack(wire)


M = TypeVar("M")


def decode(data: bytes, spec: Spec[M], limits: Limits = DEFAULT_LIMITS) -> M:
    """Decode canonical bytes into the value ``spec`` describes, or raise DecodeError."""
    obj = unpack(data, limits)
    value = spec.check(obj, "$")
    if pack(obj) != bytes(data):
        raise NonCanonicalError("re-encoding differs")
    return value


def decode_map(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Mapping[str, Any]:
    """Decode bytes that must hold a map (used to dispatch on the type field)."""
    obj = unpack(data, limits)
    if type(obj) is not dict:
        raise SchemaError("$: expected map")
    return obj

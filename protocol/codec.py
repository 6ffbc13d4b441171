"""Canonical msgpack encoding and strictly limited decoding.

Canonical form: every message is a msgpack map whose keys are strings in the fixed
order of its schema, every value in msgpack's shortest encoding (as ``msgpack``'s
packer writes it with ``use_bin_type=True``), no floats, no extension types, no
``nil`` except where a field is declared optional. A decoder accepts only bytes that
re-encode to exactly themselves, so every message has exactly one encoding and
every signature and hash is over that one encoding.

Decoding checks, in this order: total size, msgpack well-formedness with per-type
length limits, trailing bytes, the schema (exact key set and order, types, ranges,
which also bounds nesting), and canonical re-encoding. Untyped decoding
(``decode_map``) walks the value instead to bound depth and refuse foreign types.
"""

from __future__ import annotations

import itertools
import operator
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
    VersionError,
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


def unpack(data: bytes, limits: Limits = DEFAULT_LIMITS, walk: bool = True) -> Any:
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
            max_ext_len=limits.max_bin,  # so that ext_hook refuses it as a type
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
    if walk:
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
#
# ``check(value)`` validates one decoded value and returns its typed form. Errors
# carry the path to the failing field; containers add their part of the path only
# when an error passes through them, so the success path builds no strings.


def _within(exc: SchemaError, part: str) -> SchemaError:
    """Prefix the failing field's path with ``part`` (a key or ``[index]``)."""
    path: list[str] = getattr(exc, "path", [])
    path.insert(0, part if part.startswith("[") else f".{part}")
    what: str = getattr(exc, "what", exc.detail)
    exc.path, exc.what = path, what  # type: ignore[attr-defined]  # set only on errors that pass up
    exc.detail = f"${''.join(path)}: {what}"
    exc.args = (f"{exc.code}: {exc.user_text()} ({exc.detail})",)
    return exc


class Spec(Generic[T]):
    """A wire type: ``check`` validates a decoded value, ``wire`` converts back."""

    def check(self, value: Any) -> T:
        raise NotImplementedError

    def wire(self, value: T) -> Any:
        return value

    def all_valid(self, values: list[Any]) -> bool:
        """A fast, C-level test that every item is valid; False means "check one by one"."""
        return False

    @staticmethod
    def fail(what: str) -> NoReturn:
        raise SchemaError(what)


class Int(Spec[int]):
    def __init__(self, lo: int = 0, hi: int = INT_MAX) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any) -> int:
        if type(value) is not int:
            self.fail("expected integer")
        if not self.lo <= value <= self.hi:
            self.fail(f"integer out of range {self.lo}..{self.hi}")
        return value


class Bool(Spec[bool]):
    def check(self, value: Any) -> bool:
        if type(value) is not bool:
            self.fail("expected boolean")
        return value


class Str(Spec[str]):
    """A string with a length range, and optionally a pattern or a set of choices.

    Strings that passed a pattern are remembered (a bounded set), since node ids and
    category names recur in every message.
    """

    MEMO = 4096

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
        self._seen: set[str] = set()

    def all_valid(self, values: list[Any]) -> bool:
        return set(map(type, values)) == {str} and self._seen.issuperset(values)

    def check(self, value: Any) -> str:
        if type(value) is not str:
            self.fail("expected string")
        if value in self._seen:
            return value
        if not self.min_len <= len(value) <= self.max_len:
            self.fail(f"string length not in {self.min_len}..{self.max_len}")
        if "\x00" in value:
            self.fail("NUL in string")
        if self.choices is not None and value not in self.choices:
            self.fail("value not allowed")
        if self.pattern is not None:
            if not self.pattern.fullmatch(value):
                self.fail("string does not match its pattern")
            if len(self._seen) < self.MEMO:
                self._seen.add(value)
        return value


class Bin(Spec[bytes]):
    def __init__(self, size: int | None = None, max_len: int | None = None, min_len: int = 0):
        self.size, self.min_len = size, min_len
        self.max_len = size if size is not None else max_len

    def all_valid(self, values: list[Any]) -> bool:
        return (
            self.size is not None
            and set(map(type, values)) == {bytes}
            and set(map(len, values)) == {self.size}
        )

    def check(self, value: Any) -> bytes:
        if type(value) is not bytes:
            self.fail("expected bytes")
        n = len(value)
        if self.size is not None:
            if n != self.size:
                self.fail(f"expected {self.size} bytes")
        elif (self.max_len is not None and n > self.max_len) or n < self.min_len:
            self.fail(f"length not in {self.min_len}..{self.max_len}")
        return value


class Const(Spec[Any]):
    def __init__(self, value: Any) -> None:
        self.value = value

    def check(self, value: Any) -> Any:
        if type(value) is not type(self.value) or value != self.value:
            self.fail(f"expected {self.value!r}")
        return value


PROTOCOL_VERSION = 2
"""The ``v`` of every message this software speaks (no earlier version is accepted)."""


class Version(Const):
    """The ``v`` field: a different version is refused with its own code."""

    def check(self, value: Any) -> Any:
        if type(value) is not int or value != self.value:
            raise VersionError(f"version {value!r}; this node speaks {self.value}"[:80])
        return value


class Opt(Spec[T | None]):
    def __init__(self, inner: Spec[T]) -> None:
        self.inner = inner

    def check(self, value: Any) -> T | None:
        return None if value is None else self.inner.check(value)

    def wire(self, value: T | None) -> Any:
        return None if value is None else self.inner.wire(value)


class Omit(Spec[T | None]):
    """A field left out of the map when it has no value: never ``nil`` on the wire.

    A message that gains an ``Omit`` field stays byte for byte what it was for every
    value without it, so what was signed or hashed before still verifies.
    """

    def __init__(self, inner: Spec[T]) -> None:
        self.inner = inner

    def check(self, value: Any) -> T | None:
        if value is None:
            self.fail("nil for a field that is left out when it has no value")
        return self.inner.check(value)

    def wire(self, value: T | None) -> Any:
        return None if value is None else self.inner.wire(value)


class List(Spec[tuple[T, ...]]):
    def __init__(
        self, inner: Spec[T], max_len: int, min_len: int = 0, strictly_sorted: bool = False
    ) -> None:
        self.inner, self.max_len, self.min_len = inner, max_len, min_len
        self.strictly_sorted = strictly_sorted

    def check(self, value: Any) -> tuple[T, ...]:
        if type(value) is not list:
            self.fail("expected array")
        if not self.min_len <= len(value) <= self.max_len:
            self.fail(f"array length not in {self.min_len}..{self.max_len}")
        check = self.inner.check
        if value and self.inner.all_valid(value):
            out = tuple(value)
        else:
            try:
                out = tuple(map(check, value))
            except SchemaError as exc:
                index = next(i for i, item in enumerate(value) if _fails(check, item))
                raise _within(exc, f"[{index}]") from None
        if self.strictly_sorted and len(out) > 1:
            # items of one sortable type (str or bytes) after the checks above
            if not all(map(operator.lt, out, out[1:])):
                self.fail("array not strictly sorted (duplicates or order)")
        return out

    def wire(self, value: tuple[T, ...]) -> Any:
        inner = self.inner
        return [inner.wire(item) for item in value]


def _fails(check: Callable[[Any], Any], item: Any) -> bool:
    try:
        check(item)
    except SchemaError:
        return True
    return False


class Tup(Spec[tuple[Any, ...]]):
    """A fixed-length array of differently typed items."""

    def __init__(self, *items: Spec[Any]) -> None:
        self.items = items

    def check(self, value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) != len(self.items):
            self.fail(f"expected array of {len(self.items)}")
        out = []
        for i, (spec, item) in enumerate(zip(self.items, value, strict=True)):
            try:
                out.append(spec.check(item))
            except SchemaError as exc:
                raise _within(exc, f"[{i}]") from None
        return tuple(out)

    def wire(self, value: tuple[Any, ...]) -> Any:
        return [s.wire(v) for s, v in zip(self.items, value, strict=True)]


class Struct(Spec[T]):
    """A map with string keys in a fixed order, converted to a dataclass ``cls``.

    The dataclass's field names are the wire keys, in wire order.
    """

    def __init__(
        self,
        cls: type[T],
        fields: Sequence[tuple[str, Spec[Any]]],
        finish: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.cls = cls
        self.fields = tuple(fields)
        self.keys = tuple(k for k, _ in self.fields)
        omitted = [k for k, s in self.fields if isinstance(s, Omit)]
        if len(omitted) > 4:
            raise TypeError(f"{cls.__name__}: at most four fields may be left out")
        #: every key sequence a valid map may have (an ``Omit`` field present or not)
        self.key_sets = frozenset(
            tuple(k for k in self.keys if k not in left_out)
            for n in range(len(omitted) + 1)
            for left_out in itertools.combinations(omitted, n)
        )
        self.finish = finish
        self._checks = tuple((k, s.check) for k, s in self.fields)
        self._fast = _compile(self.keys, self.fields)
        self.depth = 1 + max((_depth(s) for _, s in self.fields), default=0)
        if self.depth > DEFAULT_LIMITS.max_depth:
            raise TypeError(f"{cls.__name__} nests deeper than the decoder allows")

    @property
    def message_type(self) -> str:
        """The value of the constant ``t`` field that names the message type."""
        key, spec = self.fields[0]
        if key != "t" or not isinstance(spec, Const):
            raise TypeError("not a typed message")
        return str(spec.value)

    def check(self, value: Any) -> T:
        try:
            fields = self._fast(value)
        except SchemaError:
            fields = None
        if fields is None:
            return self._check_slowly(value)
        return self._build(fields)

    def _build(self, fields: dict[str, Any]) -> T:
        if self.finish is not None:
            self.finish(fields)
        # The value was just checked field by field: build the frozen dataclass
        # without its __init__ (which would set each field through object.__setattr__).
        obj: T = object.__new__(self.cls)
        obj.__dict__.update(fields)
        return obj

    def _check_slowly(self, value: Any) -> T:
        """The generic checks, which raise with the path of the failing field."""
        if type(value) is not dict:
            self.fail("expected map")
        if tuple(value) not in self.key_sets:
            omittable = {k for k, s in self.fields if isinstance(s, Omit)}
            missing = [k for k in self.keys if k not in value and k not in omittable]
            unknown = [k for k in value if k not in self.keys]
            if missing:
                self.fail(f"missing field {missing[0]!r}")
            if unknown:
                self.fail(f"unknown field {str(unknown[0])[:40]!r}")
            raise NonCanonicalError("fields out of order")
        try:
            out = {key: check(value[key]) if key in value else None for key, check in self._checks}
        except SchemaError as exc:
            key = next(k for k, check in self._checks if k in value and _fails(check, value[k]))
            raise _within(exc, key) from None
        return self._build(out)

    def wire(self, value: T) -> dict[str, Any]:
        out = {k: spec.wire(getattr(value, k)) for k, spec in self.fields}
        for k, spec in self.fields:
            if isinstance(spec, Omit) and out[k] is None:
                del out[k]
        return out


def _compile(
    keys: tuple[str, ...], fields: tuple[tuple[str, Spec[Any]], ...]
) -> Callable[[Any], dict[str, Any] | None]:
    """Generate one function that checks a whole map with the leaf checks inlined.

    It returns the checked fields, or None when anything is off; the caller then
    runs the generic checks, which raise the precise error. (The technique of
    attrs and msgspec: no per-field method calls on the common path.)
    """
    env: dict[str, Any] = {"KEYS": keys}
    omitted = [key for key, spec in fields if isinstance(spec, Omit)]
    if omitted:  # the key sequences with an Omit field present or not
        env["KEYS"] = frozenset(
            tuple(k for k in keys if k not in left_out)
            for n in range(len(omitted) + 1)
            for left_out in itertools.combinations(omitted, n)
        )
        test = "tuple(v) not in KEYS"
    else:
        test = "tuple(v) != KEYS"
    lines = ["def fast(v):", f"    if type(v) is not dict or {test}: return None"]
    for i, (key, spec) in enumerate(fields):
        x = f"x{i}"
        if isinstance(spec, Omit):
            env[f"c{i}"] = spec.check  # nil raises: the generic checks name it
            lines.append(f"    {x} = c{i}(v[{key!r}]) if {key!r} in v else None")
            continue
        lines.append(f"    {x} = v[{key!r}]")
        if isinstance(spec, Const):
            env[f"k{i}"] = spec.value
            kind = type(spec.value).__name__
            lines.append(f"    if type({x}) is not {kind} or {x} != k{i}: return None")
        elif isinstance(spec, Int):
            lines.append(
                f"    if type({x}) is not int or not {spec.lo} <= {x} <= {spec.hi}: return None"
            )
        elif isinstance(spec, Bin) and spec.size is not None:
            lines.append(f"    if type({x}) is not bytes or len({x}) != {spec.size}: return None")
        elif isinstance(spec, Bin):
            hi = spec.max_len if spec.max_len is not None else INT_MAX
            lines.append(
                f"    if type({x}) is not bytes or not {spec.min_len} <= len({x}) <= {hi}: "
                "return None"
            )
        elif isinstance(spec, Opt):
            env[f"c{i}"] = spec.inner.check
            lines.append(f"    if {x} is not None: {x} = c{i}({x})")
        else:
            env[f"c{i}"] = spec.check
            lines.append(f"    {x} = c{i}({x})")
    items = ", ".join(f"{key!r}: x{i}" for i, (key, _) in enumerate(fields))
    lines.append(f"    return {{{items}}}")
    exec("\n".join(lines), env)  # generated from the schema, never from input
    fast: Callable[[Any], dict[str, Any] | None] = env["fast"]
    return fast


def _depth(spec: Spec[Any]) -> int:
    """How many container levels a value of ``spec`` can have (scalars: 0)."""
    if isinstance(spec, Struct):
        return spec.depth
    if isinstance(spec, Opt | Omit):
        return _depth(spec.inner)
    if isinstance(spec, List):
        return 1 + _depth(spec.inner)
    if isinstance(spec, Tup):
        return 1 + max((_depth(s) for s in spec.items), default=0)
    return getattr(spec, "depth", 0)


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
            self.SPEC.check(wire)
        except DecodeError as exc:  # schema, version: our own message is malformed
            raise LocalProtocolError(exc.detail) from None
        return pack(wire)


M = TypeVar("M")


def decode(data: bytes, spec: Spec[M], limits: Limits = DEFAULT_LIMITS) -> M:
    """Decode canonical bytes into the value ``spec`` describes, or raise DecodeError."""
    # The schema bounds depth and types exactly (every Struct's depth is checked
    # against the decoder limit when it is defined), so no separate tree walk.
    obj = unpack(data, limits, walk=False)
    value = spec.check(obj)
    if pack(obj) != bytes(data):
        raise NonCanonicalError("re-encoding differs")
    return value


def decode_map(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Mapping[str, Any]:
    """Decode bytes that must hold a map (used to dispatch on the type field)."""
    obj = unpack(data, limits)
    if type(obj) is not dict:
        raise SchemaError("$: expected map")
    return obj

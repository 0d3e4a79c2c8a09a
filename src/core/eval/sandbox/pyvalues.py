"""Python values as tagged JSON, the only form in which a value crosses the sandbox wall.

The grader (TypeScript, outside the sandbox) compares what a program returned with values the
program never sees, so it needs the value itself, not an object: an object could define __eq__ to
be always true. encode() keeps only the builtin data (subclasses are read through the base class's
own methods, so an overridden __iter__ or __str__ changes nothing) and refuses everything else.

    None, bool, str, int up to 2**53  -> themselves          list  -> [..]
    float                             -> {"f": 0.5 | "nan" | "inf" | "-inf"}
    larger int                        -> {"i": "-1f..."} (hex: no digit limit)
    tuple / set / frozenset           -> {"t": [..]} / {"s": [..]} / {"fs": [..]}
    dict                              -> {"d": [[key, value], ..]}
    bytes / complex                   -> {"b": base64} / {"c": [re, im]}
"""
import base64
import json
import math

MAX_DEPTH = 100
_SAFE = 2 ** 53


class Unencodable(Exception):
    pass


def _float(x):
    return {'f': x if math.isfinite(x) else repr(x)}


def _int(x):
    if -_SAFE <= x <= _SAFE:
        return x
    return {'i': ('-' if x < 0 else '') + format(abs(x), 'x')}


def encode(value, depth=0):
    if depth > MAX_DEPTH:
        raise Unencodable('nested more than %d levels deep' % MAX_DEPTH)
    d = depth + 1
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return _int(value)
    if t is float:
        return _float(value)
    if t is list:
        return [encode(v, d) for v in value]
    if t is tuple:
        return {'t': [encode(v, d) for v in value]}
    if t is dict:
        return {'d': [[encode(k, d), encode(v, d)] for k, v in value.items()]}
    if t is set:
        return {'s': [encode(v, d) for v in value]}
    if t is frozenset:
        return {'fs': [encode(v, d) for v in value]}
    if t is bytes:
        return {'b': base64.b64encode(value).decode('ascii')}
    if t is complex:
        return {'c': [_float(value.real), _float(value.imag)]}
    # Subclasses (IntEnum, namedtuple, OrderedDict, Counter, numpy.float64, ...): their builtin data only.
    if isinstance(value, int):
        return _int(int.__int__(value))
    if isinstance(value, float):
        return _float(float.__float__(value))
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, list):
        return encode(list.__getitem__(value, slice(None)), depth)
    if isinstance(value, tuple):
        return encode(tuple.__getitem__(value, slice(None)), depth)
    if isinstance(value, dict):
        return {'d': [[encode(k, d), encode(v, d)] for k, v in dict.items(value)]}
    if isinstance(value, frozenset):
        return {'fs': [encode(v, d) for v in frozenset.__iter__(value)]}
    if isinstance(value, set):
        return {'s': [encode(v, d) for v in set.__iter__(value)]}
    if isinstance(value, bytes):
        return encode(bytes.__bytes__(value), depth)
    index = getattr(t, '__index__', None)
    if index is not None and not isinstance(value, (type, float, complex)):
        # integer-like scalars (numpy.int64): the int they stand for
        return _int(int.__int__(index(value)))
    raise Unencodable('a value of type %s' % t.__name__)


def dumps(value):
    """One tagged JSON text; raises Unencodable (including for a value too deep for json itself)."""
    try:
        return json.dumps(encode(value), allow_nan=False, separators=(',', ':'))
    except RecursionError:
        raise Unencodable('nested too deeply')


def decode(wire):
    """Tagged JSON (already parsed) back to a Python value: how inputs reach a program."""
    if wire is None or isinstance(wire, (bool, str, int)):
        return wire
    if isinstance(wire, float):
        return wire
    if isinstance(wire, list):
        return [decode(v) for v in wire]
    if isinstance(wire, dict) and len(wire) == 1:
        (tag, v), = wire.items()
        if tag == 'f':
            return float(v)
        if tag == 'i':
            return -int(v[1:], 16) if v.startswith('-') else int(v, 16)
        if tag == 't':
            return tuple(decode(x) for x in v)
        if tag == 's':
            return set(decode(x) for x in v)
        if tag == 'fs':
            return frozenset(decode(x) for x in v)
        if tag == 'd':
            return {decode(k): decode(x) for k, x in v}
        if tag == 'b':
            return base64.b64decode(v)
        if tag == 'c':
            return complex(decode(v[0]), decode(v[1]))
    raise ValueError('not a tagged value: %r' % (wire,))

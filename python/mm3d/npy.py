"""Encoding arrays as .npy bytes (format version 1.0), with the standard library only.

This module owns turning what a notebook user holds -- a NumPy array, a torch tensor or anything
exposing ``__array__`` (through NumPy when it is installed), or nested lists of numbers (without
NumPy) -- into the bytes ``np.save`` would write for a C-ordered, little-endian array. The tool
reads them with its own .npy reader, so only the dtypes it reads are accepted: floats, ints,
unsigned ints and bools. Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
"""

import numbers
import struct

MAGIC = b"\x93NUMPY"
#: numpy pads the header so that the data starts at a multiple of 64 bytes.
ALIGN = 64
GROWTH_AXIS_MAX_DIGITS = 21
#: dtype kinds the tool reads: bool, signed int, unsigned int, float.
READABLE_KINDS = "biuf"
READABLE_SIZES = {"b": (1,), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8), "f": (2, 4, 8)}


def header_bytes(descr, shape):
    """The version 1.0 header for a C-ordered array, byte for byte as numpy writes it."""
    if len(shape) == 1:
        shape_text = "(%d,)" % shape[0]
    else:
        shape_text = "(" + ", ".join("%d" % d for d in shape) + ")"
    text = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    # numpy (since 1.23) leaves room for the first dimension to grow to 21 digits when appending.
    if shape:
        text += " " * (GROWTH_AXIS_MAX_DIGITS - len(str(shape[0])))
    # magic (6) + version (2) + length (2) + text + '\n', rounded up to ALIGN with spaces.
    pad = -(len(MAGIC) + 4 + len(text) + 1) % ALIGN
    text = text + " " * pad + "\n"
    if len(text) > 0xFFFF:
        raise ValueError("the array has too many dimensions for a .npy version 1.0 header")
    return MAGIC + b"\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def _from_numpy_like(obj):
    """Bytes of an array through numpy (None when numpy is missing)."""
    try:
        import numpy as np
    except ImportError:
        return None
    # torch tensors: leave the autograd graph and the GPU first (np.asarray refuses both).
    for step in ("detach", "cpu"):
        method = getattr(obj, step, None)
        if callable(method) and hasattr(obj, "__array__"):
            obj = method()
    arr = np.asarray(obj)
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind not in READABLE_KINDS or size not in READABLE_SIZES[kind]:
        raise TypeError(
            "unsupported dtype %s: mm3d reads floats, ints and bools (convert with .astype('float32'))" % arr.dtype
        )
    # Little-endian and C order, which is what the header declares.
    if arr.dtype.str[0] == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    descr = arr.dtype.str  # e.g. '<f4', '|b1', '|u1'
    return header_bytes(descr, arr.shape) + arr.tobytes(order="C")


def _shape_of_nested(obj):
    if isinstance(obj, (list, tuple)):
        if not obj:
            return (0,)
        inner = [_shape_of_nested(x) for x in obj]
        if any(s != inner[0] for s in inner):
            raise ValueError("nested lists must be rectangular (all rows the same length)")
        return (len(obj),) + inner[0]
    if isinstance(obj, bool) or isinstance(obj, numbers.Real):
        return ()
    raise TypeError("cannot turn %s into an array: give a NumPy array, a tensor or nested lists of numbers" % type(obj).__name__)


def _flatten(obj, out):
    if isinstance(obj, (list, tuple)):
        for x in obj:
            _flatten(x, out)
    else:
        out.append(float(obj))


def _from_nested_lists(obj):
    shape = _shape_of_nested(obj)
    values = []
    _flatten(obj, values)
    return header_bytes("<f8", shape) + struct.pack("<%dd" % len(values), *values)


def to_npy(obj):
    """The .npy bytes of ``obj``: .npy bytes (kept as they are), an array-like, or nested lists."""
    if isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
        if not data.startswith(MAGIC):
            raise ValueError("bytes given as an array must be a .npy file (they start with \\x93NUMPY)")
        return data
    if isinstance(obj, (list, tuple)):
        return _from_nested_lists(obj)
    encoded = _from_numpy_like(obj)
    if encoded is not None:
        return encoded
    if hasattr(obj, "__array__") or hasattr(obj, "detach"):
        raise ImportError("numpy is needed to read %s objects (pip install numpy), or pass nested lists" % type(obj).__name__)
    if isinstance(obj, (bool, numbers.Real)):
        return _from_nested_lists(obj)
    raise TypeError("cannot turn %s into an array: give a NumPy array, a tensor or nested lists of numbers" % type(obj).__name__)

"""mm3d.npy: the bytes must be what numpy's own np.save writes (compared byte for byte)."""

import io
import struct
import unittest

from mm3d.npy import header_bytes, to_npy

try:
    import numpy as np
except ImportError:  # .ci/run installs Debian's python3-numpy
    np = None


def np_save_bytes(arr):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


@unittest.skipIf(np is None, "numpy is not installed (apt-get install python3-numpy)")
class AgainstNumpy(unittest.TestCase):
    def test_float32_float64_ints_bools(self):
        rng = np.random.default_rng(1)
        arrays = [
            rng.standard_normal((3, 4)).astype(np.float32),
            rng.standard_normal((2, 3, 5)),  # float64
            np.arange(-6, 6, dtype=np.int32).reshape(3, 4),
            np.array([[1, -(2**40)], [3, 2**50]], dtype=np.int64),
            np.arange(10, dtype=np.uint8),
            np.array([[True, False], [False, True]]),
            np.array([0.5, -1.25, 3.0], dtype=np.float16),
            np.float32(2.5).reshape(()),  # a 0-d array
            np.zeros((0, 4), dtype=np.float32),
        ]
        for arr in arrays:
            with self.subTest(dtype=str(arr.dtype), shape=arr.shape):
                self.assertEqual(to_npy(arr), np_save_bytes(arr))

    def test_long_shape_header_alignment(self):
        arr = np.zeros((1,) * 20, dtype=np.float32)
        out = to_npy(arr)
        self.assertEqual(out, np_save_bytes(arr))
        header_len = struct.unpack("<H", out[8:10])[0]
        self.assertEqual((10 + header_len) % 64, 0)

    def test_fortran_order_and_views_become_c_order(self):
        base = np.arange(12, dtype=np.float64).reshape(3, 4)
        for arr in (np.asfortranarray(base), base.T, base[:, ::2]):
            with self.subTest(strides=arr.strides):
                out = to_npy(arr)
                self.assertEqual(out, np_save_bytes(np.ascontiguousarray(arr)))
                self.assertTrue(np.array_equal(np.load(io.BytesIO(out)), arr))

    def test_big_endian_becomes_little_endian(self):
        arr = np.array([[1.5, -2.0], [3.25, 4.0]], dtype=">f4")
        out = to_npy(arr)
        self.assertEqual(out, np_save_bytes(arr.astype("<f4")))
        back = np.load(io.BytesIO(out))
        self.assertEqual(back.dtype.str, "<f4")
        self.assertTrue(np.array_equal(back, arr))

    def test_torch_like_object(self):
        values = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
        calls = []

        class FakeTensor:
            """Like a torch tensor: detach() and cpu() give tensors, __array__ gives the values."""

            def detach(self):
                calls.append("detach")
                return self

            def cpu(self):
                calls.append("cpu")
                return self

            def __array__(self, dtype=None, copy=None):
                return values if dtype is None else values.astype(dtype)

        self.assertEqual(to_npy(FakeTensor()), np_save_bytes(values))
        self.assertEqual(calls, ["detach", "cpu"])

    def test_plain_array_interface_object(self):
        values = np.arange(6, dtype=np.int64).reshape(2, 3)

        class Wrapper:
            def __array__(self, dtype=None, copy=None):
                return values

        self.assertEqual(to_npy(Wrapper()), np_save_bytes(values))

    def test_nested_lists_are_float64(self):
        lists = [[1, 2, 3], [4.5, -5, 6]]
        self.assertEqual(to_npy(lists), np_save_bytes(np.array(lists, dtype="<f8")))

    def test_unreadable_dtypes_are_refused(self):
        for arr in (np.array([1 + 2j]), np.array(["a", "b"]), np.array([object()], dtype=object),
                    np.array(["2020-01-01"], dtype="datetime64[D]")):
            with self.subTest(dtype=str(arr.dtype)):
                with self.assertRaisesRegex(TypeError, "unsupported dtype"):
                    to_npy(arr)


class WithoutNumpy(unittest.TestCase):
    """Paths that need no numpy: checked against hand-written bytes."""

    def test_header_as_numpy_writes_it(self):
        h = header_bytes("<f4", (2, 3))
        text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        self.assertEqual(h[:10], b"\x93NUMPY\x01\x00" + struct.pack("<H", 118))
        self.assertEqual(h[10:], (text + " " * (128 - 10 - len(text) - 1) + "\n").encode())
        self.assertEqual(len(h), 128)
        self.assertIn(b"'shape': (5,)", header_bytes("<f8", (5,)))
        self.assertIn(b"'shape': ()", header_bytes("<f8", ()))

    def test_nested_lists_by_hand(self):
        out = to_npy([[1, 2], [3, 4.5], [-1, 0]])
        self.assertEqual(out[:128], header_bytes("<f8", (3, 2)))
        self.assertEqual(out[128:], struct.pack("<6d", 1, 2, 3, 4.5, -1, 0))
        self.assertEqual(to_npy([True, False])[-16:], struct.pack("<2d", 1, 0))

    def test_npy_bytes_pass_through(self):
        data = header_bytes("<f8", (1,)) + struct.pack("<d", 7.0)
        self.assertEqual(to_npy(data), data)
        self.assertEqual(to_npy(bytearray(data)), data)
        with self.assertRaisesRegex(ValueError, "must be a .npy file"):
            to_npy(b"a,b\n1,2\n")

    def test_bad_inputs(self):
        with self.assertRaisesRegex(ValueError, "rectangular"):
            to_npy([[1, 2], [3]])
        with self.assertRaisesRegex(TypeError, "cannot turn str"):
            to_npy([["a"]])
        with self.assertRaises(TypeError):
            to_npy({"a": 1})


if __name__ == "__main__":
    unittest.main()

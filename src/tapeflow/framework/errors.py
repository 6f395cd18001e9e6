"""TF's error classes (`tf.errors.*`), all subclasses of `OpError`.

>>> import tapeflow as tf
>>> issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
True
"""

__all__ = [
    "OpError", "CancelledError", "UnknownError", "InvalidArgumentError",
    "DeadlineExceededError", "NotFoundError", "AlreadyExistsError",
    "PermissionDeniedError", "ResourceExhaustedError",
    "FailedPreconditionError", "AbortedError", "OutOfRangeError",
    "UnimplementedError", "InternalError", "UnavailableError",
    "DataLossError", "UnauthenticatedError",
]


class OpError(Exception):
    """Base class of errors raised by ops; carries `node_def`, `op`, `message`."""

    def __init__(self, node_def=None, op=None, message="", *args):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self):
        return self.message


def _make(name, doc, base=OpError, extra=()):
    cls = type(name, (base, *extra), {"__doc__": doc})
    return cls


CancelledError = _make("CancelledError", "An operation was cancelled.")
UnknownError = _make("UnknownError", "An unknown error.")
InvalidArgumentError = _make(
    "InvalidArgumentError", "An op received an invalid argument (bad dtype, shape or value).",
    extra=(ValueError,))
DeadlineExceededError = _make("DeadlineExceededError", "A deadline expired.")
NotFoundError = _make("NotFoundError", "A requested entity (e.g. a file) was not found.")
AlreadyExistsError = _make("AlreadyExistsError", "An entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", "Permission denied.")
ResourceExhaustedError = _make("ResourceExhaustedError", "A resource was exhausted.")
FailedPreconditionError = _make("FailedPreconditionError", "The system is not in a state to run the op.")
AbortedError = _make("AbortedError", "An operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", "An operation iterated past the valid range.")
UnimplementedError = _make("UnimplementedError", "An operation is not implemented.")
InternalError = _make("InternalError", "An internal invariant was broken.")
UnavailableError = _make("UnavailableError", "The runtime is unavailable.")
DataLossError = _make("DataLossError", "Unrecoverable data loss or corruption.")
UnauthenticatedError = _make("UnauthenticatedError", "Missing valid authentication credentials.")


_TF_KIND = {"float32": "float", "float64": "double", "float16": "half"}


def dtype_mismatch(op_type, idx, want, got):
    """TF's InvalidArgumentError for operands of op `op_type` with different dtypes.

    >>> import tapeflow as tf
    >>> str(dtype_mismatch("AddV2", 1, tf.float32, tf.int32)).split(" (")[0]
    'cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor but is a int32 tensor'
    """
    w, g = _TF_KIND.get(want.name, want.name), _TF_KIND.get(got.name, got.name)
    return invalid_argument(
        f"cannot compute {op_type} as input #{idx}(zero-based) was expected to be a "
        f"{w} tensor but is a {g} tensor (dtypes {want.name} and {got.name} differ; "
        "tapeflow never promotes dtypes implicitly: use tf.cast)", op_type)


def invalid_argument(message, op=None):
    """Builds an InvalidArgumentError whose text ends with TF's `[Op:Name]` tag."""
    if op:
        message = f"{message} [Op:{op}]"
    return InvalidArgumentError(None, op, message)

import pytest

# support.py asserts as the tests do; pytest rewrites it so that a failure shows its values.
pytest.register_assert_rewrite("tests.protocol.support")

"""What every resource kind shares; it knows no kind: nothing here imports a kind or
branches on one (``tests/unit/test_layout.py``)."""

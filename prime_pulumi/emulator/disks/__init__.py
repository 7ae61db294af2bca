"""Disks: routes and JSON shapes (``wire``), lifecycle (``state``), endpoints (``routes``)."""

"""GPU and disk offers: routes and JSON shapes (``wire``), the marketplace (``state``), its
default content (``catalogue``), endpoints (``routes``).
"""

"""Admin clusters: route and JSON shapes (``wire``), clusters held (``state``), endpoints
(``routes``).
"""

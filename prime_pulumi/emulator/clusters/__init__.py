"""Admin clusters: route and JSON shapes (``wire``), the clusters held (``state``),
endpoints (``routes``)."""

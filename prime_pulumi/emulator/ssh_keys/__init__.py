"""SSH keys: routes and JSON shapes (``wire``), the account's keys (``state``), endpoints
(``routes``)."""

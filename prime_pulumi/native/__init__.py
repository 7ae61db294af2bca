"""The native face (in progress, issue 17): ``pulumi-resource-prime`` and its package schema.

``plugin.py`` is the process the engine starts; ``server.py`` serves Pulumi's
``ResourceProvider`` protocol over the same kind operations the dynamic face
serves, translating values (``values.py``, ``names.py``); ``schema.py`` makes the
package schema from the same models, and ``schema.json`` is that schema,
committed and shipped.
"""

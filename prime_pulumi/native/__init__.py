"""The native face (in progress, issue 17): the Pulumi package schema of every kind.

``schema.py`` makes the package schema from the same models the dynamic face
serves (each input and output, its description, its secrecy; the provider's
configuration from the ``prime:*`` settings), with property names in Pulumi's
camelCase (``names.py``); ``schema.json`` is that schema, committed and shipped.
"""

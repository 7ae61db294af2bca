"""Everything about pods: the ``Pod`` resource, its inputs and outputs, its operations, offers."""

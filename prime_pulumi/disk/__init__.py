"""Everything about disks: the ``Disk`` resource, its inputs and outputs, its operations, offers."""

"""What every resource kind shares; it knows no kind (no module here names a pod or a disk)."""

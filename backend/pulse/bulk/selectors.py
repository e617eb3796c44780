from typing import Any

from pulse.bulk.models import BulkOperation
from pulsekit.errors import NotFound
from pulsekit.ids import valid_id


def bulk_operation_get(*, user: Any, operation_id: int) -> BulkOperation:
    """The requester's (or, for staff, anyone's) operation; its submitted items are not loaded."""
    found = BulkOperation.objects.defer("items").filter(pk=operation_id) if valid_id(operation_id) else None
    operation = found.first() if found is not None else None
    if operation is None or not (user.is_staff or operation.requested_by_id == user.pk):
        raise NotFound("Bulk operation not found.")
    return operation

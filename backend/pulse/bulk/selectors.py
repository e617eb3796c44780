from typing import Any

from pulse.bulk.models import BulkOperation
from pulsekit.errors import NotFound

MAX_ID = 2**63 - 1


def bulk_operation_get(*, user: Any, operation_id: int) -> BulkOperation:
    """The requester's (or, for staff, anyone's) operation; its submitted items are not loaded."""
    operation = (
        BulkOperation.objects.defer("items").filter(pk=operation_id).first() if 0 < operation_id <= MAX_ID else None
    )
    if operation is None or not (user.is_staff or operation.requested_by_id == user.pk):
        raise NotFound("Bulk operation not found.")
    return operation

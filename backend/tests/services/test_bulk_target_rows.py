"""The bulk operation's plain row class reads the columns in the order they are selected."""

from pulse.bulk.services import LOADED_FIELDS, _Target


def test_every_loaded_field_lands_in_its_own_attribute() -> None:
    values = tuple(f"value of {name}" for name in LOADED_FIELDS)

    row = _Target(values)

    assert [getattr(row, name) for name in LOADED_FIELDS] == list(values)
    assert row.pk == row.id == "value of id"

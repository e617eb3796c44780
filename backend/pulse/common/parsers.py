"""The API's JSON parser: orjson, with nesting bounded (pulsekit.parsers)."""

from drf_orjson_renderer.parsers import ORJSONParser

from pulsekit.parsers import MaxDepthMixin


class JSONParser(MaxDepthMixin, ORJSONParser):
    """orjson refuses only past 1,024 levels; a body nested deeper than 32 is a 400 here, before any
    serializer walks it (at 950 levels the serializers' error messages hit RecursionError)."""

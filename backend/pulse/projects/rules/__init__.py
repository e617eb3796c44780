"""The projects domain's rules, each written once, for the single-project services, the set-based
bulk path and the API's pre-checks alike: who may do what (``permissions``), the lifecycle table
(``lifecycle``), field and date validation (``validation``), the shape of a project's activity row
(``activity``) and who is told of a transition (``notifications``)."""

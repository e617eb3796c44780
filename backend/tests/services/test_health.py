import datetime

from pulse.projects.health import MilestoneFacts, compute_health, expected_progress, weighted_progress

TODAY = datetime.date(2026, 6, 1)


def facts(**kw):
    base = {"title": "M", "status": "in_progress", "start_date": None, "due_date": None, "progress": 0}
    return MilestoneFacts(**(base | kw))


def health(**kw):
    base = {"status": "active", "progress": 50, "start_date": None, "due_date": None, "milestones": [], "today": TODAY}
    return compute_health(**(base | kw))


def test_on_track_without_signals():
    assert health() == ("on_track", [])


def test_overdue_project_is_off_track_with_reason():
    result, reasons = health(due_date=TODAY - datetime.timedelta(days=1))
    assert result == "off_track"
    assert reasons[0]["code"] == "project_overdue"


def test_one_overdue_milestone_is_at_risk_two_are_off_track():
    late = facts(due_date=TODAY - datetime.timedelta(days=2))
    assert health(milestones=[late])[0] == "at_risk"
    assert health(milestones=[late, facts(status="missed")])[0] == "off_track"


def test_progress_lagging_schedule():
    start, due = TODAY - datetime.timedelta(days=50), TODAY + datetime.timedelta(days=50)
    assert health(start_date=start, due_date=due, progress=45)[0] == "on_track"
    assert health(start_date=start, due_date=due, progress=35)[0] == "at_risk"
    assert health(start_date=start, due_date=due, progress=20)[0] == "off_track"


def test_closed_projects_are_on_track():
    assert health(status="completed", due_date=TODAY - datetime.timedelta(days=9)) == ("on_track", [])


def test_expected_and_weighted_progress():
    assert expected_progress(TODAY, TODAY + datetime.timedelta(days=10), TODAY + datetime.timedelta(days=5)) == 50
    assert expected_progress(None, TODAY, TODAY) is None
    assert weighted_progress([(100, 3), (0, 1)]) == 75
    assert weighted_progress([]) is None

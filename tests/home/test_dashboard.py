"""The customisable homepage and its widget registry."""

from myhealth.accounts.models import Role
from myhealth.home import registry
from tests.accounts.helpers import post_form


def test_homepage_shows_each_registered_widget(db, world, signed_in):
    html = signed_in(world.patient_user).get("/home").get_data(as_text=True)
    for widget in registry.widgets_for_role(Role.PATIENT):
        assert f'id="widget-{widget.id}"' in html
    assert world.patient.formatted_nhs_number in html
    assert world.practice.name in html
    assert "Two-factor authentication:" in html


def test_a_patient_can_hide_and_reorder_widgets(db, world, signed_in):
    client = signed_in(world.patient_user)
    post_form(client, "/home/customise", {"widgets": []})
    html = client.get("/home").get_data(as_text=True)
    assert 'id="widget-account-security"' not in html
    assert 'id="widget-your-details"' in html  # cannot be hidden

    post_form(client, "/home/customise", {"widgets": ["account-security"]})
    for _ in range(len(registry.widgets_for_role(Role.PATIENT)) - 1):
        post_form(
            client,
            "/home/customise/move",
            {"widget": "account-security", "direction": "up"},
            token_from="/home/customise",
        )
    html = client.get("/home").get_data(as_text=True)
    assert html.index('id="widget-account-security"') < html.index('id="widget-your-details"')


def test_one_persons_layout_does_not_change_anothers(db, world, signed_in):
    post_form(signed_in(world.patient_user), "/home/customise", {"widgets": []})
    other = signed_in(world.other_patient_user).get("/home").get_data(as_text=True)
    assert 'id="widget-account-security"' in other


def test_unknown_widget_is_refused(db, world, signed_in):
    client = signed_in(world.patient_user)
    response = post_form(client, "/home/customise", {"widgets": ["not-a-widget"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "not a valid choice" in html


def test_homepage_query_count_is_fixed(db, world, signed_in, query_counter):
    client = signed_in(world.patient_user)
    client.get("/home")
    with query_counter as counted:
        client.get("/home")
    assert counted.count <= 20

def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_landing_page_is_nhs_styled(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="nhsuk-header' in html
    assert 'href="#maincontent"' in html
    assert "Create an account" in html

"""The files asked for at fixed addresses (issue 16): /robots.txt for crawlers, /favicon.ico for browsers
and chat apps' link previews. Lighthouse's SEO audit reads the first; a missing second is a 404 in the
console."""

import struct
import urllib.robotparser


def test_robots_txt_lets_crawlers_read_public_pages_but_not_logins(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    for public in ("/roles/", "/roles/store-cs/", "/orgchart/", "/orgchart/vacancies/"):
        assert robots.can_fetch("Baiduspider", public), public
    for private in ("/admin/", "/accounts/login/", "/api/v1/roles/"):
        assert not robots.can_fetch("Baiduspider", private), private


def test_favicon_ico_is_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    body = response.content
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", body[16:24])  # the IHDR chunk: the image's size
    assert (width, height) == (32, 32)
    assert "max-age=86400" in response["Cache-Control"]

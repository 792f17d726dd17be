"""The shop profile, pay-policy defaults and the first administrator."""

from decimal import Decimal
from io import StringIO

from django.contrib.auth.models import Group, User
from django.core.management import call_command

from roles.apps import HR_GROUP, MANAGER_GROUP
from shopconfig.models import PayPolicy, ShopProfile


def test_the_shop_profile_is_a_single_row(db):
    profile = ShopProfile.load()
    profile.company_name = "杭州某某电商"
    profile.save()
    assert ShopProfile.load().company_name == "杭州某某电商"
    assert ShopProfile.objects.count() == 1


def test_pay_policy_defaults_are_the_seed_rules(db):
    """全勤奖金为基本工资10%，迟到、早退、请假3次或无故旷工一天以上取消全勤奖."""
    policy = PayPolicy.load()
    assert (policy.attendance_bonus_rate, policy.attendance_incident_limit, policy.absence_days_limit) == (
        Decimal("0.10"),
        3,
        1,
    )
    assert str(policy.attendance_bonus_rate) == "0.10"
    assert (policy.warning_consecutive_months, policy.warning_score) == (3, 60)


def test_migrate_creates_the_hr_and_manager_groups(db):
    hr = Group.objects.get(name=HR_GROUP)
    assert hr.permissions.filter(codename="change_role").exists()
    assert hr.permissions.filter(codename="delete_role").exists()
    managers = Group.objects.get(name=MANAGER_GROUP)
    assert set(managers.permissions.values_list("codename", flat=True)) >= {"view_role", "view_payscheme"}
    assert not managers.permissions.filter(codename="change_role").exists()


def test_ensure_admin_creates_the_account_and_prints_how_to_log_in(db, monkeypatch):
    monkeypatch.setenv("ROLEATLAS_ADMIN_USERNAME", "boss")
    monkeypatch.setenv("ROLEATLAS_ADMIN_PASSWORD", "Very-Secret-42")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "user: boss  password: Very-Secret-42" in out.getvalue()
    assert User.objects.get(username="boss").check_password("Very-Secret-42")
    call_command("ensure_admin", stdout=StringIO())
    assert User.objects.filter(is_superuser=True).count() == 1


def test_the_admin_home_is_in_chinese_by_default_and_english_on_request(db, client):
    # force_login: django-axes' backend needs the request that Client.login() does not pass.
    client.force_login(User.objects.create_superuser("root", password="pw-Secret-123"))
    assert "岗位目录" in client.get("/admin/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Role catalogue" in client.get("/admin/").content.decode()

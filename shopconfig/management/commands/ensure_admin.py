import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = (
        "Create the first administrator if none exists and print how to log in. "
        "ROLEATLAS_ADMIN_USERNAME / ROLEATLAS_ADMIN_PASSWORD set the account; "
        "otherwise a password is generated once and kept in .admin-password."
    )

    def handle(self, *args, **options):
        username = os.environ.get("ROLEATLAS_ADMIN_USERNAME", "admin")
        password = os.environ.get("ROLEATLAS_ADMIN_PASSWORD")
        if not password and PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
        if not password:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            User.objects.create_superuser(username, password=password)
            self.stdout.write(f"Created administrator “{username}”.")
        elif not user.check_password(password):
            self.stdout.write(f"Administrator “{username}” exists with a password set elsewhere; left unchanged.")
            return
        self.stdout.write(
            f"管理员登录 / Admin login: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
        )

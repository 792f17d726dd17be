"""The roster page's form: one .xlsx file, read into rows when the form is cleaned."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from roles.importer.errors import UnreadableFile

from . import parser


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Excel .xlsx with the columns 姓名, 工号, 岗位 (title or role number), 班次, 入职日期, 离职日期."),
    )

    def clean(self):
        """Read the upload (name and size first): cleaned_data gets `roster` (parser.Roster)."""
        data = super().clean()
        upload = data.get("file")
        if upload:
            try:
                data["roster"] = parser.read_upload(upload)
            except UnreadableFile as error:
                raise ValidationError(error.message) from None
        return data

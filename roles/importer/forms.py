"""The import page's form: pasted text or an uploaded file, read into text."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import sources
from .errors import JobDescriptionImportError


class ImportForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the job descriptions"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text=_("Paste one or more job descriptions, e.g. “运营总监职责描述 部门… 职级… 职责1、…”."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
        help_text=_(".txt (UTF-8 or GB18030) or .docx"),
    )

    def clean(self):
        """Read the upload (size first) or check the pasted text: cleaned_data gets `source_text`."""
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        try:
            if upload:
                data["source_text"], data["source_name"] = sources.read_upload(upload), upload.name
            elif text.strip():
                data["source_text"], data["source_name"] = sources.check_text(text), ""
            else:
                raise ValidationError(_("Paste the text of a job description or choose a file."))
        except JobDescriptionImportError as error:
            raise ValidationError(error.message) from None
        return data

"""Build the POST data an admin change form would submit, from the form Django rendered."""


def _field_values(form, data):
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        if isinstance(value, (list, tuple)):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value) if value is not True else "on"


def change_form_data(response):
    """The admin form and all its inlines as a browser would post them unchanged."""
    data = {}
    _field_values(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):  # none on simple-history's version page
        formset = inline.formset
        _field_values(formset.management_form, data)
        for form in formset.forms:
            _field_values(form, data)
    return data


def error_text(response):
    """All form and inline errors shown on an admin change form, as one string."""
    errors = [str(response.context["adminform"].form.errors), str(response.context["errors"])]
    for inline in response.context["inline_admin_formsets"]:
        errors.append(str(inline.formset.non_form_errors()))
        errors.extend(str(f.errors) for f in inline.formset.forms)
    return " ".join(errors)

"""Template helpers shared by every form page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("core/error_summary.html")
def error_summary(*forms):
    """All errors of the given forms, in field order, each linking to its field's block.

    `{% error_summary form %}` or `{% error_summary plan_form record_form %}`; forms that
    are None or unbound are skipped, so one page template serves GET and POST.
    """
    items = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        for message in form.non_field_errors():
            items.append({"anchor": "", "label": "", "message": message})
        for name, field in form.fields.items():
            bound = form[name]
            for message in bound.errors:
                anchor = "" if field.widget.is_hidden else f"field-{bound.html_name}"
                items.append({"anchor": anchor, "label": bound.label, "message": message})
    return {"error_summary": items}

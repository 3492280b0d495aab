"""Documents rendered to PDF from a template: the contract, the warning letter, the breach pack."""

from io import BytesIO

from django.template.loader import render_to_string
from xhtml2pdf import pisa


def html_to_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` to PDF (xhtml2pdf: pure Python, so no system libraries to install).

    A heading is kept on the page of what follows it (`-pdf-keep-with-next` in the templates' style).
    """
    html = render_to_string(template_name, context)
    output = BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"The PDF could not be made from {template_name} ({result.err} errors)")
    return output.getvalue()

"""What a browser makes of a download response."""

from email.message import EmailMessage


def attachment_filename(response):
    """The file name a browser saves the download under, parsed from Content-Disposition the way
    mail and HTTP clients read it (RFC 6266, RFC 5987 `filename*`); the response must be an attachment."""
    message = EmailMessage()
    message["Content-Disposition"] = response["Content-Disposition"]
    assert message.get_content_disposition() == "attachment"
    return message.get_filename()
